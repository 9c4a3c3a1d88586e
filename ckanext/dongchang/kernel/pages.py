"""What every page of the extension does alike, so that each view only says what differs.

A page calls an action as the signed-in user and turns the action's answer into HTTP: a refusal
is 403, a missing object 404, invalid input either flashed (a button that redirects) or shown at
the fields (a form that re-renders). List pages page through an action's ``results``/``count``/
``limit`` answer with CKAN's pager.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.lib.helpers import Page
from ckan.types import Context, DataDict, Response, Validator
from flask import Blueprint, jsonify

from ckanext.dongchang.kernel.schema import text, validated


def context() -> Context:
    """The action context of the visitor (an anonymous visitor's name is ``""``)."""
    return {"user": current_user.name, "auth_user_obj": current_user}


# --- refusals ---------------------------------------------------------------------------------

@contextmanager
def refusals(not_found: str = "", forbidden: str = "") -> Iterator[None]:
    """Answer an action's ``NotAuthorized`` with 403 and ``ObjectNotFound`` with 404.

    The page's own message wins; without one the action's is shown (an auth function's message
    tells the user why they may not).
    """
    try:
        yield
    except tk.NotAuthorized as error:
        tk.abort(403, forbidden or str(error) or tk._("Not authorized"))
    except tk.ObjectNotFound as error:
        tk.abort(404, not_found or str(error))


def call(action: str, data_dict: dict[str, Any], not_found: str = "",
         forbidden: str = "") -> Any:
    """The action's answer for the visitor, or 403/404 (see :func:`refusals`)."""
    with refusals(not_found, forbidden):
        return tk.get_action(action)(context(), data_dict)


def show_or_404(action: str, data_dict: dict[str, Any], not_found: str) -> dict[str, Any]:
    """An object the visitor may not see does not exist for them: 404 either way, so a page
    does not tell outsiders which private departments or entries there are."""
    try:
        return tk.get_action(action)(context(), data_dict)
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, not_found)


def department_or_404(id: str) -> dict[str, Any]:
    return show_or_404("organization_show", {"id": id}, tk._("Department not found"))


# --- invalid input ----------------------------------------------------------------------------

def error_messages(error: tk.ValidationError) -> list[str]:
    """Every message of a validation error, field by field."""
    return [message if isinstance(message, str) else str(message)
            for messages in error.error_dict.values()
            for message in (messages if isinstance(messages, list) else [messages])]


def flash_errors(error: tk.ValidationError) -> None:
    for message in error_messages(error):
        tk.h.flash_error(message)


def abort_invalid(error: tk.ValidationError) -> Any:
    """400 for bad query arguments of a read-only page or download."""
    return tk.abort(400, "; ".join(error_messages(error)))


@contextmanager
def flashing_errors(not_found: str = "") -> Iterator[None]:
    """For a button whose page redirects afterwards: if the action in the block finds the input
    invalid, its messages are flashed and the rest of the block is skipped."""
    with refusals(not_found):
        try:
            yield
        except tk.ValidationError as error:
            flash_errors(error)


@contextmanager
def form_errors(not_found: str = "", message: str = "") -> Iterator[dict[str, Any]]:
    """For a form that re-renders when invalid: yields the dict the field errors go into, flashes
    one line pointing at them (``message`` or the usual one) and skips the rest of the block."""
    errors: dict[str, Any] = {}
    with refusals(not_found):
        try:
            yield errors
        except tk.ValidationError as error:
            errors.update(error.error_dict)
            tk.h.flash_error(message or tk._("Please correct the highlighted fields."))


def error_summary(errors: dict[str, Any],
                  labels: dict[str, str] | None = None) -> dict[str, Any]:
    """The first message of each field, for ``form.errors`` at the top of a form, each named by
    its label in ``labels`` (the form's own words, not the field's key) where one is given."""
    labels = labels or {}
    return {labels.get(key, key): value[0] if isinstance(value, list) else value
            for key, value in errors.items()}


# --- navigation -------------------------------------------------------------------------------

def here(**args: Any) -> str:
    """This page's address in the visitor's language, its query arguments changed by ``args``
    (a false value drops one)."""
    query = {key: value for key, value in dict(tk.request.args.to_dict(), **args).items()
             if value}
    return tk.h.url_for(tk.request.endpoint, **dict(query, **(tk.request.view_args or {})))


def login_first(notice: str = "") -> Response | None:
    """An anonymous visitor goes to the login page and comes back here; ``None`` for a user."""
    if current_user.is_authenticated:
        return None
    if notice:
        tk.h.flash_notice(notice)
    return tk.redirect_to("user.login", came_from=here())


def signed_in(notice: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A page for signed-in users: an anonymous visitor is sent to log in first and comes
    back (see :func:`login_first`); ``notice`` is a msgid (``N_``) flashed on the way."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def page(*args: Any, **kwargs: Any) -> Any:
            redirect = login_first(tk._(notice) if notice else "")
            return redirect if redirect is not None else view(*args, **kwargs)
        return page
    return decorate


def paged(result: dict[str, Any], page_number: int) -> Page:
    """CKAN's pager over one page of a list action's answer; its links keep the filters."""
    return Page(collection=result["results"], page=page_number, item_count=result["count"],
                items_per_page=result["limit"], presliced_list=True,
                url=lambda q=None, page=None: here(page=page))


# --- pickers ----------------------------------------------------------------------------------

MOST_COMPLETIONS = 20  # what a picker offers at most while a person types


def completion_query(action: str, context: Context, data_dict: DataDict,
                     **fields: Validator) -> dict[str, Any]:
    """A picker action's start: its auth, then what the person typed (``q``) and the action's
    own optional ``fields`` (one validator each), validated."""
    tk.check_access(action, context, data_dict)
    ignore_missing = tk.get_validator("ignore_missing")
    schema = {key: [ignore_missing, validator]
              for key, validator in {"q": text(200), **fields}.items()}
    return validated(dict(data_dict), schema, context)


def completions(action: str, arguments: tuple[str, ...]) -> Response:
    """A picker's endpoint: CKAN's ``autocomplete`` module gets the action's results for these
    query arguments as a JSON list (as CKAN's own util endpoints answer); input the action finds
    invalid, or a visitor it refuses, gets an empty list."""
    data = {key: tk.request.args[key] for key in arguments if tk.request.args.get(key)}
    try:
        results = tk.get_action(action)(context(), data)
    except (tk.ValidationError, tk.NotAuthorized):
        results = []
    return jsonify(results)


def picker_blueprint(name: str, path: str, action: str, arguments: tuple[str, ...]) -> Blueprint:
    """The blueprint ``name`` of one picker: its endpoint ``<name>.autocomplete`` answers GET
    ``path`` with :func:`completions` of ``action`` for these query ``arguments``."""
    blueprint = Blueprint(name, __name__)

    @blueprint.get(path)
    def autocomplete() -> Response:
        return completions(action, arguments)

    return blueprint
