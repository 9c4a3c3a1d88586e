"""The entry picker (issue 17 item 8): forms that name catalog entries offer them by title.

``dongchang_entry_autocomplete`` searches as the caller, so CKAN's permission labels decide
what it may name: an entry the caller may not see is never offered, not even counted. Only
published entries are offered (a tender or a product rests on the published catalog). The page
``/dongchang/autocomplete/entries?q=`` answers CKAN's ``autocomplete`` JS module.
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.dongchang.access import audience
from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.kernel.pages import MOST_COMPLETIONS, completion_query, picker_blueprint
from ckanext.dongchang.kernel.schema import choice

__all__ = ["dongchang_entry_autocomplete"]


# Solr's syntax characters: the caller's words search the catalog, never steer the query.
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO"})
_SYNTAX = re.compile(r'[\\+\-!():^\[\]"{}~*?|&/]')


def _words(term: str) -> str:
    """``term`` as plain words for the search box's query (Chinese handled as there)."""
    words = _SYNTAX.sub(" ", term).split()
    return " ".join(word.lower() if word in _OPERATORS else word for word in words)


@tk.side_effect_free
def dongchang_entry_autocomplete(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Published entries the caller may see whose title, URL name or resource code matches.

    :param q: what the person typed (nothing: no results)
    :param open_class: only entries of this open class (``conditional`` for tenders)
    :param limit: at most this many (default and most: 20)
    :returns: ``[{"id", "name", "title", "resource_code"}]``
    """
    data = completion_query(
        "dongchang_entry_autocomplete", context, data_dict,
        open_class=choice(("unconditional", "conditional"),
                          N_("Choose unconditional or conditional.")),
        limit=tk.get_validator("int_validator"))
    term = (data.get("q") or "").strip()
    if not term:
        return []
    fq = ["+dataset_type:dataset", '+catalog_state:"published"']
    if data.get("open_class"):
        fq.append(f'+open_class:"{data["open_class"]}"')
    words = _words(term)
    if not words:
        return []
    found = tk.get_action("package_search")(
        {"user": context.get("user", "")},
        {"q": words, "fq": " ".join(fq),
         "rows": min(data.get("limit") or MOST_COMPLETIONS, MOST_COMPLETIONS),
         "include_private": True, "sort": "score desc, title_string asc"})
    return [{"id": entry["id"], "name": entry["name"], "title": entry.get("title") or entry["name"],
             "resource_code": entry.get("resource_code") or ""}
            for entry in found["results"]]


def related_entries(codes: object, context: Context) -> list[dict[str, str]]:
    """The entries a stored list of resource codes names, as the reader may know them: the
    title and URL name of each live entry the reader may see, only the code otherwise (an
    entry hidden from the reader is not named, nor said to exist)."""
    if not isinstance(codes, str):
        return []
    wanted = [code.strip() for code in re.split(r"[,，;；\s]+", codes) if code.strip()]
    if not wanted:
        return []
    code_column = model.Package.extras["resource_code"].astext
    found = {code: package for code, package in model.Session.query(code_column, model.Package)
             .filter(code_column.in_(wanted), model.Package.state == "active",
                     model.Package.type == "dataset")}
    reader = audience.reader_context(context)
    named = []
    for code in dict.fromkeys(wanted):
        package = found.get(code)
        if package is not None and audience.may_see_entry(reader, package.id):
            named.append({"code": code, "name": package.name,
                          "title": package.title or package.name})
        else:
            named.append({"code": code, "name": "", "title": ""})
    return named


pickers_blueprint = picker_blueprint("dongchang_entry_picker", "/dongchang/autocomplete/entries",
                                     "dongchang_entry_autocomplete", ("q", "open_class"))
