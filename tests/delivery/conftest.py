"""The district of the delivery tests: a department with a conditionally open entry and its
uploaded open version, an unconditionally open entry with its file, a grant to a citizen, and a
Bureau; real PostgreSQL, Solr, Redis and CKAN's FileStore."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers

from ckanext.dongchang.requests.model import AccessRequest
from tests.api import Api
from tests.entries import conditional, create_entry

OPEN_CSV = "镇街,机构数\n古楼街道,12\n柳园街道,9\n".encode()
PUBLIC_CSV = "年份,数量\n2025,31\n".encode()


def _upload(app, token, entry, name, audience, content):
    response = app.post("/api/3/action/resource_create", headers={"Authorization": token},
                        data={"package_id": entry["id"], "name": name, "audience": audience,
                              "format": "CSV", "upload": (io.BytesIO(content), f"{name}.csv")},
                        content_type="multipart/form-data")
    return response.json["result"]


@pytest.fixture
def world(app, sysadmin):
    owner = factories.Organization(name="dcf-log-owner", title="区民政局")
    other = factories.Organization(name="dcf-log-other", title="区人社局")
    bureau = factories.Organization(name="dcf-log-dsj", title="区大数据局", is_bureau="true")
    users = {name: factories.User(name=f"log-{name}")
             for name in ("admin", "official", "citizen", "bureau", "stranger")}
    for org, name, role in ((owner, "admin", "admin"), (other, "official", "member"),
                            (bureau, "bureau", "admin")):
        helpers.call_action("organization_member_create", id=org["id"],
                            username=users[name]["name"], role=role)
    token = factories.APIToken(user=sysadmin["name"])["token"]
    gated = create_entry(sysadmin, owner["id"], name="log-gated", **conditional(), resources=[])
    public = create_entry(sysadmin, owner["id"], name="log-public", resources=[])
    files = {"open": _upload(app, token, gated, "养老机构统计开放版", "open", OPEN_CSV),
             "public": _upload(app, token, public, "养老机构数量", "open", PUBLIC_CSV)}
    grant = AccessRequest(
        dataset_id=gated["id"], requester_id=users["citizen"]["id"],
        resource_ids=[files["open"]["id"]], request_kind="open", applicant_kind="citizen",
        purpose="social_services", state="approved", valid_from=dt.date.today(),
        valid_until=dt.date.today() + dt.timedelta(days=30))
    model.Session.add(grant)
    model.Session.commit()
    return {"users": users, "entries": {"gated": gated, "public": public}, "files": files,
            "grant": grant.id, "api": {name: Api(app, user) for name, user in users.items()}}


def _path(entry, resource):
    return f"/dataset/{entry['id']}/resource/{resource['id']}/download/{resource['name']}.csv"


def _rows() -> list[dict]:
    return [dict(row._mapping) for row in model.Session.execute(
        sa.text("select * from dongchang_access_log order by id"))]
