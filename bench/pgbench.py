"""What one PostgreSQL primary and one streaming replica sustain here, under pgbench.

A throwaway primary (initdb) and its hot standby (pg_basebackup), both PostgreSQL's default
settings, on free loopback ports, as the replica tests make them. pgbench's own tables at a
small scale; short runs of its built-in scripts: read-write (TPC-B like) on the primary,
select-only on the primary and on the replica, and the replica's replay lag while the primary
takes the read-write load. Prints a Markdown table; nothing is written, everything is removed.
Run: .venv/bin/python bench/pgbench.py [--seconds 10 --clients 8 --scale 10]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability.servers import (  # noqa: E402
    PrivatePostgres,
    private_postgres,
    streaming_replica,
    wait_until,
)


def pgbench(cluster: PrivatePostgres, *args: str) -> str:
    binary = (cluster.bin / "initdb").resolve().parent / "pgbench"
    command = [str(binary), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def tps(output: str) -> float:
    match = re.search(r"tps = ([\d.]+)", output)
    assert match, output
    return float(match.group(1))


def latency(output: str) -> float:
    match = re.search(r"latency average = ([\d.]+) ms", output)
    return float(match.group(1)) if match else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    run = ["-c", str(args.clients), "-j", "2", "-T", str(args.seconds)]
    with private_postgres() as primary:
        admin = sa.create_engine(
            primary.url.replace("/backcare", "/postgres"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(sa.text("CREATE DATABASE backcare"))
        admin.dispose()
        pgbench(primary, "-i", "-q", "-s", str(args.scale), "backcare")
        with streaming_replica(primary) as standby:
            engine = sa.create_engine(standby.url, isolation_level="AUTOCOMMIT")

            def accepts() -> bool:
                with engine.connect():
                    return True

            wait_until(accepts, 30, "the replica to accept connections")
            lags: list[float] = []
            stop = threading.Event()

            def watch() -> None:
                with engine.connect() as connection:
                    while not stop.is_set():
                        lag = connection.scalar(
                            sa.text(
                                "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), "
                                "pg_last_wal_replay_lsn())"
                            )
                        )
                        lags.append(float(lag or 0))
                        time.sleep(0.1)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            read_write = pgbench(primary, *run, "backcare")
            stop.set()
            watcher.join()
            primary_select = pgbench(primary, "-S", *run, "backcare")
            replica_select = pgbench(standby, "-S", "-n", *run, "backcare")
            engine.dispose()
    print(f"pgbench scale {args.scale}, {args.clients} clients, 2 threads, {args.seconds} s each\n")
    print("| where | script | tps | latency ms |")
    print("|---|---|---:|---:|")
    for where, script, output in (
        ("primary", "read-write (TPC-B like)", read_write),
        ("primary", "select-only", primary_select),
        ("replica", "select-only", replica_select),
    ):
        print(f"| {where} | {script} | {tps(output):.0f} | {latency(output):.2f} |")
    worst = max(lags, default=0.0)
    print(f"\nreplica replay lag during the read-write run: at most {worst / 1024:.0f} KiB of WAL")


if __name__ == "__main__":
    main()
