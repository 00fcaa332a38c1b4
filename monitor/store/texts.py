"""Version texts, packed, and the SQL function that gives them back.

A version's text is stored in ``version_rows.text`` in one of three forms:

* a string: the text itself (short texts, texts stored before m100, rows written by
  plain SQL through the ``versions`` view);
* a blob with ``base_id`` NULL: a zstd frame, compressed with a dictionary trained on
  this database's own texts (table ``text_dicts``; the frame names its dictionary), or
  without one for the first texts of a database, until the dictionary is trained;
* a blob with ``base_id`` set: a zstd frame compressed against the text of an earlier
  version of the same article (row ``base_id``, itself never a delta), so a small
  edit of a 600-word article costs tens of bytes.

``monitor_text(text, base_text)`` is the SQL function that unpacks; the ``versions``
view calls it, so ``select text from versions`` reads plain text wherever the
function is registered: on every connection monitor opens, and in Datasette and
sqlite-utils through the plugin :mod:`monitor.sqlplugin`. This module writes
``text_dicts``; :mod:`monitor.store.articles` writes the versions.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from monitor.text.timeutil import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database

#: zstd level: 15 packs the bench texts to ~30 % (12: ~32 %, 50 bytes a 600-word text
#: more), at ~0.5 ms a 600-word text (12: ~0.3 ms)
LEVEL = 15
#: ... but a text shorter than SHORT_TEXT bytes (a feed entry's summary) is packed at
#: SHORT_LEVEL: starting a level-15 frame with the dictionary costs ~0.1 ms of CPU
#: whatever the text's length (a third of what a fetch spends on an entry), for ~3
#: bytes less a summary (`python benchmarks/bench_fetch.py`, README "Fetch")
SHORT_LEVEL = 12
SHORT_TEXT = 2048
#: the dictionary is trained once this many versions are stored (on up to SAMPLES texts;
#: tried again every TRAIN_EVERY versions while the texts are too few bytes to train on).
#: Early: the texts stored before it are packed again once it exists, and the space
#: they give up stays in their pages (a dictionary trained on 300 texts packs as well as
#: one trained on 2,000)
TRAIN_AT = 300
TRAIN_EVERY = 100
SAMPLES = 2000
DICT_SIZE = 112 * 1024
#: texts shorter than this stay plain (a frame's overhead would eat the gain)
MIN_PACK = 64


class Codec:
    """Packs and unpacks the texts of one connection (its dictionaries cached)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._dicts: dict[int, Any] = {}
        self._dctx: dict[int, Any] = {}
        #: compressors by level, for the dictionary ``_cctx_dict``
        self._cctx: dict[int, Any] | None = None
        self._cctx_dict = -1
        self._current: int | None = None  # dict id new texts use; 0: none yet
        self._looked = False
        #: the last (stored value, base, text) unpacked
        self._last: tuple[Any, Any, str] | None = None

    def forget(self) -> None:
        """Read the dictionaries from the database again on next use."""
        self._dicts.clear()
        self._dctx.clear()
        self._cctx = None
        self._cctx_dict = -1
        self._current = None
        self._looked = False

    # -- reading

    def unpack(self, packed: Any, base: Any = None) -> Any:
        """The text of a stored value (``base``: the stored text of its delta base)."""
        if packed is None or isinstance(packed, str):
            return packed
        last = self._last
        if last is not None and last[0] == packed and last[1] == base:
            return last[2]  # the same row's text again (``select *``: text and text_hash)
        text = self._unpack(packed, base)
        self._last = (packed, base, text)
        return text

    def text_hash(self, packed: Any, base: Any = None) -> str | None:
        """The SHA-256 (hex) of the text of a stored value."""
        text = self.unpack(packed, base)
        if text is None:
            return None
        import hashlib

        return hashlib.sha256(str(text).encode("utf-8")).hexdigest()

    def _unpack(self, packed: Any, base: Any) -> str:
        import zstandard

        data = bytes(packed)
        if base is not None:
            reference = self.unpack(base).encode("utf-8")
            rawdict = zstandard.ZstdCompressionDict(
                reference, dict_type=zstandard.DICT_TYPE_RAWCONTENT
            )
            out = zstandard.ZstdDecompressor(dict_data=rawdict).decompress(data)
        else:
            dict_id = zstandard.get_frame_parameters(data).dict_id
            out = self._decompressor(dict_id).decompress(data)
        return out.decode("utf-8")

    def _decompressor(self, dict_id: int) -> Any:
        import zstandard

        dctx = self._dctx.get(dict_id)
        if dctx is None:
            if dict_id:
                dctx = zstandard.ZstdDecompressor(dict_data=self._dict(dict_id))
            else:
                dctx = zstandard.ZstdDecompressor()
            self._dctx[dict_id] = dctx
        return dctx

    def _dict(self, dict_id: int) -> Any:
        import zstandard

        found = self._dicts.get(dict_id)
        if found is None:
            row = self.conn.execute(
                "select dict from text_dicts where id = ?", [dict_id]
            ).fetchone()
            if row is None:
                raise ValueError(f"text dictionary {dict_id} is missing from text_dicts")
            found = self._dicts[dict_id] = zstandard.ZstdCompressionDict(bytes(row[0]))
        return found

    # -- writing

    def dictionary(self) -> int:
        """The id of the dictionary new texts are packed with (0: none yet)."""
        if not self._looked:
            row = self.conn.execute("select max(id) from text_dicts").fetchone()
            self._current = int(row[0]) if row and row[0] is not None else 0
            self._looked = True
        return self._current or 0

    def pack(self, text: str) -> str | bytes:
        """A text packed on its own: a frame with the dictionary (without one until the
        database has enough texts to train it), else the text itself."""
        if len(text) < MIN_PACK:
            return text
        dict_id = self.dictionary()
        if self._cctx is None or self._cctx_dict != dict_id:
            self._cctx = {}
            self._cctx_dict = dict_id
        raw = text.encode("utf-8")
        level = SHORT_LEVEL if len(raw) < SHORT_TEXT else LEVEL
        cctx = self._cctx.get(level)
        if cctx is None:
            import zstandard

            cctx = self._cctx[level] = zstandard.ZstdCompressor(
                level=level,
                dict_data=self._dict(dict_id) if dict_id else None,
                write_checksum=False,
            )
        packed: bytes = cctx.compress(raw)
        return packed if len(packed) < len(raw) else text

    def repack(self, stored: Any, base_id: int | None) -> bool:
        """Whether a stored text would be smaller packed again now: a plain text, or a
        frame made before the dictionary was trained."""
        if base_id is not None:
            return False
        if isinstance(stored, str):
            return len(stored) >= MIN_PACK
        if stored is None or not self.dictionary():
            return False
        import zstandard

        return bool(zstandard.get_frame_parameters(bytes(stored)).dict_id == 0)

    def delta(self, text: str, base_text: str) -> bytes:
        """``text`` packed against ``base_text`` (a raw-content dictionary)."""
        import zstandard

        rawdict = zstandard.ZstdCompressionDict(
            base_text.encode("utf-8"), dict_type=zstandard.DICT_TYPE_RAWCONTENT
        )
        cctx = zstandard.ZstdCompressor(level=LEVEL, dict_data=rawdict, write_checksum=False)
        return bytes(cctx.compress(text.encode("utf-8")))

    def train(self, samples: list[str]) -> int:
        """Train a dictionary on ``samples``, store it in ``text_dicts``; its id (0 when
        the samples are too few or too alike to train on)."""
        import zstandard

        data: list[bytes | bytearray | memoryview] = [s.encode("utf-8") for s in samples if s]
        if sum(map(len, data)) < 8 * DICT_SIZE:
            return 0
        try:
            trained = zstandard.train_dictionary(DICT_SIZE, data, level=LEVEL)
        except zstandard.ZstdError:
            return 0
        dict_id = trained.dict_id()
        self.conn.execute(
            "insert or replace into text_dicts (id, dict, created_at) values (?, ?, ?)",
            [dict_id, trained.as_bytes(), now_iso()],
        )
        self._current, self._looked, self._cctx = dict_id, True, None
        self._dicts.pop(dict_id, None)
        self._dctx.pop(dict_id, None)
        return int(dict_id)


def register(conn: sqlite3.Connection) -> Codec:
    """Register ``monitor_text(text, base_text)`` and ``monitor_text_hash(text, base_text)``
    (the SHA-256 of the text, in hex: the ``versions`` view's ``text_hash``) on ``conn``;
    the connection's codec."""
    codec = Codec(conn)
    conn.create_function("monitor_text", 2, codec.unpack, deterministic=True)
    conn.create_function("monitor_text_hash", 2, codec.text_hash, deterministic=True)
    return codec


def forget(db: Database) -> None:
    """Drop what the database's codec remembers of ``text_dicts``: after a rollback, a
    dictionary trained in the rolled-back part is gone (and a later one may get its id).
    Every rollback of monitor's ``atomic()`` calls it (:mod:`monitor.store.db`)."""
    found = getattr(db, "_monitor_codec", None)
    if found is not None:
        found.forget()


def codec(db: Database) -> Codec:
    """The codec of an open database (registered on its connection the first time)."""
    found = getattr(db, "_monitor_codec", None)
    if found is None or found.conn is not db.conn:
        found = register(db.conn)
        db._monitor_codec = found  # type: ignore[attr-defined]
    return found
