"""Issue 16: the resource form asks first how the data reaches its users — 上传文件,
登记上游接口（数据留在部门）or 链接 — and shows only the chosen input. A department registers an
upstream in a real browser (Debian's Chromium, zh); the address is kept by the portal only."""
from __future__ import annotations

import uuid

import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.dongchang.delivery.model import Upstream
from tests.browser.conftest import PASSWORD
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry
from tests.servers import UpstreamServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def test_journey_i16_the_department_picks_upstream_and_sees_only_its_input(people, sysadmin):
    org = factories.Organization(name="dcf-source-mzj", title="区民政局", image_url="")
    factories.User(name="source-admin", password=PASSWORD)
    helpers.call_action("organization_member_create", id=org["id"], username="source-admin",
                        role="admin")
    create_entry(sysadmin, org["id"], name="source-entry", resources=[], **conditional())
    server = UpstreamServer(b"a,b\n1,2\n")
    address = f"{server.url}/mzj-internal-{uuid.uuid4().hex[:8]}/export.csv"
    try:
        admin = people("admin", "")
        admin.login("source-admin")
        page = admin.goto("/dataset/source-entry/resource/new")
        chooser = page.locator("fieldset.dongchang-data-source")
        assert chooser.is_visible() and "上传文件" in chooser.inner_text()
        assert page.locator("#dongchang-source-link").count() == 0  # a gated entry: no link
        assert page.locator("#resource-upload-button").is_visible()
        assert not page.locator("#field-upstream_url").is_visible()

        page.check("#dongchang-source-upstream")
        assert page.locator("#field-upstream_url").is_visible()
        assert not page.locator("#resource-upload-button").is_visible()
        assert not page.locator("#field-resource-url").is_visible()
        page.fill("#field-upstream_url", address)
        page.fill("#field-name", "低保统计（上游）")
        page.select_option("#field-audience", "open")
        admin.shot("upstream-chosen")
        admin.submit("form#resource-edit button[name=save][value=go-dataset-complete]")
        admin.shot("saved")
        assert address not in page.content() and server.url not in page.content()
        model.Session.expire_all()
        assert model.Session.query(Upstream).filter_by(address=address).count() == 1
    finally:
        server.stop()
