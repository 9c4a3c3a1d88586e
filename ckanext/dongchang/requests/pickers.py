"""The request picker (issue 17 item 8): a product's source names the approved request it rests
on by choosing it, not by typing its id.

``dongchang_request_autocomplete`` offers only the caller's own approved requests, on entries
the caller may still see; nobody else's request, nor the existence of one, is ever named. The
page ``/dongchang/autocomplete/requests?q=`` answers CKAN's ``autocomplete`` JS module.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.dongchang.access import audience
from ckanext.dongchang.kernel.pages import MOST_COMPLETIONS, completion_query, picker_blueprint
from ckanext.dongchang.kernel.schema import text
from ckanext.dongchang.requests.model import AccessRequest

__all__ = ["dongchang_request_autocomplete"]


def label(request: AccessRequest, dataset: model.Package) -> str:
    """How a person recognises their request: the entry, the grant's end, the number."""
    until = (tk._("valid until %(date)s") % {"date": request.valid_until.isoformat()}
             if request.valid_until else tk._("approved"))
    return f"{dataset.title or dataset.name} ({until}; {request.id[:8]})"


@tk.side_effect_free
def dongchang_request_autocomplete(context: Context, data_dict: DataDict
                                   ) -> list[dict[str, Any]]:
    """The caller's approved requests whose entry title, URL name or number matches ``q``.

    :param q: what the person typed (empty: the latest of them)
    :param dataset_id: only requests for this entry (id or URL name)
    :returns: ``[{"id", "name" (the id again), "label", "dataset_id", "dataset_title"}]``,
        newest first
    """
    data = completion_query("dongchang_request_autocomplete", context, data_dict,
                            dataset_id=text(100))
    user = model.User.get(context.get("user") or "")
    if user is None:
        return []
    term = (data.get("q") or "").strip().lower()
    query = (model.Session.query(AccessRequest, model.Package)
             .join(model.Package, model.Package.id == AccessRequest.dataset_id)
             .filter(AccessRequest.requester_id == user.id, AccessRequest.state == "approved",
                     model.Package.state == "active"))
    if data.get("dataset_id"):
        wanted = data["dataset_id"].strip()
        query = query.filter((model.Package.id == wanted) | (model.Package.name == wanted))
    reader = audience.reader_context(context)
    results = []
    for request, dataset in query.order_by(AccessRequest.decided_at.desc()).limit(200):
        haystack = f"{dataset.title or ''} {dataset.name} {request.id}".lower()
        if term and term not in haystack:
            continue
        if not audience.may_see_entry(reader, dataset.id):
            continue
        # "name": CKAN's client keeps only completions with a distinct name
        results.append({"id": request.id, "name": request.id, "label": label(request, dataset),
                        "dataset_id": dataset.id, "dataset_title": dataset.title})
        if len(results) >= MOST_COMPLETIONS:
            break
    return results


request_pickers_blueprint = picker_blueprint(
    "dongchang_request_picker", "/dongchang/autocomplete/requests",
    "dongchang_request_autocomplete", ("q", "dataset_id"))
