"""monitor notify: real deliveries to a real SMTP server (aiosmtpd) and a real webhook
receiver on 127.0.0.1; each change once, failed deliveries retried, status shows them."""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from conftest import add_article

pytest.importorskip("apprise")
aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")

from pytest_httpserver import HTTPServer  # noqa: E402

from monitor.text.timeutil import iso, utcnow  # noqa: E402

TEXT = 'Officials said "talks will resume soon" and 60 people were hurt in Bannu.'


def ago(**kw) -> str:
    return iso(utcnow() - timedelta(**kw))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def bodies(self):
        return [m.get_body(("plain", "html")).get_content() for m in self.messages]


class Smtp:
    def __init__(self, port):
        self.port, self.inbox, self.controller = port, Inbox(), None

    @property
    def url(self):
        return f"mailto://127.0.0.1:{self.port}?from=monitor@example.com&to=you@example.com"

    def start(self):
        self.controller = aiosmtpd_controller.Controller(
            self.inbox, hostname="127.0.0.1", port=self.port
        )
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = Smtp(free_port())
    yield server
    server.stop()


@pytest.fixture
def news(db):
    """A new article, a substantive edit (number changed) and a minor one."""
    add_article(
        db,
        "https://x.example/new",
        "Border crossing reopens",
        "Trucks crossed.",
        source="Jang",
        published=ago(days=1),
        observed=ago(hours=6),
    )
    a = add_article(
        db,
        "https://x.example/a",
        "Talks resume",
        TEXT,
        source="Dawn",
        published=ago(days=3),
        observed=ago(days=3),
    ).article_id
    add_article(
        db, "https://x.example/a", "Talks resume", TEXT.replace("60", "70"), observed=ago(hours=5)
    )
    b = add_article(
        db,
        "https://x.example/b",
        "Trade talks",
        "Ministers met on Monday.",
        source="Geo",
        observed=ago(days=3),
    ).article_id
    add_article(
        db,
        "https://x.example/b",
        "Trade talks",
        "Ministers met again on Monday.",
        observed=ago(hours=4),
    )
    return {"a": a, "b": b}


def notify(invoke, *args):
    return invoke("notify", *args)


def test_mail_digest_is_delivered_once(news, smtp, invoke, db):
    smtp.start()
    result = notify(invoke, "--to", smtp.url)
    assert result.exit_code == 0, result.stderr
    assert "3 changes in 1 messages" in result.stderr
    (mail,) = smtp.inbox.messages
    assert mail["Subject"] == "monitor: 1 new article, 2 edits"
    body = smtp.inbox.bodies()[0]
    for needle in (
        "Talks resume",
        "Dawn",
        "https://x.example/a",
        "[substantive]",
        "numbers 60 → 70",
        "[60] → [70]",  # the changed text itself
        f"monitor diff {news['a']} 1 2",
        "Border crossing reopens",
        "published " + ago(days=1)[:10],
        "[minor]",
    ):
        assert needle in body, needle
    # the next run sends nothing: each change once
    again = notify(invoke, "--to", smtp.url)
    assert again.exit_code == 0 and "nothing new" in again.stderr
    assert len(smtp.inbox.messages) == 1
    # a later edit goes out alone
    add_article(
        db,
        "https://x.example/a",
        "Talks collapse",
        TEXT.replace("60", "70"),
        observed=ago(minutes=5),
    )
    assert notify(invoke, "--to", smtp.url).exit_code == 0
    assert len(smtp.inbox.messages) == 2
    assert smtp.inbox.messages[1]["Subject"] == "monitor: 1 edit"
    assert "Headline: Talks resume → Talks collapse" in smtp.inbox.bodies()[1]


def test_smtp_down_then_up_is_retried_and_never_marked_delivered(news, smtp, invoke, db):
    down = notify(invoke, "--to", smtp.url, "--each", "--min-severity", "substantive")
    assert down.exit_code == 1
    assert "failed:" in down.stderr and "wait for the next run" in down.stderr
    assert "Traceback" not in down.stderr
    rows = db.execute("select status, attempts from deliveries").fetchall()
    assert rows == [("failed", 1)]
    status = invoke("status")
    assert "failing alert destinations" in status.stdout and "127.0.0.1" in status.stdout
    data = json.loads(invoke("status", "--json").stdout)
    assert data["failing_destinations"][0]["waiting"] == 1
    smtp.start()
    up = notify(invoke, "--to", smtp.url, "--each", "--min-severity", "substantive")
    assert up.exit_code == 0, up.stderr
    (mail,) = smtp.inbox.messages
    assert mail["Subject"].startswith("[substantive] Talks resume (Dawn)")
    assert db.execute("select status, attempts from deliveries").fetchall() == [("delivered", 2)]
    assert "failing alert destinations" not in invoke("status").stdout
    assert (
        notify(invoke, "--to", smtp.url, "--each", "--min-severity", "substantive").exit_code == 0
    )
    assert len(smtp.inbox.messages) == 1


def test_webhook_each_substantive_edit_once(news, httpserver, invoke):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    url = f"json://127.0.0.1:{httpserver.port}/hook"
    result = notify(invoke, "--to", url, "--each", "--min-severity", "substantive")
    assert result.exit_code == 0, result.stderr
    request = httpserver.log[0][0]
    payload = json.loads(request.get_data())
    assert payload["title"] == "[substantive] Talks resume (Dawn)"
    assert "numbers 60 → 70" in payload["message"] and "https://x.example/a" in payload["message"]
    assert len(httpserver.log) == 1  # the minor edit and the new article stay out
    # --each with every severity: the minor edit is new to this destination; the other is not
    assert notify(invoke, "--to", url, "--each").exit_code == 0
    assert len(httpserver.log) == 2
    assert json.loads(httpserver.log[1][0].get_data())["title"].startswith("[minor] Trade talks")


def test_webhook_down_then_up(news, invoke, db):
    port = free_port()
    url = f"json://127.0.0.1:{port}/hook"
    assert notify(invoke, "--to", url).exit_code == 1
    assert {r[0] for r in db.execute("select status from deliveries")} == {"failed"}
    server = HTTPServer(host="127.0.0.1", port=port)
    server.expect_request("/hook", method="POST").respond_with_data("", status=500)
    server.start()
    try:
        assert notify(invoke, "--to", url).exit_code == 1  # up but refusing: still failed
        assert {r[0] for r in db.execute("select status from deliveries")} == {"failed"}
        server.clear()
        server.expect_request("/hook", method="POST").respond_with_data("ok")
        assert notify(invoke, "--to", url).exit_code == 0
        assert {r[0] for r in db.execute("select status from deliveries")} == {"delivered"}
        assert notify(invoke, "--to", url).exit_code == 0
        assert len(server.log) == 1
    finally:
        server.stop()


def test_config_file_and_two_destinations_are_independent(news, smtp, httpserver, invoke, tmp_path):
    smtp.start()
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    hook = f"json://127.0.0.1:{httpserver.port}/hook"
    config = tmp_path / "alerts.toml"
    config.write_text(f'destinations = ["{smtp.url}", {{url = "{hook}"}}]\n')
    assert notify(invoke, "--to", hook).exit_code == 0  # the webhook first, alone
    result = notify(invoke, "--config", str(config))
    assert result.exit_code == 0, result.stderr
    assert len(smtp.inbox.messages) == 1 and len(httpserver.log) == 1


def test_secrets_are_not_stored(news, invoke, db):
    url = f"json://user:s3cr3t-token@127.0.0.1:{free_port()}/hook"
    result = notify(invoke, "--to", url)
    assert result.exit_code == 1 and "s3cr3t-token" not in result.stderr
    dump = "\n".join(db.conn.iterdump())
    assert "s3cr3t-token" not in dump
    assert "s3cr3t-token" not in invoke("status").stdout


def test_bad_destinations_are_one_line(news, invoke, tmp_path, db):
    for args in (
        (),
        ("--to", "nosuchscheme://x"),
        ("--config", str(tmp_path / "missing.toml")),
    ):
        result = notify(invoke, *args)
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("destinations = 3\n")
    assert notify(invoke, "--config", str(bad)).exit_code == 1
    assert db.execute("select count(*) from deliveries").fetchone()[0] == 0
