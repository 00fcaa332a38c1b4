"""Every test gets its own database file and user data directory under tmp_path."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from monitor.store import db as dbmod

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "monitor.db"
    monkeypatch.setenv("MONITOR_DB", str(path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return path


@pytest.fixture
def db_path(isolated_env: Path) -> Path:
    return isolated_env


@pytest.fixture
def db(db_path: Path):
    database = dbmod.connect(db_path)
    yield database
    database.close()


def add_article(
    db,
    url: str | None,
    title: str,
    text: str,
    *,
    source: str | None = "Dawn",
    story: str | None = None,
    published: str | None = None,
    observed: str | None = None,
    origin: str = "file",
):
    """Store one article version through the real ingest path; the IngestResult.

    A ``story`` gets its row in ``stories`` first (``articles.story`` is a foreign key;
    the commands check a story exists before storing)."""
    from monitor.ingest import Observation, store

    if story:
        db.execute(
            "insert or ignore into stories (slug, name, created_at, updated_at) values (?, ?, ?, ?)",
            [story, story, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"],
        )
    return store(
        db,
        Observation(
            title=title,
            text=text,
            origin=origin,
            url=url,
            source=source,
            story=story,
            published_at=published,
            observed_at=observed,
        ),
    )


@pytest.fixture
def add(db):
    """``add(url, title, text, **metadata)`` stores an article in the test's database."""

    def run(url, title, text, **kw):
        return add_article(db, url, title, text, **kw)

    return run


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver on loopback, on a free port."""
    return ("127.0.0.1", 0)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner):
    """Run the CLI; returns Click's Result (stdout and stderr kept apart)."""
    from monitor.cli import cli

    def run(*args: str, input: str | bytes | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return run


def walk(group: click.Group, prefix: tuple[str, ...] = ()):
    """Every (path, command) under ``group``, asked of the group: the top group loads a
    command's module when asked, so its ``commands`` dict alone would hold none."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from walk(command, path)


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the test server's own address pass the SSRF check (10.x stays private)."""
    from monitor import netguard

    real = netguard.address_problem

    def problem(address: netguard.IPAddress) -> str | None:
        return None if str(address) == "127.0.0.1" else real(address)

    monkeypatch.setattr(netguard, "address_problem", problem)
