from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("datasketch")

import unspin
from unspin.errors import StoreError
from unspin.store import SQLiteStore
from unspin.trace import (
    Skeleton,
    TraceIndex,
    align,
    build_index,
    exact_jaccard,
    exact_trace,
    shingles,
    trace,
)

FIXTURES = Path(__file__).parent / "fixtures" / "clean"


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clean fixtures copied into a folder, as files the index points back to."""
    root = tmp_path_factory.mktemp("corpus")
    for p in sorted(FIXTURES.glob("*.txt")):
        (root / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def built_index(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("index") / "sources.db"
    report = build_index(path, [corpus])
    assert report.added == len(list(corpus.glob("*.txt"))) and not report.skipped
    return path


def _ids(index: Path) -> list[str]:
    with sqlite3.connect(index) as conn:
        return sorted(r[0] for r in conn.execute("SELECT id FROM docs"))


def _counts(index: Path) -> tuple[int, int]:
    with TraceIndex.open(index) as ti:
        info = ti.info()
    return info["documents"], info["postings"]


@pytest.mark.parametrize("thesaurus", ["wordnet", "moby"])
@pytest.mark.parametrize("name", ["1961-Kennedy.txt", "1989-Bush.txt"])
def test_trace_finds_source_of_spun_copy(built_index: Path, corpus: Path, thesaurus: str, name: str) -> None:
    original = (corpus / name).read_text(encoding="utf-8")
    spun = unspin.spin(original, rate=0.35, seed=3, thesaurus=thesaurus).text
    result = trace(spun, built_index, top=3)
    assert result.matches[0].id == str(corpus / name)
    best = result.matches[0]
    assert 0.0 < best.score <= 1.0 and best.passages
    for p in best.passages:
        assert 0 <= p.query_start < p.query_end <= len(spun)
        assert 0 <= p.source_start < p.source_end <= len(original)
        assert p.query_text == spun[p.query_start : p.query_end]
        assert p.source_text == original[p.source_start : p.source_end]


def test_excerpt_traces_to_its_source(built_index: Path, corpus: Path) -> None:
    original = (corpus / "1945-Truman.txt").read_text(encoding="utf-8")
    excerpt = unspin.spin(original[:1500], rate=0.2, seed=1, thesaurus="moby").text
    result = trace(excerpt, built_index)
    assert result.matches[0].id.endswith("1945-Truman.txt")
    assert result.matches[0].containment > 0.5


def test_unrelated_text_finds_nothing_strong(built_index: Path) -> None:
    result = trace("Quarterly revenue at the chip maker rose 12% to $4.1bn, beating forecasts.", built_index)
    assert all(m.score < 0.2 for m in result.matches)


def test_result_dict_contract(built_index: Path, corpus: Path) -> None:
    text = (corpus / "1974-Nixon.txt").read_text(encoding="utf-8")
    data = json.loads(json.dumps(trace(text, built_index, top=2).to_dict()))
    assert set(data) == {"matches"}
    top = data["matches"][0]
    assert top["score"] == 1.0
    assert isinstance(top["id"], str) and isinstance(top["score"], float)
    for p in top["passages"]:
        assert {"query_start", "query_end", "source_start", "source_end"} <= set(p)
        assert all(isinstance(p[k], int) for k in ("query_start", "query_end", "source_start", "source_end"))


def test_readding_an_id_replaces_it(tmp_path: Path, clean_texts: list[str]) -> None:
    a, b = clean_texts[0], clean_texts[1]
    with TraceIndex.open(tmp_path / "i.db", create=True) as ti:
        assert ti.add_texts({"doc": a}).added == 1
        report = ti.add_texts({"doc": b})
        assert report.replaced == 1
        info = ti.info()
        assert info["documents"] == 1
        assert ti.trace(b).matches[0].id == "doc"
        assert ti.trace(b).matches[0].score == 1.0
        assert all(m.score < 0.2 for m in ti.trace(a).matches)  # old postings are gone
        assert info["postings"] == ti.info()["postings"]


def test_jsonl_sources_and_field_names(tmp_path: Path, clean_texts: list[str]) -> None:
    src = tmp_path / "docs.jsonl"
    rows = [{"key": f"k{i}", "body": t} for i, t in enumerate(clean_texts[:3])]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = build_index(tmp_path / "j.db", [src], id_field="key", text_field="body")
    assert report.added == 3 and not report.skipped
    result = trace(clean_texts[2][:2000], tmp_path / "j.db")
    best = result.matches[0]
    assert best.id == "k2"
    assert best.passages[0].source_text == clean_texts[2][best.passages[0].source_start : best.passages[0].source_end]


def test_pdf_and_utf16_sources_are_indexed_and_read_back_as_text(
    tmp_path: Path, clean_texts: list[str], write_pdf,  # type: ignore[no-untyped-def]
) -> None:
    # a PDF source is indexed by the text of its pages (not its syntax), a UTF-16 one
    # as it decodes; both are read back so their passages can be shown
    text = " ".join(clean_texts[1].split()[:120])
    write_pdf(tmp_path / "paper.pdf", text)
    (tmp_path / "notes.txt").write_bytes(clean_texts[2].encode("utf-16"))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    report = build_index(tmp_path / "p.db", [tmp_path / "paper.pdf", tmp_path / "notes.txt", tmp_path / "broken.pdf"])
    assert report.added == 2 and "broken.pdf" in "".join(str(p) for p in report.skipped)
    for query, name in ((unspin.spin(text, rate=0.3, seed=2, thesaurus="moby").text, "paper.pdf"),
                        (clean_texts[2][:2000], "notes.txt")):
        best = trace(query, tmp_path / "p.db").matches[0]
        assert best.id == str(tmp_path / name)
        passage = best.passages[0]
        assert passage.source_text and "obj" not in passage.source_text and "\x00" not in passage.source_text


def test_unreadable_sources_are_skipped_and_reported(tmp_path: Path, clean_texts: list[str]) -> None:
    good = tmp_path / "src"
    good.mkdir()
    (good / "ok.txt").write_text(clean_texts[0], encoding="utf-8")
    (good / "bin.dat").write_bytes(b"\x00\x01\x02binary")
    (good / "latin.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (good / "empty.txt").write_text("  \n", encoding="utf-8")
    (good / ".hidden.txt").write_text("hidden files are not sources", encoding="utf-8")
    lines = tmp_path / "rows.jsonl"
    lines.write_bytes(
        b'{"id": "j1", "text": "Ask not what your country can do for you."}\n'
        b"{not json}\n"
        b'["a list"]\n'
        b'{"id": "j3"}\n'
        b'{"id": "j4", "text": "caf\xe9"}\n'
        b"\n"
        b'{"id": 5, "text": "Numbers are fine as ids."}\n'
    )
    report = build_index(tmp_path / "s.db", [good, lines, tmp_path / "missing.txt"])
    assert report.added == 3
    reasons = {str(p) for p in report.skipped}
    assert len(reasons) == 8, reasons
    joined = "\n".join(sorted(reasons))
    for needle in ("bin.dat", "latin.txt", "empty.txt", "rows.jsonl:2", "rows.jsonl:3", "rows.jsonl:4",
                   "rows.jsonl:5", "missing.txt", "binary", "UTF-8", "bad JSON", "no such file"):
        assert needle in joined
    assert _ids(tmp_path / "s.db") == sorted([str(good / "ok.txt"), "j1", "5"])


def test_failed_batch_leaves_index_unchanged(tmp_path: Path, clean_texts: list[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.db"
    with TraceIndex.open(path, create=True) as ti:
        ti.add_texts({"first": clean_texts[0], "second": clean_texts[1]})
    before_ids, before_counts = _ids(path), _counts(path)

    calls = {"n": 0}
    original_delete = SQLiteStore._delete

    def failing_delete(self: SQLiteStore, doc_id: str) -> int:
        calls["n"] += 1
        if calls["n"] == 3:  # two documents of this batch are already written
            raise KeyboardInterrupt
        return original_delete(self, doc_id)

    monkeypatch.setattr(SQLiteStore, "_delete", failing_delete)
    with TraceIndex.open(path) as ti, pytest.raises(KeyboardInterrupt):
        ti.add_texts({"first": clean_texts[2], "third": clean_texts[3], "fourth": clean_texts[4]})
    assert _ids(path) == before_ids
    assert _counts(path) == before_counts
    with TraceIndex.open(path) as ti:
        assert ti.trace(clean_texts[0]).matches[0].id == "first"


def test_interrupted_build_keeps_committed_batches(tmp_path: Path, clean_texts: list[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "b.db"
    texts = {f"d{i}": t for i, t in enumerate(clean_texts[:5])}
    real_record = TraceIndex._record
    seen = {"n": 0}

    def flaky_record(self: TraceIndex, doc):  # type: ignore[no-untyped-def]
        seen["n"] += 1
        if seen["n"] == 4:
            raise RuntimeError("disk on fire")
        return real_record(self, doc)

    monkeypatch.setattr(TraceIndex, "_record", flaky_record)
    with TraceIndex.open(path, create=True) as ti, pytest.raises(RuntimeError):
        ti.add_texts(texts, batch_size=2)
    assert _ids(path) == ["d0", "d1"]  # batch 1 committed, batch 2 (d2, d3) not at all


def test_reader_sees_committed_writes(tmp_path: Path, clean_texts: list[str]) -> None:
    path = tmp_path / "c.db"
    with TraceIndex.open(path, create=True) as writer, TraceIndex.open(path) as reader:
        writer.add_texts({"x": clean_texts[5]})
        assert reader.trace(clean_texts[5]).matches[0].id == "x"


def test_bad_index_raises_store_error(bad_index: tuple[Path, str], clean_texts: list[str]) -> None:
    path, message = bad_index
    with pytest.raises(StoreError, match=message) as info, TraceIndex.open(path) as ti:
        ti.trace(clean_texts[0])
    assert "unspin index build" in str(info.value)


def test_build_refuses_to_overwrite_a_foreign_file(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="not an unspin index"):
        build_index(path, [corpus])
    assert path.read_text(encoding="utf-8").startswith("not a database")


def test_skeleton_round_trip_and_shingles_deterministic() -> None:
    sk = Skeleton(np.array([5, 9, 2], np.uint32), np.array([0, 4, 9], np.uint32), np.array([3, 8, 12], np.uint32))
    back = Skeleton.from_bytes(sk.to_bytes())
    assert back.tokens.tolist() == [5, 9, 2] and back.ends.tolist() == [3, 8, 12]
    assert shingles(sk.tokens, 2).tolist() == shingles(sk.tokens.copy(), 2).tolist()
    assert len(shingles(sk.tokens, 5)) == 1  # short text: one shingle of everything
    assert len(shingles(np.zeros(0, np.uint32), 4)) == 0


# --- fast path against the slow oracle ---------------------------------------------------------

_WORDS = st.sampled_from([
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be",
    "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but",
    "government", "people", "nation", "freedom", "peace", "world", "war", "America", "Congress",
    "tax", "budget", "1961", "42", "Truman", "defence", "economy", "strong", "great", "new",
    "hope", "future", "children", "history",
])
_TEXTS = st.lists(_WORDS, min_size=3, max_size=60).map(" ".join)


@pytest.fixture(scope="module")
def oracle_texts(clean_texts: list[str]) -> dict[str, str]:
    return {f"doc{i}": t[:1500] for i, t in enumerate(clean_texts)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=_TEXTS, pick=st.integers(0, 12), cut=st.integers(100, 1500))
def test_fast_scores_agree_with_exact_jaccard(oracle_texts: dict[str, str], query: str, pick: int, cut: int) -> None:
    texts = dict(oracle_texts)
    texts["random"] = query
    with TraceIndex.open(":memory:", create=True) as ti:
        ti.add_texts(texts)
        for q in (query, oracle_texts[f"doc{pick}"][:cut]):
            fast = ti.trace(q, top=20).matches
            slow = dict(exact_trace(q, texts))
            for m in fast:  # every reported score is the exact Jaccard
                assert m.score == pytest.approx(slow[m.id])
            # a document well above the LSH threshold is never missed
            strong = [doc_id for doc_id, j in slow.items() if j >= 0.6]
            assert set(strong) <= {m.id for m in fast}
            if fast:
                assert fast[0].score >= 0.9 * max(slow.values()) - 1e-9  # near-ties may reorder


@given(a=st.sets(st.integers(0, 50)), b=st.sets(st.integers(0, 50)))
def test_exact_jaccard_properties(a: set[int], b: set[int]) -> None:
    j = exact_jaccard(a, b)
    assert 0.0 <= j <= 1.0 and j == exact_jaccard(b, a)
    if a and a == b:
        assert j == 1.0


@given(q=st.lists(st.integers(0, 6), max_size=40), s=st.lists(st.integers(0, 6), max_size=40))
def test_align_runs_point_at_shared_shingles(q: list[int], s: list[int]) -> None:
    qa, sa = np.array(q, np.uint32), np.array(s, np.uint32)
    for q0, q1, s0, s1 in align(qa, sa, min_shingles=1):
        assert 0 <= q0 <= q1 < len(q) and 0 <= s0 <= s1 < len(s)
        assert q[q0] == s[s0] and q[q1] == s[s1]


def test_served_trace_uses_a_real_index(built_index: Path, corpus: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from unspin.serve import ServeConfig, create_app, open_index

    source = sorted(corpus.glob("*.txt"))[2]
    spun = unspin.spin(source.read_text(encoding="utf-8"), rate=0.3, seed=9, thesaurus="moby").text
    client = TestClient(create_app(ServeConfig(warm_up=False), index=open_index(str(built_index))))
    res = client.post("/api/trace", json={"text": spun, "top": 3})
    assert res.status_code == 200, res.text
    matches = res.json()["matches"]
    assert matches[0]["id"].endswith(source.name) or source.stem in matches[0]["id"]
    p = matches[0]["passages"][0]
    assert spun[p["query_start"] : p["query_end"]].strip()
