"""``ckan dongchang deadlines | remind-deadlines | import | export``: catalog chores (F-10, F-11).

The commands run inside a request context of the site, so messages come out in the site's
default language (``ckan.locale_default``, zh_Hans_CN) exactly as the pages show them.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ckanext.dongchang.catalog import freshness, spreadsheet
from ckanext.dongchang.catalog.service import remind

__all__ = ["deadlines", "remind_deadlines", "import_catalog", "export_catalog"]


@contextmanager
def _site() -> Iterator[None]:
    import flask

    if flask.has_request_context():
        yield
        return
    app = click.get_current_context().meta["flask_app"]
    with app.test_request_context():
        yield


def _actor(name: str | None) -> dict:
    import ckan.plugins.toolkit as tk
    from ckan import model

    if name is None:
        name = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    user = model.User.get(name)
    if user is None:
        raise click.BadParameter(f"no user called {name}", param_hint="--user")
    return {"user": user.name, "auth_user_obj": user}


@click.command("deadlines", short_help="List overdue catalog updates (Art. 16).")
@click.option("--org", default=None, help="Only this department (URL name).")
def deadlines(org: str | None):
    """Print the open catalog changes whose 15-working-day update deadline has passed."""
    import ckan.plugins.toolkit as tk

    filters = {"overdue": True, "limit": 100, **({"org": org} if org else {})}
    with _site():
        result = tk.get_action("dongchang_catalog_change_list")(_actor(None), filters)
        if not result["count"]:
            click.echo(tk._("No catalog update is overdue."))
            return
        for change in result["results"]:
            click.echo("\t".join([
                change["org_name"] or "", change["dataset_name"] or "", change["trigger"],
                change["occurred_on"], change["due_on"],
                str(change["working_days_overdue"]), change["dataset_title"] or ""]))
        if result["count"] > len(result["results"]):
            click.echo(f"… {result['count'] - len(result['results'])} more")


@click.command("remind-deadlines", short_help="Mail departments their due catalog updates.")
def remind_deadlines():
    """Queue a mail to each department's editors and admins listing its overdue changes and
    those due soon (ckanext.dongchang.due_soon_working_days), and one listing the entries
    whose data is overdue for its update cycle (Art. 16). Run it daily (cron), with a jobs
    worker running."""
    with _site():
        click.echo(f"queued {remind()} reminder mail(s)")
        click.echo(f"queued {freshness.remind()} update-cycle reminder mail(s)")


@click.command("import", short_help="Import a department's catalog from .xlsx or .csv.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="The department (URL name).")
@click.option("--dry-run", is_flag=True, help="Only check the file; import nothing.")
@click.option("--user", "user_name", default=None,
              help="Import as this user (default: the site user).")
def import_catalog(path: Path, org: str, dry_run: bool, user_name: str | None):
    """Import every row of PATH into department ORG, or none if any row has an error."""
    import ckan.plugins.toolkit as tk

    with _site():
        try:
            result = tk.get_action("dongchang_catalog_import")(_actor(user_name), {
                "org": org, "content": path.read_bytes(), "filename": path.name,
                "dry_run": dry_run})
        except (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized) as error:
            raise click.ClickException(str(error)) from error
        for error in result["errors"]:
            click.echo(f"{error['sheet']}\t{error['row']}\t{error['column']}\t{error['message']}",
                       err=True)
        if result["errors"]:
            click.echo(f"{len(result['errors'])} error(s); nothing imported", err=True)
            sys.exit(1)
        if dry_run:
            click.echo(f"{result['rows']} row(s) ready to import")
        else:
            click.echo(f"imported {len(result['created'])} entr(y/ies)")


@click.command("export", short_help="Export a department's catalog to .xlsx or .csv.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="The department (URL name).")
def export_catalog(path: Path, org: str):
    """Write department ORG's catalog to PATH (.xlsx or .csv, by the name's ending)."""
    import ckan.plugins.toolkit as tk

    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise click.BadParameter("the file name must end in .xlsx or .csv", param_hint="PATH")
    with _site():
        try:
            rows = tk.get_action("dongchang_catalog_export")(_actor(None), {"org": org})
        except tk.ObjectNotFound as error:
            raise click.ClickException(str(error)) from error
        body = spreadsheet.to_xlsx(rows) if path.suffix.lower() == ".xlsx" \
            else spreadsheet.to_csv(rows)
        path.write_bytes(body)
        click.echo(f"exported {len(rows['rows'])} entr(y/ies) to {path}")
