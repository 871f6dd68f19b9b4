"""`make bench`: the service against a bare Flask ceiling, under the same gunicorn settings.

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
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.catalogue import build_bundle, count  # noqa: E402
from service.admin.bundle import export_bundle, import_bundle  # noqa: E402
from service.content.versioning import current_version  # noqa: E402
from service.db import create_database, drop_database, make_engine  # noqa: E402
from service.recommendations.engine import Request, recommend  # noqa: E402
from service.recommendations.rules import load_rules  # noqa: E402
from service.sync.services import END, encode  # noqa: E402

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

TYPICAL_REQUEST = {
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def empty_database(backend: str, server: str, folder: Path, name: str) -> str:
    """The URL of a database of `backend` with nothing in it, for one benchmark to fill."""
    if backend == "sqlite":
        return f"sqlite:///{folder / name}.db"
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    drop_database(url)
    return url


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    return config


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
    engine.dispose()
    return url_text, seconds, count(bundle)


def time_search(url: str, repeat: int = 5) -> float:
    """Median ms of one search in-process, no response cache: the work a cache miss does."""
    from service.search.services import search

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


@contextmanager
def gunicorn(app: str, env: dict[str, str], production_logging: bool = False) -> Iterator[str]:
    port = free_port()
    command_line = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        # Production logging: whatever gunicorn.conf.py sets, written to a real file.
        *([] if production_logging else ["--access-logfile", "/dev/null"]),
        app,
    ]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        command_line, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        else:
            log.seek(0)
            raise RuntimeError(f"{app} did not start: {log.read().decode()[-2000:]}")
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


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


def endpoints(base: str, recent: str) -> list[tuple[str, str, str | None]]:
    """(label, url, wrk script) for each measured endpoint."""
    listing = base + "/v1/stretches?page_size=20"
    with urllib.request.urlopen(listing) as response:
        etag = response.headers["ETag"]
        slug = json.loads(response.read())["items"][5]["slug"]
    return [
        ("list page of 20", listing, None),
        ("detail", f"{base}/v1/stretches/{slug}", None),
        ("search q", base + "/v1/stretches?q=cat&page_size=20", None),
        ("/v1/search, one query (cached)", base + "/v1/search?q=piriformis%20stretch", None),
        ("/v1/search, varied queries", base + "/v1/search", search_script()),
        ("conditional GET -> 304", listing, lua(headers={"If-None-Match": etag})),
        ("POST /v1/recommendations", base + "/v1/recommendations", lua("POST", TYPICAL_REQUEST)),
        ("delta sync (recent cursor)", f"{base}/v1/sync?since={recent}", None),
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


def measure(url: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    env = {
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "false",
        "LOG_LEVEL": "warning",
        "WEB_CONCURRENCY": str(args.workers),
    }
    # The service as production runs it: its JSON line per request at info, gunicorn's
    # access log as gunicorn.conf.py has it; the ceiling stays bare.
    production = {**env, "LOG_LEVEL": "info", "LOG_FORMAT": "json"}
    service_env = production if args.logging else env
    results: dict[str, dict[str, list[float]]] = {}
    with (
        gunicorn("service:create_app()", service_env, args.logging) as service,
        gunicorn("service:create_app()", production, True) as logged,
        gunicorn("bench.ceiling:app", env) as ceiling,
    ):
        targets = endpoints(service, touch_recent(url)) + logged_endpoints(logged)
        if args.only:
            wanted = [part.strip() for part in args.only.split(",")]
            targets = [t for t in targets if any(part in t[0] for part in wanted)]
        for label, target, script in targets:
            urllib.request.urlopen(
                urllib.request.Request(target, method="GET")
            ).close() if script is None else None
            # Warm every worker (its first request after a write fills its caches).
            warm(target, args.connections, args.threads, script)
            rows = results.setdefault(
                label, {"rps": [], "p50": [], "p99": [], "ceiling": [], "ratio": []}
            )
            for _ in range(args.rounds):
                roof = wrk(ceiling + "/", args.duration, args.connections, args.threads, None)
                run = wrk(target, args.duration, args.connections, args.threads, script)
                rows["rps"].append(run.rps)
                rows["p50"].append(run.p50_ms)
                rows["p99"].append(run.p99_ms)
                rows["ceiling"].append(roof.rps)
                rows["ratio"].append(run.rps / roof.rps)
            print(
                f"  {label:<30} {statistics.median(rows['rps']):>8.0f} req/s  "
                f"ratio {statistics.median(rows['ratio']):.2f}",
                flush=True,
            )
    return {
        label: {key: statistics.median(values) for key, values in rows.items()}
        for label, rows in results.items()
    }


def logged_endpoints(base: str) -> list[tuple[str, str, str | None]]:
    """The list and 304 paths of an instance with its production logging (a line per request)."""
    listing = base + "/v1/stretches?page_size=20"
    with urllib.request.urlopen(listing) as response:
        etag = response.headers["ETag"]
    return [
        (LOGGED_LIST, listing, None),
        (LOGGED_304, listing, lua(headers={"If-None-Match": etag})),
    ]


LOGGED_LIST = "list page of 20, production logging"
LOGGED_304 = "conditional GET -> 304, production logging"
TARGETS = {
    "list page of 20": 0.5,
    "detail": 0.5,
    "conditional GET -> 304": 0.7,
    LOGGED_LIST: 0.7,
    LOGGED_304: 0.7,
    "search q": 0.25,
    "/v1/search, one query (cached)": 0.25,
    "POST /v1/recommendations": 0.3,
    "delta sync (recent cursor)": 0.3,
}


def table(results: dict[str, dict[str, float]]) -> list[str]:
    lines = [
        "| endpoint | req/s | p50 ms | p99 ms | ceiling req/s | ratio | target |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, row in results.items():
        target = TARGETS.get(label)
        mark = "" if target is None else (" ok" if row["ratio"] >= target else " MISSED")
        lines.append(
            f"| {label} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} | "
            f"{row['ceiling']:.0f} | {row['ratio']:.2f} | >= {target}{mark} |"
        )
    return lines


def search_scaling(
    loads: dict[int, dict[str, dict[str, float]]], searches: dict[int, float]
) -> list[str]:
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
    for label in ("/v1/search, one query (cached)", "/v1/search, varied queries"):
        if label in loads.get(small, {}) and label in loads.get(large, {}):
            row(f"{label}, req/s", loads[small][label]["rps"], loads[large][label]["rps"], True)
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
    loads: dict[int, dict[str, dict[str, float]]] = {}
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
