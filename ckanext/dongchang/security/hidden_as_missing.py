"""An entry the viewer may not see answers exactly like a missing one, on every surface
(issue 14, item 8; DESIGN §4, F-3).

``package_show`` and ``resource_show`` answer 404 themselves (``enforcement.hidden_as_missing``),
but CKAN's other actions and pages check ``package_update``, ``resource_view_list`` or
``activity_list`` rights instead, and refuse a hidden entry with 403 where a missing one gets
404: the difference tells an outsider the entry exists. The follower actions do not check
rights at all and count or answer for a hidden entry (200 where a missing one gets a 409).

Rather than chaining each action and view, one hook looks at every answer once:

* a 403 whose request names (by ``id``, ``package_id``, ``resource_id`` or an activity of it)
  an entry the viewer may not see the metadata of becomes the answer a missing entry gets;
* so does any answer of a dataset follower action naming such an entry.

For the API the missing answer is the action's own: it is asked again with a fresh id in
place of the hidden one (side-effect-free actions only; a write gets CKAN's plain 404), so the
status and the error are exactly a missing id's. A page gets the 404 page. A 403 on an entry
the viewer may see stays 403.
"""
from __future__ import annotations

import json
import uuid
from typing import Any

import ckan.plugins.toolkit as tk
import flask
from ckan import model
from ckan.common import current_user

from ckanext.dongchang.access import enforcement
from ckanext.dongchang.security.refusals import not_found

hidden_as_missing_blueprint = flask.Blueprint("dongchang_hidden_as_missing", __name__)

# Request fields (view arguments, query and API parameters) that name an entry, one of its
# resources or one of its activities.
ENTRY_FIELDS = ("id", "package_id", "resource_id", "dataset_id", "activity_id", "new_id",
                "old_id")
API_PREFIX = "/api/"
REFUSED = 403
# CKAN's API words for a refusal, translated by CKAN's own catalog (so the answer is CKAN's,
# word for word): not ours to extract.
CKAN_NOT_FOUND, CKAN_NOT_FOUND_BECAUSE = "Not found", "Not found: %s"
CKAN_DENIED, CKAN_DENIED_BECAUSE = "Access denied", "Access denied: %s"


@hidden_as_missing_blueprint.after_app_request
def answer_hidden_as_missing(response: flask.Response) -> flask.Response:
    action = _api_action_name()
    if action is not None:
        # A request the input guard refused (400/409/413) never ran: nothing to hide, and its
        # parameters (NUL characters, deep nesting) must not be looked up.
        answered = response.status_code == 200 and _is_dataset_follower_action(action)
        if response.status_code == REFUSED or answered:
            _api_answer_as_missing(response, action)
    elif response.status_code == REFUSED and not flask.request.path.startswith(API_PREFIX):
        _page_answer_as_missing(response)
    return response


def _is_dataset_follower_action(action: str) -> bool:
    """``dataset_follower_count``, ``dataset_follower_list``, ``am_following_dataset``: they
    answer for any entry id without asking whether the viewer may see it."""
    return "follow" in action and "dataset" in action


# --- which entries a request names ------------------------------------------------------------
def hidden_entries(values: dict[str, str]) -> dict[str, str]:
    """The ``{field: value}`` of ``values`` naming an entry the current viewer may not see."""
    named = {field: _entry_id(value) for field, value in values.items()}
    named = {field: entry_id for field, entry_id in named.items() if entry_id}
    if not named:
        return {}
    context = {"user": current_user.name, "auth_user_obj": current_user}
    visible = enforcement.visible_dataset_ids(context, set(named.values()))
    return {field: values[field] for field, entry_id in named.items() if entry_id not in visible}


def _entry_id(value: str) -> str | None:
    """The id of the entry ``value`` names: the entry's id or name, a resource's id, or an
    activity's id whose object is an entry."""
    package = model.Package.get(value)
    if package is not None:
        return package.id
    resource = model.Session.get(model.Resource, value)
    if resource is not None:
        return resource.package_id
    return _activity_entry_id(value)


def _activity_entry_id(activity_id: str) -> str | None:
    try:
        from ckanext.activity.model import Activity
    except ImportError:  # the activity plugin is not installed
        return None
    activity = model.Session.get(Activity, activity_id)
    if activity is None or not (activity.activity_type or "").endswith("package"):
        return None
    return activity.object_id


def _entry_values(*sources: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for source in sources:
        for field in ENTRY_FIELDS:
            value = source.get(field) if hasattr(source, "get") else None
            if isinstance(value, str) and value and field not in values:
                values[field] = value
    return values


# --- pages --------------------------------------------------------------------------------------
def _page_answer_as_missing(response: flask.Response) -> None:
    request = flask.request
    if not hidden_entries(_entry_values(request.view_args or {}, request.args)):
        return
    body, status = not_found(tk.ObjectNotFound(tk._(CKAN_NOT_FOUND)))
    response.set_data(body)
    response.status_code = status


# --- the API ------------------------------------------------------------------------------------
def _api_action_name() -> str | None:
    endpoint = flask.request.endpoint or ""
    if endpoint.startswith("api.action"):
        return (flask.request.view_args or {}).get("logic_function")
    return None


def _api_data() -> dict[str, Any]:
    """The action's parameters as CKAN's API reads them (JSON body, form or query string)."""
    request = flask.request
    data: dict[str, Any] = dict(request.args.items())
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        data.update(body)
    elif request.form:
        data.update(request.form.items())
    return data


def _api_answer_as_missing(response: flask.Response, action: str) -> None:
    data = _api_data()
    hidden = hidden_entries(_entry_values(data))
    if not hidden:
        return
    status, error = _missing_answer(action, data, hidden)
    try:
        answer = json.loads(response.get_data(as_text=True))
    except ValueError:
        answer = {}
    answer = {"help": answer.get("help"), "success": False, "error": error}
    response.set_data(json.dumps(answer))
    response.status_code = status


def _missing_answer(action: str, data: dict[str, Any], hidden: dict[str, str]
                    ) -> tuple[int, dict[str, Any]]:
    """The status and error the action gives when each hidden value is a missing one."""
    plain = (404, {"__type": "Not Found Error", "message": tk._(CKAN_NOT_FOUND)})
    try:
        function = tk.get_action(action)
    except KeyError:
        return plain
    if not getattr(function, "side_effect_free", False):
        return plain
    stand_ins = {field: str(uuid.uuid4()) for field in hidden}
    context = {"user": current_user.name, "api_version": 3, "auth_user_obj": current_user}
    try:
        function(context, {**data, **stand_ins})
    except tk.ObjectNotFound as error:
        message = (tk._(CKAN_NOT_FOUND_BECAUSE) % error) if str(error) else tk._(CKAN_NOT_FOUND)
        answer = (404, {"__type": "Not Found Error", "message": message})
    except tk.NotAuthorized as error:
        message = (tk._(CKAN_DENIED_BECAUSE) % error) if str(error) else tk._(CKAN_DENIED)
        answer = (403, {"__type": "Authorization Error", "message": message})
    except tk.ValidationError as error:
        answer = (409, {**error.error_dict, "__type": "Validation Error"})
    except Exception:  # noqa: BLE001 - whatever else, the entry must not show: a plain 404
        model.Session.rollback()
        return plain
    else:
        return plain
    return answer[0], _restore(answer[1], stand_ins, hidden)


def _restore(error: dict[str, Any], stand_ins: dict[str, str], hidden: dict[str, str]
             ) -> dict[str, Any]:
    """Put the caller's own words back where the error repeats a stand-in id (a missing id
    would be repeated the same way)."""
    text = json.dumps(error, ensure_ascii=False)
    for field, stand_in in stand_ins.items():
        text = text.replace(stand_in, json.dumps(hidden[field], ensure_ascii=False)[1:-1])
    return json.loads(text)
