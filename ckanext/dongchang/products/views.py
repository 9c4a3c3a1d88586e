"""Pages of data products (F-7): register, cite, and the Bureau's utilisation view.

A product's own page is CKAN's dataset page for the type (``/data-product/<name>``); these
pages add what CKAN does not have. Each calls one action: API parity.
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.kernel.pages import call, context, form_errors, show_or_404, signed_in
from ckanext.dongchang.products.rules import SOURCE_FIELDS

products_blueprint = Blueprint("dongchang_products", __name__)

_FIELDS = ("title", "notes", "product_kind", "developer_name", "product_url", "commercial")
_SOURCE_KEY = re.compile(r"^sources__(\d{1,2})__(\w+)$")
_BLANK_ROWS = 2


def _posted() -> dict[str, Any]:
    form = tk.request.form
    data: dict[str, Any] = {field: form.get(field) for field in _FIELDS if form.get(field)}
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = _SOURCE_KEY.match(key)
        if match and match.group(2) in SOURCE_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value.strip()
    data["sources"] = [
        {field: value for field, value in rows[i].items() if value}
        for i in sorted(rows) if any(rows[i].values())]
    data["commercial"] = "true" if form.get("commercial") == "true" else "false"
    return data


def _propose(sources: list[dict[str, str]]) -> None:
    """Fill in what the system knows of when the user obtained each entry's data."""
    for source in sources:
        if not source.get("dataset_id") or source.get("acquired_on"):
            continue
        proposal = tk.get_action("dongchang_product_proposed_source")(
            context(), {"dataset_id": source["dataset_id"]})
        if proposal:
            source["acquired_on"] = proposal["acquired_on"]
            source.setdefault("access_request_id", proposal["access_request_id"])


@products_blueprint.route("/data-product/register", methods=("GET", "POST"))
@signed_in(N_("Log in to register a data product."))
def register():
    """The registration form; ``?dataset_id=`` starts it from an entry (with its date)."""
    data: dict[str, Any] = {"sources": [], "commercial": "false"}
    errors: dict[str, Any] = {}
    if tk.request.args.get("dataset_id"):
        data["sources"] = [{"dataset_id": tk.request.args["dataset_id"]}]
        _propose(data["sources"])
    if tk.request.method == "POST":
        data = _posted()
        if "propose" in tk.request.form:
            _propose(data["sources"])
        else:
            with form_errors() as errors:
                created = tk.get_action("dongchang_product_register")(context(), data)
                tk.h.flash_success(tk._("Your data product was registered. Cite its sources"
                                        " as shown below."))
                return tk.redirect_to("dongchang_products.cite", id=created["name"])
    source_errors = errors.get("sources") if isinstance(errors.get("sources"), list) else []
    rows = list(data["sources"]) + [{} for _ in range(_BLANK_ROWS)]
    return tk.render("dongchang/products/product_register.html", {
        "data": data, "errors": errors, "rows": rows,
        "row_errors": [e if isinstance(e, dict) else {} for e in source_errors],
        "source_messages": [e for e in source_errors if isinstance(e, str)],
        "error_summary": {k: v[0] if isinstance(v, list) and v and isinstance(v[0], str)
                          else tk._("See the sources below.")
                          for k, v in errors.items()},
    })


@products_blueprint.get("/data-product/<id>/citation")
def cite(id: str):
    """A product's citation in Chinese and English, ready to copy."""
    result = show_or_404("dongchang_product_citation", {"id": id}, tk._("Data product not found"))
    return tk.render("dongchang/products/product_citation.html", {"result": result})


@products_blueprint.get("/dongchang/utilisation")
def utilisation():
    """Art. 25: the Bureau tracks how granted data is used."""
    result = call("dongchang_utilisation", {})
    return tk.render("dongchang/products/product_utilisation.html", {"result": result})
