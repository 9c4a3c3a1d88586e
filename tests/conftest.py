"""Shared fixtures. Integration tests use the real PostgreSQL, Solr and Redis of test.ini."""
from __future__ import annotations

import pytest
from hypothesis import settings
from pytest_factoryboy import register

from tests import factories

# Property tests prove rules, not speed: on the shared 2-core machines one example can take
# longer than Hypothesis's 200 ms default deadline while another suite runs, which fails a
# correct rule (seen on tests/requests/test_rules.py under load). No deadline here.
settings.register_profile("dongchang", deadline=None)
settings.load_profile("dongchang")

PLUGINS = "dongchang activity scheming_datasets scheming_organizations dcat datastore"


# Fixtures ``department``, ``bureau``, ``official``, ``catalog_entry``, ``access_request`` and
# their ``*_factory`` twins, registered as CKAN's pytest plugin registers ``organization``.
@register(_name="department")
class DepartmentFactory(factories.Department):
    pass


@register(_name="bureau")
class BureauFactory(factories.Bureau):
    pass


@register(_name="official")
class OfficialFactory(factories.Official):
    pass


@register(_name="catalog_entry")
class CatalogEntryFactory(factories.CatalogEntry):
    pass


@register(_name="access_request")
class AccessRequestFactory(factories.AccessRequest):
    pass


# Tables whose triggers refuse DELETE: the audit log (Art. 29) and the access log (issue 16).
APPEND_ONLY_TABLES = ("dongchang_audit_event", "dongchang_access_log")


def _audit_triggers(enable: bool) -> None:
    """The append-only logs refuse DELETE; CKAN's test reset deletes every table's rows,
    so the table owner lifts the guard for the reset and puts it back right after."""
    import sqlalchemy as sa
    from ckan import model

    verb = "ENABLE" if enable else "DISABLE"
    for table in APPEND_ONLY_TABLES:
        exists = model.Session.execute(
            sa.text(f"select to_regclass('{table}') is not null")).scalar()
        if exists:
            model.Session.execute(sa.text(f"ALTER TABLE {table} {verb} TRIGGER USER"))
    model.Session.commit()


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean database with the plugins' own tables, overridden as ckanext-activity and
    ckanext-dcat override it, so every CKAN fixture that asks for ``clean_db`` gets them."""
    _audit_triggers(enable=False)
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("dongchang")
    _audit_triggers(enable=True)


@pytest.fixture
def dongchang_db(clean_db, clean_index):
    """A clean database with the plugins' own tables, and an empty search index."""


@pytest.fixture
def sysadmin():
    from ckan.tests import factories

    return factories.Sysadmin()


class MailSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": envelope.rcpt_tos, "subject": str(message["subject"]),
                              "body": message.get_body(("plain",)).get_content()})
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m["to"]]


@pytest.fixture
def mail_sink():
    """Start the SMTP server that ``smtp.server`` points at (test.ini: 127.0.0.1:8025)."""
    from aiosmtpd.controller import Controller
    from ckan.plugins import toolkit as tk

    host, _, port = tk.config["smtp.server"].partition(":")
    sink = MailSink()
    controller = Controller(sink, hostname=host, port=int(port or 25))
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def run_jobs(with_test_worker, clean_queues):
    """Run every queued RQ job now, with CKAN's worker on the real Redis (no fork)."""
    from ckan.lib import jobs

    def run():
        jobs.Worker().work(burst=True)

    return run
