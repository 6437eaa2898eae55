"""Measuring a restoration against the spun text's known original.

When the original of a spun text is known (a journalist found the source, a
test set pairs spinner output with its input), :func:`compare` restores the
spun text and scores the restoration against the original:

- the **word error rate** (word-level Levenshtein distance over the original's
  words, case ignored) of the spun text and of the restored text, and the
  share of the spinner's errors the restoration removed;
- every **substitution** the spinner made (a maximal run of words where the
  spun text and the original differ) with what unspin wrote there:
  ``restored`` (the words are the original's again), ``partly`` (an edit
  restored some of its words), ``wrong`` (edited, but not to the original) or
  ``missed`` (left as spun);
- every **edit** unspin made: ``right`` (it wrote words of the original there),
  ``wrong`` (inside a substitution, not the original; and whether one of its
  alternatives was) or ``harm`` (it changed words the spinner had left alone).

A substitution and the edits over it are judged together: an edit may cover
several substitutions ("Chinese language Overseas" -> "Chinese Foreign" for the
spinner's "Chinese" -> "Chinese language" and "Foreign" -> "Overseas"), or one
substitution several edits. The group is restored when, with its edits
applied, its words equal the original's; an edit is right when its words are
a run of the group's original words ("mentioned" -> "said" in "mentioned
throughout" for "said during").

Example (:func:`judge` scores a restoration made before; :func:`compare` makes it):
    >>> from unspin.api import Restoration
    >>> edit = Span(3, 12, "mentioned", "said", 0.9, "model")
    >>> c = judge("He mentioned the plan.", "He said the plan.", Restoration("He said the plan.", (edit,)))
    >>> c.errors_removed, [s.verdict for s in c.substitutions], [e.verdict for e in c.edits]
    (1.0, ['restored'], ['right'])
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .api import DEFAULT_MIN_CONFIDENCE, DEFAULT_SCORER, Restoration, _splice, _validate, restore
from .doc import NUMBER, WORD, Span
from .errors import InputError
from .tokenize import tokenize

__all__ = ["EDIT_VERDICTS", "SUBSTITUTION_VERDICTS", "Comparison", "Judged", "Substitution", "compare", "compare_many",
           "compare_passages", "judge", "read_pairs"]


SUBSTITUTION_VERDICTS = ("restored", "partly", "wrong", "missed")
EDIT_VERDICTS = ("right", "wrong", "harm")


@dataclass(frozen=True, slots=True)
class Substitution:
    """One run of words the spinner changed: ``spun[start:end]`` was ``original``.

    ``start == end`` where the spinner dropped words (nothing of the spun text
    stands for them). ``suggestion`` is what unspin wrote over the run and the
    words next to it that its edits covered, ``None`` where it made no edit.
    """

    start: int
    end: int
    text: str
    original: str
    suggestion: str | None
    verdict: str  # "restored", "partly", "wrong" or "missed"

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text, "original": self.original,
                "suggestion": self.suggestion, "verdict": self.verdict}


@dataclass(frozen=True, slots=True)
class Judged:
    """One edit of the restoration and its verdict: ``right``, ``wrong`` or ``harm``.
    ``alternative_right``: a wrong edit one of whose alternatives (``Span.alternatives``)
    is the original's."""

    edit: Span
    verdict: str
    alternative_right: bool = False

    def to_dict(self) -> dict[str, object]:
        return {**self.edit.to_dict(), "alternatives": list(self.edit.alternatives), "verdict": self.verdict,
                "alternative_right": self.alternative_right}


@dataclass(frozen=True, slots=True)
class Comparison:
    """Result of :func:`compare` (or the totals of :func:`compare_many`)."""

    words: int  # words of the original
    errors_before: int  # word-level edit distance, spun text to original
    errors_after: int  # ... restored text to original
    substitutions: tuple[Substitution, ...]
    edits: tuple[Judged, ...]
    restored_text: str = ""
    texts: int = 1

    @property
    def wer_before(self) -> float:
        return self.errors_before / max(1, self.words)

    @property
    def wer_after(self) -> float:
        return self.errors_after / max(1, self.words)

    @property
    def errors_removed(self) -> float:
        """Share of the spinner's word errors the restoration removed (negative if it added more)."""
        return (self.errors_before - self.errors_after) / self.errors_before if self.errors_before else 0.0

    def substitution_counts(self) -> dict[str, int]:
        """How many substitutions there are, and how many have each verdict."""
        return {"total": len(self.substitutions),
                **{v: sum(1 for s in self.substitutions if s.verdict == v) for v in SUBSTITUTION_VERDICTS}}

    def edit_counts(self) -> dict[str, int]:
        """How many edits there are, how many have each verdict, and how many wrong ones
        have the original among their alternatives."""
        return {"total": len(self.edits), **{v: sum(1 for e in self.edits if e.verdict == v) for v in EDIT_VERDICTS},
                "wrong_alternative_right": sum(1 for e in self.edits if e.alternative_right)}

    def summary(self) -> dict[str, Any]:
        """The figures, without the per-item lists."""
        return {
            "texts": self.texts,
            "words": self.words,
            "wer_before": round(self.wer_before, 4),
            "wer_after": round(self.wer_after, 4),
            "errors_removed": round(self.errors_removed, 4),
            "substitutions": self.substitution_counts(),
            "edits": self.edit_counts(),
        }

    def to_dict(self) -> dict[str, Any]:
        out = self.summary()
        out["substitution_list"] = [s.to_dict() for s in self.substitutions]
        out["edit_list"] = [e.to_dict() for e in self.edits]
        if self.texts == 1:
            out["restored_text"] = self.restored_text
        return out


def _words(text: str) -> list[tuple[str, int, int]]:
    """Lower-case word and number tokens with their character offsets."""
    return [(t.lower, t.start, t.end) for t in tokenize(text).tokens if t.kind in (WORD, NUMBER)]


def _contains(words: Sequence[str], part: Sequence[str]) -> bool:
    """Is ``part`` a run of ``words`` (the empty run too)?"""
    n = len(part)
    return any(list(words[k : k + n]) == list(part) for k in range(len(words) - n + 1))


def _distance(a: Sequence[str], b: Sequence[str]) -> int:
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(a, b))


def _chunks(spun: Sequence[str], original: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """Maximal runs of difference ``(spun_lo, spun_hi, orig_lo, orig_hi)`` of a word alignment."""
    from rapidfuzz.distance import Levenshtein

    out: list[tuple[int, int, int, int]] = []
    for op in Levenshtein.opcodes(spun, original):
        if op.tag == "equal":
            continue
        if out and out[-1][1] == op.src_start and out[-1][3] == op.dest_start:
            a, _b, c, _d = out[-1]
            out[-1] = (a, op.src_end, c, op.dest_end)
        else:
            out.append((op.src_start, op.src_end, op.dest_start, op.dest_end))
    return out


def compare(
    spun: str,
    original: str,
    *,
    fingerprints: bool = True,
    scorer: str = DEFAULT_SCORER,
    adapt: bool = True,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    thesauri: str = "all",
    assume_spun: bool = False,
) -> Comparison:
    """Restore ``spun`` (as :func:`unspin.restore` does, with the same options) and
    score the restoration against ``original``. See the module's description."""
    spun = _validate(spun)
    if not original.strip():
        raise InputError("The original is empty: give the text the spun text was made from.")
    result = restore(spun, fingerprints=fingerprints, scorer=scorer, adapt=adapt,
                     min_confidence=min_confidence, thesauri=thesauri, assume_spun=assume_spun)
    return judge(spun, original, result)


def judge(spun: str, original: str, result: Restoration) -> Comparison:
    """Score an existing restoration ``result`` of ``spun`` against ``original``."""
    sw = _words(spun)
    ow = [w for w, _s, _e in _words(original)]
    spun_words = [w for w, _s, _e in sw]
    chunks = _chunks(spun_words, ow)

    # the spun words each edit covers, [lo, hi)
    starts = [s for _w, s, _e in sw]
    ends = [e for _w, _s, e in sw]
    edit_words = [(bisect_right(ends, e.start), max(bisect_right(ends, e.start), bisect_left(starts, e.end)))
                  for e in result.edits]

    # group the chunks and edits that touch; a chunk of dropped words (nothing of the
    # spun text stands for it) touches an edit that ends or starts where it sits
    chunk_hi = [c[1] for c in chunks]
    group_of_chunk = list(range(len(chunks)))

    def find(k: int) -> int:
        while group_of_chunk[k] != k:
            group_of_chunk[k] = group_of_chunk[group_of_chunk[k]]
            k = group_of_chunk[k]
        return k

    chunks_of_edit: list[list[int]] = []
    for a, b in edit_words:
        mine = []
        k = bisect_left(chunk_hi, a)
        while k < len(chunks) and chunks[k][0] <= b:
            lo, hi = chunks[k][0], chunks[k][1]
            if (a < hi and lo < b) or (lo == hi and a <= lo <= b):
                mine.append(k)
            k += 1
        chunks_of_edit.append(mine)
        for k in mine[1:]:
            group_of_chunk[find(k)] = find(mine[0])

    groups: dict[int, list[int]] = {}
    for k in range(len(chunks)):
        groups.setdefault(find(k), []).append(k)
    edits_of_group: dict[int, list[int]] = {}
    for j, mine in enumerate(chunks_of_edit):
        if mine:
            edits_of_group.setdefault(find(mine[0]), []).append(j)

    verdict_of_group: dict[int, tuple[str, str | None]] = {}
    written = [[w for w, _s, _e in _words(e.suggestion)] for e in result.edits]  # each edit's words
    right_edit = [False] * len(result.edits)
    alternative_right = [False] * len(result.edits)
    for g, members in groups.items():
        ed = sorted(edits_of_group.get(g, []), key=lambda j: edit_words[j][0])  # in text order
        if not ed:
            verdict_of_group[g] = ("missed", None)
            continue
        lo = min([chunks[k][0] for k in members] + [edit_words[j][0] for j in ed])
        hi = max([chunks[k][1] for k in members] + [edit_words[j][1] for j in ed])
        # the original's words over [lo, hi): outside the chunks the two texts are equal word for word
        first, last = min(members), max(members)
        olo = chunks[first][2] - (chunks[first][0] - lo)
        ohi = chunks[last][3] + (hi - chunks[last][1])
        restored: list[str] = []
        k = lo
        for j in ed:
            a, b = edit_words[j]
            restored.extend(spun_words[k:a])
            restored.extend(written[j])
            k = max(k, b)
        restored.extend(spun_words[k:hi])
        suggestion = " ".join(result.edits[j].suggestion for j in ed)
        target = ow[olo:ohi]
        for j in ed:
            right_edit[j] = _contains(target, written[j])
            alternative_right[j] = not right_edit[j] and any(
                _contains(target, [w for w, _s, _e in _words(a)]) for a in result.edits[j].alternatives)
        if restored == target:
            verdict = "restored"
        else:
            verdict = "partly" if any(right_edit[j] for j in ed) else "wrong"
        verdict_of_group[g] = (verdict, suggestion)

    subs = []
    for k, (lo, hi, olo, ohi) in enumerate(chunks):
        start = sw[lo][1] if lo < len(sw) else len(spun)
        end = sw[hi - 1][2] if hi > lo else start
        said, shown = verdict_of_group[find(k)]
        subs.append(Substitution(start, end, spun[start:end], " ".join(ow[olo:ohi]), shown, said))
    judged = []
    for j, e in enumerate(result.edits):
        mine = chunks_of_edit[j]
        if not mine:
            judged.append(Judged(e, "harm"))
        else:
            judged.append(Judged(e, "right" if right_edit[j] else "wrong", alternative_right[j]))
    restored_words = [w for w, _s, _e in _words(result.text)]
    return Comparison(
        words=len(ow), errors_before=_distance(spun_words, ow), errors_after=_distance(restored_words, ow),
        substitutions=tuple(subs), edits=tuple(judged), restored_text=result.text,
    )


def compare_many(
    pairs: Iterable[tuple[str, str]], progress: Callable[[int], None] | None = None, **options: Any
) -> Comparison:
    """:func:`compare` over many ``(spun, original)`` pairs; the totals pool every text's
    words and errors (a long text weighs more), and the lists hold every text's items
    (one pair gives :func:`compare`'s own result, restored text and all). ``progress``
    is called with the number of pairs done after each."""
    done: list[Comparison] = []
    for spun, original in pairs:
        try:
            done.append(compare(spun, original, **options))
        except InputError as exc:
            raise InputError(f"Pair {len(done) + 1}: {exc}") from None
        if progress is not None:
            progress(len(done))
    if not done:
        raise InputError("No pairs to compare: give at least one spun text and its original.")
    return _pooled(done)


def compare_passages(
    text: str, passages: Sequence[tuple[int, int, str]], result: Restoration | None = None, **options: Any
) -> Comparison:
    """Score the restoration of the whole ``text`` on some of its passages, each
    ``(start, end, original)``: ``text[start:end]`` was spun from ``original`` (a
    traced source passage). The text is restored once (as :func:`unspin.restore`
    does, with ``options``), unless a restoration ``result`` of it is given. Each
    passage is judged with the edits that lie inside it, so it is restored as the
    whole text was, with the whole text's evidence; an edit across a passage's
    edge is left out of it."""
    if not passages:
        raise InputError("No passages to compare.")
    for start, end, original in passages:  # before the (slow) restoration
        if not 0 <= start < end <= len(text):
            raise InputError(f"The passage {start}-{end} is not inside the spun text ({len(text)} characters).")
        if not original.strip():
            raise InputError("The original is empty: give the text the spun passage was made from.")
    if result is None:
        result = restore(text, **options)
    done = []
    for start, end, original in passages:
        inside = [replace(e, start=e.start - start, end=e.end - start) for e in result.edits
                  if start <= e.start and e.end <= end]
        spun = text[start:end]
        done.append(judge(spun, original, Restoration(_splice(spun, inside), tuple(inside), result.scorer)))
    return _pooled(done)


def _pooled(done: list[Comparison]) -> Comparison:
    """One comparison pooling several texts' words, errors and items (a single one as it is)."""
    if len(done) == 1:
        return done[0]  # with its restored text
    return Comparison(
        sum(c.words for c in done), sum(c.errors_before for c in done), sum(c.errors_after for c in done),
        tuple(s for c in done for s in c.substitutions), tuple(e for c in done for e in c.edits), texts=len(done),
    )


def read_pairs(text: str, name: str) -> list[tuple[str, str]]:
    """The ``(spun, original)`` pairs of a JSON Lines text: one object per line with
    string fields ``spun`` and ``original`` (blank lines are skipped)."""
    import json

    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise InputError(f"{name}, line {number}: not JSON. Each line must be an object with "
                             f"\"spun\" and \"original\" texts.") from None
        if not isinstance(row, dict) or not isinstance(row.get("spun"), str) or not isinstance(row.get("original"), str):
            raise InputError(f"{name}, line {number}: needs the fields \"spun\" and \"original\", both text.")
        pairs.append((row["spun"], row["original"]))
    if not pairs:
        raise InputError(f"{name} holds no pairs: give one JSON object per line with \"spun\" and \"original\".")
    return pairs
