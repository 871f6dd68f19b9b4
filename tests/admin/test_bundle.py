"""Bundles: validated whole, applied all or nothing, idempotent, and export/import is lossless."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.admin.bundle import export_bundle, import_bundle
from service.catalogue import COLLECTIONS
from service.errors import InvalidInput
from service.stretches.models import Stretch
from tests.toolkit.database import MakeDatabaseUrl


def counts(session: Session) -> dict[str, int]:
    return {
        c.name: session.scalar(sa.select(sa.func.count()).select_from(c.model)) or 0
        for c in COLLECTIONS
    }


def test_importing_the_seed_again_changes_nothing(
    session: Session, seed_bundle: dict[str, Any]
) -> None:
    before = export_bundle(session)
    result = import_bundle(session, seed_bundle)
    assert not result.changed
    for collection, plan in result.summary()["collections"].items():
        assert plan["unchanged"] == len(seed_bundle[collection])
    assert export_bundle(session) == before


def test_dry_run_reports_the_plan_and_writes_nothing(
    session: Session, seed_bundle: dict[str, Any]
) -> None:
    bundle = copy.deepcopy(seed_bundle)
    bundle["stretches"][0]["summary"] = "A changed summary."
    bundle["faqs"].append({**bundle["faqs"][0], "slug": "a-new-question", "position": 99})
    before = export_bundle(session)
    result = import_bundle(session, bundle, dry_run=True)
    summary = result.summary()["collections"]
    assert summary["stretches"]["updated"] == 1
    assert summary["faqs"]["created"] == 1
    assert export_bundle(session) == before


def test_an_update_is_applied_with_its_relations(
    session: Session, seed_bundle: dict[str, Any]
) -> None:
    bundle = {"stretches": copy.deepcopy(seed_bundle["stretches"][:1])}
    item = bundle["stretches"][0]
    item["contraindications"] = [{"cause": "sciatica", "reason": "Made up for the test."}]
    item["helps_with"] = ["poor-posture"]
    result = import_bundle(session, bundle)
    assert result.summary()["collections"]["stretches"]["updated"] == 1
    stretch = next(s for s in export_bundle(session)["stretches"] if s["slug"] == item["slug"])
    assert stretch["helps_with"] == ["poor-posture"]
    assert [(c["cause"], c["reason"]) for c in stretch["contraindications"]] == [
        ("sciatica", "Made up for the test.")
    ]


def test_one_bad_item_leaves_the_database_as_it_was(
    session: Session, seed_bundle: dict[str, Any]
) -> None:
    before = export_bundle(session)
    bundle = copy.deepcopy(seed_bundle)
    bundle["stretches"][0]["summary"] = "Would be changed."
    bundle["faqs"].append({**bundle["faqs"][0], "slug": "new-one", "position": 50})
    bundle["routines"][1]["steps"][0]["seconds"] = -5
    with pytest.raises(InvalidInput) as error:
        import_bundle(session, bundle)
    assert "routines.1.steps.0.seconds" in (error.value.errors or {})
    assert export_bundle(session) == before


def test_every_problem_is_reported_at_once_with_its_path(
    session: Session, seed_bundle: dict[str, Any]
) -> None:
    bundle = copy.deepcopy(seed_bundle)
    bundle["stretches"][0]["slug"] = "Not A Slug"
    bundle["stretches"][1]["colour"] = "blue"
    # A missing reference in an item that is also invalid is reported in the same answer.
    bundle["stretches"][1]["helps_with"] = ["no-such-cause"]
    bundle["exercises"][0]["difficulty"] = "heroic"
    bundle["symptoms"][0]["causes"] = [{"cause": "muscle-strain", "weight": 3}]
    bundle["unicorns"] = []
    with pytest.raises(InvalidInput) as error:
        import_bundle(session, bundle)
    assert set(error.value.errors or {}) >= {
        "stretches.0.slug",
        "stretches.1.colour",
        "stretches.1.helps_with.0",
        "exercises.0.difficulty",
        "symptoms.0.causes.0.weight",
        "unicorns",
    }


def test_references_must_exist(session: Session, seed_bundle: dict[str, Any]) -> None:
    bundle = {"stretches": copy.deepcopy(seed_bundle["stretches"][:2])}
    bundle["stretches"][1]["helps_with"] = ["no-such-cause"]
    bundle["stretches"][0]["contraindications"] = [{"cause": "nope", "reason": "x"}]
    with pytest.raises(InvalidInput) as error:
        import_bundle(session, bundle)
    assert set(error.value.errors or {}) == {
        "stretches.1.helps_with.0",
        "stretches.0.contraindications.0.cause",
    }


def test_duplicate_slugs_in_a_bundle_are_rejected(
    session: Session, seed_bundle: dict[str, Any]
) -> None:
    bundle = {"faqs": [seed_bundle["faqs"][0], seed_bundle["faqs"][0]]}
    with pytest.raises(InvalidInput) as error:
        import_bundle(session, bundle)
    assert "faqs.1.slug" in (error.value.errors or {})


def test_prune_deletes_what_the_bundle_leaves_out(
    session: Session, seed_bundle: dict[str, Any]
) -> None:
    keep = seed_bundle["faqs"][:2]
    result = import_bundle(session, {"faqs": keep, "prune": True})
    assert result.summary()["collections"]["faqs"]["deleted"] == len(seed_bundle["faqs"]) - 2
    assert [f["slug"] for f in export_bundle(session)["faqs"]] == [f["slug"] for f in keep]


def test_export_then_import_into_an_empty_database_is_lossless(
    session: Session, make_database_url: MakeDatabaseUrl
) -> None:
    from alembic import command

    from service.db import make_engine
    from tests.toolkit.repository import alembic_config

    exported = export_bundle(session)
    url = make_database_url()
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    try:
        with Session(engine) as other:
            import_bundle(other, exported)
            other.commit()
            assert export_bundle(other) == exported
            assert counts(other) == counts(session)
    finally:
        engine.dispose()


def test_routine_steps_can_be_reordered(session: Session, seed_bundle: dict[str, Any]) -> None:
    routine = copy.deepcopy(seed_bundle["routines"][0])
    routine["steps"].reverse()
    import_bundle(session, {"routines": [routine]})
    exported = next(r for r in export_bundle(session)["routines"] if r["slug"] == routine["slug"])
    assert [s["stretch"] for s in exported["steps"]] == [s["stretch"] for s in routine["steps"]]


def test_translations_only_of_text_fields(session: Session, seed_bundle: dict[str, Any]) -> None:
    item = copy.deepcopy(seed_bundle["stretches"][0])
    item["translations"] = {"es": {"name": "Gato-vaca", "routine_seconds": 5}}
    with pytest.raises(InvalidInput) as error:
        import_bundle(session, {"stretches": [item]})
    assert "routine_seconds" in str(error.value.errors)
    item["translations"] = {"es": {"name": "Gato-vaca"}}
    import_bundle(session, {"stretches": [item]})
    stretch = session.scalar(sa.select(Stretch).where(Stretch.slug == item["slug"]))
    assert stretch is not None and stretch.translations == {"es": {"name": "Gato-vaca"}}


def test_referring_to_an_invalid_item_of_the_bundle_is_not_a_second_problem(
    session: Session, seed_bundle: dict[str, Any]
) -> None:
    cause = {**copy.deepcopy(seed_bundle["causes"][0]), "slug": "new-cause", "category": "?"}
    stretch = {**copy.deepcopy(seed_bundle["stretches"][0]), "helps_with": ["new-cause"]}
    with pytest.raises(InvalidInput) as error:
        import_bundle(session, {"causes": [cause], "stretches": [stretch]})
    assert set(error.value.errors or {}) == {"causes.0.category"}


def test_an_import_is_audited_and_deletions_leave_tombstones(
    session: Session, seed_bundle: dict[str, Any]
) -> None:
    from service.admin.audit import Actor
    from service.admin.models import AuditEntry, Tombstone

    faqs = copy.deepcopy(seed_bundle["faqs"])
    faqs[0]["answer"] = "Changed by an import."
    import_bundle(session, {"faqs": faqs[:3], "prune": True}, actor=Actor(None, "importer"))
    entries = session.scalars(sa.select(AuditEntry).where(AuditEntry.key_name == "importer")).all()
    assert {(e.slug, e.action) for e in entries} == {(faqs[0]["slug"], "update")} | {
        (f["slug"], "delete") for f in faqs[3:]
    }
    stones = session.scalars(sa.select(Tombstone.slug).where(Tombstone.collection == "faqs"))
    assert set(stones) == {f["slug"] for f in faqs[3:]}


def test_an_import_written_in_several_flushes_keeps_what_later_items_refer_to(
    session: Session, seed_bundle: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """New causes, new stretches citing them and a new routine of those stretches, written a
    few rows per flush: every reference still lands on its row."""
    from service.admin import bundle as engine

    monkeypatch.setattr(engine, "FLUSH_EVERY", 2)
    cause, stretch, routine = (
        seed_bundle["causes"][0],
        seed_bundle["stretches"][0],
        seed_bundle["routines"][0],
    )
    causes = [{**copy.deepcopy(cause), "slug": f"chunked-cause-{n}"} for n in range(5)]
    stretches = [
        {
            **copy.deepcopy(stretch),
            "slug": f"chunked-stretch-{n}",
            "helps_with": [f"chunked-cause-{n}"],
            "contraindications": [{"cause": f"chunked-cause-{4 - n}", "reason": "Test."}],
        }
        for n in range(5)
    ]
    steps = [{**routine["steps"][0], "stretch": f"chunked-stretch-{n}"} for n in range(5)]
    routines = [{**copy.deepcopy(routine), "slug": "chunked-routine", "steps": steps}]
    bundle = {"causes": causes, "stretches": stretches, "routines": routines}
    result = import_bundle(session, bundle)
    assert {n: c["created"] for n, c in result.summary()["collections"].items()} == {
        "causes": 5,
        "stretches": 5,
        "routines": 1,
    }
    exported = export_bundle(session)
    by_slug = {s["slug"]: s for s in exported["stretches"]}
    for n in range(5):
        assert by_slug[f"chunked-stretch-{n}"]["helps_with"] == [f"chunked-cause-{n}"]
        assert by_slug[f"chunked-stretch-{n}"]["contraindications"][0]["cause"] == (
            f"chunked-cause-{4 - n}"
        )
    written = next(r for r in exported["routines"] if r["slug"] == "chunked-routine")
    assert [s["stretch"] for s in written["steps"]] == [f"chunked-stretch-{n}" for n in range(5)]
