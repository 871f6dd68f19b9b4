"""`make bench-import`: large imports through the running service, as `make run` serves it.

For each backend it migrates a fresh database, starts gunicorn with gunicorn.conf.py (its
workers each run a job thread) on loopback, and sends:

- a bundle of N valid items (100,000 FAQs by default, about 20 MB of JSON, the shape of the
  import that used to die on the worker timeout; `--catalogue` grows the whole catalogue
  instead, about 1.2 KB an item), which becomes a job; it times the 202, follows the job to
  its end, and reads the peak memory of the worker that ran it;
- a bundle of M invalid items (1,000,000 empty objects by default), whose job fails with a
  capped error report; it measures that report.

While the big import runs, a reader keeps asking for a public page, so that the table shows
what a long import costs everyone else. The table goes into docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.catalogue import count, reviewed_bundle
from bench.run import empty_database
from service.db import drop_database
from tests.reliability.servers import gunicorn, prepare_database
from tests.toolkit.repository import ROOT


@dataclass
class Outcome:
    backend: str
    what: str
    items: int
    body_mb: float
    accepted_ms: float
    seconds: float
    state: str
    peak_rss_mb: float
    answer_bytes: int
    error_count: int | None
    progress_seen: list[float] = field(default_factory=list)
    reads: list[float] = field(default_factory=list)
    read_failures: int = 0


def faqs(items: int) -> dict[str, Any]:
    return {
        "faqs": [
            {
                "slug": f"bulk-question-{n}",
                "question": f"Is question {n} about back pain after stretching?",
                "answer": "A short answer that cites the article.",
                "sources": ["article-back-pain-after-stretching"],
                "position": n % 10_000,
                "last_reviewed": "2026-11-01",
                "reviewed_by": "Bench",
            }
            for n in range(items)
        ]
    }


@contextmanager
def service(url: str, max_import: int) -> Iterator[str]:
    """The service as `make run` serves it (a worker per core, each with its job thread)."""
    workers = os.cpu_count() or 2  # gunicorn.conf.py's default
    with gunicorn(url, workers=workers, MAX_IMPORT_LENGTH=str(max_import)) as server:
        yield server.url


def call(method: str, url: str, secret: str, body: bytes | None = None) -> tuple[int, bytes, Any]:
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Authorization", f"Bearer {secret}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def peak_rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def reader(base: str, stop: threading.Event, outcome: Outcome) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + "/v1/faqs?page_size=5", timeout=30) as response:
                response.read()
            outcome.reads.append((time.perf_counter() - started) * 1000)
        except OSError:
            outcome.read_failures += 1
        time.sleep(0.05)


def run_import(backend: str, base: str, secret: str, what: str, bundle: dict[str, Any]) -> Outcome:
    body = json.dumps(bundle).encode()
    items = count(bundle)
    del bundle
    started = time.perf_counter()
    status, answer, headers = call("POST", base + "/v1/admin/import", secret, body)
    accepted_ms = (time.perf_counter() - started) * 1000
    assert status == 202, (status, answer[:500])
    outcome = Outcome(backend, what, items, len(body) / 1e6, accepted_ms, 0.0, "", 0.0, 0, None)
    del body
    stop = threading.Event()
    reading = threading.Thread(target=reader, args=(base, stop, outcome), daemon=True)
    reading.start()
    location = base + headers["Location"]
    job: dict[str, Any] = {}
    try:
        while True:
            status, answer, _ = call("GET", location, secret)
            job = json.loads(answer)
            outcome.progress_seen.append(job["progress"]["percent"])
            if job["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.5)
    finally:
        stop.set()
        reading.join(30)
    outcome.seconds = time.perf_counter() - started
    outcome.state = job["state"]
    outcome.answer_bytes = len(answer)
    outcome.error_count = (job.get("error") or {}).get("error_count")
    outcome.peak_rss_mb = peak_rss_mb(int(job["worker"].rsplit(":", 1)[1]))
    print(
        f"  {what}: {outcome.state} in {outcome.seconds:.1f} s (202 in {accepted_ms:.0f} ms), "
        f"worker peak {outcome.peak_rss_mb:.0f} MB, answer {outcome.answer_bytes} bytes",
        flush=True,
    )
    return outcome


def table(outcomes: list[Outcome]) -> list[str]:
    lines = [
        "| backend | bundle | items | MB of JSON | 202 in ms | job s | state | worker peak MB "
        "| job answer bytes | reads during it: p50 / max ms, failed |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for o in outcomes:
        reads = (
            f"{statistics.median(o.reads):.0f} / {max(o.reads):.0f}, {o.read_failures}"
            if o.reads
            else "-"
        )
        count_note = f" ({o.error_count} problems)" if o.error_count else ""
        lines.append(
            f"| {o.backend} | {o.what} | {o.items} | {o.body_mb:.1f} | {o.accepted_ms:.0f} | "
            f"{o.seconds:.1f} | {o.state}{count_note} | {o.peak_rss_mb:.0f} | "
            f"{o.answer_bytes} | {reads} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--invalid", type=int, default=1_000_000)
    parser.add_argument("--catalogue", action="store_true", help="grow the whole catalogue")
    parser.add_argument(
        "--server",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()

    outcomes: list[Outcome] = []
    for backend in args.backends.split(","):
        print(f"{backend}:", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            url = empty_database(backend, args.server, folder, "backcare_bench_import")
            secret = prepare_database(url)
            try:
                # The grown catalogue is larger than the default MAX_IMPORT_LENGTH.
                max_import = 1 << 30 if args.catalogue else 52_428_800
                # A service of its own for each bundle: the worker's peak is that job's own.
                with service(url, max_import) as base:
                    valid = reviewed_bundle(args.items) if args.catalogue else faqs(args.items)
                    outcomes.append(run_import(backend, base, secret, "valid items", valid))
                    del valid
                with service(url, max_import) as base:
                    invalid: dict[str, Any] = {"faqs": [{} for _ in range(args.invalid)]}
                    outcomes.append(run_import(backend, base, secret, "invalid items", invalid))
            finally:
                if backend == "postgresql":
                    drop_database(url)

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[2]
    text = "\n".join(
        [
            f"Measured {now} on {os.cpu_count()} cores (load average {load:.1f} over the last "
            "15 minutes at the end); gunicorn with `gunicorn.conf.py` (its workers run the "
            "jobs); a reader asked for a public page every 50 ms meanwhile.",
            "",
            *table(outcomes),
        ]
    )
    print(text)
    output = Path(args.output)
    existing = output.read_text(encoding="utf-8")
    start, end = "<!-- bench-import:start -->", "<!-- bench-import:end -->"
    block = f"{start}\n{text}\n{end}"
    if start in existing:
        existing = re.sub(f"{start}.*?{end}", lambda _m: block, existing, flags=re.S)
    else:
        existing = existing.rstrip() + "\n\n## Large imports as jobs\n\n" + block + "\n"
    output.write_text(existing, encoding="utf-8")


if __name__ == "__main__":
    main()
