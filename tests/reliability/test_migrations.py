"""Migrations upgrade and downgrade with data in the tables, one revision at a time.

tests/test_contract.py walks the migrations on an empty database; real databases are not
empty. Here the catalogue, keys, the audit log, tombstones and the content version are all
filled in before each step down and each step up.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from service.admin import items, keys
from service.admin.audit import SYSTEM
from service.admin.bundle import import_bundle
from service.admin.models import Role
from service.admin.seed import read_seed
from service.catalogue import BY_NAME
from service.db import make_engine
from tests.toolkit.database import MakeDatabaseUrl
from tests.toolkit.repository import SEED, alembic_config


def _write(url: str, number: int) -> dict[str, int]:
    """Write through the admin services (a key, an update, a create and a delete, so audit
    entries and a tombstone: the item deleted was public, as only those leave one); return the
    rows per table afterwards."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            keys.create_key(session, name=f"migrations {number}", role=Role.ADMIN, actor=SYSTEM)
            faqs = BY_NAME["faqs"]
            row = items.get_item(session, faqs, "how-to-stretch-safely")
            items.update_item(session, faqs, row, {"answer": f"Changed {number}."}, SYSTEM)
            new = {
                "slug": f"migrating-{number}",
                "question": "Does this survive migrations?",
                "answer": "It should.",
                "sources": ["article-back-pain-after-stretching"],
                "status": "published",
                "last_reviewed": "2026-11-23",
                "next_review": "2027-05-23",
                "reviewed_by": "Backcare content team",
            }
            created = items.create_item(session, faqs, new, SYSTEM)
            items.delete_item(session, faqs, created, SYSTEM)
            session.commit()
        return _counts(engine)
    finally:
        engine.dispose()


def _counts(engine: sa.Engine) -> dict[str, int]:
    inspector = sa.inspect(engine)
    with engine.connect() as connection:
        return {
            table: connection.scalar(sa.text(f'SELECT count(*) FROM "{table}"'))
            for table in inspector.get_table_names()
            if table != "alembic_version"
        }


def test_every_migration_goes_down_and_up_with_data(make_database_url: MakeDatabaseUrl) -> None:
    url = make_database_url()
    config = alembic_config(url)
    revisions = [
        script.revision
        for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))
    ]
    assert len(revisions) >= 7
    command.upgrade(config, "head")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            import_bundle(session, read_seed(SEED))
            session.commit()
    finally:
        engine.dispose()

    # From head with data in every table, down to each earlier revision and back up to head.
    for number, target in enumerate(reversed(revisions[:-1])):
        filled = _write(url, number)
        assert all(filled[t] for t in ("faqs", "api_keys", "audit_entries", "tombstones"))
        command.downgrade(config, target)
        engine = make_engine(url)
        try:
            kept = {t: n for t, n in _counts(engine).items() if t in filled}
        finally:
            engine.dispose()
        assert kept and all(kept[t] == filled[t] for t in kept), target
        command.upgrade(config, "head")
        engine = make_engine(url)
        try:
            back = _counts(engine)
        finally:
            engine.dispose()
        # What the downgrade kept is still there after the way back up.
        assert {t: back[t] for t in kept} == kept, target

    # The models match the migrated schema, writes still work, and it all goes down to nothing.
    command.check(config)
    _write(url, len(revisions))
    command.downgrade(config, "base")
    engine = make_engine(url)
    try:
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
