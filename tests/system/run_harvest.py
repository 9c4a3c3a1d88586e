"""Run one harvest job of a source on the harvest client, synchronously, with ckanext-harvest's
own stages, as its Redis consumers would: ``harvest_job_create``, ``queue.gather_stage``, then
for every harvest object what ``queue.fetch_callback`` does (count a try, give up as ERROR at the
fifth, ``fetch_and_import_stages``), then ``harvest_jobs_run`` to finish the job.

An exception out of an import kills a real fetch consumer; its supervisor restarts it and Redis
delivers the object again, until the fifth try marks it ERROR. Here the exception is printed
and the object tried again the same way, so one bad object does not end the run.

Why not ``ckan harvester run-test``: on CKAN 2.12, ckanext-harvest 1.6.3 reads the source through
``package_show``, which answers from the search index's cached ``validated_data_dict``; that
copy has no ``source_type``, so every run after the first fails with ``KeyError:
'source_type'`` (and run-test stops at the first exception). Usage:

    python tests/system/run_harvest.py CLIENT.ini SOURCE_NAME [--restore-deleted]
        [--authorization=TOKEN]

prints the job id. ``--restore-deleted`` applies the consumer-side fix the README describes
for a dataset that leaves the source and comes back (:func:`restore_deleted`).
"""
from __future__ import annotations

import sys
import traceback


def restore_deleted(harvester) -> None:
    """The consumer-side fix for ckanext-dcat 2.4.4 on CKAN 2.12 (docs/upstream/
    ckanext-dcat-leave-and-return.md), as a site would put it in a ``DCATRDFHarvester``
    subclass: read the existing copy with the harvester's rights (a deleted one too), and
    make every dataset the source publishes active again."""
    from ckan.plugins import toolkit as tk

    def _get_existing_dataset(guid):
        found = harvester._read_datasets_from_db(guid)  # noqa: SLF001 - the method we override
        if not found:
            return None
        context = {"ignore_auth": True, "user": harvester._get_user_name()}  # noqa: SLF001
        return tk.get_action("package_show")(context, {"id": found[0][0]})

    def modify_package_dict(package_dict, dcat_dict, harvest_object):
        package_dict["state"] = "active"
        return package_dict

    harvester._get_existing_dataset = _get_existing_dataset  # noqa: SLF001
    harvester.modify_package_dict = modify_package_dict


def send_authorization(token: str) -> None:
    """What the city exchange platform's ckanext-dcat needs for ``/share-catalog.ttl``: an
    ``Authorization`` header on every request of the harvester's ``requests`` session. A site
    does it in an ``IDCATRDFHarvester`` plugin's ``update_session(session)``
    (``session.headers["Authorization"] = token``); here every new session gets it."""
    import requests

    original = requests.Session.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.headers["Authorization"] = token

    requests.Session.__init__ = __init__


def main(config_path: str, source_name: str, *options: str) -> None:
    from ckan import model
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    from ckan.plugins import toolkit as tk

    app = make_app(load_config(config_path))
    with app._wsgi_app.test_request_context():  # noqa: SLF001 - what ckan's CLI gives commands
        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestJob, HarvestSource

        source = HarvestSource.get(model.Package.get(source_name).id)
        harvester = queue.get_harvester(source.type)
        if "--restore-deleted" in options:
            restore_deleted(harvester)
        for option in options:
            if option.startswith("--authorization="):
                send_authorization(option.partition("=")[2])
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        job_id = tk.get_action("harvest_job_create")(
            {"ignore_auth": True, "user": site_user}, {"source_id": source.id, "run": False})["id"]
        job = HarvestJob.get(job_id)
        job.status = "Running"  # what harvest_send_job_to_gather_queue does
        job.save()
        for object_id in queue.gather_stage(harvester, job) or []:
            _fetch_like_the_consumer(harvester, object_id)
        tk.get_action("harvest_jobs_run")({"ignore_auth": True}, {})
        print(job_id)


def _fetch_like_the_consumer(harvester, object_id: str) -> None:
    from ckan import model
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestObject

    while True:
        obj = HarvestObject.get(object_id)
        obj.retry_times += 1
        obj.save()
        if obj.retry_times >= 5:
            obj.state, obj.report_status = "ERROR", "errored"
            obj.save()
            return
        try:
            queue.fetch_and_import_stages(harvester, obj)
            return
        except Exception:  # a consumer crash: restarted, the object delivered again
            traceback.print_exc()
            model.Session.remove()


if __name__ == "__main__":
    main(*sys.argv[1:])
