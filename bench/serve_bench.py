"""Load check of ``unspin serve``: requests/s and latency of POST /api/check on loopback.

Starts ``unspin serve`` as a separate process on a free 127.0.0.1 port, sends a
bounded number of requests (and stops early at a time cap) from a thread pool
of httpx clients, then reports throughput, p50/p95 latency, errors and the
server's resident memory. Loopback only; the text is fixed, so runs compare.

Usage: python bench/serve_bench.py [--requests 200] [--concurrency 1,4,16] [--max-seconds 120]
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never anything but loopback


def text_of_words(n: int) -> str:
    """About ``n`` words of the shipped demo paragraph, repeated."""
    words = (ROOT / "examples" / "demo_spun.txt").read_text(encoding="utf-8").split()
    return " ".join(words[i % len(words)] for i in range(n))


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_level(url: str, text: str, concurrency: int, requests: int, max_seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + max_seconds
    client = httpx.Client(base_url=url, timeout=60, limits=httpx.Limits(max_connections=concurrency))

    def one(_i: int) -> tuple[float, bool]:
        if time.monotonic() > stop_at:
            return -1.0, True
        t0 = time.perf_counter()
        res = client.post("/api/check", json={"text": text})
        ok = res.status_code == 200 and "spans" in res.json()
        return time.perf_counter() - t0, ok

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for latency, ok in pool.map(one, range(requests)):
            if latency < 0:
                continue
            latencies.append(latency)
            errors += not ok
    elapsed = time.perf_counter() - start
    client.close()
    latencies.sort()
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[max(0, int(0.95 * len(latencies)) - 1)],
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per concurrency level")
    parser.add_argument("--concurrency", default="1,4,16", help="comma-separated client thread counts")
    parser.add_argument("--words", type=int, default=500)
    parser.add_argument("--max-seconds", type=float, default=120, help="time cap per level")
    args = parser.parse_args()

    text = text_of_words(args.words)
    port = free_port()
    url = f"http://{HOST}:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "unspin.cli", "serve", "--host", HOST, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not start: {server.stderr.read().decode() if server.stderr else ''}")
            time.sleep(0.2)
        rss_idle = rss_mb(server.pid)
        run_level(url, text, 1, 5, 30)  # warm the caches
        rows = [run_level(url, text, int(c), args.requests, args.max_seconds)
                for c in args.concurrency.split(",")]
        rss_after = rss_mb(server.pid)
        peak = hwm_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"text: {len(text.split())} words, {len(text.encode())} bytes; POST /api/check; server: 1 uvicorn process")
    print()
    print("| clients | requests | req/s | p50 ms | p95 ms | errors |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['concurrency']:.0f} | {r['requests']:.0f} | {r['rps']:.1f} | {r['p50_ms']:.0f} | "
              f"{r['p95_ms']:.0f} | {r['errors']:.0f} |")
    print()
    print(f"server RSS: {rss_idle:.0f} MB after start (warmed up), {rss_after:.0f} MB after the run, "
          f"peak {peak:.0f} MB")
    if any(r["errors"] for r in rows):
        raise SystemExit("errors during the load check")


if __name__ == "__main__":
    main()
