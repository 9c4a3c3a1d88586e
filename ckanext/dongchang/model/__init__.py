"""Tables of ckanext-dongchang (created by the alembic migrations in ``migration/dongchang``)."""
from ckanext.dongchang.model.access_request import AccessRequest
from ckanext.dongchang.model.audit import AuditEvent

__all__ = ["AccessRequest", "AuditEvent"]
