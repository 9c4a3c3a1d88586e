"""Background jobs (RQ through ``ckan.lib.jobs``): work that must not hold up a web request.

Mail goes through an outbox table: the message is stored first, then a job is queued with its
id. If Redis is down the message waits in the table and ``ckan dongchang flush-outbox`` (run
with the daily jobs) queues it again; a job sends a message only if nobody has yet, so a
retried job never mails twice.
"""
from __future__ import annotations

import datetime as dt
import logging

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import mailer

from ckanext.dongchang.kernel.outbox import MailOutbox

log = logging.getLogger(__name__)


def enqueue_mail(name: str, email: str, subject: str, body: str) -> None:
    entry = MailOutbox(message={"name": name, "email": email, "subject": subject,
                                "body": body})
    model.Session.add(entry)
    model.Session.commit()
    _queue(entry.id)


def _queue(outbox_id: int) -> bool:
    try:
        tk.enqueue_job(send_outbox_mail, [outbox_id], title=f"mail {outbox_id}")
        return True
    except Exception as error:  # Redis unreachable: the outbox keeps the message
        log.warning("mail %s kept in the outbox, queueing failed: %s", outbox_id, error)
        return False


def send_outbox_mail(outbox_id: int) -> None:
    """Runs in the worker. A failure raises, so RQ records the job as failed for a retry."""
    entry = model.Session.get(MailOutbox, outbox_id)
    if entry is None or entry.sent_at is not None:
        return
    message = entry.message
    mailer.mail_recipient(message["name"], message["email"], message["subject"],
                          message["body"])
    claimed = model.Session.query(MailOutbox).filter(
        MailOutbox.id == outbox_id, MailOutbox.sent_at.is_(None)
    ).update({"sent_at": dt.datetime.utcnow()}, synchronize_session=False)
    model.Session.commit()
    log.info("mail %s sent to %s (%s)", outbox_id, message["email"], claimed)


def flush_outbox(older_than_minutes: int = 10) -> int:
    """Queue again every message still unsent after a while (e.g. after a Redis outage)."""
    cutoff = dt.datetime.utcnow() - dt.timedelta(minutes=older_than_minutes)
    ids = [row[0] for row in model.Session.query(MailOutbox.id).filter(
        MailOutbox.sent_at.is_(None), MailOutbox.created <= cutoff)]
    return sum(_queue(outbox_id) for outbox_id in ids)
