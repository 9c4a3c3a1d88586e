"""The district of the delivery tests: a department with a conditionally open entry and its
uploaded open version, an unconditionally open entry with its file, a grant to a citizen, and a
Bureau; real PostgreSQL, Solr, Redis and CKAN's FileStore."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories

from tests.api import Api
from tests.entries import conditional
from tests.factories import Bureau, CatalogEntry, Department, Official, grant

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
    owner = Department(name="dcf-log-owner", title="区民政局")
    other = Department(name="dcf-log-other", title="区人社局")
    bureau = Bureau(name="dcf-log-dsj")
    places = {"admin": (owner, "admin"), "official": (other, "member"),
              "citizen": (None, "member"), "bureau": (bureau, "admin"),
              "stranger": (None, "member")}
    users = {name: Official(name=f"log-{name}", department=org, capacity=capacity)
             for name, (org, capacity) in places.items()}
    token = factories.APIToken(user=sysadmin["name"])["token"]
    gated = CatalogEntry(user=sysadmin, owner_org=owner, name="log-gated", resources=[],
                         **conditional())
    public = CatalogEntry(user=sysadmin, owner_org=owner, name="log-public", resources=[])
    files = {"open": _upload(app, token, gated, "养老机构统计开放版", "open", OPEN_CSV),
             "public": _upload(app, token, public, "养老机构数量", "open", PUBLIC_CSV)}
    granted = grant(gated, users["citizen"], [files["open"]["id"]])
    return {"users": users, "entries": {"gated": gated, "public": public}, "files": files,
            "grant": granted.id, "api": {name: Api(app, user) for name, user in users.items()}}


def _path(entry, resource):
    return f"/dataset/{entry['id']}/resource/{resource['id']}/download/{resource['name']}.csv"


def _rows() -> list[dict]:
    return [dict(row._mapping) for row in model.Session.execute(
        sa.text("select * from dongchang_access_log order by id"))]
