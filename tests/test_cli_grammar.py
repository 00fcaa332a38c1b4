"""One grammar for every command: -h, group options before or after the command name,
the same output options, examples in every --help that name files that exist,
NO_COLOR/FORCE_COLOR, shell completion and the crontab lines."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import ROOT, walk

from monitor.cli import cli

COMMANDS = [((), cli), *walk(cli)]
IDS = [" ".join(p) or "monitor" for p, _ in COMMANDS]
LISTING = [("list",), ("feeds", "list"), ("stories", "list"), ("themes",), ("status",), ("search",)]


def examples(help_text: str) -> list[str]:
    block = help_text[help_text.index("Examples:") :].split("\n\n")[0]
    return [line.strip() for line in block.splitlines()[1:] if line.strip()]


@pytest.mark.parametrize("path, command", COMMANDS, ids=IDS)
def test_every_help_has_examples_naming_files_that_exist(runner, path, command) -> None:
    result = runner.invoke(cli, [*path, "-h"])
    assert result.exit_code == 0, result.output
    assert "Examples:" in result.stdout, f"'monitor {' '.join(path)} --help' has no examples"
    found = examples(result.stdout)
    assert found and all("monitor" in line for line in found), found
    written: set[str] = set()  # files an earlier example writes (> FILE, -o FILE)
    for line in found:
        words = shlex.split(line.split("  #")[0].replace("$(", " ").replace("(", " "))
        for before, word in zip(["", *words], words, strict=False):
            if before in (">", "-o", "--output"):
                written.add(word)
                continue
            if word.startswith(("-", "http", "~", "my-")) or word in written:
                continue  # an option, a URL, a home file, a file named as the user's own
            if re.search(r"\.(txt|xml|atom|html|toml|opml|jsonl|csv|db)$", word) and (
                before != "--db"
            ):
                assert (ROOT / word).exists() or list(ROOT.glob(word)), (path, line, word)


@pytest.mark.parametrize("path", LISTING, ids=[" ".join(p) for p in LISTING])
def test_listing_commands_share_the_output_options(path) -> None:
    command: click.Command = cli
    for name in path:
        command = command.get_command(click.Context(command), name)  # type: ignore[attr-defined]
    options = {o for p in command.params for o in getattr(p, "opts", [])}
    assert {"--json", "--nl", "--csv", "--tsv", "--wide", "--limit"} <= options, path
    assert {"--db", "-v", "--utc"} <= options, path


def test_since_until_on_every_command_that_filters_by_date() -> None:
    for path in (("list",), ("themes",), ("search",), ("changes",)):
        command: click.Command = cli
        for name in path:
            command = command.get_command(click.Context(command), name)  # type: ignore[attr-defined]
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        assert {"--since", "--until"} <= options, path


def test_db_before_or_after_the_command(invoke, tmp_path, add) -> None:
    other = tmp_path / "other.db"
    assert invoke("--db", str(other), "init").exit_code == 0
    before = invoke("--db", str(other), "list", "--json")
    after = invoke("list", "--json", "--db", str(other))
    assert before.exit_code == after.exit_code == 0
    assert json.loads(before.stdout) == json.loads(after.stdout) == []
    add("https://example.com/a", "Default database article", "text " * 20)
    assert len(json.loads(invoke("list", "--json").stdout)) == 1
    nested = invoke("feeds", "list", "--json", "--db", str(other))
    assert nested.exit_code == 0 and json.loads(nested.stdout) == []


def test_a_mistyped_db_after_the_command_is_refused_and_not_created(invoke, tmp_path) -> None:
    typo = tmp_path / "typo.db"
    result = invoke("list", "--db", str(typo))
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert not typo.exists()


def test_verbose_after_the_command(invoke, tmp_path) -> None:
    result = invoke("fetch", "-vv")
    assert result.exit_code == 4
    assert "DEBUG" in result.stderr or "no feeds" in result.stderr


def test_h_is_help_everywhere(invoke) -> None:
    assert "Usage: " in invoke("-h").stdout and "--db" in invoke("-h").stdout
    assert "feeds edit [OPTIONS] ID|URL" in invoke("feeds", "edit", "-h").stdout


def test_changes_top_is_limit(invoke, add) -> None:
    add("https://example.com/a", "Talks resume in Doha", "text " * 20)
    a = invoke("changes", "--top", "1", "--json")
    b = invoke("changes", "--limit", "1", "--json")
    assert a.exit_code == b.exit_code == 0
    assert json.loads(a.stdout)["new_articles"] == json.loads(b.stdout)["new_articles"]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_force_color_and_no_color(db, db_path, add) -> None:
    add("https://example.com/a", "Ceasefire holds", "text " * 20)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(MONITOR_DB=str(db_path), PYTHONPATH=str(ROOT))
    plain = _run(["list"], env)
    assert plain.returncode == 0 and "\x1b[" not in plain.stdout
    forced = _run(["list"], {**env, "FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout and "Ceasefire holds" in forced.stdout
    both = _run(["list"], {**env, "FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in both.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_clicks_script(invoke, shell) -> None:
    result = invoke("completion", shell)
    assert result.exit_code == 0
    assert "_MONITOR_COMPLETE" in result.stdout
    assert f"{shell}_source" in result.stdout or f"{shell}_complete" in result.stdout


def test_completion_script_completes_commands(tmp_path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "_MONITOR_COMPLETE": "bash_complete"}
    env.update(COMP_WORDS="monitor fe", COMP_CWORD="1")
    done = subprocess.run(
        [sys.executable, "-c", "from monitor.cli import main; main()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "plain,feeds" in done.stdout and "plain,fetch" in done.stdout


def test_cron_names_this_monitor_and_the_database_by_absolute_path(tmp_path) -> None:
    db = tmp_path / "news 1.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "--db", str(db), "cron", "--mail", "desk@example.com"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if not line.startswith("#")]
    assert len(lines) == 2
    fetch, digest = lines
    assert fetch.startswith("*/15 * * * * ")
    words = shlex.split(fetch.split(" ", 5)[5])
    # python -m monitor: this interpreter, by absolute path, then -m monitor
    assert (
        words[0] == sys.executable
        and Path(words[0]).is_absolute()
        and words[1:3] == ["-m", "monitor"]
    )
    assert words[words.index("--db") + 1] == str(db)
    assert words[-5:] == ["fetch", "--quiet", "--full-text", "--recheck", "48"]
    assert "changes --cursor daily --quiet --format markdown | ifne mail" in digest
    assert digest.endswith("desk@example.com")
    assert not db.exists()  # printing a crontab creates nothing


def test_cron_uses_the_running_script_path(monkeypatch, tmp_path, invoke) -> None:
    script = tmp_path / "venv" / "bin" / "monitor"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "argv", [str(script)])
    from monitor.cli.completion import monitor_command

    assert monitor_command() == str(script)
    monkeypatch.setattr(sys, "argv", ["monitor"])
    monkeypatch.setenv("PATH", str(script.parent))
    os.chmod(script, 0o755)
    monkeypatch.chdir(tmp_path)
    assert monitor_command() == str(script)


def test_cron_escapes_percent_signs() -> None:
    from monitor.cli.completion import cron_escape

    assert cron_escape("date +%F") == "date +\\%F"


def test_every_command_is_found_by_the_lazy_group() -> None:
    """The walk above sees every command (the top group loads them lazily: a walk over
    its loaded commands alone would see none and check nothing)."""
    from monitor.cli import COMMANDS as TABLE

    top = {path[0] for path, _ in COMMANDS if path}
    assert top == set(TABLE) and len(top) >= 19
    for name, (module, attribute) in TABLE.items():
        command = cli.get_command(click.Context(cli), name)
        assert command is not None and command.name == name, (name, module, attribute)
