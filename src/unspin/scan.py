"""Scan a collection of documents: one record per document, resumable.

A scan lists its inputs (directories walked recursively, in sorted order),
counts their documents and cuts that sequence into numbered parts of
``part_size`` documents. Every part is scored by :func:`unspin.api.check` and
written atomically (temporary file, then :func:`os.replace`) as
``part-NNNNN.jsonl`` or ``.parquet``; ``manifest.json`` lists the parts that
are finished. Running the same scan again skips them and redoes the rest, so
after any crash every document is in the output exactly once. A document that
cannot be read becomes a record with ``error`` set.

Two engines run the same stages (read -> score -> write) and give identical
records: ``local`` (a process pool with a bounded number of tasks in flight)
and ``ray`` (a Ray Data pipeline, ``pip install 'unspin[ray]'``).

Example:
    >>> from pathlib import Path
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("The officers came here yesterday.", encoding="utf-8")
    >>> summary = scan(ScanConfig(inputs=(str(d),), out=d / "out", workers=1))
    >>> summary.documents
    1
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import html
import io
import json
import logging
import math
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from . import api
from .errors import ConfigError, InputError, UnspinError, missing_extra
from .readers import RawDoc, iter_documents, list_inputs

__all__ = [
    "MANIFEST",
    "Prefilter",
    "ScanConfig",
    "ScanSummary",
    "read_records",
    "scan",
    "score_document",
    "summarize",
    "write_report",
]

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
FORMATS = ("jsonl", "parquet")
ENGINES = ("local", "ray")
#: characters of context kept on each side of a reported span
CONTEXT_CHARS = 40
#: known tortured phrases that flag a paper, as the Problematic Paper Screener counts them
FLAGGED_FINGERPRINTS = 5
#: a scoring task holds at most this many documents, or this many characters
BATCH_DOCS = 4
BATCH_CHARS = 20_000

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything a scan needs; the CLI flags map onto it one to one."""

    inputs: tuple[str, ...]
    out: Path
    format: str = "jsonl"
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    engine: str = "local"
    min_probability: float = 0.0
    text_field: str = "text"
    id_field: str | None = None
    part_size: int = 1000
    prefilter: bool = False
    overwrite: bool = False
    ray_address: str | None = None
    top_spans: int = 5

    def settings(self) -> dict[str, Any]:
        """The options that decide the output (a resumed scan must use the same)."""
        return {
            "format": self.format,
            "min_probability": self.min_probability,
            "text_field": self.text_field,
            "id_field": self.id_field,
            "part_size": self.part_size,
            "prefilter": self.prefilter,
            "top_spans": self.top_spans,
        }

    def validate(self) -> None:
        if self.format not in FORMATS:
            raise ConfigError(f"Unknown --format {self.format!r}. Choose one of: {', '.join(FORMATS)}.")
        if self.engine not in ENGINES:
            raise ConfigError(f"Unknown --engine {self.engine!r}. Choose one of: {', '.join(ENGINES)}.")
        if self.workers < 1:
            raise ConfigError(f"--workers must be at least 1, got {self.workers}.")
        if self.part_size < 1:
            raise ConfigError(f"--part-size must be at least 1, got {self.part_size}.")
        if not 0.0 <= self.min_probability <= 1.0:
            raise ConfigError(f"--min-probability must be between 0 and 1, got {self.min_probability}.")


# --- scoring ------------------------------------------------------------------


class Prefilter:
    """A cheap test that a document is clearly clean, so full scoring can be skipped.

    Article spinners swap common words for rarer thesaurus synonyms. The
    feature is the share of words that are not very common (zipf below
    ``max_zipf``) yet listed by a thesaurus as a synonym of a clearly more
    frequent word (``zipf_gap``): the restorer's candidate set without the
    language model. A known tortured phrase always passes. Documents below
    ``threshold`` are reported as clean without running the restorer. The
    defaults were chosen on Reuters-21578 (``bench/scan_bench.py``): about 5%
    of spun documents are let through as clean, 10-30% of clean ones skipped.
    """

    def __init__(self, threshold: float = 0.012, zipf_gap: float = 1.5, max_zipf: float = 4.0) -> None:
        from .lexicon import load_lexicon

        self.threshold = threshold
        self.zipf_gap = zipf_gap
        self.max_zipf = max_zipf
        self.lexicon = load_lexicon()
        self._cache: dict[str, bool] = {}

    def _suspicious(self, word: str) -> bool:
        hit = self._cache.get(word)
        if hit is None:
            lex = self.lexicon
            i = lex.ids.get(word)
            lo, hi = lex.edge_range(word)
            hit = i is not None and hi > lo and float(lex.zipf[i]) < self.max_zipf and (
                float(lex.zipf[lex.src[lo:hi]].max()) - float(lex.zipf[i]) >= self.zipf_gap
            )
            if len(self._cache) < 500_000:
                self._cache[word] = hit
        return hit

    def score(self, text: str) -> float:
        """Share of suspicious words (1.0 when a known tortured phrase occurs)."""
        from .detect import shipped_matcher
        from .doc import WORD
        from .tokenize import tokenize

        doc = tokenize(text)
        words = [t.lower for t in doc.tokens if t.kind == WORD]
        if not words:
            return 0.0
        if shipped_matcher()(doc):
            return 1.0
        return sum(1 for w in words if self._suspicious(w)) / len(words)

    def __call__(self, text: str) -> bool:
        """True when ``text`` needs full scoring."""
        return self.score(text) >= self.threshold


@lru_cache(maxsize=1)
def _prefilter() -> Prefilter:
    return Prefilter()


def score_document(idx: int, raw: RawDoc, *, prefilter: bool = False, top_spans: int = 5) -> dict[str, Any]:
    """The output record of one document (never raises for bad input).

    Both engines call this, which is why their outputs are identical.
    """
    rec: dict[str, Any] = {
        "idx": idx,
        "id": raw.id,
        "source": raw.source,
        "bytes": len(raw.text.encode("utf-8")) if raw.text is not None else 0,
        "words": 0,
        "english_share": None,
        "spun_probability": None,
        "verdict": "error",
        "n_spans": 0,
        "n_fingerprints": 0,
        "prefiltered": False,
        "spans": [],
        "error": raw.error,
    }
    text = raw.text
    if text is None:
        return rec
    try:
        if prefilter and text.strip() and not _prefilter()(text):
            from .tokenize import tokenize

            doc = tokenize(text)
            rec.update(words=doc.words, verdict="clean", prefiltered=True, english_share=round(api.english_share(doc), 3))
            return rec
        report = api.check(text)
        rec["english_share"] = round(api.english_share(text), 3)
    except UnspinError as exc:
        rec["error"] = str(exc)
        return rec
    except Exception as exc:
        rec["error"] = f"Scoring failed ({type(exc).__name__}: {exc})."
        return rec
    top = sorted(report.spans, key=lambda s: (-s.confidence, s.start))[:top_spans]
    rec.update(
        words=report.words,
        spun_probability=round(report.spun_probability, 4),
        verdict=report.verdict,
        n_spans=len(report.spans),
        # known tortured phrases: the Problematic Paper Screener flags a paper with five or more
        n_fingerprints=sum(1 for s in report.spans if s.source == "fingerprint"),
        spans=[
            {
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "suggestion": s.suggestion,
                "confidence": round(s.confidence, 4),
                "source": s.source,
                "before": text[max(0, s.start - CONTEXT_CHARS) : s.start],
                "after": text[s.end : s.end + CONTEXT_CHARS],
            }
            for s in sorted(top, key=lambda s: s.start)
        ],
    )
    return rec


def _score_batch(batch: list[tuple[int, RawDoc]], prefilter: bool, top_spans: int) -> list[dict[str, Any]]:
    api._preload()  # a worker scores many documents: load the compiled decoder once, whatever their length
    return [score_document(i, d, prefilter=prefilter, top_spans=top_spans) for i, d in batch]


# --- planning and the manifest ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """Inputs with their document counts, cut into parts of ``part_size``."""

    files: tuple[tuple[str, int], ...]  # (path, documents)
    part_size: int

    @property
    def total(self) -> int:
        return sum(n for _, n in self.files)

    @property
    def n_parts(self) -> int:
        return max(1, math.ceil(self.total / self.part_size)) if self.total else 0

    def part_range(self, part: int) -> tuple[int, int]:
        first = part * self.part_size
        return first, min(self.total, first + self.part_size)

    def docs(self, config: ScanConfig, parts: Iterable[int]) -> Iterator[tuple[int, RawDoc]]:
        """Documents of ``parts`` (sorted), with their global index; reads each file once."""
        wanted = sorted(set(parts))
        if not wanted:
            return
        ranges = [self.part_range(p) for p in wanted]
        file_start = 0
        r = 0
        for path, count in self.files:
            file_end = file_start + count
            while r < len(ranges) and ranges[r][1] <= file_start:
                r += 1
            if r == len(ranges):
                return
            lo = max(ranges[r][0], file_start)
            if lo >= file_end:
                file_start = file_end
                continue
            idx = lo
            for doc in iter_documents(
                Path(path), text_field=config.text_field, id_field=config.id_field, start=lo - file_start
            ):
                if idx >= file_end:
                    raise InputError(f"{path!r} changed during the scan (more documents than planned). "
                                     "Run the scan again with --overwrite.")
                while r < len(ranges) and ranges[r][1] <= idx:
                    r += 1
                if r == len(ranges):
                    return
                if idx >= ranges[r][0]:
                    yield idx, doc
                idx += 1
            if idx != file_end:
                raise InputError(f"{path!r} changed during the scan (fewer documents than planned). "
                                 "Run the scan again with --overwrite.")
            file_start = file_end


def _listing(config: ScanConfig) -> list[dict[str, Any]]:
    out = []
    for p in list_inputs(list(config.inputs)):
        try:
            st = p.stat()
        except OSError as exc:
            raise InputError(f"Cannot read {str(p)!r}: {exc.strerror}.") from exc
        out.append({"path": str(p), "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    return out


def _fingerprint(listing: list[dict[str, Any]], settings: dict[str, Any]) -> str:
    blob = json.dumps({"inputs": listing, "settings": settings}, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def _count(config: ScanConfig, path: str) -> int:
    return sum(1 for _ in iter_documents(Path(path), text_field=config.text_field,
                                         id_field=config.id_field, extract=False))


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Manifest:
    """``manifest.json`` of an output folder: the plan and the finished parts."""

    def __init__(self, out: Path, data: dict[str, Any]) -> None:
        self.out = out
        self.data = data

    @property
    def plan(self) -> Plan:
        return Plan(tuple((f["path"], f["docs"]) for f in self.data["inputs"]), self.data["settings"]["part_size"])

    @property
    def done(self) -> dict[int, dict[str, Any]]:
        return {p["part"]: p for p in self.data["parts"]}

    def part_file(self, part: int) -> Path:
        return self.out / f"part-{part:05d}.{self.data['settings']['format']}"

    def finish_part(self, part: int, info: dict[str, Any]) -> None:
        self.data["parts"] = sorted([*self.data["parts"], {"part": part, **info}], key=lambda p: p["part"])
        self.data["complete"] = len(self.data["parts"]) == self.plan.n_parts
        self.save()

    def save(self) -> None:
        blob = json.dumps(self.data, indent=1, ensure_ascii=False).encode("utf-8")
        _write_atomic(self.out / MANIFEST, blob)

    @classmethod
    def load(cls, out: Path) -> Manifest | None:
        path = out / MANIFEST
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("unspin_scan") != MANIFEST_VERSION:
                raise ValueError("not a scan manifest of this version")
        except (OSError, ValueError) as exc:
            raise InputError(f"{str(path)!r} is not an unspin scan manifest ({exc}). "
                             "Choose another --out, or pass --overwrite to start over.") from exc
        return cls(out, data)


def _clear_outputs(out: Path) -> None:
    for p in out.iterdir():
        if p.is_file() and (p.name == MANIFEST or (p.name.startswith(("part-", ".part-", ".manifest")))):
            p.unlink()


def open_scan(config: ScanConfig) -> Manifest:
    """Plan the scan in ``config.out``, or reopen the one there (to resume it).

    Raises:
        InputError: the folder holds a scan of other inputs or settings.
    """
    config.validate()
    listing = _listing(config)
    settings = config.settings()
    fingerprint = _fingerprint(listing, settings)
    out = config.out
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {str(out)!r} is a file; give a folder for the results.")
    out.mkdir(parents=True, exist_ok=True)
    manifest = None if config.overwrite else Manifest.load(out)
    if manifest is not None and manifest.data["fingerprint"] != fingerprint:
        raise InputError(
            f"{str(out)!r} holds a scan of other inputs or settings. "
            "Pass --overwrite to start over, or choose another --out."
        )
    if config.overwrite or manifest is None:
        _clear_outputs(out)
        files = [{**f, "docs": _count(config, f["path"])} for f in listing]
        manifest = Manifest(out, {
            "unspin_scan": MANIFEST_VERSION,
            "fingerprint": fingerprint,
            "settings": settings,
            "inputs": files,
            "total_docs": sum(f["docs"] for f in files),
            "parts": [],
            "complete": False,
        })
        manifest.data["complete"] = manifest.plan.n_parts == 0
        manifest.save()
    # leftovers of a run that was killed while writing a part or the manifest
    for pattern in (".part-*.tmp", f".{MANIFEST}.*.tmp"):
        for p in out.glob(pattern):
            p.unlink()
    return manifest


# --- writing parts --------------------------------------------------------------


def _parquet_schema() -> Any:
    import pyarrow as pa

    span = pa.struct([
        ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()), ("suggestion", pa.string()),
        ("confidence", pa.float64()), ("source", pa.string()), ("before", pa.string()), ("after", pa.string()),
    ])
    return pa.schema([
        ("idx", pa.int64()), ("id", pa.string()), ("source", pa.string()), ("bytes", pa.int64()),
        ("words", pa.int64()), ("english_share", pa.float64()), ("spun_probability", pa.float64()),
        ("verdict", pa.string()),
        ("n_spans", pa.int64()), ("n_fingerprints", pa.int64()), ("prefiltered", pa.bool_()), ("spans", pa.list_(span)), ("error", pa.string()),
    ])


def _encode_part(records: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise missing_extra("scan", "pyarrow") from exc
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(records, schema=_parquet_schema()), buf)
    return buf.getvalue()


class PartCollector:
    """Gathers scored records by part and writes each part once it is whole."""

    def __init__(self, manifest: Manifest, min_probability: float) -> None:
        self.manifest = manifest
        self.plan = manifest.plan
        self.min_probability = min_probability
        self.pending: dict[int, dict[int, dict[str, Any]]] = {}

    def add(self, rec: dict[str, Any]) -> None:
        part = rec["idx"] // self.plan.part_size
        records = self.pending.setdefault(part, {})
        records[rec["idx"]] = rec
        first, end = self.plan.part_range(part)
        if len(records) == end - first:
            self._write(part, [records[i] for i in range(first, end)])
            del self.pending[part]

    def _write(self, part: int, records: list[dict[str, Any]]) -> None:
        fmt = self.manifest.data["settings"]["format"]
        kept = [r for r in records if r["error"] is not None or r["n_fingerprints"]
                or (r["spun_probability"] or 0.0) >= self.min_probability]
        path = self.manifest.part_file(part)
        _write_atomic(path, _encode_part(kept, fmt))
        first, end = self.plan.part_range(part)
        self.manifest.finish_part(part, {
            "file": path.name,
            "first": first,
            "docs": end - first,
            "written": len(kept),
            "errors": sum(1 for r in records if r["error"] is not None),
            "prefiltered": sum(1 for r in records if r["prefiltered"]),
            "fingerprinted": sum(1 for r in records if r["n_fingerprints"]),
            "fingerprinted_5": sum(1 for r in records if r["n_fingerprints"] >= FLAGGED_FINGERPRINTS),
            "finished_at": round(time.time(), 3),
            "bytes": sum(r["bytes"] for r in records),
        })


# --- engines ----------------------------------------------------------------------


def _batches(docs: Iterator[tuple[int, RawDoc]]) -> Iterator[list[tuple[int, RawDoc]]]:
    batch: list[tuple[int, RawDoc]] = []
    chars = 0
    for item in docs:
        batch.append(item)
        chars += len(item[1].text or "")
        if len(batch) >= BATCH_DOCS or chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _run_local(config: ScanConfig, manifest: Manifest, pending: list[int], progress: ProgressFn) -> None:
    collector = PartCollector(manifest, config.min_probability)
    docs = manifest.plan.docs(config, pending)
    done = 0
    total = sum(manifest.plan.part_range(p)[1] - manifest.plan.part_range(p)[0] for p in pending)
    progress(0, total)
    if config.workers == 1:
        # one worker: score in this process (no start-up cost, no pickling)
        for batch in _batches(docs):
            for rec in _score_batch(batch, config.prefilter, config.top_spans):
                collector.add(rec)
            done += len(batch)
            progress(done, total)
        return
    max_in_flight = 2 * config.workers
    with ProcessPoolExecutor(config.workers, mp_context=get_context("spawn")) as pool:
        in_flight: set[Future[list[dict[str, Any]]]] = set()
        batches = _batches(docs)
        exhausted = False
        while in_flight or not exhausted:
            while not exhausted and len(in_flight) < max_in_flight:
                try:
                    batch = next(batches)
                except StopIteration:
                    exhausted = True
                    break
                in_flight.add(pool.submit(_score_batch, batch, config.prefilter, config.top_spans))
            finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in finished:
                records = fut.result()
                for rec in records:
                    collector.add(rec)
                done += len(records)
            progress(done, total)


class _RayScore:
    """Ray Data stage: score a batch of documents (one instance per actor)."""

    def __init__(self, prefilter: bool, top_spans: int) -> None:
        self.prefilter = prefilter
        self.top_spans = top_spans
        api._preload()  # an actor scores many documents: load the compiled decoder once

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        out = []
        for idx, blob in zip(batch["idx"], batch["doc"]):
            raw = RawDoc(**json.loads(blob))
            rec = score_document(int(idx), raw, prefilter=self.prefilter, top_spans=self.top_spans)
            out.append(json.dumps(rec, ensure_ascii=False))
        return {"idx": np.asarray(batch["idx"], dtype=np.int64), "record": np.asarray(out, dtype=object)}


def _ray_read_part(row: dict[str, Any], *, inputs: list[list[Any]], config: dict[str, Any]) -> list[dict[str, Any]]:
    """Ray Data read stage: the documents of one part."""
    plan = Plan(tuple((str(p), int(n)) for p, n in inputs), int(config["part_size"]))
    cfg = ScanConfig(inputs=(), out=Path("."), text_field=config["text_field"], id_field=config["id_field"])
    # one JSON column: Arrow/numpy batches would turn a missing text or error (None) into NaN
    return [
        {"idx": i, "doc": json.dumps({"id": d.id, "source": d.source, "text": d.text, "error": d.error})}
        for i, d in plan.docs(cfg, [int(row["part"])])
    ]


def _ray_temp_dir(out: Path) -> str:
    # Ray puts Unix sockets under its temp dir, whose paths must stay short (~107 bytes)
    candidate = out.resolve() / ".ray"
    if len(str(candidate)) <= 40:
        return str(candidate)
    import tempfile

    return tempfile.mkdtemp(prefix="unspin-ray-")


def _run_ray(config: ScanConfig, manifest: Manifest, pending: list[int], progress: ProgressFn) -> None:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise missing_extra("ray", "ray") from exc
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    started = False
    temp_dir = None
    if not ray.is_initialized():
        if config.ray_address:
            ray.init(address=config.ray_address, log_to_driver=False, logging_level=logging.WARNING)
        else:
            temp_dir = _ray_temp_dir(config.out)
            ray.init(num_cpus=max(2, config.workers), include_dashboard=False, log_to_driver=False,
                     logging_level=logging.WARNING, _temp_dir=temp_dir)
        started = True
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.execution_options.preserve_order = True
        plan = manifest.plan
        total = sum(plan.part_range(p)[1] - plan.part_range(p)[0] for p in pending)
        progress(0, total)
        inputs = [[p, n] for p, n in plan.files]
        settings = {"part_size": plan.part_size, "text_field": config.text_field, "id_field": config.id_field}
        ds = (
            ray.data.from_items([{"part": p} for p in pending], override_num_blocks=max(1, len(pending)))
            .flat_map(_ray_read_part, fn_kwargs={"inputs": inputs, "config": settings},  # type: ignore[arg-type]
                      num_cpus=0)
            .map_batches(
                _RayScore,
                fn_constructor_kwargs={"prefilter": config.prefilter, "top_spans": config.top_spans},
                batch_size=BATCH_DOCS,
                batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=config.workers),
                num_cpus=1,
            )
        )
        collector = PartCollector(manifest, config.min_probability)
        done = 0
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for blob in batch["record"]:
                collector.add(json.loads(blob))
                done += 1
            progress(done, total)
    finally:
        if started:
            ray.shutdown()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)


# --- the scan and its summary -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """Counts over a finished (or partly finished) scan, read back from its parts."""

    out: Path
    documents: int
    finished: int
    written: int
    errors: int
    prefiltered: int
    verdicts: dict[str, int]
    histogram: tuple[int, ...]  # spun_probability counts in 20 bins of 0.05
    most_spun: tuple[dict[str, Any], ...]
    bytes: int
    seconds: float = 0.0
    scanned_now: int = 0
    # documents that read as too little English to judge (api.not_english): unspin
    # reads English, so their verdicts say little
    not_english: int = 0
    # the substitutions most documents judged spun share (spun, likely original, documents),
    # from each record's top spans: what the spinners behind a collection rewrite
    substitutions: tuple[tuple[str, str, int], ...] = ()
    # documents with at least one known tortured phrase, and with at least FLAGGED_FINGERPRINTS
    # (the Problematic Paper Screener's threshold for flagging a paper)
    fingerprinted: int = 0
    fingerprinted_5: int = 0

    @property
    def complete(self) -> bool:
        return self.finished == self.documents

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["out"] = str(self.out)
        d["most_spun"] = [{k: r[k] for k in ("id", "source", "spun_probability")} for r in self.most_spun]
        return d


def read_records(out: Path) -> Iterator[dict[str, Any]]:
    """Records of the finished parts of a scan, in document order."""
    manifest = Manifest.load(out)
    if manifest is None:
        raise InputError(f"No scan in {str(out)!r}. Run one with: unspin scan INPUT... --out {out}")
    for part in manifest.data["parts"]:
        path = out / part["file"]
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            yield from pq.read_table(path).to_pylist()
        else:
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    yield json.loads(line)


_MAX_SUBSTITUTIONS = 200_000  # distinct substitutions counted while summarising


def summarize(out: Path, *, top: int = 20, seconds: float = 0.0, scanned_now: int = 0) -> ScanSummary:
    """Count verdicts, errors and the distribution of a scan; bounded memory."""
    manifest = Manifest.load(out)
    if manifest is None:
        raise InputError(f"No scan in {str(out)!r}. Run one with: unspin scan INPUT... --out {out}")
    verdicts: dict[str, int] = {}
    hist = [0] * 20
    heap: list[tuple[float, int, dict[str, Any]]] = []
    written = not_english = 0
    subs: Counter[tuple[str, str]] = Counter()
    for rec in read_records(out):
        written += 1
        verdicts[rec["verdict"]] = verdicts.get(rec["verdict"], 0) + 1
        if rec["verdict"] == "spun":
            subs.update({(sp["text"].lower(), sp["suggestion"].lower()) for sp in rec.get("spans") or ()})
            if len(subs) > _MAX_SUBSTITUTIONS:  # bounded memory: keep the most frequent half
                subs = Counter(dict(subs.most_common(_MAX_SUBSTITUTIONS // 2)))
        share = rec.get("english_share")  # parts written before it was recorded have none
        not_english += share is not None and api.not_english(share, rec["words"])
        p = rec["spun_probability"]
        if p is None:
            continue
        hist[min(19, int(p * 20))] += 1
        item = (p, -rec["idx"], rec)
        if len(heap) < top:
            heapq.heappush(heap, item)
        elif item[:2] > heap[0][:2]:
            heapq.heapreplace(heap, item)
    parts = manifest.data["parts"]
    return ScanSummary(
        out=out,
        documents=manifest.data["total_docs"],
        finished=sum(p["docs"] for p in parts),
        written=written,
        errors=sum(p["errors"] for p in parts),
        prefiltered=sum(p["prefiltered"] for p in parts),
        verdicts=dict(sorted(verdicts.items())),
        histogram=tuple(hist),
        most_spun=tuple(r for _, _, r in sorted(heap, key=lambda t: t[:2], reverse=True)),
        bytes=sum(p["bytes"] for p in parts),
        seconds=seconds,
        scanned_now=scanned_now,
        not_english=not_english,
        substitutions=tuple((a, b, n) for (a, b), n in subs.most_common(top) if n > 1),
        fingerprinted=sum(p.get("fingerprinted", 0) for p in parts),  # (parts of older scans have none)
        fingerprinted_5=sum(p.get("fingerprinted_5", 0) for p in parts),
    )


def scan(config: ScanConfig, progress: ProgressFn | None = None) -> ScanSummary:
    """Run (or resume) the scan described by ``config`` and summarise it."""
    manifest = open_scan(config)
    done = manifest.done
    pending = [p for p in range(manifest.plan.n_parts) if p not in done]
    report = progress or (lambda _done, _total: None)
    scanned = [0]

    def counting(done_docs: int, total: int) -> None:
        scanned[0] = done_docs
        report(done_docs, total)

    start = time.perf_counter()
    if pending:
        run = _run_ray if config.engine == "ray" else _run_local
        run(config, manifest, pending, counting)
    return summarize(config.out, seconds=time.perf_counter() - start, scanned_now=scanned[0])


# --- HTML report ------------------------------------------------------------------


def _histogram_png(hist: tuple[int, ...]) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise missing_extra("scan", "matplotlib") from exc
    fig, ax = plt.subplots(figsize=(6.4, 2.8), dpi=100)
    ax.bar([i * 0.05 for i in range(20)], hist, width=0.05, align="edge", color="#c0392b", edgecolor="white")
    ax.set_xlim(0, 1)
    ax.set_xlabel("spun probability")
    ax.set_ylabel("documents")
    ax.axvline(0.5, color="#555", linestyle=":", linewidth=1)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _highlighted(rec: dict[str, Any]) -> str:
    rows = []
    for s in rec["spans"]:
        rows.append(
            f"<li>…{html.escape(s['before'])}<mark title='confidence {s['confidence']:.2f}, {s['source']}'>"
            f"{html.escape(s['text'])}</mark> <span class='sugg'>[{html.escape(s['suggestion'])}]</span>"
            f"{html.escape(s['after'])}…</li>"
        )
    return "<ul>" + "".join(rows) + "</ul>" if rows else "<p class='dim'>no spans</p>"


_CSS = """body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse}td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:left}
mark{background:#f8d0cc;text-decoration:underline #c0392b}.sugg{color:#1a6fa3}.dim{color:#888}
.doc{margin:1.2rem 0;padding:.6rem 1rem;border-left:4px solid #c0392b;background:#fafafa}
.doc h3{margin:.1rem 0;font-size:1rem;word-break:break-all}ul{margin:.3rem 0}"""


def _substitutions_html(subs: tuple[tuple[str, str, int], ...]) -> str:
    if not subs:
        return ""
    rows = "".join(f"<tr><td><mark>{html.escape(a)}</mark></td><td>{html.escape(b)}</td><td>{n:,}</td></tr>"
                   for a, b, n in subs)
    return ("<h2>Substitutions shared by documents judged spun</h2>"
            "<p class='dim'>Among each document's top spans; a spinner rewrites the same words the same way "
            "in every copy it makes.</p>"
            f"<table><tr><th>spun</th><th>likely original</th><th>documents</th></tr>{rows}</table>")


def write_report(summary: ScanSummary, path: Path) -> None:
    """Write a self-contained HTML report (no external resources)."""
    counts = [
        ("documents", summary.documents), ("finished", summary.finished), ("records written", summary.written),
        ("errors", summary.errors), ("prefiltered as clean", summary.prefiltered),
        *((f"verdict: {k}", v) for k, v in summary.verdicts.items()),
        ("with a known tortured phrase", summary.fingerprinted),
        (f"with {FLAGGED_FINGERPRINTS} or more (the Problematic Paper Screener's flag)", summary.fingerprinted_5),
        ("mostly not English words (another language, tables): verdict says little", summary.not_english),
    ]
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{v:,}</td></tr>" for k, v in counts)
    docs = "".join(
        f"<div class='doc'><h3>{html.escape(str(r['id']))}</h3>"
        f"<div class='dim'>{html.escape(r['source'])} · spun probability {r['spun_probability']:.2f} · "
        f"{r['verdict']} · {r['n_spans']} spans ({r.get('n_fingerprints', 0)} known tortured phrases) · "
        f"{r['words']} words</div>{_highlighted(r)}</div>"
        for r in summary.most_spun
    )
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>unspin scan report</title>"
        f"<style>{_CSS}</style></head><body><h1>unspin scan report</h1>"
        f"<p class='dim'>{html.escape(str(summary.out))}</p><table>{table}</table>"
        "<h2>Distribution of spun probability</h2>"
        f"<img alt='histogram of spun probability' src='data:image/png;base64,{_histogram_png(summary.histogram)}'>"
        f"{_substitutions_html(summary.substitutions)}"
        f"<h2>Most spun documents</h2>{docs or '<p class=dim>none scored</p>'}"
        "<p class='dim'>Highlighted: spun phrase; in brackets: likely original.</p></body></html>"
    )
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Cannot write the report {str(path)!r}: {exc.strerror}.") from exc

