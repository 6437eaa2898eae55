"""What the data-building scripts share: writing a shipped gzip file, and the command line around it."""

from __future__ import annotations

import argparse
import gzip
import sys
from collections.abc import Callable
from pathlib import Path


def write_gzip(path: Path, text: str) -> None:
    """``text`` gzipped to ``path``, with no timestamp: the same data gives the same bytes."""
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))


def build_gzip(doc: str, default: Path, derive: Callable[[], str], count: Callable[[str], str]) -> None:
    """The command line of a script deriving one shipped gzip file: ``--out`` (``default``),
    ``derive()`` its text, write it, and say what was written (``count(text)``, the size)."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--out", type=Path, default=default)
    a = ap.parse_args()
    text = derive()
    write_gzip(a.out, text)
    print(f"wrote {a.out} ({count(text)}, {a.out.stat().st_size / 1e6:.2f} MB)", file=sys.stderr)
