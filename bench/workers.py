"""`make bench-workers`: gunicorn's sync workers against the gevent workers `make run` uses.

On each database (SQLite and PostgreSQL, seed content) it starts the service twice with
gunicorn.conf.py, once forced to `--worker-class sync`, and measures in the same run:

- throughput of normal requests (wrk on loopback, interleaved rounds; medians and the ratio
  of gevent to sync), to show the worker model costs ordinary traffic little;
- a normal client's answers while S slow clients trickle their headers a byte at a time:
  how many of its requests were answered within 5 s and their median time.

It writes the tables to docs/performance.md between the workers markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.run import empty_database, wrk
from service.db import drop_database
from tests.reliability.servers import gunicorn, prepare_database
from tests.toolkit.repository import ROOT

MODELS = {"sync": "sync", "gevent": "gunicorn_worker.ProblemGeventWorker"}
ENDPOINTS = {
    "list page of 20": "/v1/stretches?page_size=20",
    "detail": "/v1/faqs/how-to-stretch-safely",
}


def trickle(port: int, stop: threading.Event) -> None:
    """A client that sends request headers a byte every half second until stopped.

    Dropped by the server (the gevent worker gives headers `keepalive` seconds), it connects
    again at once, as an attacker would.
    """
    message = b"GET /v1/faqs HTTP/1.1\r\nHost: x\r\nUser-Agent: " + b"s" * 10_000
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                for byte in message:
                    if stop.wait(0.5):
                        return
                    sock.sendall(bytes([byte]))
        except OSError:
            stop.wait(0.05)


def under_slow_clients(base: str, slow: int, seconds: float) -> tuple[int, int, float | None]:
    """(answered, sent, median seconds) of a normal client while `slow` clients trickle."""
    port = int(base.rsplit(":", 1)[1])
    stop = threading.Event()
    threads = [
        threading.Thread(target=trickle, args=(port, stop), daemon=True) for _ in range(slow)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    answered: list[float] = []
    sent = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sent += 1
        started = time.monotonic()
        try:
            request = urllib.request.Request(
                base + "/v1/faqs?page_size=2", headers={"Connection": "close"}
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                response.read()
            answered.append(time.monotonic() - started)
        except OSError:
            pass
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(5)
    return len(answered), sent, statistics.median(answered) if answered else None


# A normal client's answers while slow clients trickle: answered, sent, median seconds.
Answered = tuple[int, int, float | None]


@dataclass
class Results:
    throughput: dict[str, dict[str, float]]  # endpoint label -> sync, gevent, ratio req/s
    slow: dict[tuple[int, str], Answered]  # (slow clients, worker model) -> answers


def measure(url: str, args: argparse.Namespace) -> Results:
    workers = os.cpu_count() or 2  # gunicorn.conf.py's default
    results = Results({}, {})
    runs: dict[tuple[str, str], list[float]] = {}
    with (
        gunicorn(url, workers=workers, GUNICORN_CMD_ARGS="--worker-class sync") as sync,
        gunicorn(url, workers=workers) as gevent,
    ):
        bases = {"sync": sync.url, "gevent": gevent.url}
        for label, path in ENDPOINTS.items():
            for base in bases.values():
                # Warm every worker (its first request fills its caches).
                wrk(base + path, 2, args.connections, 2, None)
            for _ in range(args.rounds):
                for model, base in bases.items():
                    run = wrk(base + path, args.duration, args.connections, 2, None)
                    runs.setdefault((label, model), []).append(run.rps)
        for label in ENDPOINTS:
            sync_rps = statistics.median(runs[(label, "sync")])
            gevent_rps = statistics.median(runs[(label, "gevent")])
            results.throughput[label] = {
                "sync": sync_rps,
                "gevent": gevent_rps,
                "ratio": gevent_rps / sync_rps,
            }
        for slow in args.slow:
            for model, base in bases.items():
                results.slow[(slow, model)] = under_slow_clients(base, slow, args.window)
            figures = [results.slow[(slow, model)] for model in MODELS]
            print(f"  slow clients {slow}: sync {figures[0]}, gevent {figures[1]}", flush=True)
    return results


def report(backend: str, results: Results, args: argparse.Namespace) -> list[str]:
    lines = [
        f"### {backend}",
        "",
        "| normal requests | sync req/s | gevent req/s | gevent / sync |",
        "|---|---:|---:|---:|",
    ]
    for label in ENDPOINTS:
        row = results.throughput[label]
        lines.append(f"| {label} | {row['sync']:.0f} | {row['gevent']:.0f} | {row['ratio']:.2f} |")
    lines += [
        "",
        "| slow clients trickling headers | sync: answered within 5 s | sync median s | "
        "gevent: answered within 5 s | gevent median s |",
        "|---:|---:|---:|---:|---:|",
    ]
    for slow in args.slow:
        cells = []
        for model in MODELS:
            answered, sent, median = results.slow[(slow, model)]
            cells += [f"{answered} of {sent}", "-" if median is None else f"{median:.3f}"]
        lines.append(f"| {slow} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=4, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--slow", type=lambda s: [int(n) for n in s.split(",")], default=[4, 64])
    parser.add_argument("--window", type=float, default=10.0, help="seconds of normal requests")
    parser.add_argument(
        "--server",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    text = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; gunicorn.conf.py with "
        f"{os.cpu_count()} workers, once with `--worker-class sync`; wrk with "
        f"{args.connections} connections, {args.duration} s per run, {args.rounds} rounds "
        f"interleaved (medians); then a client sending one request every 0.2 s for "
        f"{args.window:g} s (5 s timeout) while the slow clients send a header byte every 0.5 s.",
        "",
    ]
    for backend in args.backends.split(","):
        print(f"{backend}:", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            url = empty_database(backend, args.server, Path(folder), "backcare_bench_workers")
            prepare_database(url)
            try:
                results = measure(url, args)
            finally:
                if backend == "postgresql":
                    drop_database(url)
        text += report(backend, results, args)
    block = "\n".join(text)
    print(block)
    output = Path(args.output)
    existing = output.read_text(encoding="utf-8") if output.exists() else "# Performance\n"
    start, end = "<!-- workers:start -->", "<!-- workers:end -->"
    replacement = f"{start}\n{block}\n{end}"
    if start in existing:
        existing = re.sub(f"{start}.*?{end}", lambda _m: replacement, existing, flags=re.S)
    else:
        existing = existing.rstrip() + "\n\n" + replacement + "\n"
    output.write_text(existing, encoding="utf-8")


if __name__ == "__main__":
    main()
