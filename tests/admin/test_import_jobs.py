"""Large imports run as jobs: 202 and a job resource, run by a worker, exactly once, with the
same outcome as a synchronous import; error reports are capped; progress is reported."""

from __future__ import annotations

import copy
import json
import threading
import time
import zlib
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from service import create_app, db
from service.admin import bundle, jobs
from service.admin.models import AuditEntry, Job, JobPayload
from service.catalogue import BY_NAME
from service.content.models import utcnow
from service.faqs.models import Faq
from tests.helpers import assert_problem
from tests.toolkit.clients import Client, client_with
from tests.toolkit.live import LiveAdmin, MakeLiveAdmin

SOURCE = "article-back-pain-after-stretching"
REVIEW = {"last_reviewed": "2026-11-01", "next_review": "2027-11-01", "reviewed_by": "Dr Job"}
SYNC_ONLY = {"import_job_items": 10_000_000, "import_job_bytes": 1 << 30}


def faq(slug: str, answer: str = "An answer.") -> dict[str, Any]:
    return {
        "slug": slug,
        "question": f"What about {slug}?",
        "answer": answer,
        "sources": [SOURCE],
        "status": "published",
        **REVIEW,
    }


def faqs(count: int, prefix: str = "bulk") -> list[dict[str, Any]]:
    return [faq(f"{prefix}-{n}") for n in range(count)]


def editor(live: LiveAdmin) -> Client:
    return client_with(live.app, live.editor_key)


def run_jobs(app: Flask) -> int:
    """Run every claimable job with a worker of `app`; how many ran."""
    worker = jobs.Worker(app)
    ran = 0
    while worker.run_once():
        ran += 1
    return ran


def job_of(client: Client, accepted: Any) -> dict[str, Any]:
    response = client.get(accepted.headers["Location"])
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    job: dict[str, Any] = response.json
    return job


def audit_actions(app: Flask, slug: str) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session().execute(
            sa.select(AuditEntry.action, AuditEntry.key_name)
            .where(AuditEntry.collection == "faqs", AuditEntry.slug == slug)
            .order_by(AuditEntry.id)
        )
        return [(str(action), name) for action, name in rows]


def faq_count(app: Flask, prefix: str) -> int:
    with app.app_context():
        return int(
            db.session().scalar(
                sa.select(sa.func.count()).select_from(Faq).where(Faq.slug.like(f"{prefix}-%"))
            )
            or 0
        )


def test_a_large_import_becomes_a_job_that_ends_as_the_synchronous_import_would(
    make_live_admin: MakeLiveAdmin, seed_bundle: dict[str, Any]
) -> None:
    synchronous, queued = make_live_admin(**SYNC_ONLY), make_live_admin(import_job_items=50)
    stretches = copy.deepcopy(seed_bundle["stretches"])
    stretches[0]["summary"] = "Changed by a bulk import."
    big = {"faqs": faqs(60), "stretches": stretches}

    answered = editor(synchronous).post("/v1/admin/import", json=big)
    assert answered.status_code == HTTPStatus.OK, answered.get_data(as_text=True)
    accepted = editor(queued).post("/v1/admin/import", json=big)
    assert accepted.status_code == HTTPStatus.ACCEPTED, accepted.get_data(as_text=True)
    job = accepted.json
    assert accepted.headers["Location"] == f"/v1/admin/jobs/{job['id']}"
    assert job["state"] == "queued" and job["progress"]["percent"] == 0
    assert job["created_by"] == "live editor" and job["bundle_kept"] is True
    assert job["result"] is None and job["error"] is None
    # Nothing is written until a worker runs it.
    assert faq_count(queued.app, "bulk") == 0

    # A worker of another instance of the service (as after a restart) takes it up.
    restarted = create_app(queued.app.config["SETTINGS"])
    try:
        assert run_jobs(restarted) == 1
    finally:
        restarted.extensions["db"].dispose()
    done = job_of(editor(queued), accepted)
    assert done["state"] == "succeeded", done
    assert done["result"] == answered.json
    assert done["progress"]["percent"] == 100 and done["attempts"] == 1
    assert done["started_at"] and done["finished_at"] and done["running_seconds"] is not None
    assert done["worker"]
    # Both databases hold the same catalogue, and the job's writes carry its editor's name.
    assert editor(queued).get("/v1/admin/export").json == (
        editor(synchronous).get("/v1/admin/export").json
    )
    assert audit_actions(queued.app, "bulk-7") == [("create", "live editor")]
    assert run_jobs(queued.app) == 0


def test_a_bundle_over_the_byte_threshold_is_stored_as_it_streams_in(
    make_live_admin: MakeLiveAdmin,
) -> None:
    live = make_live_admin(import_job_bytes=4096)
    big = {"faqs": [faq(f"long-{n}", answer="Long. " * 300) for n in range(3)]}
    body = json.dumps(big).encode()
    assert len(body) > 4096
    client = editor(live)
    accepted = client.post("/v1/admin/import", data=body, content_type="application/json")
    assert accepted.status_code == HTTPStatus.ACCEPTED, accepted.get_data(as_text=True)
    assert accepted.json["bundle_bytes"] == len(body)
    with live.app.app_context():
        stored = db.session().get(JobPayload, accepted.json["id"])
        assert stored is not None
        # Compressed, and the very bytes that were sent.
        assert len(stored.data) < len(body) and zlib.decompress(stored.data) == body
    run_jobs(live.app)
    done = job_of(client, accepted)
    assert done["state"] == "succeeded" and done["result"]["collections"]["faqs"]["created"] == 3


def test_a_small_bundle_is_still_imported_in_the_request(
    make_live_admin: MakeLiveAdmin,
) -> None:
    live = make_live_admin(import_job_items=50)
    response = editor(live).post("/v1/admin/import", json={"faqs": faqs(49, "small")})
    assert response.status_code == HTTPStatus.OK
    assert response.json["collections"]["faqs"]["created"] == 49
    assert faq_count(live.app, "small") == 49


def test_a_dry_run_job_reports_the_plan_and_writes_nothing(
    make_live_admin: MakeLiveAdmin,
) -> None:
    live = make_live_admin(import_job_items=10)
    client = editor(live)
    accepted = client.post("/v1/admin/import?dry_run=true", json={"faqs": faqs(20, "dry")})
    assert accepted.status_code == HTTPStatus.ACCEPTED
    assert accepted.json["dry_run"] is True
    run_jobs(live.app)
    done = job_of(client, accepted)
    assert done["state"] == "succeeded"
    assert done["result"]["dry_run"] is True
    assert done["result"]["collections"]["faqs"]["created"] == 20
    assert faq_count(live.app, "dry") == 0


def test_a_job_that_fails_validation_writes_nothing_and_reports_as_the_request_would(
    make_live_admin: MakeLiveAdmin,
) -> None:
    synchronous, queued = make_live_admin(**SYNC_ONLY), make_live_admin(import_job_items=10)
    bad = {"faqs": [*faqs(30, "half"), {**faq("broken"), "sources": ["no-such-source"]}]}
    refused = editor(synchronous).post("/v1/admin/import", json=bad)
    problem = assert_problem(refused, HTTPStatus.UNPROCESSABLE_ENTITY, "nothing was written")
    accepted = editor(queued).post("/v1/admin/import", json=bad)
    run_jobs(queued.app)
    done = job_of(editor(queued), accepted)
    assert done["state"] == "failed" and done["result"] is None
    assert done["error"] == {key: problem[key] for key in done["error"]}
    assert set(done["error"]) >= {"status", "title", "detail", "errors", "error_count"}
    assert done["error"]["errors"] == {
        "faqs.30.sources.0": ["No sources item has the slug 'no-such-source'."]
    }
    assert faq_count(queued.app, "half") == 0


@pytest.mark.parametrize("how", ["synchronous", "job"])
def test_an_error_report_lists_the_first_problems_and_counts_them_all(
    make_live_admin: MakeLiveAdmin, how: str
) -> None:
    live = make_live_admin(**(SYNC_ONLY if how == "synchronous" else {"import_job_items": 10}))
    items = 5000
    probe = bundle.Problems()
    probe.add_nested("faqs.0", bundle.parse_item(BY_NAME["faqs"], {})[1])
    per_item = probe.count
    client = editor(live)
    response = client.post("/v1/admin/import", json={"faqs": [{} for _ in range(items)]})
    if how == "job":
        assert response.status_code == HTTPStatus.ACCEPTED
        run_jobs(live.app)
        response = client.get(response.headers["Location"])
        problem = response.json["error"]
    else:
        problem = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY)
    assert problem["error_count"] == items * per_item
    assert len(problem["errors"]) == bundle.MAX_LISTED_PROBLEMS
    assert next(iter(problem["errors"])).startswith("faqs.0.")
    assert f"{items * per_item} problem(s)" in problem["detail"]
    assert "first 100" in problem["detail"]
    # A few KB, however many items were wrong.
    assert len(response.get_data()) < 20_000


def test_progress_is_reported_while_a_job_runs(
    make_live_admin: MakeLiveAdmin, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    live = make_live_admin(import_job_items=10)
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0.05)
    monkeypatch.setattr(bundle, "PROGRESS_EVERY", 10)
    # Slow each item down, so that the phases last long enough to be seen.
    for name in ("parse_item", "apply_item"):
        real = getattr(bundle, name)

        def slow(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            time.sleep(0.003)
            return _real(*args, **kwargs)

        monkeypatch.setattr(bundle, name, slow)
    client = editor(live)
    accepted = client.post("/v1/admin/import", json={"faqs": faqs(300, "tracked")})
    worker = jobs.Worker(live.app)
    worker.start()
    seen: list[dict[str, Any]] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = job_of(client, accepted)
            seen.append(job)
            if job["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.02)
    finally:
        worker.stop(30)
    assert seen[-1]["state"] == "succeeded", seen[-1]
    running = [job for job in seen if job["state"] == "running"]
    phases = {job["progress"]["phase"] for job in running}
    assert "validating" in phases
    if backend == "postgresql":
        # SQLite lets one transaction write at a time: the import's own, while it writes.
        assert "writing" in phases
    middle = [job["progress"] for job in running if 0 < job["progress"]["percent"] < 100]
    assert middle, [job["progress"] for job in seen]
    assert all(0 <= p["done"] <= p["total"] == 300 for p in middle)
    percents = [job["progress"]["percent"] for job in seen]
    assert percents == sorted(percents)
    assert all(job["heartbeat_at"] for job in running)


def test_only_one_of_many_workers_claims_a_job(live_admin: LiveAdmin) -> None:
    with live_admin.app.app_context():
        session = db.session()
        from service.admin.audit import SYSTEM

        job = jobs.submit(session, jobs.compress(b"{}"), 2, dry_run=False, prune=None, actor=SYSTEM)
        session.commit()
        job_id = job.id
    database = live_admin.app.extensions["db"]
    start = threading.Barrier(6)
    claims: list[Any] = []

    def compete() -> None:
        start.wait(10)
        claims.append(jobs.claim(database, 30))

    threads = [threading.Thread(target=compete) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    won = [c for c in claims if c is not None]
    assert len(claims) == 6 and len(won) == 1 and won[0].job_id == job_id


def _expire_lease(app: Flask, job_id: int) -> None:
    with app.app_context():
        session = db.session()
        session.execute(
            sa.update(Job)
            .where(Job.id == job_id)
            .values(lease_expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()


def test_a_job_taken_over_is_applied_once_by_its_new_worker(live_admin: LiveAdmin) -> None:
    """A worker that stalled past its lease finds another holds the job: its import rolls
    back, and the new worker's commits once."""
    app, client = live_admin.app, editor(live_admin)
    with app.app_context():
        session = db.session()
        from service.admin.audit import Actor

        body = json.dumps({"faqs": faqs(20, "twice")}).encode()
        job = jobs.submit(
            session, jobs.compress(body), len(body), dry_run=False, prune=None,
            actor=Actor(None, "tester"),
        )  # fmt: skip
        session.commit()
        job_id = job.id
    database = app.extensions["db"]
    stalled = jobs.claim(database, 30)
    assert stalled is not None
    _expire_lease(app, job_id)
    taker = jobs.claim(database, 30)
    assert taker is not None and taker.job_id == job_id and taker.attempts == 2

    jobs.run_claimed(app, stalled)
    assert faq_count(app, "twice") == 0
    mid = client.get(f"/v1/admin/jobs/{job_id}").json
    assert mid["state"] == "running" and mid["attempts"] == 2

    jobs.run_claimed(app, taker)
    done = client.get(f"/v1/admin/jobs/{job_id}").json
    assert done["state"] == "succeeded" and done["result"]["collections"]["faqs"]["created"] == 20
    assert faq_count(app, "twice") == 20
    assert audit_actions(app, "twice-3") == [("create", "tester")]


def test_a_job_interrupted_too_often_fails_and_writes_nothing(live_admin: LiveAdmin) -> None:
    app = live_admin.app
    accepted = None
    with app.app_context():
        session = db.session()
        from service.admin.audit import SYSTEM

        body = json.dumps({"faqs": faqs(3, "doomed")}).encode()
        accepted = jobs.submit(
            session, jobs.compress(body), len(body), dry_run=False, prune=None, actor=SYSTEM
        )
        session.commit()
    database = app.extensions["db"]
    for _ in range(jobs.MAX_ATTEMPTS):
        assert jobs.claim(database, 30) is not None  # and its worker dies
        _expire_lease(app, accepted.id)
    assert run_jobs(app) == 1
    done = editor(live_admin).get(f"/v1/admin/jobs/{accepted.id}").json
    assert done["state"] == "failed" and done["attempts"] == jobs.MAX_ATTEMPTS + 1
    assert "interrupted 3 times" in done["error"]["detail"]
    assert faq_count(app, "doomed") == 0


def test_a_stopping_worker_hands_its_job_back(
    make_live_admin: MakeLiveAdmin, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = make_live_admin(import_job_items=10)
    monkeypatch.setattr(bundle, "PROGRESS_EVERY", 10)
    real = bundle.parse_item

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.005)
        return real(*args, **kwargs)

    monkeypatch.setattr(bundle, "parse_item", slow)
    client = editor(live)
    accepted = client.post("/v1/admin/import", json={"faqs": faqs(500, "handed")})
    worker = jobs.Worker(live.app)
    worker.start()
    deadline = time.monotonic() + 20
    while job_of(client, accepted)["state"] != "running" and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.stop(20)
    assert worker.thread is not None and not worker.thread.is_alive()
    back = job_of(client, accepted)
    assert back["state"] == "queued" and back["attempts"] == 0 and back["worker"] is None
    assert faq_count(live.app, "handed") == 0
    monkeypatch.setattr(bundle, "parse_item", real)
    assert run_jobs(live.app) == 1
    assert job_of(client, accepted)["state"] == "succeeded"
    assert faq_count(live.app, "handed") == 500


def test_finished_jobs_lose_their_stored_bundle_after_the_retention_period(
    make_live_admin: MakeLiveAdmin,
) -> None:
    live = make_live_admin(import_job_items=10, job_retention_hours=24)
    client = editor(live)
    finished = client.post("/v1/admin/import", json={"faqs": faqs(12, "kept")})
    run_jobs(live.app)
    waiting = client.post("/v1/admin/import", json={"faqs": faqs(12, "waiting")})
    with live.app.app_context():
        session = db.session()
        assert jobs.clean_up(session, utcnow() + timedelta(hours=23), 24) == 0
        # A day later: the finished job's bundle goes; the queued one's stays.
        assert jobs.clean_up(session, utcnow() + timedelta(hours=25), 24) == 1
        session.commit()
    gone = job_of(client, finished)
    assert gone["bundle_kept"] is False and gone["state"] == "succeeded" and gone["result"]
    assert job_of(client, waiting)["bundle_kept"] is True
    assert run_jobs(live.app) == 1
    assert job_of(client, waiting)["state"] == "succeeded"


def test_an_unreadable_large_body_is_refused_or_fails_its_job(
    make_live_admin: MakeLiveAdmin,
) -> None:
    live = make_live_admin(import_job_bytes=1024)
    client = editor(live)
    not_utf8 = json.dumps({"faqs": faqs(5)}).encode("utf-16")
    refused = client.post("/v1/admin/import", data=not_utf8, content_type="application/json")
    assert_problem(refused, HTTPStatus.BAD_REQUEST, "UTF-8")
    not_json = b'{"faqs": [' + b'{"slug": "x"}, ' * 200 + b"]"
    accepted = client.post("/v1/admin/import", data=not_json, content_type="application/json")
    assert accepted.status_code == HTTPStatus.ACCEPTED
    duplicate = b'{"faqs": [], "faqs": []}' + b" " * 2000
    twice = client.post("/v1/admin/import", data=duplicate, content_type="application/json")
    run_jobs(live.app)
    for answer, fragment in ((accepted, "not valid JSON"), (twice, "more than once")):
        failed = job_of(client, answer)
        assert failed["state"] == "failed" and failed["error"]["status"] == 400
        assert fragment in failed["error"]["detail"]
    with live.app.app_context():
        assert db.session().scalar(sa.select(sa.func.count()).select_from(Job)) == 2


def test_jobs_need_a_key_and_unknown_ones_are_404(live_admin: LiveAdmin) -> None:
    anonymous = live_admin.app.test_client()
    assert_problem(anonymous.get("/v1/admin/jobs/1"), HTTPStatus.UNAUTHORIZED)
    assert_problem(editor(live_admin).get("/v1/admin/jobs/999"), HTTPStatus.NOT_FOUND, "999")
    assert editor(live_admin).get("/v1/admin/jobs/0").status_code == HTTPStatus.NOT_FOUND


def test_the_cli_imports_a_file_with_a_progress_bar(
    live_admin: LiveAdmin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle, "PROGRESS_EVERY", 50)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps({"faqs": faqs(400, "from-a-file")}), encoding="utf-8")
    runner = live_admin.app.test_cli_runner()
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert any(line.startswith("validating") and "%" in line for line in lines)
    assert any(line.startswith("writing") and "100.0%" in line for line in lines)
    assert json.loads(result.stdout)["collections"]["faqs"]["created"] == 400
    assert audit_actions(live_admin.app, "from-a-file-1") == [("create", "command line")]

    path.write_text(json.dumps({"faqs": [{} for _ in range(300)]}), encoding="utf-8")
    failed = runner.invoke(args=["import", str(path)])
    assert failed.exit_code != 0
    assert "problem(s); nothing was written" in failed.output
    assert len([line for line in failed.output.splitlines() if line.startswith("  faqs.")]) == 100


def test_a_job_sent_with_a_key_revoked_since_does_not_run(
    make_live_admin: MakeLiveAdmin,
) -> None:
    live = make_live_admin(import_job_items=10)
    admin = client_with(live.app, live.admin_key)
    made = admin.post("/v1/admin/keys", json={"name": "soon revoked", "role": "editor"})
    sender = client_with(live.app, made.json["key"])
    accepted = sender.post("/v1/admin/import", json={"faqs": faqs(12, "revoked")})
    assert accepted.status_code == HTTPStatus.ACCEPTED
    assert accepted.headers["Retry-After"].isdigit()
    assert admin.post(f"/v1/admin/keys/{made.json['id']}/revoke").status_code == HTTPStatus.OK
    run_jobs(live.app)
    failed = job_of(admin, accepted)
    assert failed["state"] == "failed" and failed["error"]["status"] == 401
    assert "revoked" in failed["error"]["detail"]
    assert faq_count(live.app, "revoked") == 0


def test_a_large_body_over_the_import_limit_is_413_and_no_job(
    make_live_admin: MakeLiveAdmin,
) -> None:
    live = make_live_admin(import_job_bytes=1024, max_import_length=2048, max_content_length=2048)
    body = json.dumps({"faqs": [faq(f"too-big-{n}", answer="x" * 500) for n in range(8)]})
    response = editor(live).post("/v1/admin/import", data=body, content_type="application/json")
    assert_problem(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    with live.app.app_context():
        assert db.session().scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_an_error_report_stays_small_however_long_the_bundle_keys_are(
    make_live_admin: MakeLiveAdmin,
) -> None:
    live = make_live_admin(**SYNC_ONLY)
    long_keys: dict[str, list[Any]] = {("k" * 50_000) + str(n): [] for n in range(150)}
    item = {("field-" * 5000) + str(n): 1 for n in range(150)}
    body = json.dumps({**long_keys, "faqs": [{**faq("long"), **item}]}).encode()
    assert len(body) > 8_000_000
    response = editor(live).post("/v1/admin/import", data=body, content_type="application/json")
    problem = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY)
    assert problem["error_count"] == 300
    assert len(response.get_data()) < 60_000
