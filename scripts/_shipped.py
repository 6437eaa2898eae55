"""What the data-building scripts share: writing a shipped gzip file."""

from __future__ import annotations

import gzip
from pathlib import Path


def write_gzip(path: Path, text: str) -> None:
    """``text`` gzipped to ``path``, with no timestamp: the same data gives the same bytes."""
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))
