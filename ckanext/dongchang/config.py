"""Typed access to the policy parameters declared in ``config_declaration.yaml`` (F-14)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.exceptions import CkanConfigurationException

from ckanext.dongchang.catalog.rules.classes import GradePolicy, parse_grade_limits

PREFIX = "ckanext.dongchang."


def resource_code_pattern() -> str:
    return tk.config[PREFIX + "resource_code_pattern"]


def working_days(kind: str) -> int:
    """``kind`` is one of catalog_update, share_request, open_request, request_extension."""
    return int(tk.config[f"{PREFIX}{kind}_working_days"])


def default_grant_days() -> int:
    return int(tk.config[PREFIX + "default_grant_days"])


def access_log_retention_days() -> int:
    return int(tk.config[PREFIX + "access_log_retention_days"])


def bureau_org() -> str:
    return tk.config[PREFIX + "bureau_org"] or ""


def city_bureau_org() -> str:
    """The city Big Data Bureau's organisation (Art. 20 ¶3); empty: the district Bureau."""
    return tk.config[PREFIX + "city_bureau_org"] or ""


def agreement_terms() -> tuple[str, str]:
    """The data use agreement's version and text (text empty: the built-in terms)."""
    return (str(tk.config[PREFIX + "agreement_terms_version"]),
            tk.config[PREFIX + "agreement_terms"] or "")


def grade_policy() -> GradePolicy:
    """The widest share and open class per security grade (site policy, see the rules)."""
    return GradePolicy(
        widest_share=parse_grade_limits(tk.config[PREFIX + "widest_share_class_by_grade"],
                                        "share"),
        widest_open=parse_grade_limits(tk.config[PREFIX + "widest_open_class_by_grade"],
                                       "open"),
    )


def check_configuration(config: Any) -> None:
    """Stop the site at start-up, naming the option, when the grade policy cannot be read:
    a mistyped policy must neither fail every save later nor quietly allow more."""
    for side in ("share", "open"):
        option = f"{PREFIX}widest_{side}_class_by_grade"
        value = config.get(option) or []
        try:
            parse_grade_limits(value.split() if isinstance(value, str) else value, side)
        except ValueError as error:
            raise CkanConfigurationException(f"{option}: {error}") from error


def purposes() -> list[str]:
    return list(tk.config[PREFIX + "purposes"])


def _dates(key: str) -> list[dt.date]:
    return [dt.date.fromisoformat(value) for value in tk.config[PREFIX + key]]


def extra_holidays() -> list[dt.date]:
    return _dates("extra_holidays")


def extra_workdays() -> list[dt.date]:
    return _dates("extra_workdays")


def freshness_grace_working_days() -> int:
    return int(tk.config[PREFIX + "freshness_grace_working_days"])


def evaluation_weights() -> list[str]:
    """The ``criterion:weight`` items; ``oversight.rules.parse_weights`` reads them."""
    return list(tk.config[PREFIX + "evaluation_weights"])
