"""Writers wait their turn: every write transaction takes the write lock first
(BEGIN IMMEDIATE), so the busy timeout applies instead of an instant SQLITE_BUSY."""

from __future__ import annotations

import sqlite3
import threading
import time

from conftest import SAMPLES

from monitor.store import db as dbmod


def _hold_write_lock(path, seconds: float, started: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("insert into runs (command, started_at, status) values ('fetch', 'x', 'running')")
    started.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def test_add_waits_for_another_writer_instead_of_failing(db_path, invoke):
    """Regression: add during a fetch's write failed at once ('busy for over 30 s')."""
    dbmod.connect(db_path).close()
    assert invoke("add", str(SAMPLES / "articles" / "01-asif-obliterate.txt")).exit_code == 0
    started = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(db_path, 1.5, started))
    holder.start()
    started.wait(5)
    try:
        result = invoke("add", str(SAMPLES / "articles" / "02-kabul-strikes.txt"))
    finally:
        holder.join()
    assert result.exit_code == 0, result.stderr
    assert "new, stored version 1" in result.stdout


def test_outer_transactions_take_the_write_lock_first(db_path):
    db = dbmod.connect(db_path)
    other = sqlite3.connect(db_path, timeout=0.1, isolation_level=None)
    with db.atomic():
        db.execute("select count(*) from articles").fetchone()
        # another writer cannot start while this transaction is open, even before it wrote
        try:
            other.execute("BEGIN IMMEDIATE")
            got_lock = True
            other.execute("ROLLBACK")
        except sqlite3.OperationalError:
            got_lock = False
    assert not got_lock
