"""The README documents every command and every option (a newcomer reads it first)."""

from __future__ import annotations

import click
import pytest
from conftest import ROOT

from monitor.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def walk(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from walk(command, path)


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
