"""Storage of the trace index: a small abstract class and its SQLite default.

The store never sees raw text. It keeps, per document, its id, where it came
from (a file path, plus the byte range of the line for JSON Lines), a
checksum of its text, the compressed token table that alignment needs
(token hashes and character offsets), and the LSH band keys of its sketch.
Band keys are also kept as postings ``(key, doc)`` so that a query is one
indexed look-up per band.

One SQLite file holds everything. Writes go through :meth:`Store.write_batch`,
one transaction per batch, so an interrupted build leaves the index as it was
before that batch. WAL journaling lets readers query while a build runs.

``PRAGMA application_id`` marks the file as an unspin index and
``PRAGMA user_version`` holds the schema version, so a foreign or too new
file is refused with a message instead of being misread.
"""

from __future__ import annotations

import json
import sqlite3
from abc import ABC, abstractmethod
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StoreError

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "DocRecord", "SQLiteStore", "Store"]

#: ``PRAGMA application_id`` of an unspin trace index ("unSp").
APPLICATION_ID = 0x756E5370
#: Bump when the tables or the meaning of stored values change.
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    doc INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    byte_offset INTEGER NOT NULL,
    byte_length INTEGER NOT NULL,
    chars INTEGER NOT NULL,
    checksum INTEGER NOT NULL,
    tokens BLOB NOT NULL,
    bands BLOB NOT NULL
);
CREATE TABLE postings (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID;
"""


@dataclass(frozen=True, slots=True)
class DocRecord:
    """What the index keeps about one document.

    ``kind`` is ``"text"`` (the whole file is the document) or ``"jsonl"``
    (``byte_offset``/``byte_length`` locate its line). ``tokens`` is an
    opaque blob written and read by :mod:`unspin.trace`; ``keys`` are the
    LSH band keys that go into the postings (empty for a document too short
    to sketch).
    """

    id: str
    source: str
    kind: str
    byte_offset: int
    byte_length: int
    chars: int
    checksum: int
    tokens: bytes
    keys: tuple[int, ...]


class Store(ABC):
    """Where a trace index lives. Implementations: :class:`SQLiteStore`."""

    @abstractmethod
    def settings(self) -> dict[str, Any]:
        """The settings the index was built with."""

    @abstractmethod
    def write_batch(self, records: Sequence[DocRecord]) -> int:
        """Add or replace ``records`` atomically; return how many ids were replaced."""

    @abstractmethod
    def candidates(self, keys: Sequence[int], limit: int) -> list[tuple[int, int]]:
        """``(doc, band hits)`` of documents sharing a band key, most hits first."""

    @abstractmethod
    def records(self, docs: Sequence[int]) -> dict[int, DocRecord]:
        """Stored records by internal document number."""

    @abstractmethod
    def stats(self) -> dict[str, int]:
        """Counts: ``documents``, ``postings``, ``bytes``."""

    @abstractmethod
    def close(self) -> None:
        """Release the store."""


def _missing(path: str) -> StoreError:
    return StoreError(f"No index at {path!r}. Build one with: unspin index build {path} SOURCES...")


class SQLiteStore(Store):
    """The embedded default: one SQLite file (or ``":memory:"`` for tests).

    Args:
        path: the index file.
        create: make a new index with ``settings`` if the file does not exist.
        settings: stored on creation; ignored when opening an existing index.
    """

    def __init__(self, path: str | Path, *, create: bool = False, settings: dict[str, Any] | None = None):
        self.path = str(path)
        memory = self.path == ":memory:"
        exists = memory is False and Path(self.path).exists()
        if not memory and not exists and not create:
            raise _missing(self.path)
        if not memory and exists and Path(self.path).is_dir():
            raise StoreError(f"{self.path!r} is a directory, not an index file. Give a file name like index.db.")
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot open index {self.path!r}: {exc}. Check the path and its permissions.") from exc
        try:
            with self._guard():
                self._settings = self._check(create, settings or {}, memory)
        except BaseException:
            self.close()
            raise

    def _check(self, create: bool, settings: dict[str, Any], memory: bool) -> dict[str, Any]:
        """Create a new index or verify an existing one; return its settings."""
        conn = self._conn
        conn.execute("PRAGMA busy_timeout = 10000")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id == 0 and tables == 0:
            if not create:
                raise _missing(self.path)
            self._create(settings)
        elif app_id != APPLICATION_ID:
            raise StoreError(
                f"{self.path!r} is a SQLite database but not an unspin index. "
                f"Give another path, or build an index with: unspin index build NEW.db SOURCES..."
            )
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"Index {self.path!r} has schema version {version}, but this unspin reads version "
                f"{SCHEMA_VERSION}. Rebuild it with: unspin index build NEW.db SOURCES..."
            )
        if not memory:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        try:
            return {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}
        except ValueError as exc:
            raise StoreError(
                f"Index {self.path!r} has unreadable settings. Rebuild it with: unspin index build NEW.db SOURCES..."
            ) from exc

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn SQLite failures into :class:`StoreError` that say what to do."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            text = str(exc)
            if "not a database" in text:
                raise StoreError(
                    f"{self.path!r} is not an unspin index (not a SQLite file). "
                    f"Give another path, or build one with: unspin index build NEW.db SOURCES..."
                ) from exc
            if "unable to open" in text:
                raise StoreError(
                    f"Cannot open index {self.path!r} ({text}). Check that its folder exists and is writable."
                ) from exc
            if "locked" in text or "busy" in text:
                raise StoreError(f"Index {self.path!r} is locked by another writer. Try again when it finishes.") from exc
            raise StoreError(
                f"Index {self.path!r} is corrupt ({text}). Rebuild it with: unspin index build NEW.db SOURCES..."
            ) from exc

    def _create(self, settings: dict[str, Any]) -> None:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            conn.execute("ROLLBACK")  # another process created it while we waited for the lock
            return
        try:
            for statement in _SCHEMA.strip().split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)", [(k, json.dumps(v)) for k, v in settings.items()]
            )
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def settings(self) -> dict[str, Any]:
        return dict(self._settings)

    def write_batch(self, records: Sequence[DocRecord]) -> int:
        conn = self._conn
        replaced = 0
        with self._guard():
            conn.execute("BEGIN IMMEDIATE")
            try:
                for rec in records:
                    replaced += self._delete(rec.id)
                    cur = conn.execute(
                        "INSERT INTO docs (id, source, kind, byte_offset, byte_length, chars, checksum, tokens, bands)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (rec.id, rec.source, rec.kind, rec.byte_offset, rec.byte_length, rec.chars,
                         rec.checksum, rec.tokens, array("q", rec.keys).tobytes()),
                    )
                    doc = cur.lastrowid
                    conn.executemany(
                        "INSERT OR IGNORE INTO postings (key, doc) VALUES (?, ?)", [(k, doc) for k in rec.keys]
                    )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return replaced

    def _delete(self, doc_id: str) -> int:
        row = self._conn.execute("SELECT doc, bands FROM docs WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return 0
        doc, bands = row
        self._conn.executemany("DELETE FROM postings WHERE key = ? AND doc = ?", [(k, doc) for k in array("q", bands)])
        self._conn.execute("DELETE FROM docs WHERE doc = ?", (doc,))
        return 1

    def candidates(self, keys: Sequence[int], limit: int) -> list[tuple[int, int]]:
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        with self._guard():
            rows = self._conn.execute(
                f"SELECT doc, count(*) AS hits FROM postings WHERE key IN ({marks})"
                " GROUP BY doc ORDER BY hits DESC, doc LIMIT ?",
                (*keys, limit),
            ).fetchall()
        return [(int(d), int(h)) for d, h in rows]

    def records(self, docs: Sequence[int]) -> dict[int, DocRecord]:
        if not docs:
            return {}
        marks = ",".join("?" * len(docs))
        with self._guard():
            rows = self._conn.execute(
                "SELECT doc, id, source, kind, byte_offset, byte_length, chars, checksum, tokens, bands"
                f" FROM docs WHERE doc IN ({marks})",
                tuple(docs),
            ).fetchall()
        return {
            int(doc): DocRecord(doc_id, source, kind, offset, length, chars, checksum, tokens, tuple(array("q", bands)))
            for doc, doc_id, source, kind, offset, length, chars, checksum, tokens, bands in rows
        }

    def stats(self) -> dict[str, int]:
        with self._guard():
            documents = self._conn.execute("SELECT count(*) FROM docs").fetchone()[0]
            postings = self._conn.execute("SELECT count(*) FROM postings").fetchone()[0]
            page_size = self._conn.execute("PRAGMA page_size").fetchone()[0]
            pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
        return {"documents": int(documents), "postings": int(postings), "bytes": int(page_size * pages)}

    def close(self) -> None:
        try:
            self._conn.close()
        except sqlite3.Error:  # closing a broken connection must not hide the first error
            pass
