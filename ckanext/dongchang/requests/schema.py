"""navl schemas of the access-request actions (F-4): types and sizes; the rules come after
(``requests/rules.py``). Each field of a request is listed here, once."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema

from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.kernel.schema import (
    date_field,
    decision_schema,
    flag_field,
    id_list,
    paging_schema,
    row_schema,
    strict_flag,
    text_field,
)

_list_of_ids = id_list(N_("Give a list of resource ids."))


@tk.validator_args
def access_request_create(not_empty, unicode_safe, ignore_missing) -> Schema:
    return {
        "dataset_id": [not_empty, unicode_safe],
        "resource_ids": [ignore_missing, _list_of_ids],
        "applicant_kind": [ignore_missing, unicode_safe],
        "applicant_org_id": [ignore_missing, unicode_safe],
        # a missing purpose is the rules' error, reported with every other (issue 17 item 9)
        "purpose": [ignore_missing, unicode_safe],
        "use_scenario": text_field(4000),
        "security_measures": text_field(4000),
        "institution": text_field(200),
        "tender_id": text_field(100),
        "period_start": date_field(),
        "period_end": date_field(),
        "public_interest_attested": flag_field(),
    }


@tk.validator_args
def access_request_resubmit(ignore_missing) -> Schema:
    schema = access_request_create()
    for field in ("dataset_id", "resource_ids", "applicant_kind", "applicant_org_id", "purpose",
                  "tender_id"):
        schema.pop(field)
    schema["public_interest_attested"] = [ignore_missing, strict_flag]
    return row_schema(**schema)


access_request_decision = decision_schema


@tk.validator_args
def access_request_approval(ignore_missing) -> Schema:
    return row_schema(reason=text_field(4000), valid_until=date_field(),
                      resource_ids=[ignore_missing, _list_of_ids])


def agreement_sign() -> Schema:
    return row_schema(security_measures=text_field(4000), terms_version=text_field(100))


def access_request_opinion() -> Schema:
    return row_schema(opinion=text_field(4000))


def access_request_verify() -> Schema:
    return row_schema(verification=text_field(2000))


@tk.validator_args
def access_request_list(ignore_missing, unicode_safe, boolean_validator) -> Schema:
    return {
        "org": [ignore_missing, unicode_safe],
        "mine": [ignore_missing, boolean_validator],
        "state": [ignore_missing, unicode_safe],
        "overdue": [ignore_missing, boolean_validator],
        "dataset_id": [ignore_missing, unicode_safe],
        **paging_schema(max_limit=100),
    }
