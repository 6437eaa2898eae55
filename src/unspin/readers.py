"""Reading user input: files or standard input, as validated UTF-8 text."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

__all__ = ["SourceText", "Unreadable", "decode_text", "read_input", "read_source", "reread_text", "source_files"]


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


# --- documents for the trace index -------------------------------------------------------

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})


@dataclass(frozen=True, slots=True)
class SourceText:
    """One document read from a source.

    ``kind`` is ``"text"`` for a whole file or ``"jsonl:FIELD"`` for the
    ``FIELD`` of the JSON object on the line at ``byte_offset``. ``size`` is
    how many bytes of the source reading it consumed (for progress).
    """

    id: str
    text: str
    source: str
    kind: str
    byte_offset: int
    byte_length: int
    size: int


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A source (or one line of it) that was skipped, and why."""

    source: str
    reason: str
    size: int = 0

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def source_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Unreadable]]:
    """Files to index under ``paths`` (directories recursively, hidden entries left out).

    Missing paths are returned as :class:`Unreadable` instead of raising.
    """
    files: list[Path] = []
    problems: list[Unreadable] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                rel = sub.relative_to(p).parts
                if sub.is_file() and not any(part.startswith(".") for part in rel):
                    files.append(sub)
        elif p.is_file():
            files.append(p)
        elif p.exists():
            problems.append(Unreadable(str(p), "not a regular file"))
        else:
            problems.append(Unreadable(str(p), "no such file or directory"))
    return files, problems


def read_source(path: Path, id_field: str = "id", text_field: str = "text") -> Iterator[SourceText | Unreadable]:
    """Documents of one file: the whole file, or one per line for ``.jsonl``/``.ndjson``."""
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _read_jsonl(path, id_field, text_field)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Unreadable(str(path), f"cannot read ({exc.strerror})")
        return
    try:
        text = decode_text(data, "file")
    except InputError as exc:
        yield Unreadable(str(path), str(exc).split(". ")[0].removeprefix("file ").strip(), len(data))
        return
    yield SourceText(str(path), text, str(path.resolve()), "text", 0, len(data), len(data))


def _read_jsonl(path: Path, id_field: str, text_field: str) -> Iterator[SourceText | Unreadable]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield Unreadable(str(path), f"cannot read ({exc.strerror})")
        return
    source = str(path.resolve())
    offset = 0
    with fh:
        for lineno, raw in enumerate(fh, 1):
            start, offset = offset, offset + len(raw)
            where = f"{path}:{lineno}"
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
            except UnicodeDecodeError:
                yield Unreadable(where, "not valid UTF-8", len(raw))
                continue
            except json.JSONDecodeError as exc:
                yield Unreadable(where, f"bad JSON ({exc.msg})", len(raw))
                continue
            if not isinstance(obj, dict):
                yield Unreadable(where, "not a JSON object", len(raw))
                continue
            doc_id, text = obj.get(id_field), obj.get(text_field)
            if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or doc_id == "":
                yield Unreadable(where, f"no string or integer {id_field!r} field (rename with --id-field)", len(raw))
                continue
            if not isinstance(text, str) or not text.strip():
                yield Unreadable(where, f"no non-empty {text_field!r} field (rename with --text-field)", len(raw))
                continue
            yield SourceText(str(doc_id), text, source, f"jsonl:{text_field}", start, len(raw), len(raw))


def reread_text(source: str, kind: str, byte_offset: int, byte_length: int) -> str | None:
    """Read a stored document's text back from its source; None if it is gone or unreadable."""
    try:
        with open(source, "rb") as fh:
            fh.seek(byte_offset)
            data = fh.read(byte_length)
        if kind == "text":
            return data.decode("utf-8-sig")
        field = kind.partition(":")[2]
        value = json.loads(data.decode("utf-8-sig"))[field]
        return value if isinstance(value, str) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
