"""Search facets for the regulation's own fields (issue 17 item 11).

The search page facets by 部门, 开放类型, 共享类型, 资源分类 and 更新周期 (not by licence or the
empty groups), labels in the page's language and values by their labels, and the counts come from
the permission-filtered query: an entry hidden from the viewer never shows in a count.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories

from ckanext.dongchang.portal.facets import facet_href
from tests.api import Api, EnglishApi
from tests.conftest import PLUGINS
from tests.entries import class_fields
from tests.factories import CatalogEntry, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture
def world(app):
    scjg = Department(name="dcf-scjg", title="区市场监督管理局")
    rsj = Department(name="dcf-rsj", title="区人力资源和社会保障局")
    member = Official(name="rsj-member", department=rsj)
    sysadmin = factories.Sysadmin()
    CatalogEntry(user=sysadmin, owner_org=scjg, name="open-entry", update_cycle="daily",
                 catalog_category="base")
    CatalogEntry(user=sysadmin, owner_org=scjg, name="government-entry", update_cycle="annual",
                 catalog_category="theme", **class_fields("unconditional", "not_open"))
    return {"anonymous": Api(app), "english": EnglishApi(app), "member": Api(app, member),
            "org": scjg}


def _facet_texts(page, field):
    """The facet block of ``field`` on a search page: its heading and item texts."""
    links = page.select(f'a[href*="{field}="]')
    return [" ".join(a.get_text().split()) for a in links]


def test_i17_search_facets_are_the_regulations_fields_with_labels(world):
    page = world["anonymous"].page("/dataset/")
    headings = " ".join(h.get_text(" ", strip=True) for h in page.select(
        "section.module-narrow h2, .module-narrow .module-heading"))
    for label in ("部门", "开放类型", "共享类型", "资源分类", "更新周期"):
        assert label in headings, label
    assert "授权" not in headings and "群组" not in headings and "许可" not in headings
    assert not page.select('a[href*="license_id="]') and not page.select('a[href*="groups="]')
    texts = " ".join(_facet_texts(page, "update_cycle") + _facet_texts(page, "open_class")
                     + _facet_texts(page, "catalog_category") + _facet_texts(page, "organization"))
    assert "每日" in texts and "无条件开放" in texts and "基础信息资源" in texts
    assert "区市场监督管理局" in texts
    assert "daily" not in texts and "unconditional" not in texts
    english = world["english"].page("/en/dataset/")
    headings = " ".join(h.get_text(" ", strip=True) for h in english.select(
        "section.module-narrow h2, .module-narrow .module-heading"))
    for label in ("Department", "Open class", "Share class", "Resource category",
                  "Update cycle"):
        assert label in headings, label
    assert "Daily" in " ".join(_facet_texts(english, "update_cycle"))
    org_page = world["anonymous"].page("/organization/dcf-scjg")
    assert org_page.select('a[href*="update_cycle="]')
    assert not org_page.select('a[href*="license_id="]')


def test_i17_facet_counts_never_count_entries_hidden_from_the_viewer(world):
    fields = ["open_class", "share_class", "update_cycle", "catalog_category"]
    anonymous = world["anonymous"].ok("package_search", include_private=True,
                                      **{"facet.field": fields})
    facets = anonymous["search_facets"]
    assert [i["name"] for i in facets["open_class"]["items"]] == ["unconditional"]
    assert "not_open" not in str(facets) and "annual" not in str(facets)
    assert "theme" not in str(facets)
    assert [i["name"] for i in facets["share_class"]["items"]] == ["unconditional"]
    page = world["anonymous"].page("/dataset/")
    assert not page.select('a[href*="open_class=not_open"]')
    assert "不予开放" not in page.get_text() and "每年" not in page.get_text()
    # A department member sees the government entry, and so its facet values.
    member = world["member"].ok("package_search", include_private=True,
                                **{"facet.field": fields})
    assert {i["name"] for i in member["search_facets"]["open_class"]["items"]} == {
        "unconditional", "not_open"}


@pytest.mark.parametrize("query", [
    "/dataset/",
    "/dataset/?q=%E6%B0%B4%E8%B4%A8&page=3&tags=%E7%8E%AF%E5%A2%83&tags=monitoring",
    "/dataset/?open_class=unconditional&update_cycle=daily&page=2&sort=score+desc",
    "/organization/dcf-scjg?open_class=unconditional",
])
def test_i20_facet_links_are_the_addresses_ckan_builds(app, query):
    """Our facet links (the page's address built once per request) are CKAN's own: adding a
    value, removing an active one, removing every value of a field, with and without extras
    or another address."""
    with app.flask_app.test_request_context(query):
        h = tk.h
        for extras, other in ((None, None), ({"id": "dcf-rsj"}, None), (None, "/catalog/x")):
            if extras and "organization" not in query:
                continue
            for name, value in (("open_class", "unconditional"), ("tags", "环境"),
                                ("update_cycle", "daily"), ("organization", "dcf-scjg")):
                assert facet_href(name, value, False, extras, other) == h.add_url_param(
                    new_params={name: value}, extras=extras, alternative_url=other)
                if (name, value) in tk.request.args.items(multi=True):
                    assert facet_href(name, value, True, extras, other) == h.remove_url_param(
                        name, value, extras=extras, alternative_url=other)
                assert facet_href(name, "", True, extras, other) == h.remove_url_param(
                    name, "", extras=extras, alternative_url=other)
