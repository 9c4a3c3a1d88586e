"""Run one harvest job of a source on the harvest client, synchronously, with ckanext-harvest's
own stages (``harvest_job_create``, then ``ckanext.harvest.tests.lib.run_harvest_job``: gather,
fetch, import, deletions, ``harvest_jobs_run``) — exactly what ``ckan harvester run-test`` does.

Why not ``run-test`` itself: on CKAN 2.12, ckanext-harvest 1.6.3 reads the source through
``package_show``, which answers from the search index's cached ``validated_data_dict``; that
copy has no ``source_type``, so every run after the first fails with ``KeyError:
'source_type'``. Here the source is read from its table. Usage:

    python tests/system/run_harvest.py CLIENT.ini SOURCE_NAME   (prints the job id)
"""
from __future__ import annotations

import sys


def main(config_path: str, source_name: str) -> None:
    from ckan import model
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    from ckan.plugins import toolkit as tk

    app = make_app(load_config(config_path))
    with app._wsgi_app.test_request_context():  # noqa: SLF001 - what ckan's CLI gives commands
        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestJob, HarvestSource
        from ckanext.harvest.tests.lib import run_harvest_job

        source = HarvestSource.get(model.Package.get(source_name).id)
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        job = tk.get_action("harvest_job_create")(
            {"ignore_auth": True, "user": site_user}, {"source_id": source.id, "run": False})
        run_harvest_job(HarvestJob.get(job["id"]), queue.get_harvester(source.type))
        print(job["id"])


if __name__ == "__main__":
    main(*sys.argv[1:])
