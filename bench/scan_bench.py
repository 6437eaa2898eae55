"""Throughput of ``unspin scan``: documents/s and MB/s per engine and worker count.

Documents are Reuters-21578 bodies (``<BODY>`` of ``reut2-*.sgm``), written
to a temporary JSONL file (the corpus is only read). Each configuration runs
``unspin scan`` as a subprocess on the first ``--docs`` documents; the steady
rate is measured between the first and the last finished part (so the one-off
start-up — model loading, Ray start — is reported apart), and the time for
10,000 documents is extrapolated from both. Peak memory is the largest summed
RSS of the scan's process tree, sampled every 0.2 s.

The prefilter is measured on clean bodies and their spun versions
(``unspin.spin(text, rate=0.15, seed=i, thesaurus="wordnet")``): its skip rate
on clean documents, and the recall of ``verdict == "spun"`` with and without it.

Usage:
    python bench/scan_bench.py --docs 160 --recall-docs 120 --out docs/scan_results.json
"""

from __future__ import annotations

import argparse
import glob
import html
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CORPUS = str(Path(__file__).resolve().parents[2] / "shared" / "data" / "corpora" / "reuters21578" / "reut2-*.sgm")
SEED = 0
LOAD_AT_START = round(os.getloadavg()[0], 2)


def reuters_bodies(limit: int) -> list[str]:
    out: list[str] = []
    for path in sorted(glob.glob(CORPUS)):
        raw = Path(path).read_text(encoding="latin-1")
        for m in re.findall(r"<BODY>(.*?)</BODY>", raw, re.DOTALL):
            body = html.unescape(m).replace("\x03", "").strip()
            if body:
                out.append(body)
                if len(out) >= limit:
                    return out
    return out


def _tree_rss(pid: int) -> int:
    """Summed RSS (bytes) of ``pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def run_scan(name: str, args: list[str], out: Path) -> dict[str, object]:
    cmd = [sys.executable, "-m", "unspin.cli", "scan", *args, "--out", str(out), "--overwrite"]
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    stop.set()
    t.join()
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed: {err.decode()[-2000:]}")
    manifest = json.loads((out / "manifest.json").read_text())
    parts = manifest["parts"]
    docs = sum(p["docs"] for p in parts)
    mb = sum(p["bytes"] for p in parts) / 1e6
    ends = sorted(p["finished_at"] for p in parts)
    steady_docs = docs - parts[0]["docs"]
    steady_s = ends[-1] - ends[0]
    steady = steady_docs / steady_s if steady_s > 0 else float("nan")
    startup = max(0.0, wall - docs / steady) if steady_s > 0 else float("nan")
    row = {
        "config": name,
        "docs": docs,
        "wall_s": round(wall, 1),
        "docs_per_s": round(docs / wall, 2),
        "mb_per_s": round(mb / wall, 4),
        "steady_docs_per_s": round(steady, 2),
        "steady_mb_per_s": round(steady * mb / docs, 4),
        "startup_s": round(startup, 1),
        "est_10k_docs_min": round((startup + 10_000 / steady) / 60, 1),
        "peak_rss_mb": round(peak / 2**20),
        "prefiltered": sum(p["prefiltered"] for p in parts),
        "load_avg_1min_after": round(os.getloadavg()[0], 2),  # other jobs share the cores
    }
    print(json.dumps(row), flush=True)
    return row


def recall(n: int) -> dict[str, object]:
    from unspin import check, spin
    from unspin.scan import Prefilter

    bodies = reuters_bodies(20_000)[-n:]  # other documents than the throughput runs
    pf = Prefilter()
    spun = [spin(b, rate=0.15, seed=i, thesaurus="wordnet").text for i, b in enumerate(bodies)]
    clean_pass = [pf(b) for b in bodies]
    spun_pass = [pf(s) for s in spun]
    flagged = [check(s).verdict == "spun" for s in spun]
    false_pos = [check(b).verdict == "spun" for b in bodies]
    return {
        "docs": n,
        "prefilter_threshold": pf.threshold,
        "clean_skipped": round(1 - sum(clean_pass) / n, 3),
        "spun_passed": round(sum(spun_pass) / n, 3),
        "recall_full": round(sum(flagged) / n, 3),
        "recall_with_prefilter": round(sum(f and p for f, p in zip(flagged, spun_pass)) / n, 3),
        "false_positive_rate_full": round(sum(false_pos) / n, 3),
        "false_positive_rate_with_prefilter": round(sum(f and p for f, p in zip(false_pos, clean_pass)) / n, 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=160, help="documents per throughput run")
    ap.add_argument("--recall-docs", type=int, default=120, help="clean+spun pairs for the recall check")
    ap.add_argument("--part-size", type=int, default=20)
    ap.add_argument("--skip-ray", action="store_true")
    ap.add_argument("--out", type=Path, default=Path("docs/scan_results.json"))
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="unspin-bench-"))
    try:
        data = tmp / "reuters.jsonl"
        with data.open("w", encoding="utf-8") as fh:
            for i, body in enumerate(reuters_bodies(a.docs)):
                fh.write(json.dumps({"id": f"reuters-{i}", "text": body}) + "\n")
        common = [str(data), "--id-field", "id", "--part-size", str(a.part_size)]
        runs = [
            run_scan("local, 1 worker", [*common, "--workers", "1"], tmp / "w1"),
            run_scan("local, 2 workers", [*common, "--workers", "2"], tmp / "w2"),
            run_scan("local, 2 workers, --prefilter", [*common, "--workers", "2", "--prefilter"], tmp / "pf"),
        ]
        if not a.skip_ray:
            runs.append(run_scan("ray, 2 workers", [*common, "--workers", "2", "--engine", "ray"], tmp / "ray"))
        rec = recall(a.recall_docs)
        print(json.dumps(rec), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "processor": platform.processor() or platform.machine()},
        "command": " ".join(["python", *sys.argv]),
        "load_avg_1min_at_start": LOAD_AT_START,
        "seed": SEED,
        "runs": runs,
        "prefilter_recall": rec,
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
