"""The Bureau's review queue page (issue 17 item 10): filters by department, kind and age,
classes and legal bases beside each entry, confirmation before each decision, styled buttons."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from ckan import model
from ckan.tests import factories, helpers

from ckanext.dongchang.catalog.revision_model import PendingRevision
from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import LEGAL_BASIS, conditional, create_entry, entry_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

TEMPLATES = Path(__file__).resolve().parents[2] / "ckanext" / "dongchang" / "templates"


@pytest.fixture
def queue(app, sysadmin):
    """Two new entries from two departments and one change of a published entry."""
    scjg = factories.Organization(name="dcf-scjg", title="区市场监督管理局")
    mzj = factories.Organization(name="dcf-mzj", title="区民政局")
    bureau = factories.Organization(name="dcf-dsjj", title="区大数据局", is_bureau="true")
    users = {name: factories.User(name=name) for name in ("scjg-editor", "mzj-editor",
                                                          "bureau-admin")}
    for user, org, role in [("scjg-editor", scjg, "editor"), ("mzj-editor", mzj, "editor"),
                            ("bureau-admin", bureau, "admin")]:
        helpers.call_action("organization_member_create", id=org["id"], username=user,
                            role=role)
    api = {name: Api(app, user) for name, user in users.items()}
    for editor, org, name, title, fields in [
            ("scjg-editor", scjg, "registrations", "东昌府区市场主体登记信息", {}),
            ("mzj-editor", mzj, "elderly-care", "东昌府区养老机构名录", conditional())]:
        draft = entry_dict(org["id"], name=name, title=title, **fields)
        draft.pop("catalog_state")
        draft.pop("resources")
        api[editor].ok("package_create", **draft)
        api[editor].ok("dongchang_catalog_submit", id=name)
    create_entry(sysadmin, mzj["id"], name="relief", title="东昌府区低保对象名录")
    api["mzj-editor"].ok("package_patch", id="relief", title="东昌府区城乡低保对象名录")
    assert model.Session.query(PendingRevision).filter_by(state="pending").count() == 1
    return {"app": app, "api": api, "bureau": api["bureau-admin"]}


def _review(queue, **args) -> BeautifulSoup:
    response = queue["app"].get("/en/dongchang/review", query_string=args,
                                headers=queue["bureau"].headers)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _entries(soup) -> list[str]:
    return sorted(section["data-entry"] for section in soup.select(".dongchang-review-entry"))


def test_f10_review_queue_filters_by_department_kind_and_age(queue):
    page = _review(queue)
    assert _entries(page) == ["elderly-care", "registrations", "relief"]
    assert "3 entries wait for review." in page.select_one(".dongchang-review-count").get_text()
    options = [o["value"] for o in page.select("#review-org option")]
    assert {"dcf-scjg", "dcf-mzj"} <= set(options)
    assert _entries(_review(queue, org="dcf-mzj")) == ["elderly-care", "relief"]
    assert _entries(_review(queue, kind="new")) == ["elderly-care", "registrations"]
    assert _entries(_review(queue, kind="change", org="dcf-mzj")) == ["relief"]
    assert _entries(_review(queue, waiting_days="5")) == []
    revision = model.Session.query(PendingRevision).filter_by(state="pending").one()
    revision.updated_at = dt.datetime.utcnow() - dt.timedelta(days=6)
    model.Session.commit()
    filtered = _review(queue, waiting_days="5")
    assert _entries(filtered) == ["relief"]
    assert filtered.select_one('#review-waiting option[selected]')["value"] == "5"


def test_f10_review_queue_refuses_bad_filters_by_name(queue):
    app, bureau = queue["app"], queue["bureau"]
    for args in ({"kind": "everything"}, {"waiting_days": "soon"}, {"waiting_days": "0"}):
        response = app.get("/en/dongchang/review", query_string=args, headers=bureau.headers)
        assert response.status_code == 400, args
    assert "kind" in bureau.error("dongchang_catalog_list", kind="everything")
    assert "waiting_days" in bureau.error("dongchang_catalog_list", waiting_days=99999)


def test_f10_reviewer_sees_classes_and_legal_basis(queue):
    entry = _review(queue).select_one('[data-entry="elderly-care"]')
    classes = entry.select_one(".dongchang-review-classes").get_text(" ", strip=True)
    assert LEGAL_BASIS in classes
    assert "Conditional" in classes or "conditional" in classes.lower()


def test_f10_decisions_ask_for_confirmation(queue):
    entry = _review(queue).select_one('[data-entry="elderly-care"]')
    buttons = entry.select(".dongchang-review-forms button")
    assert len(buttons) == 2
    for button in buttons:
        assert button["data-module"] == "confirm-action"
        assert button["data-module-with-data"] == "true"
        assert "东昌府区养老机构名录" in button["data-module-content"]
    # Confirmed, the form posts as before: the entry is published.
    form = buttons[0].find_parent("form")
    response = queue["app"].post(form["action"], headers=queue["bureau"].headers, data={
        "_csrf_token": form.select_one('input[name="_csrf_token"]')["value"]})
    assert response.status_code == 200
    assert queue["bureau"].ok("package_show", id="elderly-care")["catalog_state"] == "published"


def test_f15_no_unstyled_buttons_in_the_templates():
    """Bootstrap 5 (CKAN 2.12) has no btn-default: such buttons rendered as plain text."""
    offenders = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
                 if "btn-default" in path.read_text("utf-8")]
    assert offenders == []
