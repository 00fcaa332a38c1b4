"""Packed version texts (monitor.store.texts): what is stored reads back identical, by
monitor, by plain SQL through the ``versions`` view, in sqlite-utils and in Datasette;
an older database migrates, in batches that resume after an interruption."""

from __future__ import annotations

import hashlib
import itertools
import os
import random
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomllib
from conftest import ROOT
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from monitor import derive
from monitor.store import articles, backfills, schema, texts
from monitor.store import db as dbmod

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "Pakistan",
    "Taliban",
    "Kabul",
    "Islamabad",
    "border",
    "talks",
    "ceasefire",
    "said",
    "militants",
    "army",
    "spokesman",
    "government",
    "officials",
    "attack",
    "province",
    "refugees",
    "trade",
    "Torkham",
    "Doha",
    "Qatar",
    "security",
    "forces",
    "killed",
    "minister",
    "foreign",
    "envoy",
    "statement",
]
NOW = "2025-10-01T00:00:00Z"
_KEYS = itertools.count()


def _article_text(rng: random.Random, words: int = 300) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _store(db: Database, text: str, article_id: int | None = None, title: str = "T") -> int:
    """Store ``text`` as the next version of an article (a new one when None)."""
    if article_id is None:
        article_id = articles.insert_article(
            db,
            {
                "key": f"k{next(_KEYS)}",
                "dated_at": NOW,
                "first_seen_at": NOW,
                "last_seen_at": NOW,
            },
        )
    (number,) = db.execute(
        "select coalesce(max(number), 0) + 1 from version_rows where article_id = ?",
        [article_id],
    ).fetchone()
    version_id = articles.insert_version(
        db,
        {
            "article_id": article_id,
            "number": number,
            "observed_at": NOW,
            "title": title,
            "text": text,
            "text_hash": "ab" * 32,
            "content_hash": "cd" * 32,
            "words": len(text.split()),
            "origin": "file",
        },
    )
    articles.set_current(db, article_id, number)
    return version_id


def _read(db: Database, version_id: int) -> str:
    return db.execute("select text from versions where id = ?", [version_id]).fetchone()[0]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A database whose dictionary is trained (on texts stored before it existed)."""
    path = tmp_path_factory.mktemp("trained") / "monitor.db"
    db = dbmod.connect(path)
    rng = random.Random(5)
    with db.atomic():
        for _ in range(texts.TRAIN_AT):
            _store(db, _article_text(rng, 600))
    yield db
    db.close()


def test_a_dictionary_is_trained_and_the_earlier_texts_packed(trained):
    assert trained.execute("select count(*) from text_dicts").fetchone()[0] == 1
    kinds = dict(
        trained.execute("select typeof(text), count(*) from version_rows group by 1").fetchall()
    )
    assert kinds == {"blob": texts.TRAIN_AT}
    (stored, plain) = trained.execute(
        "select sum(length(r.text)), sum(length(cast(v.text as blob))) "
        "from version_rows r join versions v on v.id = r.id"
    ).fetchone()
    assert stored < plain / 3
    # the texts packed before the dictionary existed were packed again with it
    import zstandard

    frames = trained.execute("select text from version_rows where base_id is null").fetchall()
    assert all(zstandard.get_frame_parameters(f).dict_id != 0 for (f,) in frames)
    # the content hash is stored as 32 bytes and read as the hex it was given as; the text
    # hash is not stored (m150): the view computes it from the text
    assert trained.execute("select content_hash from versions limit 1").fetchone()[0] == "cd" * 32
    assert trained.execute("select length(content_hash) from version_rows limit 1").fetchone() == (
        32,
    )
    assert "text_hash" not in trained["version_rows"].columns_dict
    text, text_hash = trained.execute("select text, text_hash from versions limit 1").fetchone()
    assert text_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()


_texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=3000)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_texts)
@example(text="")
@example(text="x")
@example(text="پاکستان اور افغان طالبان کے درمیان مذاکرات " * 200)
@example(text="\x00 nul and \U0001f600 emoji " * 50)
@example(text="short texts and long ones are packed at two levels " * 40)  # 2,040 bytes
@example(text="short texts and long ones are packed at two levels " * 41)  # 2,091 bytes
def test_stored_text_reads_back_identical(trained, text):
    with trained.atomic():
        version_id = _store(trained, text)
    assert _read(trained, version_id) == text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    base=_texts,
    cut=st.integers(min_value=0, max_value=3000),
    inserted=st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    edits=st.integers(min_value=1, max_value=4),
)
def test_edits_stored_as_deltas_read_back_identical(trained, base, cut, inserted, edits):
    rng = random.Random(cut)
    base = base + _article_text(rng, 200)
    with trained.atomic():
        first = _store(trained, base)
        (article_id,) = trained.execute(
            "select article_id from version_rows where id = ?", [first]
        ).fetchone()
        written = [(first, base)]
        text = base
        for _ in range(edits):
            at = cut % (len(text) + 1)
            text = text[:at] + inserted + text[at + 7 :]
            written.append((_store(trained, text, article_id), text))
    for version_id, expected in written:
        assert _read(trained, version_id) == expected
    # a small edit of a long text is a delta against the first version
    bases = trained.execute(
        "select base_id from version_rows where article_id = ? and number > 1", [article_id]
    ).fetchall()
    assert all(b in ((first,), (None,)) for b in bases)


def test_huge_text_and_a_small_edit_of_it(trained):
    rng = random.Random(9)
    huge = "\n\n".join(_article_text(rng, 200) for _ in range(800))  # ~1.3 MB
    edited = huge[:500_000] + " A new sentence, added later. " + huge[500_000:]
    with trained.atomic():
        first = _store(trained, huge)
        (article_id,) = trained.execute(
            "select article_id from version_rows where id = ?", [first]
        ).fetchone()
        second = _store(trained, edited, article_id)
    assert _read(trained, first) == huge and _read(trained, second) == edited
    row = trained.execute("select base_id, length(text) from version_rows where id = ?", [second])
    base_id, size = row.fetchone()
    assert base_id == first and size < 1000  # on its own: ~400 KB


@pytest.mark.parametrize("how", ["the base version by hand", "the article (cascade)"])
def test_deleting_a_delta_base_keeps_the_deltas_readable_and_the_index_whole(trained, how):
    rng = random.Random(11)
    text = _article_text(rng, 400)
    with trained.atomic():
        first = _store(trained, text)
        (article_id,) = trained.execute(
            "select article_id from version_rows where id = ?", [first]
        ).fetchone()
        second = _store(trained, text + " One more sentence.", article_id)
        third = _store(trained, text + " Two more sentences. And this.", article_id)
    bases = trained.execute(
        "select base_id from version_rows where id in (?, ?)", [second, third]
    ).fetchall()
    assert bases == [(first,), (first,)]  # both stored as deltas of the first
    with trained.atomic():
        if how == "the base version by hand":
            trained.execute("delete from version_rows where id = ?", [first])
        else:
            trained.execute("delete from articles where id = ?", [article_id])
    trained.execute("insert into versions_fts(versions_fts) values ('integrity-check')")
    if how == "the base version by hand":
        assert _read(trained, second) == text + " One more sentence."
        assert _read(trained, third) == text + " Two more sentences. And this."
    else:
        assert trained.execute(
            "select count(*) from version_rows where article_id = ?", [article_id]
        ).fetchone() == (0,)


def test_search_snippets_read_the_packed_text(trained):
    with trained.atomic():
        _store(trained, _article_text(random.Random(1)) + " Zarghunshah crossed.", title="Rare")
    row = trained.execute(
        "select snippet(versions_fts, 0, '[', ']', '…', 8), highlight(versions_fts, 1, '[', ']') "
        "from versions_fts where versions_fts match 'zarghunshah'"
    ).fetchone()
    assert "[Zarghunshah]" in row[0] and row[1] == "Rare"
    assert trained.execute(
        "select count(*) from versions_fts where versions_fts match '\"Zarghunshah crossed\"'"
    ).fetchone() == (1,)
    trained.execute("insert into versions_fts(versions_fts) values ('integrity-check')")


def test_plain_sql_insert_into_the_view_is_stored_and_indexed(db):
    article = _store(db, "first version text")
    db.execute(
        "insert into versions (article_id, number, observed_at, title, text, text_hash,"
        " content_hash, words, origin) values (?, 2, ?, 'Plain', 'Mujahid rejects talks',"
        " 'h', 'c', 3, 'file')",
        [article, NOW],
    )
    # the text hash given is not stored: the view computes it from the text
    assert db.execute("select text, text_hash from versions where number = 2").fetchone() == (
        "Mujahid rejects talks",
        hashlib.sha256(b"Mujahid rejects talks").hexdigest(),
    )
    hits = db.execute("select count(*) from versions_fts where versions_fts match 'mujahid'")
    assert hits.fetchone() == (1,)


# -- other tools: the plugin, found through monitor's entry points


def _plugin_path(tmp_path: Path) -> str:
    """A PYTHONPATH on which importlib.metadata finds a distribution with the entry
    points pyproject.toml declares (the tools load plugins from installed metadata)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entry = project["project"]["entry-points"]
    dist = tmp_path / "site" / "monitor_plugin_test-0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: monitor-plugin-test\nVersion: 0\n", encoding="utf-8"
    )
    lines = []
    for group in ("datasette", "sqlite_utils"):
        lines.append(f"[{group}]")
        lines += [f"{name} = {target}" for name, target in entry[group].items()]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return os.pathsep.join([str(ROOT), str(tmp_path / "site")])


def test_sqlite_utils_query_reads_the_text(trained, tmp_path):
    path = Path(trained.execute("pragma database_list").fetchone()[2])
    trained.conn.commit()
    (version_id,) = trained.execute(
        "select id from version_rows where typeof(text) = 'blob' and base_id is null limit 1"
    ).fetchone()
    expected = _read(trained, version_id)
    env = {**os.environ, "PYTHONPATH": _plugin_path(tmp_path)}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "sqlite_utils",
            "query",
            str(path),
            f"select text from versions where id = {version_id}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    import json

    assert json.loads(out.stdout) == [{"text": expected}]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_datasette_reads_the_text(trained, tmp_path):
    pytest.importorskip("datasette")
    import httpx

    path = Path(trained.execute("pragma database_list").fetchone()[2])
    trained.conn.commit()
    rows = trained.execute(
        "select r.id from version_rows r where r.base_id is not null or typeof(r.text) = 'blob' "
        "order by r.id limit 2"
    ).fetchall()
    expected = {vid: _read(trained, vid) for (vid,) in rows}
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": _plugin_path(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(path), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/{path.stem}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base, timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"datasette did not start: {proc.stderr.read()}") from None
                time.sleep(0.2)
        for vid, text in expected.items():
            got = httpx.get(
                f"{base}/versions.json",
                params={"id": vid, "_shape": "array", "_col": "text"},
                timeout=10,
            )
            assert got.status_code == 200, got.text[:300]
            assert got.json()[0]["text"] == text
        sql = httpx.get(
            base + ".json",
            params={
                "sql": "select monitor_text(text, null) as t from version_rows "
                f"where id = {min(expected)}",
                "_shape": "array",
            },
            timeout=10,
        )
        assert sql.json() == [{"t": expected[min(expected)]}]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# -- migration


def _old_database(path: Path, versions: int) -> dict[int, tuple[str, str]]:
    """A database made by the schema before m100, with ``versions`` versions (some of
    them edits of the one before) and their tags; {id: (title, text)}."""
    conn = sqlite3.connect(path)
    old = Database(conn)
    schema.migrations.apply(old, stop_before="m100_packed_texts")
    rng = random.Random(4)
    stored: dict[int, tuple[str, str]] = {}
    article, number, text = 0, 0, ""
    for i in range(versions):
        if i and rng.random() < 0.3:
            number += 1
            text = text.replace("talks", "negotiations", 1) + " An update."
        else:
            article += 1
            number = 1
            text = _article_text(rng, 200)
            conn.execute(
                "insert into articles (id, key, dated_at, first_seen_at, last_seen_at) "
                "values (?, ?, ?, ?, ?)",
                [article, f"k{article}", NOW, NOW, NOW],
            )
        title = f"Title {i}"
        cursor = conn.execute(
            "insert into versions (article_id, number, observed_at, title, text, text_hash,"
            " content_hash, words, origin) values (?, ?, ?, ?, ?, ?, ?, 200, 'feed')",
            [article, number, NOW, title, text, f"{i:064x}", f"{i + 1:064x}"],
        )
        conn.execute(
            "update articles set current_version = ?, version_count = ? where id = ?",
            [number, number, article],
        )
        conn.execute(
            "insert into version_themes (version_id, story, theme, score, evidence)"
            " values (?, 's', 'talks', 1.0, '{}')",
            [cursor.lastrowid],
        )
        stored[cursor.lastrowid] = (title, text)
    conn.commit()
    conn.close()
    return stored


def _check_migrated(db: Database, stored: dict[int, tuple[str, str]]) -> None:
    got = {r[0]: (r[1], r[2]) for r in db.execute("select id, title, text from versions")}
    assert got == stored
    # the stored text hash is dropped (m150): the view computes it from the text
    assert "text_hash" not in db["version_rows"].columns_dict
    assert db.execute("select text_hash from versions where id = 1").fetchone() == (
        hashlib.sha256(stored[1][1].encode("utf-8")).hexdigest(),
    )
    assert db.execute("select content_hash from versions where id = 1").fetchone() == (f"{1:064x}",)
    assert db.execute("select count(*) from version_themes").fetchone() == (len(stored),)
    assert "WITHOUT ROWID" in db["version_themes"].schema
    db.execute("insert into versions_fts(versions_fts) values ('integrity-check')")
    # every version is in the new index once (text is column 0 now)
    (hits,) = db.execute(
        "select count(*) from versions_fts where versions_fts match 'text: pakistan OR "
        "taliban OR the OR of'"
    ).fetchone()
    assert hits == len(stored)
    assert backfills.pending_backfills(db) == []


def test_an_older_database_migrates_packs_and_reindexes(db_path, monkeypatch):
    monkeypatch.setattr(texts, "TRAIN_AT", 50)
    monkeypatch.setattr(texts, "DICT_SIZE", 4096)
    monkeypatch.setattr(derive, "PACK_BATCH", 40)
    stored = _old_database(db_path, 300)
    import monitor

    m = monitor.open(db_path)
    _check_migrated(m.db, stored)
    kinds = dict(m.db.execute("select typeof(text), count(*) from version_rows group by 1"))
    assert kinds == {"blob": len(stored)}  # all packed: dictionary frames or deltas
    assert (
        m.db.execute("select count(*) from version_rows where base_id is not null").fetchone()[0]
        > 30
    )
    hits = list(m.search("negotiations", _search_options()))
    assert hits and all("negotiations" in h["snippet"].lower() for h in hits if h["snippet"])
    m.close()


def _search_options():
    from monitor.analysis.search import SearchOptions

    return SearchOptions(limit=5)


def test_an_interrupted_backfill_resumes_where_it_stopped(db_path, monkeypatch):
    monkeypatch.setattr(texts, "DICT_SIZE", 4096)
    monkeypatch.setattr(derive, "PACK_BATCH", 40)
    stored = _old_database(db_path, 200)
    calls = {"n": 0}
    real = articles.index_texts

    def dies_on_the_third_batch(db, after, upto):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        real(db, after, upto)

    monkeypatch.setattr(articles, "index_texts", dies_on_the_third_batch)
    with pytest.raises(KeyboardInterrupt):
        derive.backfill(dbmod.connect(db_path))
    probe = dbmod.connect(db_path)
    assert backfills.backfill_position(probe, "packed_texts") == (80, max(stored))
    probe.close()
    monkeypatch.setattr(articles, "index_texts", real)
    db = dbmod.connect(db_path)
    derive.backfill(db)
    _check_migrated(db, stored)


def test_monitor_connections_run_no_sqlite_utils_plugins(tmp_path):
    """Another package's sqlite-utils plugin must not change monitor's connections (and
    loading every installed entry point cost each command ~25 ms of start-up)."""
    import sqlite3

    import sqlite_utils
    from sqlite_utils.plugins import pm

    class Plugin:
        @sqlite_utils.hookimpl
        def prepare_connection(self, conn):
            conn.create_function("plugin_was_here", 0, lambda: 1)

    plugin = Plugin()
    pm.register(plugin, name="test-plugin")
    try:
        assert sqlite_utils.Database(memory=True).execute("select plugin_was_here()").fetchone()
        db = dbmod.connect(tmp_path / "monitor.db")
        with pytest.raises(sqlite3.OperationalError, match="no such function"):
            db.execute("select plugin_was_here()")
        assert db.execute("select monitor_text('x', null)").fetchone() == ("x",)
    finally:
        pm.unregister(plugin)


def test_a_dictionary_trained_in_a_rolled_back_transaction_is_forgotten(db, db_path, monkeypatch):
    """Any rollback of monitor's atomic() drops what the codec remembers of the text
    dictionaries (a whole feed's transaction failing, not only an entry's savepoint):
    texts packed after it use no dictionary the database no longer has."""
    monkeypatch.setattr(texts, "DICT_SIZE", 4096)
    rng = random.Random(3)
    with db.atomic():
        for _ in range(30):
            _store(db, _article_text(rng, 300))
    with pytest.raises(RuntimeError), db.atomic():
        assert articles.train_dictionary(db)
        raise RuntimeError("the feed failed")
    assert not db.execute("select count(*) from text_dicts").fetchone()[0]
    later = _article_text(rng, 300)
    with db.atomic():
        version_id = _store(db, later)
    other = dbmod.connect(db_path)
    assert (
        other.execute("select text from versions where id = ?", [version_id]).fetchone()[0] == later
    )
