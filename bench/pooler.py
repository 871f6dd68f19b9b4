"""The service straight on PostgreSQL against the same through PgBouncer (transaction mode).

On the seed catalogue in a database of its own on the shared server: requests/s of the list,
detail and 304 paths with wrk (each instance alone, interleaved rounds), the server
connections each shape holds, and what the content-version poll costs the database (the
time of one poll through the pooler). Prints a Markdown table; nothing is written.
Run: .venv/bin/python -m bench.pooler [--duration 3 --rounds 2]
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.request
import uuid

import psycopg
import sqlalchemy as sa

from bench.run import lua, warm, wrk
from service.db import create_database, drop_database
from tests.reliability.servers import gunicorn, pgbouncer, prepare_database

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def server_connections(direct: str) -> int:
    name = sa.engine.make_url(direct).database
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres") as c:
        row = c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,))
        return int(row.fetchone()[0])  # type: ignore[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--pool-size", type=int, default=4)
    args = parser.parse_args()
    direct = (
        sa.engine.make_url(SERVER)
        .set(database=f"backcare_bench_{uuid.uuid4().hex[:8]}")
        .render_as_string(hide_password=False)
    )
    create_database(direct)
    try:
        prepare_database(direct)
        with pgbouncer(direct, pool_size=args.pool_size) as pooler:
            pooled = pooler.url(direct)
            shapes = {
                "direct": (direct, {}),
                "pgbouncer": (pooled, {"DATABASE_POOLER": "transaction"}),
            }
            rows: dict[str, dict[str, list[float]]] = {}
            connections: dict[str, int] = {}
            for shape, (url, env) in shapes.items():
                with gunicorn(url, workers=2, RATELIMIT_ENABLED="false", **env) as app:
                    listing = app.url + "/v1/faqs?page_size=20"
                    with urllib.request.urlopen(listing) as response:
                        etag = response.headers["ETag"]
                    targets = {
                        "list page of 20": (listing, None),
                        "detail": (app.url + "/v1/faqs/how-to-stretch-safely", None),
                        "conditional GET -> 304": (listing, lua(headers={"If-None-Match": etag})),
                    }
                    for label, (target, script) in targets.items():
                        warm(target, args.connections, 2, script)
                        for _ in range(args.rounds):
                            run = wrk(target, args.duration, args.connections, 2, script)
                            rows.setdefault(label, {}).setdefault(shape, []).append(run.rps)
                    connections[shape] = server_connections(direct)
            conninfo = sa.engine.make_url(pooled).set(drivername="postgresql")
            with psycopg.connect(
                conninfo.render_as_string(hide_password=False),
                autocommit=True,
                prepare_threshold=None,
            ) as poll:
                started = time.perf_counter()
                for _ in range(2000):
                    poll.execute("SELECT version FROM content_state WHERE id = 1").fetchone()
                poll_ms = (time.perf_counter() - started) / 2000 * 1000
    finally:
        drop_database(direct)
    print("| endpoint | direct req/s | through PgBouncer req/s | ratio |")
    print("|---|---:|---:|---:|")
    for label, by_shape in rows.items():
        one, two = statistics.median(by_shape["direct"]), statistics.median(by_shape["pgbouncer"])
        print(f"| {label} | {one:.0f} | {two:.0f} | {two / one:.2f} |")
    print(
        f"\nServer connections to the database after the run: direct {connections['direct']}, "
        f"through PgBouncer {connections['pgbouncer']} (pool size {args.pool_size}); "
        f"one content-version poll through PgBouncer: {poll_ms:.3f} ms."
    )


if __name__ == "__main__":
    main()
