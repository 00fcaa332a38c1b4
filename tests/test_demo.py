"""The README's first command: samples/demo.sh runs offline and shows the story."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_demo_script_runs_on_samples(tmp_path):
    bindir = Path(sys.executable).parent
    if not (bindir / "monitor").exists() and shutil.which("monitor") is None:
        pytest.skip("the monitor command is not installed (pip install -e .)")
    env = {
        **os.environ,
        "DEMO_DB": str(tmp_path / "demo.db"),
        "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
        # the checkout under test, even when the installed command points at another one
        "PYTHONPATH": str(ROOT),
    }
    first = subprocess.run(
        ["sh", str(ROOT / "samples" / "demo.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    assert "article 1: changed, stored version 2" in first.stdout
    assert "Taliban reject Pakistan" in first.stdout
    assert "patience has run [-thin-]{+out+}" in first.stdout  # the diff of the seed article
    assert "fetched 2 feeds, " in first.stderr and "new articles" in first.stderr
    assert "frontier-wire.xml" in first.stdout  # monitor feeds list
    again = subprocess.run(
        ["sh", str(ROOT / "samples" / "demo.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("article 1: new") == 1  # a fresh database each run
