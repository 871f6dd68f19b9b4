"""Time a bulk import of N items through POST /v1/admin/import, then again (nothing changes).

    .venv/bin/python -m tests.admin.bench_import --backend sqlite --items 10000
    .venv/bin/python -m tests.admin.bench_import --backend postgresql --items 10000 --profile

Each run uses a database of its own, migrated from empty, and drops it afterwards.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command

from bench.catalogue import build_bundle, count, reviewed, variant
from service import create_app, db
from service.admin import keys
from service.admin.audit import SYSTEM
from service.admin.models import Role
from service.config import Settings
from service.db import create_database, drop_database
from tests.toolkit.backends import POSTGRES_SERVER
from tests.toolkit.clients import client_with
from tests.toolkit.repository import alembic_config


def catalogue(items: int) -> dict[str, list[dict[str, Any]]]:
    """Exactly `items` items: the bench's catalogue, topped up with more FAQ variants."""
    bundle = build_bundle(items)
    seed_faqs = [faq for faq in bundle["faqs"] if "-v" not in faq["slug"]]
    number = 10_000
    while count(bundle) < items:
        number += 1
        extra = variant(seed_faqs[number % len(seed_faqs)], number)
        bundle["faqs"].append({**extra, "position": number % 10_000})
    return reviewed(bundle)


def database_url(backend: str, folder: Path) -> str:
    name = f"backcare_bench_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        return f"sqlite:///{folder / name}.db"
    url = sa.engine.make_url(POSTGRES_SERVER).set(database=name)
    rendered = url.render_as_string(hide_password=False)
    create_database(rendered)
    return rendered


def run(backend: str, items: int, profile: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = database_url(backend, Path(folder))
        try:
            command.upgrade(alembic_config(url), "head")
            # In the request, whatever the size: this times the import itself (bench/imports.py
            # times large ones as the jobs they become).
            app = create_app(
                Settings(
                    database_url=url,
                    ratelimit_enabled=False,
                    log_level="warning",
                    import_job_bytes=1 << 30,
                    import_job_items=10**9,
                )
            )
            with app.app_context():
                session = db.session()
                _key, secret = keys.create_key(session, name="bench", role=Role.ADMIN, actor=SYSTEM)
                session.commit()
            client = client_with(app)
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
            bundle = catalogue(items)
            body = json.dumps(bundle).encode()
            print(f"{backend}: {count(bundle)} items, {len(body) / 1e6:.1f} MB of JSON")

            for label in ("first import (all created)", "second import (all unchanged)"):
                profiler = cProfile.Profile() if profile else None
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                response = client.post(
                    "/v1/admin/import", data=body, content_type="application/json"
                )
                if profiler:
                    profiler.disable()
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.get_data(as_text=True)[:2000]
                totals = {"created": 0, "updated": 0, "unchanged": 0}
                for plan in response.json["collections"].values():
                    for key in totals:
                        totals[key] += plan[key]
                print(f"  {label}: {elapsed:.2f} s  {totals}")
                if profiler:
                    pstats.Stats(profiler).sort_stats(
                        os.environ.get("SORT", "cumulative")
                    ).print_stats(30)

            started = time.perf_counter()
            exported = client.get("/v1/admin/export")
            assert exported.status_code == 200
            print(f"  export: {time.perf_counter() - started:.2f} s")
            app.extensions["db"].dispose()
        finally:
            if backend == "postgresql":
                drop_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true")
    arguments = parser.parse_args()
    run(arguments.backend, arguments.items, arguments.profile)
