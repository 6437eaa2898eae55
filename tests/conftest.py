from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def _write_pdf(path: Path, text: str) -> None:
    """A minimal one-page PDF with ``text`` in Helvetica (one line per line of ``text``), offsets computed."""
    lines = ") Tj 0 -14 Td (".join(text.split("\n"))
    stream = f"BT /F1 12 Tf 72 720 Td ({lines}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


@pytest.fixture(scope="session")
def write_pdf() -> Callable[[Path, str], None]:
    """Writes a minimal one-page PDF: ``write_pdf(path, text)``."""
    return _write_pdf


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
