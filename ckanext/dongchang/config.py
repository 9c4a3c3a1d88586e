"""Typed access to the policy parameters declared in ``config_declaration.yaml`` (F-14)."""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk

PREFIX = "ckanext.dongchang."


def resource_code_pattern() -> str:
    return tk.config[PREFIX + "resource_code_pattern"]


def working_days(kind: str) -> int:
    """``kind`` is one of catalog_update, share_request, open_request, request_extension."""
    return int(tk.config[f"{PREFIX}{kind}_working_days"])


def default_grant_days() -> int:
    return int(tk.config[PREFIX + "default_grant_days"])


def bureau_org() -> str:
    return tk.config[PREFIX + "bureau_org"] or ""


def purposes() -> list[str]:
    return list(tk.config[PREFIX + "purposes"])


def _dates(key: str) -> list[dt.date]:
    return [dt.date.fromisoformat(value) for value in tk.config[PREFIX + key]]


def extra_holidays() -> list[dt.date]:
    return _dates("extra_holidays")


def extra_workdays() -> list[dt.date]:
    return _dates("extra_workdays")
