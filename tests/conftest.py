from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def clean_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "clean").glob("*.txt"))]


# --- trace indexes that must be refused (shared by test_trace and test_cli_trace) ---------------


def _make_foreign(p: Path, texts: list[str]) -> None:
    import sqlite3

    with sqlite3.connect(p) as conn:
        conn.execute("CREATE TABLE people (name TEXT)")


def _make_wrong_version(p: Path, texts: list[str]) -> None:
    import sqlite3

    from unspin.store import SCHEMA_VERSION
    from unspin.trace import TraceIndex

    with TraceIndex.open(p, create=True):
        pass
    with sqlite3.connect(p) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 41}")


def _make_corrupt(p: Path, texts: list[str]) -> None:
    from unspin.trace import TraceIndex

    with TraceIndex.open(p, create=True) as ti:
        ti.add_texts({f"d{i}": t for i, t in enumerate(texts[:6])})
    data = bytearray(p.read_bytes())
    for i in range(4096, len(data), 7):  # keep the header page, scramble the rest
        data[i] = (data[i] * 31 + 7) % 256
    p.write_bytes(bytes(data))


BAD_INDEXES = {
    "missing": (lambda p, texts: None, "No index at"),
    "not sqlite": (lambda p, texts: p.write_text("just some notes\n" * 50, encoding="utf-8"), "not an unspin index"),
    "foreign sqlite": (_make_foreign, "not an unspin index"),
    "wrong version": (_make_wrong_version, "schema version"),
    "corrupt": (_make_corrupt, "corrupt"),
}


@pytest.fixture(params=list(BAD_INDEXES))
def bad_index(request: pytest.FixtureRequest, tmp_path: Path, clean_texts: list[str]) -> tuple[Path, str]:
    """An index file that must be refused, and a phrase the error must contain."""
    make, message = BAD_INDEXES[request.param]
    path = tmp_path / "x.db"
    make(path, clean_texts)
    return path, message
