"""The shape a product registration must have before its rules are applied (F-7)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Schema

from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.kernel.schema import is_text, of_type, text
from ckanext.dongchang.products.rules import SOURCE_FIELDS

TEXT_FIELDS = ("title", "name", "notes", "product_kind", "developer_name", "product_url")


# ``true``/``false`` as text or a boolean; what it means is the dataset schema's to say.
_yes_or_no = of_type((str, bool), N_("Choose yes or no."))


def _source_list(value: Any) -> Any:
    """A list of objects whose fields are text: other shapes would reach CKAN, which answers
    them with a bare "Integrity Error" naming no field."""
    if not (isinstance(value, list) and all(
            isinstance(item, dict)
            and all(item.get(field) is None or is_text(item.get(field))
                    for field in SOURCE_FIELDS)
            for item in value)):
        raise tk.Invalid(tk._("Give a list of sources, each with dataset_id, acquired_on"
                              " and optionally access_request_id as text."))
    return value


@tk.validator_args
def product_registration(ignore_missing) -> Schema:
    """Types before rules: a field given in the wrong shape is named in the error. The
    sources stay one field here (no sub-schema), so navl hands the validator the whole list."""
    schema: Schema = {field: [ignore_missing, text()] for field in TEXT_FIELDS}
    schema["commercial"] = [ignore_missing, _yes_or_no]
    schema["sources"] = [ignore_missing, _source_list]
    return schema
