"""unspin.scan: every input format, error records, resume, local == ray."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from unspin.readers import iter_documents, join_hyphenated, list_inputs
from unspin.scan import ScanConfig, read_records, scan, summarize, write_report

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

TEXTS = [
    "The regulation enforcement officers used counterfeit consciousness yesterday to quell violent unrest.",
    "Officials said the police came to stop the riots in the city.",
    "He mentioned that the company will sell its shares next week.",
    "The bank raised its prime rate by half a point on Monday.",
]


def _warc(path: Path, pages: list[tuple[str, str]], gzip: bool = False) -> None:
    from fastwarc.stream_io import GzipWriter
    from fastwarc.warc import WarcRecord, WarcRecordType

    buf = io.BytesIO()
    for url, body in pages:
        rec = WarcRecord()
        rec.init_headers(WarcRecordType.response)
        rec.headers["WARC-Target-URI"] = url
        rec.set_bytes_content(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body.encode())
        rec.is_http = True
        rec.write(buf)
    if gzip:
        writer = GzipWriter(str(path))
        writer.write(buf.getvalue())
        writer.close()
    else:
        path.write_bytes(buf.getvalue())


@pytest.fixture()
def collection(tmp_path: Path, write_pdf: Callable[[Path, str], None]) -> Path:
    """One document of every format, plus broken ones."""
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(TEXTS[0], encoding="utf-8")
    (d / "sub" / "b.md").write_text("# Note\n\n" + TEXTS[1], encoding="utf-8")
    (d / "c.html").write_text(f"<html><body><article><p>{TEXTS[2]}</p></article></body></html>", encoding="utf-8")
    (d / "d.jsonl").write_text(
        json.dumps({"text": TEXTS[3], "id": "j1"}) + "\n{not json\n\n" + json.dumps({"body": "x"}) + "\n",
        encoding="utf-8",
    )
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": [TEXTS[0], None]}), d / "e.parquet")
    _warc(d / "f.warc.gz", [("http://example.com/1", f"<html><body><p>{TEXTS[1]}</p></body></html>")], gzip=True)
    write_pdf(d / "g.pdf", TEXTS[2])
    (d / "h.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (d / "i.txt").write_bytes(b"\xff\xfe\x00binary")
    (d / "ignored.bin").write_bytes(b"skip me")
    return d


def test_listing_is_sorted_recursive_and_known_formats_only(collection: Path) -> None:
    names = [p.relative_to(collection).as_posix() for p in list_inputs([str(collection)])]
    assert names == ["a.txt", "c.html", "d.jsonl", "e.parquet", "f.warc.gz", "g.pdf", "h.pdf", "i.txt", "sub/b.md"]


def test_pdf_words_hyphenated_at_line_ends_are_joined(tmp_path: Path, write_pdf: Callable[[Path, str], None]) -> None:
    write_pdf(tmp_path / "p.pdf", "The regu-\nlation enforcement officers of the six-\nnation group\nmentioned it.")
    (doc,) = iter_documents(tmp_path / "p.pdf")
    assert doc.text is not None
    assert doc.text.split() == "The regulation enforcement officers of the six-nation group mentioned it.".split()


@pytest.mark.parametrize("broken, joined", [
    ("regu-\nlation", "regulation"), ("informa- \r\ntion", "information"), ("Kazakh-\nstan", "Kazakhstan"),
    ("six-\nnation", "six-nation"), ("well-\nknown", "well-known"), ("a -\nb", "a -\nb"), ("x-\n\ny", "x-\n\ny"),
])
def test_join_hyphenated(broken: str, joined: str) -> None:
    assert join_hyphenated(broken) == joined


def test_every_format_reads(collection: Path) -> None:
    def docs(name: str, **kw: object) -> list:  # type: ignore[type-arg]
        return list(iter_documents(collection / name, **kw))  # type: ignore[arg-type]

    assert docs("a.txt")[0].text == TEXTS[0]
    assert TEXTS[1] in (docs("sub/b.md")[0].text or "")
    assert docs("c.html")[0].text.strip() == TEXTS[2]
    jl = docs("d.jsonl", id_field="id")
    assert [d.source.rsplit(":", 1)[1] for d in jl] == ["1", "2", "4"]
    assert jl[0].id == "j1" and jl[0].text == TEXTS[3]
    assert "not valid JSON" in (jl[1].error or "") and "--text-field" in (jl[2].error or "")
    pqd = docs("e.parquet", id_field="id")
    assert pqd[0].id == "p1" and pqd[1].source.endswith("e.parquet#1")
    assert pqd[0].text == TEXTS[0] and pqd[1].error is not None
    warc = docs("f.warc.gz")
    assert len(warc) == 1 and warc[0].id == "http://example.com/1" and warc[0].text.strip() == TEXTS[1]
    assert "@" in warc[0].source
    assert docs("g.pdf")[0].text.strip() == TEXTS[2]
    assert "not a readable PDF" in (docs("h.pdf")[0].error or "")
    assert "binary" in (docs("i.txt")[0].error or "")


def test_count_pass_matches_read_pass(collection: Path) -> None:
    for path in list_inputs([str(collection)]):
        assert len(list(iter_documents(path, extract=False))) == len(list(iter_documents(path)))
        full = list(iter_documents(path))
        assert [d.source for d in iter_documents(path, start=1)] == [d.source for d in full[1:]]


def test_scan_writes_one_record_per_document(collection: Path, tmp_path: Path) -> None:
    summary = scan(ScanConfig(inputs=(str(collection),), out=tmp_path / "out", workers=1, part_size=3))
    recs = list(read_records(tmp_path / "out"))
    assert [r["idx"] for r in recs] == list(range(summary.documents)) and summary.documents == 12
    errors = {r["source"].rsplit("/", 1)[-1]: r["error"] for r in recs if r["error"]}
    assert set(errors) == {"d.jsonl:2", "d.jsonl:4", "e.parquet#1", "h.pdf", "i.txt"}
    ok = [r for r in recs if not r["error"]]
    assert all(r["verdict"] in {"spun", "clean", "uncertain"} and r["words"] > 0 for r in ok)
    spun = next(r for r in recs if r["source"].endswith("a.txt"))
    assert spun["n_spans"] >= 1 and len(spun["spans"]) <= 5
    s = spun["spans"][0]
    assert TEXTS[0][s["start"] : s["end"]] == s["text"] and s["suggestion"]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["complete"] and len(manifest["parts"]) == 4
    assert summary.errors == 5 and summary.complete


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_records_carry_the_english_share_and_the_summary_counts_other_languages(tmp_path: Path, fmt: str) -> None:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "en.txt").write_text(" ".join(TEXTS), encoding="utf-8")
    (d / "fr.txt").write_text(
        "Le gouvernement a annoncé mardi une série de mesures destinées à soutenir les entreprises touchées "
        "par la crise. Le ministre des Finances a déclaré que ces aides seraient versées bientôt.", encoding="utf-8")
    summary = scan(ScanConfig(inputs=(str(d),), out=tmp_path / "out", workers=1, format=fmt))
    shares = {r["source"].rsplit("/", 1)[-1]: r["english_share"] for r in read_records(tmp_path / "out")}
    assert shares["en.txt"] > 0.9 and shares["fr.txt"] < 0.7
    assert summary.not_english == 1
    report = tmp_path / "r.html"
    write_report(summary, report)
    assert "not English words" in report.read_text(encoding="utf-8")


def test_parquet_output_and_min_probability(collection: Path, tmp_path: Path) -> None:
    out = tmp_path / "pq"
    scan(ScanConfig(inputs=(str(collection / "a.txt"), str(collection / "c.html"), str(collection / "h.pdf")),
                    out=out, workers=1, format="parquet", min_probability=0.5))
    table = pq.read_table(out / "part-00000.parquet")
    kept = table.to_pylist()
    assert all(r["error"] or r["spun_probability"] >= 0.5 or r["n_fingerprints"] for r in kept)
    assert any(r["error"] for r in kept)
    assert json.loads((out / "manifest.json").read_text())["parts"][0]["docs"] == 3


def test_report_is_self_contained(collection: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    scan(ScanConfig(inputs=(str(collection / "a.txt"), str(collection / "sub")), out=out, workers=1))
    write_report(summarize(out), tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "<mark" in page
    assert "http://" not in page and "https://" not in page


def test_refuses_other_inputs_unless_overwrite(collection: Path, tmp_path: Path) -> None:
    from unspin.errors import InputError

    out = tmp_path / "out"
    scan(ScanConfig(inputs=(str(collection / "a.txt"),), out=out, workers=1))
    with pytest.raises(InputError, match="--overwrite"):
        scan(ScanConfig(inputs=(str(collection / "sub"),), out=out, workers=1))
    assert scan(ScanConfig(inputs=(str(collection / "sub"),), out=out, workers=1, overwrite=True)).documents == 1


def _many(d: Path, n: int) -> Path:
    d.mkdir()
    with (d / "docs.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"doc{i}", "text": f"{TEXTS[i % 4]} Item {i}."}) + "\n")
    return d


def test_resume_removes_half_written_files_of_a_killed_run(tmp_path: Path) -> None:
    data = _many(tmp_path / "in", 6)
    out = tmp_path / "out"
    cfg = ScanConfig(inputs=(str(data),), out=out, workers=1, part_size=3, id_field="id")
    assert scan(cfg).complete
    stale = [out / ".manifest.json.4242.tmp", out / ".part-00001.jsonl.4242.tmp"]
    for p in stale:
        p.write_bytes(b'{"half": ')
    again = scan(cfg)
    assert again.complete and again.scanned_now == 0
    assert not any(p.exists() for p in stale)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "part-00000.jsonl", "part-00001.jsonl"]


def test_kill_and_resume_keeps_every_document_once(tmp_path: Path) -> None:
    data = _many(tmp_path / "in", 60)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "unspin.cli", "scan", str(data), "--out", str(out),
           "--workers", "2", "--part-size", "3", "--id-field", "id"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            m = out / "manifest.json"
            if m.exists() and json.loads(m.read_text())["parts"]:
                break
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the scan and its workers
        proc.wait()
    before = json.loads((out / "manifest.json").read_text())
    assert before["parts"] and not before["complete"], "the scan finished before it was killed"
    kept = {p["file"]: (out / p["file"]).read_bytes() for p in before["parts"]}
    summary = scan(ScanConfig(inputs=(str(data),), out=out, workers=1, part_size=3, id_field="id"))
    assert summary.complete and summary.scanned_now == 60 - 3 * len(kept)
    ids = [r["id"] for r in read_records(out)]
    assert sorted(ids) == sorted(f"doc{i}" for i in range(60)) and len(set(ids)) == 60
    assert all((out / f).read_bytes() == b for f, b in kept.items())  # finished parts were not redone
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", *[f"part-{i:05d}.jsonl" for i in range(20)]]


@pytest.mark.ray
def test_ray_engine_gives_the_local_results(collection: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray")
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    inputs = (str(collection),)
    scan(ScanConfig(inputs=inputs, out=tmp_path / "local", workers=1, part_size=4))
    summary = scan(ScanConfig(inputs=inputs, out=tmp_path / "ray", workers=1, part_size=4, engine="ray"))
    assert summary.complete
    local = list(read_records(tmp_path / "local"))
    assert list(read_records(tmp_path / "ray")) == local and len(local) == 12
    for part in json.loads((tmp_path / "local" / "manifest.json").read_text())["parts"]:
        assert (tmp_path / "local" / part["file"]).read_bytes() == (tmp_path / "ray" / part["file"]).read_bytes()


def test_a_damaged_pdf_is_an_input_error_never_a_crash(tmp_path: Path, write_pdf: Callable[[Path, str], None]) -> None:
    # bytes of a real PDF with random damage: pypdf's own exceptions must all become InputError
    import random

    from unspin.errors import UnspinError
    from unspin.readers import file_text

    write_pdf(tmp_path / "p.pdf", "The regulation enforcement officers\nmentioned it.")
    base = (tmp_path / "p.pdf").read_bytes()
    rng = random.Random(0)
    for _ in range(300):
        b = bytearray(base)
        for _ in range(rng.randint(1, 20)):
            k = rng.randrange(len(b))
            op = rng.random()
            if op < 0.5:
                b[k] = rng.randrange(256)
            elif op < 0.75:
                del b[k : k + rng.randint(1, 30)]
            else:
                b[k:k] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 10)))
        data = bytes(b) if b.startswith(b"%PDF-") else b"%PDF-" + bytes(b)
        try:
            text = file_text(data, "'p.pdf'")
        except UnspinError:
            continue
        assert isinstance(text, str) and text.strip()


def test_summary_counts_the_substitutions_spun_documents_share(tmp_path: Path) -> None:
    import collections

    from unspin import api

    spun = ("Officials mentioned that the regulation enforcement officers got here to quell violent unrest. "
            "The Chinese language Overseas Minister mentioned the navy alliance would offer safety help.")
    d = tmp_path / "in"
    d.mkdir()
    (d / "docs.jsonl").write_text(
        "".join(json.dumps({"id": f"copy{k}", "text": spun}) + "\n" for k in range(3))
        + json.dumps({"id": "clean", "text": TEXTS[3]}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = scan(ScanConfig(inputs=(str(d),), out=out, workers=1))
    assert summary.verdicts.get("spun") == 3
    top = sorted(api.check(spun).spans, key=lambda s: (-s.confidence, s.start))[:5]
    expected = collections.Counter({(s.text.lower(), s.suggestion.lower()): 3 for s in top})
    assert {(a, b): n for a, b, n in summary.substitutions} == dict(expected)
    write_report(summary, tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Substitutions shared by documents judged spun" in page
    assert all(f"<td><mark>{a}</mark></td>" in page for a, _b, _n in summary.substitutions)


def test_prefilter_passes_any_listed_tortured_phrase() -> None:
    # phrases with numbers and brackets ("co2 emanation", "(ai)") included: a listed
    # phrase sends the document to full scoring however ordinary the rest is
    from unspin.detect import shipped_matcher
    from unspin.doc import WORD
    from unspin.scan import Prefilter
    from unspin.tokenize import tokenize

    pre = Prefilter()
    ordinary = "The committee met on Tuesday and agreed to publish the report next month."
    assert pre.score(ordinary) < pre.threshold
    fps = shipped_matcher().fingerprints
    tokened = [p for p in fps if not all(t.kind == WORD for t in tokenize(p).tokens)]
    for phrase in [*tokened[::40], *list(fps)[::400]]:
        assert pre(f"{ordinary} They noted {phrase} there."), phrase


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_scan_counts_known_tortured_phrases_and_keeps_their_documents(tmp_path: Path, fmt: str) -> None:
    # what a research-integrity screen asks first: which papers hold known tortured phrases,
    # and which hold five or more (the Problematic Paper Screener's flag)
    from unspin.detect import shipped_matcher
    from unspin.scan import FLAGGED_FINGERPRINTS

    phrases = [p for p, fp in sorted(shipped_matcher().fingerprints.items()) if fp.original and "(" not in p][::97][:6]
    d = tmp_path / "docs"
    d.mkdir()
    (d / "five.txt").write_text(" ".join(f"In this study we used {p} for the task." for p in phrases), encoding="utf-8")
    (d / "one.txt").write_text(f"{TEXTS[1]} {TEXTS[3]} The authors also mention {phrases[0]} once.", encoding="utf-8")
    (d / "none.txt").write_text(f"{TEXTS[1]} {TEXTS[3]}", encoding="utf-8")
    out = tmp_path / "out"
    summary = scan(ScanConfig(inputs=(str(d),), out=out, workers=1, format=fmt, min_probability=0.999))
    recs = {r["source"].rsplit("/", 1)[-1]: r for r in read_records(out)}
    assert recs["five.txt"]["n_fingerprints"] == len(phrases) >= FLAGGED_FINGERPRINTS
    # kept below --min-probability because it holds a known tortured phrase; the clean one is not
    assert recs["one.txt"]["n_fingerprints"] == 1 and "none.txt" not in recs
    assert (summary.fingerprinted, summary.fingerprinted_5) == (2, 1)
    report = tmp_path / "r.html"
    write_report(summary, report)
    assert "known tortured phrase" in report.read_text(encoding="utf-8")
