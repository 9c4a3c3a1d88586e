"""State secrets (Art. 2), the security grade policy and personal information (Art. 28),
through the API and the form."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan.exceptions import CkanConfigurationException
from ckan.tests import factories, helpers

from ckanext.dongchang import config as dc_config
from tests.conftest import PLUGINS
from tests.entries import LEGAL_BASIS, conditional, create_entry, entry_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

CORE_OPEN = {"security_grade": "core", **conditional(share_class="unconditional",
                                                     share_conditions="", share_reason="",
                                                     share_legal_basis="")}


@pytest.fixture
def org():
    return factories.Organization(name="dcf-test")


def _errors(sysadmin, data):
    with pytest.raises(helpers.logic.ValidationError) as raised:
        helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)
    return raised.value.error_dict


def test_art2_an_entry_involving_state_secrets_is_refused(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(
        org["id"], involves_state_secrets=True, share_class="not_shared", open_class="not_open",
        share_reason="涉密", share_legal_basis=LEGAL_BASIS, open_legal_basis=LEGAL_BASIS))
    assert list(errors) == ["involves_state_secrets"]
    assert "第二条" in errors["involves_state_secrets"][0] or \
        "Art. 2" in errors["involves_state_secrets"][0]


def test_art2_an_entry_says_it_involves_no_state_secrets(sysadmin, org):
    created = create_entry(sysadmin, org["id"])
    assert created["involves_state_secrets"] == "false"
    with pytest.raises(helpers.logic.ValidationError) as raised:
        helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                            id=created["id"], involves_state_secrets="是")
    assert list(raised.value.error_dict) == ["involves_state_secrets"]


def test_art2_art28_the_form_asks_about_secrets_and_personal_information(app, sysadmin, org):
    token = factories.APIToken(user=sysadmin["name"])["token"]
    page = app.get("/en/dataset/new", headers={"Authorization": token})
    soup = BeautifulSoup(page.body, "html.parser")
    assert soup.select_one("select[name=involves_state_secrets]") is not None
    assert "secrecy" in page.body
    kinds = soup.select_one("select[name=data_items-0-personal_information]")
    assert [o.get("value") for o in kinds.find_all("option")] == [
        "", "none", "personal", "sensitive"]
    assert soup.select_one("textarea[name=deidentification_statement]") is not None


def test_art28_core_data_is_not_opened_by_default(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(org["id"], **CORE_OPEN))
    assert set(errors) == {"share_class", "open_class"}
    assert "核心" in errors["open_class"][0] or "core" in errors["open_class"][0]


def test_art28_important_data_is_opened_conditionally_at_most(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(org["id"], security_grade="important"))
    assert list(errors) == ["open_class"]
    created = create_entry(sysadmin, org["id"], security_grade="important",
                           **conditional(share_class="unconditional", share_conditions="",
                                         share_reason="", share_legal_basis=""))
    assert created["open_class"] == "conditional"


@pytest.mark.ckan_config("ckanext.dongchang.widest_share_class_by_grade", "")
@pytest.mark.ckan_config("ckanext.dongchang.widest_open_class_by_grade", "")
def test_art28_without_a_grade_policy_core_data_may_be_opened(sysadmin, org):
    created = create_entry(sysadmin, org["id"], **CORE_OPEN)
    assert created["security_grade"] == "core" and created["open_class"] == "conditional"


@pytest.mark.ckan_config("ckanext.dongchang.widest_open_class_by_grade", "general:not_open")
def test_art28_a_configured_grade_policy_applies_to_general_data(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(org["id"]))
    assert list(errors) == ["open_class"]


PERSON = {"name": "姓名", "type": "string", "source_org": "dcf-test",
          "personal_information": "sensitive"}


def test_art28_personal_items_need_deidentification_for_unconditional_opening(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(org["id"], data_items=[PERSON]))
    assert list(errors) == ["deidentification_statement"]
    created = create_entry(sysadmin, org["id"], data_items=[PERSON],
                           deidentification_statement="姓名以不可逆编码替换")
    shown = helpers.call_action("package_show", id=created["id"])
    assert shown["data_items"][0]["personal_information"] == "sensitive"
    assert shown["deidentification_statement"] == "姓名以不可逆编码替换"


def test_art28_personal_information_kind_must_be_known(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(org["id"], data_items=[
        dict(PERSON, personal_information="maybe")]))
    assert list(errors) == ["data_items"]


@pytest.mark.parametrize(("option", "value"), [
    ("ckanext.dongchang.widest_open_class_by_grade", "core:not_shared"),
    ("ckanext.dongchang.widest_share_class_by_grade", ["secret:conditional"]),
])
def test_art28_a_mistyped_grade_policy_stops_the_site_naming_the_option(option, value):
    with pytest.raises(CkanConfigurationException, match=option):
        dc_config.check_configuration({option: value})
    dc_config.check_configuration({})  # the defaults are sound
