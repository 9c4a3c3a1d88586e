"""Mail waits in the outbox and goes out in batches (F-13, issue 20): CKAN's worker forks a
process per job, so a burst of messages is one job, and every message is sent exactly once."""
from __future__ import annotations

import pytest
from ckan.lib import jobs as ckan_jobs

from ckanext.dongchang import jobs
from tests.conftest import PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def _mail(number: int) -> None:
    jobs.enqueue_mail(f"收件人{number}", f"r{number}@example.com", "数据申请通知",
                      f"第{number}封通知")


def test_f13_a_burst_of_mail_is_one_job_and_each_message_is_sent_once(mail_sink, run_jobs):
    for number in range(3):
        _mail(number)
    assert len(ckan_jobs.get_queue().jobs) == 1
    run_jobs()
    assert [len(mail_sink.to(f"r{n}@example.com")) for n in range(3)] == [1, 1, 1]

    _mail(3)  # the job that ran is not waiting any more: this message gets a job of its own
    assert len(ckan_jobs.get_queue().jobs) == 1
    run_jobs()
    assert len(mail_sink.to("r3@example.com")) == 1
    assert sum(len(mail_sink.to(f"r{n}@example.com")) for n in range(4)) == 4


def test_f13_the_daily_flush_queues_a_job_even_when_one_waits(mail_sink, run_jobs):
    _mail(0)
    assert jobs.flush_outbox(older_than_minutes=0) == 1
    assert len(ckan_jobs.get_queue().jobs) == 2  # queued twice, sent once
    run_jobs()
    assert len(mail_sink.to("r0@example.com")) == 1
    assert jobs.flush_outbox(older_than_minutes=0) == 0
