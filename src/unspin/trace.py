"""Trace spun copies to their sources: an index of spin-robust sketches.

Method. A spinner replaces words that its thesaurus knows and leaves the
rest alone: function words, names, numbers and rare words are *immutable*
(Zhang, Wang, Kang and Liu, "DSpin: Detecting Automatically Spun Content on
the Web", NDSS 2014). Each document is reduced to its sequence of immutable
tokens, a word being mutable when it or one of its lemmas is in the shipped
thesaurus (any of Moby, MyThes, WordNet). Overlapping ``n``-grams of that
sequence are hashed into a shingle set, sketched with MinHash (Broder 1997)
and indexed with banded LSH (Indyk and Motwani 1998), both from
``datasketch``. A query's candidates, the documents sharing a band, are
verified with the exact Jaccard similarity of the shingle sets, and matched
shingle runs are chained into aligned passages with character offsets in the
query and the source.

Measured on BBC + Reuters (``bench/trace_bench.py``): at 40% spin the exact
shingle Jaccard of a spun copy to its source is about 0.6 on immutables but
0.14 on raw word 5-grams, which is why raw shingles miss under LSH. Mapping
each content word to a canonical synonym instead kept only 14-46% of
replaced words equal, too few to help.

Example:
    >>> from unspin.trace import TraceIndex
    >>> with TraceIndex.open(":memory:", create=True) as index:
    ...     _ = index.add_texts({"a": "The cat sat on the mat in the house of the old man."})
    ...     index.trace("The kitty sat on the rug in the house of the old man.").matches[0].id
    'a'
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from .doc import NUMBER, WORD, Doc
from .errors import ConfigError, StoreError, missing_extra
from .lexicon import Lexicon, load_lexicon
from .morph import all_lemmas
from .readers import SourceText, Unreadable, read_source, reread_text, source_files
from .spin import FUNCTION_WORDS
from .store import DocRecord, SQLiteStore, Store
from .tokenize import tokenize

__all__ = [
    "NORMALIZER",
    "BuildReport",
    "Immutables",
    "Match",
    "Passage",
    "Skeleton",
    "TraceIndex",
    "TraceResult",
    "TraceSettings",
    "align",
    "build_index",
    "exact_jaccard",
    "exact_trace",
    "open_index",
    "shingles",
    "trace",
]

#: Versioned name of the token normalizer; an index built by another one is refused.
NORMALIZER = "unspin.immutables.v1"

_U64 = np.uint64
_MASK32 = np.uint64(0xFFFFFFFF)
_MULT = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


# --- values --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TraceSettings:
    """How an index sketches documents; stored in the index on creation.

    ``shingle`` is the n-gram length over immutable tokens, ``threshold``
    the Jaccard similarity LSH is tuned for (datasketch picks bands and rows
    for it), ``max_candidates`` how many LSH candidates a query verifies.
    """

    shingle: int = 4
    num_perm: int = 128
    threshold: float = 0.2
    seed: int = 1
    max_candidates: int = 200

    def __post_init__(self) -> None:
        if not 1 <= self.shingle <= 16:
            raise ConfigError(f"shingle must be between 1 and 16, got {self.shingle}.")
        if not 16 <= self.num_perm <= 1024:
            raise ConfigError(f"num_perm must be between 16 and 1024, got {self.num_perm}.")
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"threshold must be between 0 and 1, got {self.threshold}.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "shingle": self.shingle, "num_perm": self.num_perm, "threshold": self.threshold,
            "seed": self.seed, "max_candidates": self.max_candidates,
        }


@dataclass(frozen=True, slots=True)
class Skeleton:
    """The immutable tokens of a document: 32-bit token hashes and char offsets."""

    tokens: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.tokens)

    def to_bytes(self) -> bytes:
        table = np.stack([self.tokens, self.starts, self.ends]).astype("<u4")
        return zlib.compress(table.tobytes(), 3)

    @classmethod
    def from_bytes(cls, blob: bytes) -> Skeleton:
        flat = np.frombuffer(zlib.decompress(blob), dtype="<u4")
        table = flat.reshape(3, -1).astype(np.uint32)
        return cls(table[0], table[1], table[2])


@dataclass(frozen=True, slots=True)
class Passage:
    """Aligned text: ``query[query_start:query_end]`` matches ``source[source_start:source_end]``."""

    query_start: int
    query_end: int
    source_start: int
    source_end: int
    query_text: str
    source_text: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "query_start": self.query_start, "query_end": self.query_end,
            "source_start": self.source_start, "source_end": self.source_end,
            "query_text": self.query_text, "source_text": self.source_text,
        }


@dataclass(frozen=True, slots=True)
class Match:
    """A likely source: exact Jaccard ``score`` of the immutable shingle sets.

    ``containment`` is the share of the query's shingles found in the source
    (high when the query copies part of a longer source).
    """

    id: str
    score: float
    containment: float
    source: str
    passages: tuple[Passage, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "score": round(self.score, 4), "containment": round(self.containment, 4),
            "source": self.source, "passages": [p.to_dict() for p in self.passages],
        }


@dataclass(frozen=True, slots=True)
class TraceResult:
    """Most likely sources first."""

    matches: tuple[Match, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"matches": [m.to_dict() for m in self.matches]}


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What one ``index build`` did."""

    added: int
    replaced: int
    skipped: tuple[Unreadable, ...]
    seconds: float

    @property
    def docs_per_second(self) -> float:
        return self.added / self.seconds if self.seconds > 0 else 0.0


# --- normalizing and sketching -------------------------------------------------------------


def _token_hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


class Immutables:
    """``Immutables()(doc) -> Skeleton``: keep the tokens a spinner cannot change.

    Reads ``doc.tokens``. Function words, numbers, and words that neither
    themselves nor through a lemma appear in the thesaurus are kept
    (lower-cased); everything a thesaurus could replace is dropped.
    """

    name = NORMALIZER

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        lex = lexicon or load_lexicon()
        has_edge = np.zeros(len(lex.phrases), dtype=bool)
        has_edge[lex.src] = True
        has_edge[lex.dst] = True
        ids = lex.ids
        self._mutable_ids = {i for p, i in ids.items() if has_edge[i] and " " not in p}
        self._ids = ids
        self._cache: dict[str, int] = {}  # word -> token hash, or -1 when mutable

    def _classify(self, word: str) -> int:
        if word in FUNCTION_WORDS:
            return _token_hash(word)
        # every lemma, not only verified inflections: a false "mutable" costs little
        candidates = [word, *(lemma for lemmas in all_lemmas(word).values() for lemma in lemmas)]
        for w in candidates:
            i = self._ids.get(w)
            if i is not None and i in self._mutable_ids:
                return -1
        return _token_hash(word)

    def __call__(self, doc: Doc) -> Skeleton:
        cache = self._cache
        toks: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        for t in doc.tokens:
            if t.kind != WORD and t.kind != NUMBER:
                continue
            word = t.text.lower()
            h = cache.get(word)
            if h is None:
                h = self._classify(word) if t.kind == WORD else _token_hash(word)
                if len(cache) < 500_000:
                    cache[word] = h
            if h >= 0:
                toks.append(h)
                starts.append(t.start)
                ends.append(t.end)
        return Skeleton(
            np.array(toks, dtype=np.uint32), np.array(starts, dtype=np.uint32), np.array(ends, dtype=np.uint32)
        )


def shingles(tokens: np.ndarray, n: int) -> np.ndarray:
    """32-bit hashes of the ``n``-grams of ``tokens``, in position order.

    A sequence shorter than ``n`` (but not empty) gives one shingle of all
    its tokens, so short texts can still be traced.
    """
    t = tokens.astype(_U64)
    if len(t) == 0:
        return np.zeros(0, dtype=np.uint32)
    n = min(n, len(t))
    count = len(t) - n + 1
    h = np.full(count, np.uint64(n), dtype=_U64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = (h * _MULT) ^ (t[k : k + count] + _U64(1))
        h ^= h >> _U64(31)
        h *= _MIX1
        h ^= h >> _U64(29)
        h *= _MIX2
        h ^= h >> _U64(32)
    return (h & _MASK32).astype(np.uint32)


def exact_jaccard(a: Iterable[Hashable], b: Iterable[Hashable]) -> float:
    """Slow, obviously correct Jaccard similarity of two sets (the oracle)."""
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


class _Sketcher:
    """MinHash (datasketch) of a shingle set, cut into LSH band keys."""

    def __init__(self, settings: TraceSettings) -> None:
        try:
            from datasketch import MinHash, MinHashLSH
        except ImportError as exc:
            raise missing_extra("trace", "datasketch") from exc
        self._minhash = MinHash
        self._template = MinHash(num_perm=settings.num_perm, seed=settings.seed)
        lsh = MinHashLSH(threshold=settings.threshold, num_perm=settings.num_perm)
        self.bands, self.rows = int(lsh.b), int(lsh.r)
        self.num_perm = settings.num_perm
        self._salt = (np.arange(self.bands, dtype=_U64) + _U64(1)) * _MIX2

    def band_keys(self, unique_shingles: np.ndarray) -> tuple[int, ...]:
        if len(unique_shingles) == 0:
            return ()
        m = self._minhash(
            num_perm=self.num_perm, hashfunc=int, permutations=self._template.permutations,
            scheme=self._template.scheme,
        )
        m.update_batch(unique_shingles.tolist())
        values = np.asarray(m.hashvalues, dtype=_U64)[: self.bands * self.rows].reshape(self.bands, self.rows)
        h = self._salt.copy()
        with np.errstate(over="ignore"):
            for k in range(self.rows):
                h = (h ^ values[:, k]) * _MULT
                h ^= h >> _U64(29)
        return tuple(int(x) for x in h.view(np.int64))


# --- alignment -------------------------------------------------------------------------------


def align(
    query: np.ndarray, source: np.ndarray, *, gap: int = 6, min_shingles: int = 2
) -> list[tuple[int, int, int, int]]:
    """Chain shared shingles into aligned runs.

    ``query`` and ``source`` are shingle hashes in position order. Returns
    ``(q_first, q_last, s_first, s_last)`` shingle positions of each run of
    at least ``min_shingles`` shared shingles that advance together in both
    texts with gaps of at most ``gap`` positions (a spun word breaks a few
    shingles; the run goes on after it).
    """
    where: dict[int, list[int]] = {}
    for j, h in enumerate(source.tolist()):
        where.setdefault(h, []).append(j)
    chains: list[list[int]] = []  # [q_first, q_last, s_first, s_last, count]
    open_chains: list[list[int]] = []
    for i, h in enumerate(query.tolist()):
        js = where.get(h)
        if not js:
            continue
        open_chains = [c for c in open_chains if i - c[1] <= gap]
        for j in js:
            for c in open_chains:
                if c[1] < i and c[3] < j <= c[3] + gap:
                    c[1], c[3], c[4] = i, j, c[4] + 1
                    break
            else:
                c = [i, i, j, j, 1]
                chains.append(c)
                open_chains.append(c)
    runs = sorted((c[0], c[1], c[2], c[3]) for c in chains if c[4] >= min_shingles)
    return runs


def _passages(
    query_text: str, q: Skeleton, q_sh: np.ndarray, s: Skeleton, s_sh: np.ndarray,
    source_text: str | None, n: int,
) -> tuple[Passage, ...]:
    min_run = 1 if min(len(q_sh), len(s_sh)) <= 2 else 2
    out: list[Passage] = []
    for qa, qb, sa, sb in align(q_sh, s_sh, min_shingles=min_run):
        q_last = min(qb + n - 1, len(q) - 1)
        s_last = min(sb + n - 1, len(s) - 1)
        qs, qe = int(q.starts[qa]), int(q.ends[q_last])
        ss, se = int(s.starts[sa]), int(s.ends[s_last])
        if out and qs <= out[-1].query_end and out[-1].source_start <= ss <= out[-1].source_end:
            prev = out.pop()  # overlapping runs read better as one passage
            qs, ss = prev.query_start, prev.source_start
            qe, se = max(qe, prev.query_end), max(se, prev.source_end)
        out.append(Passage(qs, qe, ss, se, query_text[qs:qe], source_text[ss:se] if source_text else None))
    return tuple(out)


# --- the index -------------------------------------------------------------------------------

#: Candidates scoring at least this share of a better one are near-tied and
#: re-ordered by word overlap (measured on BBC + Reuters near-duplicates).
_NEAR = 0.9


@dataclass(slots=True)
class _Candidate:
    score: float
    containment: float
    record: DocRecord
    skeleton: Skeleton
    shingles: np.ndarray
    text: str | None = None


def _word_set(doc: Doc) -> set[str]:
    return {t.text.lower() for t in doc.tokens if t.kind == WORD or t.kind == NUMBER}


def _overlap(query_words: set[str], source_text: str | None) -> float:
    if source_text is None or not query_words:
        return -1.0
    return exact_jaccard(query_words, _word_set(tokenize(source_text)))



@lru_cache(maxsize=1)
def _default_normalizer() -> Immutables:
    return Immutables()


def _lexicon_fingerprint(lex: Lexicon) -> str:
    head = "\n".join(lex.phrases[:: max(1, len(lex.phrases) // 2000)]).encode("utf-8")
    return f"{len(lex.phrases)}-{len(lex.src)}-{zlib.crc32(head):08x}"


class TraceIndex:
    """An index of documents to trace spun copies back to.

    Open with :meth:`open` (or :func:`build_index`); use as a context manager.
    Safe for many readers while one process writes.

    Example:
        >>> with TraceIndex.open(":memory:", create=True) as index:
        ...     index.add_texts({"doc": "It was the best of times, it was the worst of times."}).added
        1
    """

    def __init__(self, store: Store, normalizer: Immutables | None = None) -> None:
        self.store = store
        saved = store.settings()
        lex = load_lexicon()
        if saved.get("normalizer") != NORMALIZER or saved.get("lexicon") != _lexicon_fingerprint(lex):
            where = getattr(store, "path", "the index")
            store.close()
            raise StoreError(
                f"Index {where!r} was built with normalizer {saved.get('normalizer')!r} and thesaurus "
                f"{saved.get('lexicon')!r}; this unspin uses {NORMALIZER!r} and "
                f"{_lexicon_fingerprint(lex)!r}. Rebuild it with: unspin index build NEW.db SOURCES..."
            )
        try:
            self.settings = TraceSettings(**saved["trace"])
        except (KeyError, TypeError, ConfigError) as exc:
            store.close()
            raise StoreError(
                "The index settings are unreadable. Rebuild it with: unspin index build NEW.db SOURCES..."
            ) from exc
        self.normalizer = normalizer or _default_normalizer()
        self._sketcher = _Sketcher(self.settings)
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls, path: str | Path, *, create: bool = False, settings: TraceSettings | None = None
    ) -> TraceIndex:
        """Open the index at ``path``; with ``create``, make it if missing."""
        if not create:  # fail on a bad path before paying for the thesaurus
            return cls(SQLiteStore(path))
        meta = {
            "normalizer": NORMALIZER,
            "lexicon": _lexicon_fingerprint(load_lexicon()),
            "trace": (settings or TraceSettings()).to_dict(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        return cls(SQLiteStore(path, create=True, settings=meta))

    def __enter__(self) -> TraceIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    # -- writing --

    def _record(self, doc: SourceText) -> DocRecord:
        skeleton = self.normalizer(tokenize(doc.text))
        sh = np.unique(shingles(skeleton.tokens, self.settings.shingle))
        return DocRecord(
            id=doc.id, source=doc.source, kind=doc.kind, byte_offset=doc.byte_offset,
            byte_length=doc.byte_length, chars=len(doc.text), checksum=zlib.crc32(doc.text.encode("utf-8")),
            tokens=skeleton.to_bytes(), keys=self._sketcher.band_keys(sh),
        )

    def add(
        self,
        docs: Iterable[SourceText | Unreadable],
        *,
        batch_size: int = 500,
        progress: Callable[[int, int], None] | None = None,
    ) -> BuildReport:
        """Add documents (replacing any with the same id), one transaction per batch.

        ``progress(bytes_read, documents_added)`` is called after each item.
        An exception (or Ctrl-C) leaves the batch it hit unwritten; earlier
        batches stay committed.
        """
        started = time.perf_counter()
        added = replaced = read = 0
        skipped: list[Unreadable] = []
        batch: list[DocRecord] = []
        for item in docs:
            read += item.size
            if isinstance(item, Unreadable):
                skipped.append(item)
            else:
                batch.append(self._record(item))
                if len(batch) >= batch_size:
                    replaced += self.store.write_batch(batch)
                    added += len(batch)
                    batch = []
            if progress is not None:
                progress(read, added + len(batch))
        if batch:
            replaced += self.store.write_batch(batch)
            added += len(batch)
        return BuildReport(added, replaced, tuple(skipped), time.perf_counter() - started)

    def add_texts(self, texts: Mapping[str, str], *, batch_size: int = 500) -> BuildReport:
        """Add in-memory texts by id (their source is recorded as ``<memory>``)."""
        items = (SourceText(k, v, "<memory>", "text", 0, 0, 0) for k, v in texts.items())
        return self.add(items, batch_size=batch_size)

    def add_paths(
        self,
        paths: Sequence[str | Path],
        *,
        id_field: str = "id",
        text_field: str = "text",
        batch_size: int = 500,
        progress: Callable[[int, int], None] | None = None,
    ) -> BuildReport:
        """Add text files, directories of them (recursively) and JSON Lines files."""
        files, problems = source_files(paths)

        def items() -> Iterable[SourceText | Unreadable]:
            yield from problems
            for f in files:
                yield from read_source(f, id_field, text_field)

        return self.add(items(), batch_size=batch_size, progress=progress)

    # -- reading --

    def info(self) -> dict[str, Any]:
        """Counts and settings, for ``unspin index info``."""
        stats = self.store.stats()
        saved = self.store.settings()
        return {
            **stats,
            "normalizer": saved.get("normalizer"),
            "lexicon": saved.get("lexicon"),
            "created": saved.get("created"),
            **self.settings.to_dict(),
            "bands": self._sketcher.bands,
            "rows": self._sketcher.rows,
        }

    def search(self, text: str, top: int = 5) -> tuple[Match, ...]:
        """Best matches of ``text``; safe to call from several server threads."""
        with self._lock:
            return self.trace(text, top=top).matches

    def trace(self, text: str, top: int = 5) -> TraceResult:
        """Most likely sources of ``text``, best first, with aligned passages.

        Candidates are ranked by exact Jaccard of the immutable shingle sets.
        Near-duplicate sources (an updated story, a corrected copy) come out
        nearly tied on that score, their differences being mostly in words a
        spinner may replace; so candidates scoring at least ``_NEAR`` times
        the best of their group are ordered by that score plus the Jaccard of
        all their words with the query's, read back from the source files.
        """
        if top < 1:
            raise ConfigError(f"--top must be at least 1, got {top}.")
        n = self.settings.shingle
        doc = tokenize(text)
        q = self.normalizer(doc)
        q_sh = shingles(q.tokens, n)
        q_set = np.unique(q_sh)
        keys = self._sketcher.band_keys(q_set)
        found = self.store.candidates(list(keys), self.settings.max_candidates)
        records = self.store.records([d for d, _ in found])
        scored: list[_Candidate] = []
        for rec in records.values():
            s = Skeleton.from_bytes(rec.tokens)
            s_sh = shingles(s.tokens, n)
            s_set = np.unique(s_sh)
            inter = len(np.intersect1d(q_set, s_set, assume_unique=True))
            if inter == 0:
                continue
            union = len(q_set) + len(s_set) - inter
            scored.append(_Candidate(inter / union, inter / len(q_set), rec, s, s_sh))
        scored.sort(key=lambda c: (-c.score, -c.containment, c.record.id))
        matches = []
        for c in self._break_ties(doc, scored, top)[:top]:
            passages = _passages(text, q, q_sh, c.skeleton, c.shingles, c.text, n)
            matches.append(Match(c.record.id, c.score, c.containment, c.record.source, passages))
        return TraceResult(tuple(matches))

    def _break_ties(self, doc: Doc, ranked: list[_Candidate], top: int) -> list[_Candidate]:
        out: list[_Candidate] = []
        query_words: set[str] | None = None
        i = 0
        while i < len(ranked) and len(out) < top:
            j = i + 1
            while j < len(ranked) and ranked[j].score >= _NEAR * ranked[i].score and j - i < 10:
                j += 1
            group = ranked[i:j]
            for c in group:
                c.text = self._source_text(c.record)
            if len(group) > 1 and all(c.text is not None for c in group):
                query_words = query_words if query_words is not None else _word_set(doc)
                both = {id(c): c.score + _overlap(query_words, c.text) for c in group}
                group.sort(key=lambda c: -both[id(c)])  # stable: ties keep the score order
            out.extend(group)
            i = j
        return out

    @staticmethod
    def _source_text(rec: DocRecord) -> str | None:
        if rec.source == "<memory>":
            return None
        text = reread_text(rec.source, rec.kind, rec.byte_offset, rec.byte_length)
        if text is None or zlib.crc32(text.encode("utf-8")) != rec.checksum:
            return None  # the source changed since it was indexed: offsets may not fit it
        return text


# --- functions mirroring the CLI ----------------------------------------------------------------


def build_index(
    index: str | Path,
    sources: Sequence[str | Path],
    *,
    id_field: str = "id",
    text_field: str = "text",
    batch_size: int = 500,
    settings: TraceSettings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Create (or extend) the index at ``index`` with documents from ``sources``.

    Mirrors ``unspin index build INDEX SOURCE...``.
    """
    with TraceIndex.open(index, create=True, settings=settings) as ti:
        return ti.add_paths(sources, id_field=id_field, text_field=text_field, batch_size=batch_size,
                            progress=progress)


def open_index(path: str | Path) -> TraceIndex:
    """Open an existing index for queries (what ``unspin serve --index`` does)."""
    return TraceIndex.open(path)


def trace(text: str, index: TraceIndex | str | Path, top: int = 5) -> TraceResult:
    """Most likely sources of ``text`` in ``index``; mirrors ``unspin trace``."""
    if isinstance(index, TraceIndex):
        return index.trace(text, top=top)
    with TraceIndex.open(index) as ti:
        return ti.trace(text, top=top)


def exact_trace(
    text: str, texts: Mapping[str, str], *, shingle: int = 4, normalizer: Immutables | None = None
) -> list[tuple[str, float]]:
    """Slow oracle: exact Jaccard of ``text`` against every document, best first.

    Compares the same immutable shingle sets the index uses, with Python
    sets and no sketching, so the fast path can be checked against it.
    """
    norm = normalizer or _default_normalizer()

    def shingle_set(t: str) -> set[int]:
        return set(shingles(norm(tokenize(t)).tokens, shingle).tolist())

    q = shingle_set(text)
    scores = [(doc_id, exact_jaccard(q, shingle_set(t))) for doc_id, t in texts.items()]
    return sorted((s for s in scores if s[1] > 0), key=lambda x: (-x[1], x[0]))

