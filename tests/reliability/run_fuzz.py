"""`make fuzz`: the schemathesis CLI against the service under gunicorn, with many examples.

    python -m tests.reliability.run_fuzz [--backend postgresql|sqlite] [-n 100] [-- CLI args]

Creates a fresh database (on TEST_POSTGRES_URL's server, or a SQLite file), migrates and
seeds it, creates an admin key, serves the service with gunicorn on a free loopback port and
runs every phase and every check of schemathesis.toml against openapi.yaml. Exits with
schemathesis' status; the database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

from service.admin.models import ApiKey
from service.db import drop_database, make_engine
from tests.reliability.fuzz_hooks import OWN_KEY_ENV
from tests.reliability.servers import gunicorn, prepare_database
from tests.toolkit.backends import POSTGRES_SERVER

ROOT = Path(__file__).resolve().parents[2]


def _database(backend: str, folder: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / 'fuzz.db'}"
    return (
        sa.engine.make_url(POSTGRES_SERVER)
        .set(database=f"backcare_fuzz_{uuid.uuid4().hex[:10]}")
        .render_as_string(hide_password=False)
    )


def _key_id(url: str, secret: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.scalar(sa.select(ApiKey.id).where(ApiKey.prefix == secret[:12])) or 0
            )
    finally:
        engine.dispose()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("-n", "--max-examples", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("extra", nargs="*", help="more schemathesis run options, after --")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="backcare-fuzz-") as folder:
        url = _database(args.backend, Path(folder))
        try:
            secret = prepare_database(url, role="admin")
        except sa.exc.OperationalError as error:
            print(f"Cannot reach PostgreSQL ({error.orig}); try --backend sqlite.", file=sys.stderr)
            return 2
        try:
            # The fuzzer must not revoke its own key (tests/reliability/fuzz_hooks.py).
            env = {**os.environ, OWN_KEY_ENV: str(_key_id(url, secret))}
            with gunicorn(url, workers=args.workers) as server:
                print(
                    f"Fuzzing {server.url} ({args.backend}), "
                    f"{args.max_examples} examples per operation"
                )
                command = [
                    str(Path(sys.executable).with_name("schemathesis")),
                    "--config-file",
                    str(ROOT / "schemathesis.toml"),
                    "run",
                    str(ROOT / "openapi.yaml"),
                    "--url",
                    server.url,
                    "--checks",
                    "all",
                    "--max-examples",
                    str(args.max_examples),
                    "--workers",
                    "2",
                    "--header",
                    f"Authorization: Bearer {secret}",
                    *args.extra,
                ]
                status = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
                errors = [
                    line
                    for line in server.log.read_text(
                        encoding="utf-8", errors="replace"
                    ).splitlines()
                    if '"level": "error"' in line or "Traceback" in line or "Error" in line
                ]
                if errors:
                    print("\nThe service logged these errors:", *errors[-40:], sep="\n")
                return status
        finally:
            if args.backend == "postgresql":
                drop_database(url)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
