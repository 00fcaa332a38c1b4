"""The layout's rules, checked on the source: imports run one way,
``cli -> api -> {stages, analysis, render} -> store -> {types, errors, text}``,
with no cycles, and the CLI's start-up imports only what a command uses
(in the spirit of click's own tests/test_imports.py)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "monitor"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(every module imported anywhere in the file, those imported at module level
    outside ``if TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    everything: set[str] = set()
    top: set[str] = set()

    def names(node: ast.AST) -> set[str]:
        found: set[str] = set()
        if isinstance(node, ast.Import):
            found = {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found = {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        return found

    for node in ast.walk(tree):
        everything |= names(node)
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            continue
        top |= names(node)
    return everything, top


MODULES = {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _internal(names: set[str]) -> set[str]:
    """Imported names that are monitor modules (``from monitor.x import y`` counts as
    ``monitor.x``, and as ``monitor.x.y`` when that is a module)."""
    return {n for n in names if n in MODULES and n != "monitor"}


def _layer(module: str) -> str:
    if module in ("monitor.types", "monitor.errors") or module.startswith("monitor.text"):
        return "base"
    if module.startswith("monitor.store"):
        return "store"
    if module.startswith("monitor.render"):
        return "render"
    if module == "monitor.api":
        return "api"
    if module.startswith("monitor.cli") or module == "monitor.__main__":
        return "cli"
    if module == "monitor":
        return "front"
    return "stages"


ALLOWED = {
    "base": {"base"},
    "store": {"base", "store"},
    "render": {"base", "render", "stages"},
    "stages": {"base", "store", "render", "stages"},
    "api": {"base", "store", "render", "stages"},
    "cli": {"base", "store", "render", "stages", "api", "cli", "front"},
    "front": {"base", "api"},
}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_one_way(module):
    everything, _ = MODULES[module]
    layer = _layer(module)
    wrong = sorted(m for m in _internal(everything) if _layer(m) not in ALLOWED[layer])
    assert not wrong, f"{module} ({layer}) must not import {wrong}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_cli_knows_click_and_renderers_know_no_sql(module):
    everything, _ = MODULES[module]
    if _layer(module) != "cli":
        assert "click" not in everything, f"{module} imports click"
    if _layer(module) == "render":
        sql = {"sqlite3", "sqlite_utils"} & {n.split(".")[0] for n in everything}
        assert not sql, f"renderer {module} imports {sql}"


def test_storage_imports_no_tagging_or_diff_code():
    for module, (everything, _) in MODULES.items():
        if module.startswith("monitor.store"):
            bad = [
                m
                for m in everything
                if m.startswith(("monitor.themes", "monitor.analysis", "monitor.derive"))
            ]
            assert not bad, f"{module} imports {bad}"


def test_no_import_cycles():
    graph = {m: _internal(top) - {m} for m, (_, top) in MODULES.items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


HEAVY = [
    "httpx",
    "rich",
    "feedparser",
    "trafilatura",
    "lxml",
    "sqlite_utils",
    "diff_match_patch",
    "monitor.fetch",
    "monitor.update",
    "monitor.http",
]


def test_cli_start_up_imports_no_heavy_module():
    code = "import sys, json, monitor.cli; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    assert not [m for m in HEAVY if m in loaded]


def test_front_door_import_is_light():
    code = "import sys, json, monitor; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    assert not [m for m in [*HEAVY, "click", "monitor.api"] if m in loaded]


def test_the_command_line_keeps_sqlite_utils_from_loading_pandas_and_the_library_does_not():
    pytest.importorskip(
        "pandas", reason="pandas (test extra) must be installed to see the difference"
    )
    probe = "import sys, {setup} sqlite_utils; print('pandas' in sys.modules)"
    lean = probe.format(setup="monitor.lean; monitor.lean.install(); import")
    library = probe.format(setup="monitor,")
    run = [sys.executable, "-c"]
    assert subprocess.run([*run, lean], capture_output=True, text=True).stdout.strip() == "False"
    assert subprocess.run([*run, library], capture_output=True, text=True).stdout.strip() == "True"
