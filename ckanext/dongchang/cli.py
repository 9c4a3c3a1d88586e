"""``ckan dongchang …``: the administrators' chores."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ckanext.dongchang import config as dc_config
from ckanext.dongchang import jobs
from ckanext.dongchang.catalog import cli as catalog_cli
from ckanext.dongchang.dcat import entry_cache
from ckanext.dongchang.delivery import service as delivery_service
from ckanext.dongchang.demo import load_catalog
from ckanext.dongchang.requests import service as request_service
from ckanext.dongchang.tenders import service as tender_service

__all__ = ["dongchang"]


@click.group(short_help="Dongchangfu catalog administration")
def dongchang():
    """Chores of the Dongchangfu District data catalog."""


@dongchang.command("load-demo")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--password", default=None, help="Password for every demo user (default: random).")
def load_demo(path: Path, password: str | None):
    """Load the demo catalog in PATH through the action API (idempotent)."""
    summary = load_catalog(json.loads(path.read_text("utf-8")), password=password,
                           files=path.parent)
    click.echo(json.dumps(summary, ensure_ascii=False))
    if summary.get("errors"):
        sys.exit(1)


@dongchang.command("expire-grants")
def expire_grants():
    """End approved access whose validity has passed, and tell the applicants.

    Access already stops on the day after ``valid_until`` (grants are checked on every
    request); this job records the expiry and sends the mail. Run it daily, e.g. from cron:
    ``ckan -c ckan.ini dongchang expire-grants``.
    """
    expired = request_service.expire_grants()
    click.echo(f"expired {len(expired)} grant(s)")
    ended = tender_service.end_expired_tenders()
    click.echo(f"ended {len(ended)} tender(s) whose contract period is over")


@dongchang.command("flush-outbox")
@click.option("--older-than", default=10, show_default=True,
              help="Queue again messages unsent for this many minutes.")
def flush_outbox(older_than: int):
    """Queue again the notifications that could not be queued (e.g. Redis was down)."""
    click.echo(f"queued {jobs.flush_outbox(older_than)} message(s)")


@dongchang.command("dcat-warm")
def dcat_warm():
    """Render every public entry's DCAT and keep it, before harvesters walk the catalog.

    Each entry's Turtle is kept under a digest of the code that wrote it, so after a
    deployment the first walk would render everything again. Run after deploying:
    ``ckan -c ckan.ini dongchang dcat-warm``.
    """
    client = click.get_current_context().meta["flask_app"].test_client()

    def get(path: str) -> tuple[int, str]:
        response = client.get(path)
        return response.status_code, response.get_data(as_text=True)

    click.echo(f"walked {entry_cache.warm(get)} page(s) of /catalog.ttl")


@dongchang.command("purge-access-log")
def purge_access_log():
    """Remove access-log rows older than ``ckanext.dongchang.access_log_retention_days``.

    The log refuses every other change; run this daily, e.g. from cron:
    ``ckan -c ckan.ini dongchang purge-access-log``.
    """
    removed = delivery_service.purge_older_than(dc_config.access_log_retention_days())
    click.echo(f"removed {removed} access-log row(s)")


def _attach_catalog_commands() -> None:
    """Catalog chores live in their own module; they belong to the same ``dongchang`` group."""
    for command in (catalog_cli.deadlines, catalog_cli.remind_deadlines,
                    catalog_cli.import_catalog, catalog_cli.export_catalog):
        dongchang.add_command(command)


_attach_catalog_commands()
