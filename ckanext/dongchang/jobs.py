"""Background jobs (RQ through ``ckan.lib.jobs``): work that must not hold up a web request.

Mail goes through an outbox table: the message is stored first, then a job that sends every
unsent message is queued, unless such a job is still waiting in the queue (it will send this
message too). CKAN's worker forks a process and connects to the database afresh for every
job, so one job per message made a burst of access requests a queue that outlasted the burst
by a minute (``benchmarks/locust``: about 0.4 s of a core per message). If Redis is down the
message waits in the table and ``ckan dongchang flush-outbox`` (run with the daily jobs)
queues a job again; a message is sent only if nobody has sent it yet, so a retried job never
mails twice.
"""
from __future__ import annotations

import datetime as dt
import logging

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import jobs, mailer
from ckan.lib.redis import connect_to_redis

from ckanext.dongchang.kernel.outbox import MailOutbox

log = logging.getLogger(__name__)


def enqueue_mail(name: str, email: str, subject: str, body: str) -> None:
    entry = MailOutbox(message={"name": name, "email": email, "subject": subject,
                                "body": body})
    model.Session.add(entry)
    model.Session.commit()
    _queue_sending(entry.id)


def _waiting_job_key() -> str:
    return f"{tk.config.get('ckan.site_id') or 'default'}:dongchang:mail:waiting-job"


def _queue_sending(outbox_id: int | None = None, force: bool = False) -> bool:
    """Queue a job that sends every unsent message, unless one still waits in the queue
    (``force``: queue one anyway). The message was committed before the check, so a job
    still queued then will read it when it starts."""
    try:
        client = connect_to_redis()
        waiting = None if force else client.get(_waiting_job_key())
        if waiting is not None and _still_queued(waiting.decode()):
            return True
        job = tk.enqueue_job(send_unsent_mail, [], title="mail")
        client.set(_waiting_job_key(), job.id, ex=86400)
        return True
    except Exception as error:  # Redis unreachable: the outbox keeps the message
        log.warning("mail %s kept in the outbox, queueing failed: %s", outbox_id or "", error)
        return False


def _still_queued(job_id: str) -> bool:
    try:
        return jobs.job_from_id(job_id).get_status() == "queued"
    except KeyError:
        return False


def send_unsent_mail() -> None:
    """Runs in the worker: every message not sent yet, oldest first. A failure raises, so RQ
    records the job as failed; what is left goes with the next job or the daily flush."""
    waiting = [row.id for row in model.Session.query(MailOutbox.id).filter(
        MailOutbox.sent_at.is_(None)).order_by(MailOutbox.id)]
    for outbox_id in waiting:
        send_outbox_mail(outbox_id)


def send_outbox_mail(outbox_id: int) -> None:
    """Send one message unless somebody has (also the job of a message queued by an earlier
    version, one job per message)."""
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
    """Queue a sending job for every message still unsent after a while (e.g. after a Redis
    outage); the number of such messages, or 0 if the job could not be queued."""
    cutoff = dt.datetime.utcnow() - dt.timedelta(minutes=older_than_minutes)
    unsent = model.Session.query(MailOutbox.id).filter(
        MailOutbox.sent_at.is_(None), MailOutbox.created <= cutoff).count()
    return unsent if unsent and _queue_sending(force=True) else 0
