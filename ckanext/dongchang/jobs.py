"""Background jobs (RQ through ``ckan.lib.jobs``): work that must not hold up a web request."""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk
from ckan.lib import mailer

log = logging.getLogger(__name__)


def enqueue_mail(name: str, email: str, subject: str, body: str) -> None:
    tk.enqueue_job(send_mail, [name, email, subject, body], title=f"mail to {email}")


def send_mail(name: str, email: str, subject: str, body: str) -> None:
    """Runs in the worker. A failure raises, so RQ records the job as failed for a retry."""
    mailer.mail_recipient(name, email, subject, body)
    log.info("mail sent to %s: %s", email, subject)
