"""Tables of ckanext-dongchang (created by the alembic migrations in ``migration/dongchang``)."""
from ckanext.dongchang.model.access_request import AccessRequest
from ckanext.dongchang.model.audit import AuditEvent
from ckanext.dongchang.model.catalog_change import CatalogChange
from ckanext.dongchang.model.outbox import MailOutbox
from ckanext.dongchang.model.pending_revision import PendingRevision
from ckanext.dongchang.model.tender import ProductSource, Tender

__all__ = ["AccessRequest", "AuditEvent", "CatalogChange", "MailOutbox", "PendingRevision",
           "ProductSource", "Tender"]
