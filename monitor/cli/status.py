"""``monitor status``: the last fetch runs, failing feeds, suspect pages and failing
alert destinations."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import (
    App,
    emit_rows,
    limit_option,
    output_options,
    pass_app,
)
from monitor.store import runs
from monitor.text.localtime import shown, zone_name
from monitor.text.safetext import line

if TYPE_CHECKING:
    pass


#: runs shown with --limit 0
MAX_RUNS = 10_000


RUN_COLUMNS = [
    ("id", "run"),
    ("started", "started"),
    ("status", "status"),
    ("new_articles", "new"),
    ("new_versions", "versions"),
    ("feeds_failed", "failed"),
    ("feeds_ok", "ok"),
    ("took", "took"),
]


@click.command(name="status")
@limit_option
@output_options
@pass_app
def status_cmd(app: App, limit: int | None, fmt: str | None, wide: bool) -> None:
    """The last fetch runs, the feeds that are failing and the suspect pages
    (a paywall, consent wall, error page or failed extraction held back instead
    of stored as a version; see 'monitor show ID').

    Times are local (--utc: UTC). --json writes one object (runs, failing feeds,
    failing alert destinations; times in UTC); --nl, --csv and --tsv the runs.

    \b
    Examples:
      monitor status
      monitor status --json | jq '.failing_feeds'
      monitor status --tsv --limit 100
    """
    found = app.monitor.status(limit or MAX_RUNS)
    recent, failing = found["runs"], found["failing_feeds"]
    if fmt == "json":
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if fmt is not None:
        emit_rows(({k: v for k, v in r.items() if k != "errors"} for r in recent), fmt, [])
        return
    if not recent:
        click.echo("no fetch has run yet: try 'monitor fetch'", err=True)
    else:
        rows = [
            {**r, "started": shown(r["started_at"], app.utc), "took": runs.duration_label(r)}
            for r in recent
        ]
        columns = [
            (k, f"started ({zone_name(app.utc)})" if k == "started" else h) for k, h in RUN_COLUMNS
        ]
        emit_rows(rows, None, columns, keep=("id", "started", "status"), whole=wide)
    skipped = [(r["id"], e) for r in recent for e in r["errors"] if e.get("skipped")]
    if skipped:
        click.echo("")
        click.echo("entries skipped (each could not be stored; the rest of its feed was):")
        for run_id, e in skipped[:10]:
            why = "; ".join(e.get("why") or [])
            click.echo(f"  run {run_id}  {line(e['feed'])}: {e['skipped']} skipped: {line(why)}")
    if failing:
        click.echo("")
        click.echo("failing feeds:")
        for feed in failing:
            count = feed["error_count"]
            state = (
                "inactive"
                if not feed["active"]
                else f"{count} error{'s' if count != 1 else ''} in a row"
            )
            click.echo(
                f"  {feed['id']}  {line(feed['url'])}  ({state}): {line(feed['last_error'] or '')}"
            )
    _failing_destinations(found.get("failing_destinations") or [])
    _suspects(found.get("suspects") or {})


def _suspects(found: dict[str, Any]) -> None:
    """Pages held back as suspect (a wall, an error page, a failed extraction)."""
    if not any(found.get(state) for state in ("pending", "transient", "cut")):
        return
    click.echo("")
    click.echo(
        f"suspect pages: {found['pending']} waiting for a recheck, {found['transient']} came "
        f"back (no edit), {found['cut']} persisted (stored as major cuts)"
    )
    for s in found.get("latest") or []:
        click.echo(
            f"  article {s['article_id']}  {line(s['url'] or '')}  ({s['checks']} checks, "
            f"last {s['observed_at']}): {line(s['reason'])}"
        )


def _failing_destinations(rows: list[dict[str, Any]]) -> None:
    """Alert destinations with changes waiting after a failed attempt (``monitor notify``)."""
    if not rows:
        return
    click.echo("")
    click.echo("failing alert destinations (monitor notify retries them):")
    for d in rows:
        click.echo(
            f"  {line(d['label'])}  ({d['waiting']} waiting, {d['attempts']} attempts, "
            f"last {d['last_attempt_at']}): {line(d['error'] or '')}"
        )
