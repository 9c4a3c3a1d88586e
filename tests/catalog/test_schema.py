"""The catalog entry schema and its rules, through the API and the form (F-2, F-14, F-15)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan import model
from ckan.tests import factories, helpers

from tests.conftest import PLUGINS
from tests.entries import LEGAL_BASIS, conditional, create_entry, entry_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

DESIGN_FIELDS = {
    "resource_code", "catalog_category", "update_cycle", "share_class", "share_conditions",
    "share_method", "share_reason", "share_legal_basis", "open_class", "open_conditions",
    "open_reason", "open_legal_basis", "security_grade", "confidentiality_review_status",
    "confidentiality_reviewer", "confidentiality_reviewed_on", "data_items",
    "related_resource_codes", "temporary_collection", "temporary_collection_reason",
    "catalog_state", "title", "notes", "owner_org", "issued", "involves_state_secrets",
    "deidentification_statement",
}


@pytest.fixture
def org():
    return factories.Organization(name="dcf-test")


def _errors(sysadmin, data):
    with pytest.raises(helpers.logic.ValidationError) as raised:
        helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)
    return raised.value.error_dict


def _package_count():
    return model.Session.query(model.Package).count()


def test_f2_schema_show_lists_every_design_field():
    schema = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    names = {field["field_name"] for field in schema["dataset_fields"]}
    assert names >= DESIGN_FIELDS
    items = next(f for f in schema["dataset_fields"] if f["field_name"] == "data_items")
    assert {f["field_name"] for f in items["repeating_subfields"]} == {
        "name", "type", "description", "source_org", "personal_information"}


def test_f2_a_complete_entry_is_stored_with_every_field(sysadmin, org):
    created = create_entry(
        sysadmin, org["id"], **conditional(),
        data_items=[{"name": "统一社会信用代码", "type": "string", "description": "18位",
                     "source_org": "dcf-test"}],
    )
    shown = helpers.call_action("package_show", id=created["id"])
    assert shown["share_class"] == "conditional"
    assert shown["open_legal_basis"] == LEGAL_BASIS
    assert shown["data_items"][0]["source_org"] == "dcf-test"
    assert shown["private"] is False


def test_art19_conditional_share_needs_conditions_reason_and_legal_basis(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(
        org["id"], share_class="conditional", open_class="not_open",
        open_reason="涉及个人隐私", open_legal_basis=LEGAL_BASIS))
    assert set(errors) >= {"share_conditions", "share_reason", "share_legal_basis"}


def test_art19_not_shared_needs_reason_and_legal_basis_but_no_conditions(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(
        org["id"], share_class="not_shared", open_class="not_open",
        open_reason="涉密", open_legal_basis=LEGAL_BASIS))
    assert set(errors) == {"share_reason", "share_legal_basis"}


def test_art22_conditional_open_needs_conditions_and_a_basis_but_no_reason(sysadmin, org):
    """Art. 22 asks a basis in laws and regulations or relevant national documents, no reason
    (issue 18 item 2); the entry saves once both are given, without an open reason."""
    errors = _errors(sysadmin, entry_dict(org["id"], open_class="conditional"))
    assert set(errors) == {"open_conditions", "open_legal_basis"}
    assert "国家有关文件" in errors["open_legal_basis"][0] or \
        "national documents" in errors["open_legal_basis"][0]
    saved = helpers.call_action(
        "package_create", context={"user": sysadmin["name"]},
        **entry_dict(org["id"], open_class="conditional", open_conditions="须申请",
                     open_legal_basis=LEGAL_BASIS))
    assert saved["open_class"] == "conditional" and not saved.get("open_reason")


def test_art22_open_is_never_wider_than_share(sysadmin, org):
    data = entry_dict(org["id"], **conditional(open_class="unconditional"))
    errors = _errors(sysadmin, data)
    assert "open_class" in errors


def test_art28_publishing_needs_a_passed_confidentiality_review(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(org["id"], confidentiality_review_status="pending"))
    assert "confidentiality_review_status" in errors


def test_art28_a_passed_review_records_reviewer_and_date(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(
        org["id"], confidentiality_reviewer="", confidentiality_reviewed_on=""))
    assert {"confidentiality_reviewer", "confidentiality_reviewed_on"} <= set(errors)


def test_art28_a_draft_may_wait_for_its_review(sysadmin, org):
    created = create_entry(sysadmin, org["id"], confidentiality_review_status="pending",
                           catalog_state="draft")
    assert created["private"] is True


def test_art14_resource_code_is_unique(sysadmin, org):
    create_entry(sysadmin, org["id"], resource_code="371502-TEST-99999")
    errors = _errors(sysadmin, entry_dict(org["id"], resource_code="371502-TEST-99999"))
    assert list(errors) == ["resource_code"]


def test_art14_resource_code_follows_the_pattern(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(org["id"], resource_code="ABC"))
    assert list(errors) == ["resource_code"]


@pytest.mark.ckan_config("ckanext.dongchang.resource_code_pattern", "^DCF[0-9]{3}$")
def test_f14_resource_code_pattern_comes_from_config(sysadmin, org):
    created = create_entry(sysadmin, org["id"], resource_code="DCF001")
    assert created["resource_code"] == "DCF001"


def test_art14_related_codes_must_name_existing_entries(sysadmin, org):
    first = create_entry(sysadmin, org["id"])
    errors = _errors(sysadmin, entry_dict(
        org["id"], related_resource_codes=f"{first['resource_code']}, 371502-TEST-77777"))
    assert list(errors) == ["related_resource_codes"]
    assert "371502-TEST-77777" in errors["related_resource_codes"][0]
    linked = create_entry(sysadmin, org["id"], related_resource_codes=[first["resource_code"]])
    assert linked["related_resource_codes"] == first["resource_code"]


def test_art17_every_data_item_names_an_existing_source_department(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(org["id"], data_items=[
        {"name": "姓名", "type": "string", "source_org": ""}]))
    assert "data_items" in errors
    errors = _errors(sysadmin, entry_dict(org["id"], data_items=[
        {"name": "姓名", "type": "string", "source_org": "no-such-department"}]))
    assert "data_items" in errors


def test_art17_blank_data_item_panels_of_the_form_are_not_items(sysadmin, org):
    """The form posts its blank item panels (and, when its script has not run, scheming's
    template panel): they are dropped, not reported as items without a name."""
    blank = {"name": "", "type": "", "description": "", "source_org": ""}
    created = create_entry(sysadmin, org["id"], data_items=[
        blank, {"name": "统一社会信用代码", "type": "string", "source_org": "dcf-test"}, blank,
        {"name": "企业名称", "source_org": "dcf-test"}, {"name": " ", "source_org": "  "}])
    shown = helpers.call_action("package_show", id=created["id"])
    assert [item["name"] for item in shown["data_items"]] == ["统一社会信用代码", "企业名称"]
    errors = _errors(sysadmin, entry_dict(org["id"], data_items=[
        blank, {"name": "姓名", "type": "string", "source_org": ""}]))
    assert list(errors) == ["data_items"]
    assert "Data item 1 " in str(errors["data_items"])


def test_art17_temporary_collection_needs_a_reason(sysadmin, org):
    errors = _errors(sysadmin, entry_dict(org["id"], temporary_collection=True))
    assert list(errors) == ["temporary_collection_reason"]
    created = create_entry(sysadmin, org["id"], temporary_collection="true",
                           temporary_collection_reason="应急临时采集")
    assert created["temporary_collection"] == "true"


def test_f3_private_flag_follows_classes_not_the_client(sysadmin, org):
    not_open = create_entry(sysadmin, org["id"], open_class="not_open", open_reason="内部管理",
                            open_legal_basis=LEGAL_BASIS, private=False)
    assert not_open["private"] is True
    open_entry = create_entry(sysadmin, org["id"], private=True)
    assert open_entry["private"] is False


@pytest.mark.parametrize("payload", [
    {"share_class": ["unconditional"]},
    {"share_class": {"a": 1}},
    {"open_class": 42},
    {"notes": "长" * 20000},
    {"data_items": "not a list"},
    {"data_items": [{"name": ["x"], "source_org": {"x": 1}}]},
    {"related_resource_codes": {"x": 1}},
    {"temporary_collection": "maybe"},
    {"confidentiality_reviewed_on": "2026-13-45"},
    {"catalog_state": "hacked"},
])
def test_f2_malformed_input_is_a_validation_error_and_stores_nothing(app, sysadmin, org, payload):
    before = _package_count()
    token = factories.APIToken(user=sysadmin["name"])["token"]
    response = app.post("/api/3/action/package_create", json=entry_dict(org["id"], **payload),
                        headers={"Authorization": token}, status=409)
    assert response.json["success"] is False
    assert response.json["error"]["__type"] == "Validation Error"
    assert _package_count() == before


@pytest.mark.parametrize(("locale", "label", "section"), [
    ("zh_Hans_CN", "共享类型", "开放属性"),
    ("en", "Share class", "Opening to the public"),
])
def test_f15_form_renders_translated_labels_and_sections(app, sysadmin, org, locale, label,
                                                          section):
    token = factories.APIToken(user=sysadmin["name"])["token"]
    prefix = "" if locale == "zh_Hans_CN" else "/en"
    page = app.get(f"{prefix}/dataset/new", headers={"Authorization": token})
    soup = BeautifulSoup(page.body, "html.parser")
    assert any(label in tag.get_text() for tag in soup.find_all("label"))
    assert section in [h.get_text(strip=True) for h in soup.select("h2.dongchang-form-section")]


def test_f2_form_shows_the_rule_error_inline_and_keeps_the_input(app, sysadmin, org):
    token = factories.APIToken(user=sysadmin["name"])["token"]
    form = entry_dict(org["id"], open_class="conditional", open_conditions="须申请")
    form.pop("resources")
    form["save"] = ""
    form["_ckan_phase"] = "dataset_new_1"
    page = app.post("/en/dataset/new", data=form, headers={"Authorization": token})
    soup = BeautifulSoup(page.body, "html.parser")
    error_block = soup.select_one(".error-explanation")
    assert error_block is not None
    assert "legal basis" in error_block.get_text().lower()
    assert soup.find("textarea", attrs={"name": "open_conditions"}).get_text() == "须申请"
    assert _package_count() == 0


def test_f9_an_entry_without_a_url_name_gets_one_from_its_resource_code(sysadmin, org):
    """Issue 19 item 10: stable ASCII names harvesters can use (a Chinese title gives none)."""
    data = entry_dict(org["id"], resource_code="371502-SCJG-00042")
    data.pop("name")
    created = helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)
    assert created["name"] == "371502-scjg-00042"
    given = create_entry(sysadmin, org["id"], name="market-entities",
                         resource_code="371502-SCJG-00043")
    assert given["name"] == "market-entities"  # a name the department gives stays
