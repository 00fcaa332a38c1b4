"""``monitor serve``: the database in Datasette (an optional extra)."""

from __future__ import annotations

import json

import click

from monitor.cli.app import App, pass_app


@click.command(name="serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 makes it reachable from other machines).",
)
@click.option(
    "--port", "-p", type=click.IntRange(1, 65535), default=8001, show_default=True, help="Port."
)
@click.option(
    "--metadata",
    "print_metadata",
    is_flag=True,
    help="Print Datasette's metadata (JSON) and exit, for 'datasette DB -m FILE'.",
)
@pass_app
def serve(app: App, host: str, port: int, print_metadata: bool) -> None:
    """Browse and query the database in Datasette (pip install 'monitor[serve]').

    Tables and views carry titles and descriptions: articles_latest (each
    article once, current title, dates, URL, versions; its search box finds
    current versions only), edits (old and new headlines, severity). Canned
    queries: latest edits, headline rewrites, theme trends by month, search.

    \b
    Examples:
      monitor serve
      monitor --db ~/news/monitor.db serve --port 8002
      monitor serve --metadata > metadata.json && datasette my-news.db -m metadata.json
    """
    if print_metadata:
        click.echo(json.dumps(app.monitor.serve_metadata(), ensure_ascii=False, indent=2))
        return
    click.echo(f"serving {app.path} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    app.monitor.serve(host, port)
