"""The README documents every command and every option (a newcomer reads it first)."""

from __future__ import annotations

import click
import pytest
from conftest import ROOT, walk

from monitor.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


COMMANDS = list(walk(cli))


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_and_options_in_readme(path, command):
    assert "monitor " + " ".join(path) in README, f"README does not show 'monitor {' '.join(path)}'"
    for param in command.params:
        if isinstance(param, click.Option):
            longs = [o for o in param.opts + param.secondary_opts if o.startswith("--")]
            if longs and not any(o in README for o in longs):
                raise AssertionError(
                    f"README does not mention {longs[0]} of 'monitor {' '.join(path)}'"
                )


def test_readme_starts_with_the_two_commands():
    head = README[: README.index("## Where the data lives")]
    assert "sh samples/demo.sh" in head
    assert "pip install -e '.[test]' && python -m pytest" in head
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python -m pytest" in ci and "ruff check" in ci


def test_readme_exit_code_table_is_the_enum():
    from monitor.errors import EXIT_CODE_MEANINGS

    table = README[README.index("## Exit codes") :]
    for code, meaning in EXIT_CODE_MEANINGS.items():
        assert f"| {code.value} | {meaning} |" in table, f"README exit code {code.value} differs"
    assert f"{max(EXIT_CODE_MEANINGS).value + 1} |" not in table
    from click.testing import CliRunner

    help_text = CliRunner().invoke(cli, ["--help"]).stdout
    for code, meaning in EXIT_CODE_MEANINGS.items():
        assert f"{code.value}  {meaning.replace('`', '')}" in " ".join(help_text.split("\n"))


def test_readme_python_api_example_runs(tmp_path, monkeypatch):
    """The README's Python API example, run as written from a scratch directory."""
    import re
    import subprocess
    import sys

    section = README[README.index("## Python API") : README.index("## Exit codes")]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "new 1"
    assert "military-escalation" in lines[2]
    assert (tmp_path / "demo.db").exists()


def test_readme_maps_every_stage_to_a_path_that_exists():
    section = README[README.index("## How the code is laid out") : README.index("## Python API")]
    import re

    paths = re.findall(r"`(monitor/[\w/.]+)`", section)
    assert len(paths) >= 15
    for path in paths:
        assert (ROOT / path).exists(), path
