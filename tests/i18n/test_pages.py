"""Rule errors reach API clients in the request's language (F-15).

CKAN picks the language from the URL (``ckan.config.middleware.flask_app.handle_i18n``): a
first path segment naming an offered locale (``/en/api/3/...``) selects it and is stripped;
without one, ``ckan.locale_default`` (zh_Hans_CN here) applies. The Accept-Language header is
not consulted. The catalogs must be compiled first (``make i18n``; ``make test`` does it).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from ckan.tests import factories, helpers

from tests.conftest import PLUGINS
from tests.entries import entry_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

I18N = Path(__file__).resolve().parents[2] / "ckanext" / "dongchang" / "i18n"
DOMAIN = "ckanext-dongchang"
LEGAL_BASIS_MSGID = (
    "Give the basis in laws and regulations or relevant national documents for conditional"
    " opening or not opening."
)


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs():
    for locale in ("zh_Hans_CN", "en"):
        po = I18N / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            pytest.fail(f"{mo} is missing or older than its .po: run `make i18n` first")


def _chinese(msgid: str) -> str:
    with (I18N / "zh_Hans_CN" / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        return read_po(po)[msgid].string


@pytest.fixture
def org():
    return factories.Organization(name="dcf-i18n")


def _legal_basis_error(app, sysadmin, org, path: str) -> str:
    token = factories.APIToken(user=sysadmin["name"])["token"]
    data = entry_dict(org["id"], open_class="conditional", open_conditions="须申请并签署协议",
                      open_reason="含个人信息")
    response = app.post(path, json=data, headers={"Authorization": token}, status=409)
    body = response.json
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    assert set(body["error"]) - {"__type"} == {"open_legal_basis"}
    [message] = body["error"]["open_legal_basis"]
    return message


def test_f15_api_rule_error_is_in_chinese_by_default(app, sysadmin, org):
    message = _legal_basis_error(app, sysadmin, org, "/api/3/action/package_create")
    assert message == _chinese(LEGAL_BASIS_MSGID)
    assert "法律依据" in message


def test_f15_api_rule_error_is_in_english_under_the_en_prefix(app, sysadmin, org):
    message = _legal_basis_error(app, sysadmin, org, "/en/api/3/action/package_create")
    assert message == LEGAL_BASIS_MSGID


def test_f15_an_explicit_zh_prefix_also_gives_chinese(app, sysadmin, org):
    message = _legal_basis_error(app, sysadmin, org, "/zh_Hans_CN/api/3/action/package_create")
    assert message == _chinese(LEGAL_BASIS_MSGID)


def test_f15_ckan_page_strings_missing_from_ckans_catalog_are_chinese(app):
    """CKAN 2.12's zh_Hans_CN catalog leaves some of its page frame in English; ours fills it
    (``ckan_strings``), and the English site keeps CKAN's own text."""
    chinese = app.get("/dataset/").body
    assert "跳到主要内容" in chinese and "Skip to main content" not in chinese
    assert "Skip to main content" in app.get("/en/dataset/").body


def test_f15_the_entry_form_explains_review_instead_of_a_licence(app):
    org = factories.Organization()
    editor = factories.User()
    helpers.call_action("organization_member_create", id=org["id"], username=editor["name"],
                        role="editor")
    headers = {"Authorization": factories.APIToken(user=editor["name"])["token"]}
    form = app.get("/dataset/new", headers=headers).body
    assert "Open Database License" not in form
    assert "保存后，新条目是本部门的草稿" in form
    assert "此处可使用" in form  # CKAN's Markdown hint under the description
    english = app.get("/en/dataset/new", headers=headers).body
    assert "Saving keeps the new entry as a draft" in english
