"""Pages of merge tasks (Art. 15): the Bureau marks duplicates from the review queue's
candidates; a department sees its tasks and merges or declines one. Each page calls one action.

The old address of an entry removed by a merge leads to the kept entry for whoever may see it;
for anyone else it answers as a missing entry does (CKAN's own 404 for a deleted entry).
"""
from __future__ import annotations

import re

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.dongchang.catalog import merges
from ckanext.dongchang.kernel import pages

merges_blueprint = Blueprint("dongchang_merges", __name__)

# ``/dataset/<name or id>`` and nothing under it: CKAN names and UUIDs only, so nothing
# else (a NUL byte, a very long path) is ever looked up.
_ENTRY_PAGE = re.compile(r"/dataset/([a-z0-9_-]{2,100})")


def _not_found() -> str:
    return tk._("Merge task not found")


@merges_blueprint.before_app_request
def redirect_merged_entry():
    """``/dataset/<old name>`` of an entry removed by a merge → the kept entry (302: who may
    see it can change), only for a viewer who may see the kept entry."""
    if tk.request.method not in ("GET", "HEAD"):
        return None
    match = _ENTRY_PAGE.fullmatch(tk.request.path)
    if match is None:
        return None
    target = merges.redirect_target(match.group(1), pages.context())
    if target is None:
        return None
    return tk.redirect_to("dataset.read", id=target)


@merges_blueprint.get("/dongchang/merges")
def index():
    """The caller's merge tasks (the Bureau: all), open ones first by due date."""
    redirect = pages.login_first()
    if redirect:
        return redirect
    page = tk.request.args.get("page", 1)
    state = tk.request.args.get("state") or None
    try:
        result = pages.call("dongchang_duplicate_task_list",
                            {"state": state, "page": page} if state else {"page": page})
    except tk.ValidationError as error:
        return pages.abort_invalid(error)
    return tk.render("dongchang/catalog/merges.html", {
        "tasks": result["results"], "page": pages.paged(result, int(result["page"])),
        "count": result["count"], "state": state or ""})


@merges_blueprint.get("/dongchang/merges/<id>")
def read(id: str):
    """One task: the two entries, the due date, and the forms to merge or decline it."""
    redirect = pages.login_first()
    if redirect:
        return redirect
    task = pages.call("dongchang_duplicate_task_show", {"id": id}, not_found=_not_found())
    return tk.render("dongchang/catalog/merge.html", {"task": task})


@merges_blueprint.post("/dongchang/merges/<id>/merge")
def merge(id: str):
    data = {"id": id, "keep_id": tk.request.form.get("keep_id", "")}
    with pages.flashing_errors(not_found=_not_found()):
        task = tk.get_action("dongchang_duplicate_merge")(pages.context(), data)
        kept = task["entry"] if task["kept_id"] == task["entry"]["id"] else task["duplicate"]
        if task["revision_id"]:
            tk.h.flash_success(tk._(
                "The entries were merged into %(title)s. Because it is published, the moved"
                " data items and files wait for the Big Data Bureau's review; the other entry"
                " stays in the catalog until then.")
                % {"title": kept["title"]})
        else:
            tk.h.flash_success(tk._("The entries were merged into %(title)s.")
                               % {"title": kept["title"]})
    return tk.redirect_to("dongchang_merges.read", id=id)


@merges_blueprint.post("/dongchang/merges/<id>/decline")
def decline(id: str):
    data = {"id": id, "reason": tk.request.form.get("reason", "")}
    with pages.flashing_errors(not_found=_not_found()):
        tk.get_action("dongchang_duplicate_decline")(pages.context(), data)
        tk.h.flash_success(tk._("The merge was declined; the Big Data Bureau sees your reason."))
    return tk.redirect_to("dongchang_merges.read", id=id)


@merges_blueprint.post("/dongchang/review/<id>/mark-duplicates")
def mark(id: str):
    """The Bureau marks a review queue entry and one of its candidates as duplicates."""
    data = {"entry_id": id, "duplicate_id": tk.request.form.get("duplicate_id", ""),
            "keep_id": tk.request.form.get("keep_id", ""),
            "note": tk.request.form.get("note", "")}
    if not data["keep_id"]:
        data.pop("keep_id")
    with pages.flashing_errors(not_found=tk._("Catalog entry not found")):
        task = tk.get_action("dongchang_duplicate_mark")(pages.context(), data)
        tk.h.flash_success(tk._(
            "%(entry)s and %(duplicate)s were marked as duplicates; their departments must merge"
            " them by %(due_on)s.") % {"entry": task["entry"]["title"],
                                       "duplicate": task["duplicate"]["title"],
                                       "due_on": task["due_on"]})
    return tk.redirect_to("dongchang_catalog.review")
