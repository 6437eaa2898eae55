"""Reading user input: files or standard input, as validated UTF-8 text."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError

__all__ = ["decode_text", "read_input"]


def decode_text(data: bytes, name: str) -> str:
    """Decode bytes as UTF-8 text, refusing binary data and empty input."""
    if b"\x00" in data[:65536]:
        raise InputError(f"{name} looks like a binary file, not text. Give a UTF-8 text file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid UTF-8 (byte {exc.start}). Convert it first, e.g.: iconv -t UTF-8 FILE"
        ) from exc
    if not text.strip():
        raise InputError(f"{name} is empty: there is no text to check.")
    return text


def read_input(path: str) -> str:
    """Read ``path`` (or standard input for ``-``) as UTF-8 text."""
    if path == "-":
        return decode_text(sys.stdin.buffer.read(), "standard input")
    p = Path(path)
    if not p.exists():
        raise InputError(f"No such file: {path!r}.")
    if p.is_dir():
        raise InputError(f"{path!r} is a directory; give a text file (or use: unspin scan DIR).")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path!r}: {exc.strerror}.") from exc
    return decode_text(data, repr(path))
