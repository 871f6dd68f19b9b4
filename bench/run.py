"""`make bench` (`python -m bench`): the service against a bare Flask ceiling, under the same
gunicorn settings.

For each catalogue scale it builds a PostgreSQL database, times a bulk import and the
in-process recommendation, then (for the load scales) starts the service and the ceiling
with the production gunicorn config on loopback and drives both with wrk, interleaved,
several rounds. It prints requests/s, p50 and p99 (medians of the rounds) and the ratio to
the ceiling measured beside each run, and writes the table to docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from bench.catalogue import build_bundle, count
from service.admin.bundle import export_bundle, import_bundle
from service.content.versioning import current_version
from service.db import create_database, drop_database, make_engine
from service.recommendations.engine import Request, recommend
from service.recommendations.rules import load_rules
from service.search.services import search
from service.sync.services import END, encode
from tests.reliability.servers import gunicorn
from tests.toolkit.repository import ROOT, alembic_config

# What people type into the search box (as in tests/search/test_judged.py): typos, prefixes,
# synonyms and questions.
SEARCHES = [
    "piriformis",
    "piriformus stretch",
    "pirif",
    "cat cow",
    "childs pose",
    "streching routine for beginners",
    "glute bridges",
    "sciatic",
    "slipped disc",
    "pinched nerve",
    "ice pack",
    "foam roller",
    "physio",
    "how long to hold a stretch",
    "why does my back hurt after stretching",
    "pins and needles in my leg",
    "fever and back pain",
    "pain between shoulder blades",
    "osteoporosis",
    "steroids",
]

TYPICAL_REQUEST: dict[str, Any] = {
    "symptoms": ["local-pain", "stiffness"],
    "hours_since_onset": 30,
    "pain_level": 4,
    "minutes_available": 10,
}


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float


def empty_database(backend: str, server: str, folder: Path, name: str) -> str:
    """The URL of a database of `backend` with nothing in it, for one benchmark to fill."""
    if backend == "sqlite":
        return f"sqlite:///{folder / name}.db"
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    drop_database(url)
    return url


def prepare_database(server: str, items: int) -> tuple[str, float, int]:
    url = sa.engine.make_url(server).set(database=f"backcare_bench_{items}")
    url_text = url.render_as_string(hide_password=False)
    drop_database(url_text)
    create_database(url_text)
    command.upgrade(alembic_config(url_text), "head")
    bundle = build_bundle(items)
    engine = make_engine(url_text)
    with Session(engine) as session:
        started = time.perf_counter()
        import_bundle(session, bundle)
        session.commit()
        seconds = time.perf_counter() - started
    # The statistics autovacuum gathers within a minute or so of a large import in
    # production; without them the planner takes every language filter for a rare one.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return url_text, seconds, count(bundle)


def time_search(url: str, repeat: int = 5) -> float:
    """Median ms of one search in-process, no response cache: the work a cache miss does."""
    engine = make_engine(url)
    times = []
    with Session(engine) as session:
        for query in SEARCHES:
            search(session, query)  # the stemmer and the statement cache warm up
        for _ in range(repeat):
            for query in SEARCHES:
                started = time.perf_counter()
                search(session, query)
                times.append(time.perf_counter() - started)
    engine.dispose()
    return statistics.median(times) * 1000


def search_script() -> str:
    """A wrk script that asks the searches with varied pages and page sizes: distinct URLs,
    so that most requests miss the response cache and run the search."""
    queries = ", ".join(f'"{urllib.parse.quote(q)}"' for q in SEARCHES)
    lines = [
        f"local queries = {{{queries}}}",
        "request = function()",
        "  local q = queries[math.random(#queries)]",
        '  local path = "/v1/search?q=" .. q .. "&page=" .. math.random(1, 20)',
        '    .. "&page_size=" .. math.random(10, 30)',
        '  return wrk.format("GET", path)',
        "end",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    return handle.name


def time_recommendation(url: str, repeat: int = 20) -> tuple[float, float]:
    """Median ms to load the rules from the database, and to run the engine on them."""
    engine = make_engine(url)
    loads, runs = [], []
    with Session(engine) as session:
        for _ in range(repeat):
            started = time.perf_counter()
            rules = load_rules(session)
            loads.append(time.perf_counter() - started)
            session.expunge_all()
            request = Request(
                symptoms=tuple(TYPICAL_REQUEST["symptoms"]),
                hours_since_onset=TYPICAL_REQUEST["hours_since_onset"],
                pain_level=TYPICAL_REQUEST["pain_level"],
                minutes_available=TYPICAL_REQUEST["minutes_available"],
            )
            started = time.perf_counter()
            recommend(rules, request)
            runs.append(time.perf_counter() - started)
    engine.dispose()
    return statistics.median(loads) * 1000, statistics.median(runs) * 1000


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s|m)\b", text)
    if match is None:
        print(f"  (unreadable latency {text!r})", flush=True)
        return float("nan")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def _percentile(output: str, which: str) -> str:
    block = output.split("Latency Distribution", 1)[-1]
    match = re.search(rf"^\s+{which}(?:\.000)?%\s+(\S+)", block, re.M)
    return match.group(1) if match else ""


def wrk(url: str, seconds: int, connections: int, threads: int, script: str | None) -> Run:
    command_line = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    if script:
        command_line += ["-s", script]
    output = subprocess.run([*command_line, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(_percentile(output, "50"))
    p99 = _ms(_percentile(output, "99"))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} error responses\n{output}")
    return Run(rps, p50, p99)


def warm(url: str, connections: int, threads: int, script: str | None) -> None:
    command_line = ["wrk", f"-t{threads}", f"-c{connections}", "-d2s", "--timeout", "30s"]
    subprocess.run(
        [*command_line, *(["-s", script] if script else []), url], capture_output=True, check=True
    )


def lua(method: str = "GET", body: Any = None, headers: dict[str, str] | None = None) -> str:
    lines = [f'wrk.method = "{method}"']
    if body is not None:
        lines.append(f"wrk.body = [[{json.dumps(body)}]]")
        headers = {**(headers or {}), "Content-Type": "application/json"}
    for name, value in (headers or {}).items():
        lines.append(f'wrk.headers["{name}"] = [[{value}]]')
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    return handle.name


@dataclass(frozen=True)
class Endpoint:
    """A measured endpoint: its label in the tables, and the lowest ratio to the ceiling that
    meets its target (None: measured, not judged)."""

    label: str
    target: float | None


LIST = Endpoint("list page of 20", 0.5)
DETAIL = Endpoint("detail", 0.5)
FILTER = Endpoint("search q", 0.25)
SEARCH_CACHED = Endpoint("/v1/search, one query (cached)", 0.25)
SEARCH_VARIED = Endpoint("/v1/search, varied queries", None)
NOT_MODIFIED = Endpoint("conditional GET -> 304", 0.7)
RECOMMEND = Endpoint("POST /v1/recommendations", 0.3)
DELTA_SYNC = Endpoint("delta sync (recent cursor)", 0.3)
# A second instance with the production logging (one JSON line per request at info).
LOGGED_LIST = Endpoint("list page of 20, production logging", 0.7)
LOGGED_304 = Endpoint("conditional GET -> 304, production logging", 0.7)
# Compared between the smallest and the largest scale (search_scaling).
SEARCHES_SCALED = (SEARCH_CACHED, SEARCH_VARIED)


@dataclass(frozen=True)
class Target:
    """What wrk asks of the service for an endpoint: a URL, and a script when it needs one."""

    endpoint: Endpoint
    url: str
    script: str | None = None


def targets(base: str, recent: str) -> list[Target]:
    """Each measured endpoint, in the order of the tables."""
    listing = base + "/v1/stretches?page_size=20"
    with urllib.request.urlopen(listing) as response:
        etag = response.headers["ETag"]
        slug = json.loads(response.read())["items"][5]["slug"]
    return [
        Target(LIST, listing),
        Target(DETAIL, f"{base}/v1/stretches/{slug}"),
        Target(FILTER, base + "/v1/stretches?q=cat&page_size=20"),
        Target(SEARCH_CACHED, base + "/v1/search?q=piriformis%20stretch"),
        Target(SEARCH_VARIED, base + "/v1/search", search_script()),
        Target(NOT_MODIFIED, listing, lua(headers={"If-None-Match": etag})),
        Target(RECOMMEND, base + "/v1/recommendations", lua("POST", TYPICAL_REQUEST)),
        Target(DELTA_SYNC, f"{base}/v1/sync?since={recent}"),
    ]


def logged_targets(base: str) -> list[Target]:
    """The list and 304 paths of an instance with its production logging."""
    listing = base + "/v1/stretches?page_size=20"
    with urllib.request.urlopen(listing) as response:
        etag = response.headers["ETag"]
    return [
        Target(LOGGED_LIST, listing),
        Target(LOGGED_304, listing, lua(headers={"If-None-Match": etag})),
    ]


def touch_recent(url: str) -> str:
    """A few edits; returns the cursor of a client that had synced just before them."""
    engine = make_engine(url)
    with Session(engine) as session:
        before = encode((current_version(session), END, 0))
        faqs = export_bundle(session)["faqs"][:5]
        for faq in faqs:
            faq["answer"] += " (edited)"
        import_bundle(session, {"faqs": faqs})
        session.commit()
    engine.dispose()
    return before


Results = dict[Endpoint, dict[str, float]]


def measure(url: str, args: argparse.Namespace) -> Results:
    # The service as production runs it: its JSON line per request at info, gunicorn's
    # access log as gunicorn.conf.py has it; the ceiling stays bare (warning, no access log).
    production = {"LOG_LEVEL": "info", "LOG_FORMAT": "json"}
    logging = production if args.logging else {}
    access_log = "" if args.logging else "/dev/null"
    workers: int = args.workers
    results: dict[Endpoint, dict[str, list[float]]] = {}
    with (
        gunicorn(url, workers=workers, access_log=access_log, **logging) as service,
        gunicorn(url, workers=workers, access_log="", **production) as logged,
        gunicorn(url, workers=workers, app="bench.ceiling:app", ready_path="/") as ceiling,
    ):
        measured = targets(service.url, touch_recent(url)) + logged_targets(logged.url)
        if args.only:
            wanted = [part.strip() for part in args.only.split(",")]
            measured = [t for t in measured if any(part in t.endpoint.label for part in wanted)]
        for target in measured:
            if target.script is None:
                urllib.request.urlopen(urllib.request.Request(target.url, method="GET")).close()
            # Warm every worker (its first request after a write fills its caches).
            warm(target.url, args.connections, args.threads, target.script)
            rows = results.setdefault(
                target.endpoint, {"rps": [], "p50": [], "p99": [], "ceiling": [], "ratio": []}
            )
            for _ in range(args.rounds):
                roof = wrk(ceiling.url + "/", args.duration, args.connections, args.threads, None)
                run = wrk(target.url, args.duration, args.connections, args.threads, target.script)
                rows["rps"].append(run.rps)
                rows["p50"].append(run.p50_ms)
                rows["p99"].append(run.p99_ms)
                rows["ceiling"].append(roof.rps)
                rows["ratio"].append(run.rps / roof.rps)
            print(
                f"  {target.endpoint.label:<30} {statistics.median(rows['rps']):>8.0f} req/s  "
                f"ratio {statistics.median(rows['ratio']):.2f}",
                flush=True,
            )
    return {
        endpoint: {key: statistics.median(values) for key, values in rows.items()}
        for endpoint, rows in results.items()
    }


def table(results: Results) -> list[str]:
    lines = [
        "| endpoint | req/s | p50 ms | p99 ms | ceiling req/s | ratio | target |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for endpoint, row in results.items():
        target = endpoint.target
        mark = "" if target is None else (" ok" if row["ratio"] >= target else " MISSED")
        lines.append(
            f"| {endpoint.label} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} | "
            f"{row['ceiling']:.0f} | {row['ratio']:.2f} | >= {target}{mark} |"
        )
    return lines


def search_scaling(loads: dict[int, Results], searches: dict[int, float]) -> list[str]:
    """/v1/search at the largest scale against the smallest: the target is within 30%."""
    if len(searches) < 2:
        return []
    small, large = min(searches), max(searches)
    lines = [
        f"### Search at {large} items against {small} (target: within 30%)",
        "",
        "| measure | small | large | change | target |",
        "|---|---:|---:|---:|---:|",
    ]

    def row(label: str, before: float, after: float, higher_is_better: bool) -> None:
        change = after / before - 1
        worse = -change if higher_is_better else change
        mark = "ok" if worse <= 0.30 else "MISSED"
        lines.append(f"| {label} | {before:.2f} | {after:.2f} | {change:+.0%} | {mark} |")

    row("in-process ms per search (no cache)", searches[small], searches[large], False)
    for endpoint in SEARCHES_SCALED:
        if endpoint in loads.get(small, {}) and endpoint in loads.get(large, {}):
            before, after = loads[small][endpoint]["rps"], loads[large][endpoint]["rps"]
            row(f"{endpoint.label}, req/s", before, after, True)
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="1000,10000,100000")
    parser.add_argument("--load-scales", default="1000,100000", help="scales driven with wrk")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--server",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument(
        "--only",
        default="",
        help="measure only the endpoints whose label contains one of these comma-separated "
        "words (e.g. 'production logging' for the logging rows)",
    )
    parser.add_argument(
        "--logging",
        action="store_true",
        help="run the service with its production logging (info, JSON lines, to a file)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    scales = [int(s) for s in args.scales.split(",")]
    load_scales = {int(s) for s in args.load_scales.split(",")}
    report: list[str] = []
    imports: list[str] = [
        "| catalogue items | import s | rules load ms | engine ms | search ms |",
        "|---:|---:|---:|---:|---:|",
    ]
    loads: dict[int, Results] = {}
    searches: dict[int, float] = {}
    for scale in scales:
        print(f"scale {scale}: building the catalogue", flush=True)
        url, seconds, items = prepare_database(args.server, scale)
        load_ms, engine_ms = time_recommendation(url, repeat=20 if items < 50_000 else 3)
        search_ms = time_search(url)
        searches[items] = search_ms
        imports.append(
            f"| {items} | {seconds:.2f} | {load_ms:.1f} | {engine_ms:.2f} | {search_ms:.2f} |"
        )
        print(
            f"  import of {items} items: {seconds:.2f} s; "
            f"rules load {load_ms:.1f} ms; engine {engine_ms:.2f} ms",
            flush=True,
        )
        if scale in load_scales:
            loads[items] = measure(url, args)
        drop_database(url)

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    report += [
        f"Measured {now} on {machine}; PostgreSQL on loopback; gunicorn with `gunicorn.conf.py` "
        f"({args.workers} workers of its worker class) for both the service and the ceiling; "
        "wrk with "
        f"{args.connections} connections, {args.threads} threads, {args.duration} s per run, "
        f"{args.rounds} rounds interleaved with the ceiling; figures are medians of the rounds"
        + (
            "; the service with its production logging (one JSON line per request at info, "
            "gunicorn's access log as gunicorn.conf.py sets it)."
            if args.logging
            else "; the service logging at warning, no access log, except in the rows marked "
            "production logging (a second instance with one JSON line per request at info)."
        ),
        "",
    ]
    for items, results in loads.items():
        report += [f"### {items} catalogue items", "", *table(results), ""]
    report += ["### Bulk import, in-process recommendation and search", "", *imports, ""]
    report += search_scaling(loads, searches)
    text = "\n".join(report)
    print(text)
    output = Path(args.output)
    existing = output.read_text(encoding="utf-8") if output.exists() else "# Performance\n"
    marker = "<!-- bench:start -->"
    end = "<!-- bench:end -->"
    block = f"{marker}\n{text}\n{end}"
    if marker in existing:
        existing = re.sub(f"{marker}.*?{end}", lambda _m: block, existing, flags=re.S)
    else:
        existing = existing.rstrip() + "\n\n## Latest run\n\n" + block + "\n"
    output.write_text(existing, encoding="utf-8")


if __name__ == "__main__":
    main()
