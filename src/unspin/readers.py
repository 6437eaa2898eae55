"""Reading user input: files or standard input as validated UTF-8 text, and
collections of documents (text, HTML, JSON Lines, Parquet, WARC, PDF) for a scan."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, UnspinError, missing_extra

__all__ = [
    "FORMATS",
    "RawDoc",
    "SourceText",
    "Unreadable",
    "decode_text",
    "file_format",
    "file_text",
    "html_to_text",
    "iter_documents",
    "join_hyphenated",
    "list_inputs",
    "read_input",
    "read_source",
    "reread_text",
    "source_files",
]


def decode_text(data: bytes, name: str) -> str:
    """Decode bytes as UTF-8 text (or UTF-16 with its byte-order mark, as Windows
    editors save "Unicode" text), refusing binary data and empty input."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = "\x00"
        data = b"\x00" if "\x00" in text else text.encode("utf-8")
    if b"\x00" in data[:65536]:
        raise InputError(f"{name} looks like a binary file, not text. Give a UTF-8 text file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid UTF-8 (byte {exc.start}). Convert it first, e.g.: iconv -t UTF-8 FILE"
        ) from exc
    if not text.strip():
        raise InputError(f"{name} is empty: it holds no text (only whitespace, or nothing).")
    return text


def read_input(path: str, notes: list[str] | None = None) -> str:
    """Read ``path`` (or standard input for ``-``) as text.

    A PDF (known by its first bytes, whatever its name) gives the text of its
    pages, with words hyphenated at line ends joined (needs ``pypdf``, extra
    ``unspin[scan]``); spans then index that text, and a line saying so is
    added to ``notes``. Anything else is read as UTF-8 (or UTF-16 with its
    byte-order mark): HTML stays as it is, since the tokenizer passes tags,
    character references, script and style elements and comments through and
    a restoration keeps the markup.
    """
    if path == "-":
        data, name = sys.stdin.buffer.read(), "standard input"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"No such file: {path!r}.")
        if p.is_dir():
            raise InputError(f"{path!r} is a directory; give a text file (or use: unspin scan DIR).")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"Cannot read {path!r}: {exc.strerror}.") from exc
        name = repr(path)
    return file_text(data, name, notes)


def _is_pdf(data: bytes) -> bool:
    """A PDF is known by its first bytes, whatever its file is called."""
    return data.startswith(b"%PDF-")


def file_text(data: bytes, name: str, notes: list[str] | None = None) -> str:
    """The text of a file's bytes: a PDF's pages (see :func:`read_input`), else UTF-8 or UTF-16 text.

    Example:
        >>> file_text("caf\u00e9".encode("utf-16"), "a file")
        'café'
    """
    if _is_pdf(data):
        text, pages = _pdf_text(data, name)
        if notes is not None:
            notes.append(f"read the text of {name}, a PDF of {pages} page{'s' if pages != 1 else ''}; "
                         "span offsets index that text")
        return text
    return decode_text(data, name)


# --- collections of documents (for ``unspin scan``) -------------------------

#: File name endings ``unspin scan`` reads, and the format each one means.
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".warc": "warc",
    ".warc.gz": "warc",
    ".pdf": "pdf",
}


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One document of a collection, before scoring.

    ``source`` says where it came from (``path``, ``path:LINE``, ``path#ROW``
    or ``path@OFFSET``); ``error`` is set instead of ``text`` when the document
    could not be read, so a scan reports it instead of stopping.
    """

    id: str
    source: str
    text: str | None
    error: str | None = None


def file_format(path: Path) -> str | None:
    """The format of ``path`` by its name (``None`` for a name scan does not read)."""
    name = path.name.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return FORMATS[suffix]
    return None


def list_inputs(paths: list[str]) -> list[Path]:
    """The files to scan: given files as they are, directories walked recursively.

    Directory entries are kept only if their format is known, and sorted, so the
    same inputs always give the same listing (a scan's parts depend on it).
    """
    if not paths:
        raise InputError("No input given. Example: unspin scan docs/ --out results/")
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and file_format(f) is not None)
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"No such file or directory: {raw!r}.")
    return out


def iter_documents(
    path: Path,
    *,
    text_field: str = "text",
    id_field: str | None = None,
    extract: bool = True,
    start: int = 0,
) -> Iterator[RawDoc]:
    """Yield the documents of one file from the ``start``-th on; never raises for a broken file.

    With ``extract=False`` texts are not extracted (HTML, PDF, JSON): the
    documents are still counted the same way, which is how a scan plans its
    parts. Documents before ``start`` are skipped without extracting them.
    """
    fmt = file_format(path) or "text"
    n = 0
    try:
        if fmt == "jsonl":
            docs = _iter_jsonl(path, text_field, id_field, lambda: extract and n >= start)
        elif fmt == "parquet":
            docs = _iter_parquet(path, text_field, id_field, lambda: extract and n >= start)
        elif fmt == "warc":
            docs = _iter_warc(path, lambda: extract and n >= start)
        else:
            docs = iter([_read_whole_file(path, fmt, extract and start == 0)])
        for doc in docs:
            if n >= start:
                yield doc
            n += 1
    except _FileBroken as exc:
        if n >= start:
            yield RawDoc(str(path), exc.source, None, str(exc))


class _FileBroken(Exception):
    """The rest of a file cannot be read (its documents so far were yielded)."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source


def _read_whole_file(path: Path, fmt: str, extract: bool) -> RawDoc:
    name = str(path)
    if not extract:
        return RawDoc(name, name, "")
    try:
        if fmt == "pdf":
            return RawDoc(name, name, _pdf_text(path.read_bytes(), repr(name))[0])
        data = path.read_bytes()
        if fmt == "html":
            return RawDoc(name, name, html_to_text(data))
        return RawDoc(name, name, decode_text(data, repr(name)))
    except OSError as exc:
        return RawDoc(name, name, None, f"Cannot read {name!r}: {exc.strerror}.")
    except UnspinError as exc:
        return RawDoc(name, name, None, str(exc))


def _pdf_text(data: bytes, name: str) -> tuple[str, int]:
    """The text of a PDF's pages (line-end hyphenation joined) and its page count."""
    import io
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair warnings are not the user's business
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError as exc:
        raise missing_extra("scan", "pypdf") from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n\n".join(page.extract_text() or "" for page in reader.pages)
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise InputError(f"{name} is not a readable PDF ({type(exc).__name__}: {exc}).") from exc
    if not text.strip():
        raise InputError(f"{name} has no extractable text (a scanned PDF needs OCR first).")
    return join_hyphenated(text), pages


_HYPHEN_BREAK = re.compile(r"([^\W\d_]+)-[ \t]*\r?\n[ \t]*([^\W\d_]+)")


def join_hyphenated(text: str) -> str:
    """Undo line-end hyphenation in text taken from a PDF.

    "regu-\nlation" becomes "regulation" when the web knows the joined word
    better than the hyphenated one (``wordfreq``); a compound keeps its hyphen
    and loses the line break ("six-\nnation" -> "six-nation"). Either way the
    restorer then sees one word, not two fragments it cannot read.
    """
    from wordfreq import zipf_frequency

    def join(m: re.Match[str]) -> str:
        a, b = m.group(1), m.group(2)
        joined = a + b
        if zipf_frequency(joined, "en") > max(1.0, zipf_frequency(f"{a}-{b}", "en")):
            return joined
        return f"{a}-{b}"

    return _HYPHEN_BREAK.sub(join, text)


def html_to_text(data: bytes) -> str:
    """Main text of an HTML page (resiliparse's main-content extraction)."""
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding
    except ImportError as exc:
        raise missing_extra("scan", "resiliparse") from exc
    html = bytes_to_str(data, detect_encoding(data) or "utf-8")
    text: str = extract_plain_text(html, main_content=True)
    if not text.strip():
        # pages without a recognisable main block: take all visible text instead
        text = extract_plain_text(html, main_content=False)
    if not text.strip():
        raise InputError("The HTML page has no visible text.")
    return text


def _field_text(record: object, text_field: str, id_field: str | None, default_id: str) -> tuple[str, str]:
    if not isinstance(record, dict):
        raise InputError(f"Expected a JSON object, got {type(record).__name__}.")
    text = record.get(text_field)
    if not isinstance(text, str):
        fields = ", ".join(sorted(map(str, record))[:8])
        raise InputError(f"No text field {text_field!r} (fields: {fields}). Choose one with --text-field.")
    doc_id = default_id
    if id_field is not None:
        value = record.get(id_field)
        if value is None:
            raise InputError(f"No id field {id_field!r}. Choose one with --id-field.")
        doc_id = str(value)
    return doc_id, text


def _iter_jsonl(
    path: Path, text_field: str, id_field: str | None, extract: Callable[[], bool]
) -> Iterator[RawDoc]:
    name = str(path)
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise _FileBroken(name, f"Cannot read {name!r}: {exc.strerror}.") from exc
    with fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            source = f"{name}:{number}"
            if not extract():
                yield RawDoc(source, source, "")
                continue
            try:
                doc_id, text = _field_text(json.loads(line), text_field, id_field, source)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield RawDoc(source, source, None, f"Line {number} is not valid JSON: {exc}.")
                continue
            except InputError as exc:
                yield RawDoc(source, source, None, str(exc))
                continue
            yield RawDoc(doc_id, source, text)


def _iter_parquet(
    path: Path, text_field: str, id_field: str | None, extract: Callable[[], bool]
) -> Iterator[RawDoc]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise missing_extra("scan", "pyarrow") from exc
    name = str(path)
    try:
        pf = pq.ParquetFile(name)
        columns = [text_field] + ([id_field] if id_field and id_field != text_field else [])
        missing = [c for c in columns if c not in pf.schema_arrow.names]
        if missing:
            fields = ", ".join(pf.schema_arrow.names[:8])
            raise _FileBroken(name, f"{name!r} has no column {missing[0]!r} (columns: {fields}). "
                                    "Choose one with --text-field / --id-field.")
        row = 0
        for batch in pf.iter_batches(batch_size=256, columns=columns):
            texts = batch.column(text_field).to_pylist()
            ids = batch.column(id_field).to_pylist() if id_field else [None] * len(texts)
            for text, doc_id in zip(texts, ids):
                source = f"{name}#{row}"
                row += 1
                if not extract():
                    yield RawDoc(source, source, "")
                elif not isinstance(text, str):
                    yield RawDoc(source, source, None, f"Row {row - 1} has no text in {text_field!r}.")
                else:
                    yield RawDoc(source if doc_id is None else str(doc_id), source, text)
    except (OSError, pa.ArrowException) as exc:
        raise _FileBroken(name, f"{name!r} is not a readable Parquet file: {exc}") from exc


_WARC_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def _iter_warc(path: Path, extract: Callable[[], bool]) -> Iterator[RawDoc]:
    """Response and resource records of a WARC (or WARC.gz) with an HTML or text payload."""
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError as exc:
        raise missing_extra("scan", "fastwarc") from exc
    name = str(path)
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise _FileBroken(name, f"Cannot read {name!r}: {exc.strerror}.") from exc
    offset = 0
    with stream:
        try:
            records = ArchiveIterator(
                stream, record_types=WarcRecordType.response | WarcRecordType.resource, parse_http=True
            )
            for rec in records:
                offset = rec.stream_pos
                ctype = (rec.http_content_type if rec.is_http else rec.headers.get("Content-Type")) or ""
                if not ctype.split(";")[0].strip().lower().startswith(_WARC_TEXT_TYPES):
                    continue
                source = f"{name}@{offset}"
                doc_id = rec.headers.get("WARC-Target-URI") or rec.record_id or source
                if not extract():
                    yield RawDoc(doc_id, source, "")
                    continue
                try:
                    payload = rec.reader.read()
                    if "html" in ctype:
                        text = html_to_text(payload)
                    else:
                        text = decode_text(payload, source)
                except UnspinError as exc:
                    yield RawDoc(doc_id, source, None, str(exc))
                    continue
                yield RawDoc(doc_id, source, text)
        except (OSError, ValueError, RuntimeError) as exc:
            raise _FileBroken(f"{name}@{offset}", f"{name!r} is not a readable WARC after offset "
                                                  f"{offset}: {exc}") from exc


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
    """Documents of one file: the whole file (a PDF's text, if it is one), or one per line for ``.jsonl``/``.ndjson``."""
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _read_jsonl(path, id_field, text_field)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Unreadable(str(path), f"cannot read ({exc.strerror})")
        return
    try:
        text = file_text(data, "file")
    except InputError as exc:
        yield Unreadable(str(path), str(exc).split(". ")[0].split(" (")[0].removeprefix("file ").strip(), len(data))
        return
    kind = "pdf" if _is_pdf(data) else "text"
    yield SourceText(str(path), text, str(path.resolve()), kind, 0, len(data), len(data))


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
        if kind in ("text", "pdf"):
            return file_text(data, "file")  # read back as when indexed
        field = kind.partition(":")[2]
        value = json.loads(data.decode("utf-8-sig"))[field]
        return value if isinstance(value, str) else None
    except (OSError, ValueError, KeyError, TypeError, UnspinError):
        return None
