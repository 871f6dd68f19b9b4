"""The admin API under /v1/admin: content writes, import and export, audit, reviews, keys.

Every blueprint here is an AdminBlueprint: no route answers without a valid API key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, g, jsonify, request, url_for
from sqlalchemy.orm import Session

from service import bodies, db
from service.admin import audit, bundle, examples, items, jobs, keys, reviews
from service.admin.auth import SECURITY_SCHEME, SECURITY_SCHEME_SPEC, AdminBlueprint, current_actor
from service.admin.models import ApiKey, Role
from service.admin.schemas import (
    ADMIN_ITEM_SCHEMAS,
    ADMIN_PAGE_SCHEMAS,
    PATCH_SCHEMAS,
    AdminContentArgsSchema,
    AdminSourceArgsSchema,
    ApiKeyCreateSchema,
    ApiKeyPageSchema,
    ApiKeySchema,
    AuditArgsSchema,
    AuditPageSchema,
    BundleSchema,
    ImportArgsSchema,
    ImportSummarySchema,
    JobSchema,
    NewApiKeySchema,
    PageArgsSchema,
    ReviewArgsSchema,
    ReviewDuePageSchema,
    has_status,
)
from service.api import Api
from service.catalogue import COLLECTIONS, Collection, singular, with_article, words
from service.config import Settings
from service.content.i18n import use_language
from service.content.models import Status
from service.content.schemas import LanguageArgsSchema, page_count


def _json_body(schema: Any, example: Any = None) -> dict[str, Any]:
    """OpenAPI for a JSON body the view reads itself (to report every problem at once)."""
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"requestBody": {"required": True, "content": {"application/json": media}}}


def _slug_parameter(slug: str | None, description: str) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "in": "path",
        "name": "slug",
        "required": True,
        "description": description,
        "schema": {"type": "string", "minLength": 1},
    }
    if slug is not None:
        parameter["example"] = slug
    return parameter


OPTIONAL_IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "description": (
        "Optional: the ETag of the version you checked (the `etag` field of GET's answer, with "
        "or without quotes). When sent, the action happens only if the item is still that "
        "version (412 otherwise). Left empty, it is not checked."
    ),
    "schema": {"type": "string"},
}


def _page(found: list[Any], total: int, args: dict[str, Any]) -> dict[str, Any]:
    return {
        "items": found,
        "total": total,
        "page": args["page"],
        "page_size": args["page_size"],
        "pages": page_count(total, args["page_size"]),
    }


def _words(identifier: str) -> str:
    return identifier.replace("_", " ")


def content_blueprint(collection: Collection) -> AdminBlueprint:
    """Create, read, replace, update, delete (and publish) the items of one collection."""
    name, ident = collection.name, collection.ident
    one = singular(collection)
    label, a_label = words(name), with_article(words(one))
    drafts = ", drafts included" if has_status(collection) else ""
    target = examples.target_slug(collection)
    item_path = [_slug_parameter(target, f"The slug of one of the {label}")]
    draft = _slug_parameter(
        examples.draft_slug(collection),
        f"The slug of one of the {label} (the example names the draft that the create "
        "example makes)",
    )
    blp = AdminBlueprint(
        f"admin_{ident}",
        __name__,
        url_prefix=f"/v1/admin/{name}",
        description=f"Editors: {label}{drafts}. Every write is audited.",
    )
    item_schema = ADMIN_ITEM_SCHEMAS[name]
    args_schema = AdminContentArgsSchema if has_status(collection) else AdminSourceArgsSchema

    def respond(row: Any) -> items.AdminView:
        view = items.view_of(db.session(), collection, row)
        blp.set_etag(view.item)
        return view

    def locked_write(slug: str, write: Callable[[Session, Any], Any], *, check: Any) -> Any:
        """Lock the item, check If-Match against it (`check`), write, commit: what `write` gave.

        The lock is taken before the comparison, so that two writers holding the same ETag
        cannot both pass it: the second waits, then sees the first one's change.
        """
        session = db.session()
        row = items.get_item(session, collection, slug, lock=True)
        check(bundle.dump_item(collection, row))
        result = write(session, row)
        session.commit()
        return result

    @blp.route("", methods=["GET"], endpoint="list")
    @blp.doc(
        operationId=f"admin_list_{name}",
        summary=f"List {label}{drafts}",
        description="A page of items in slug order, each with its ETag.",
    )
    @blp.arguments(args_schema, location="query")
    @blp.response(200, ADMIN_PAGE_SCHEMAS[name])
    def list_items(args: dict[str, Any]) -> dict[str, Any]:
        found, total = items.list_items(db.session(), collection, args)
        return _page(found, total, args)

    @blp.route("", methods=["POST"], endpoint="create")
    @blp.etag
    @blp.doc(
        operationId=f"admin_create_{one}",
        summary=f"Create {a_label}",
        description=(
            "The body is the item in bundle shape. Every problem is reported at once with its "
            "path; a slug in use is a 409. `status` defaults to `published`, which needs "
            "`last_reviewed` and `reviewed_by`: send `status: draft` to start a draft. The "
            "example creates a draft copy of a seeded item under a new slug."
        ),
        **_json_body(collection.input_schema, examples.create_body(collection)),
    )
    @blp.response(201, item_schema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def create_item() -> items.AdminView:
        session = db.session()
        row = items.create_item(session, collection, request.get_json(), current_actor())
        session.commit()
        return respond(row)

    @blp.route("/<string:slug>", methods=["GET"], endpoint="get", parameters=item_path)
    @blp.etag
    @blp.doc(
        operationId=f"admin_get_{one}",
        summary=f"Get {a_label}{drafts}",
        description="The item in bundle shape under `item`; send its `etag` in If-Match to "
        "change it.",
    )
    @blp.response(200, item_schema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get_item(slug: str) -> items.AdminView:
        return respond(items.get_item(db.session(), collection, slug))

    @blp.route("/<string:slug>", methods=["PUT"], endpoint="replace", parameters=item_path)
    @blp.etag
    @blp.doc(
        operationId=f"admin_replace_{one}",
        summary=f"Replace {a_label}",
        description=(
            "The whole item in bundle shape (fields left out take their defaults). Needs "
            "If-Match: 428 without it, 412 when someone changed the item since you read it."
        ),
        **_json_body(collection.input_schema, examples.replace_body(collection)),
    )
    @blp.response(200, item_schema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def replace_item(slug: str) -> items.AdminView:
        def write(session: Session, row: Any) -> Any:
            return items.replace_item(session, collection, row, request.get_json(), current_actor())

        return respond(locked_write(slug, write, check=blp.check_etag))

    @blp.route("/<string:slug>", methods=["PATCH"], endpoint="update", parameters=item_path)
    @blp.etag
    @blp.doc(
        operationId=f"admin_update_{one}",
        summary=f"Change some fields of {a_label}",
        description=(
            "Each field sent replaces that field (a list is replaced whole); the others stay. "
            "The result is validated as a whole item. Needs If-Match, as PUT does."
        ),
        **_json_body(PATCH_SCHEMAS[name], examples.patch_body(collection)),
    )
    @blp.response(200, item_schema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def update_item(slug: str) -> items.AdminView:
        def write(session: Session, row: Any) -> Any:
            return items.update_item(session, collection, row, request.get_json(), current_actor())

        return respond(locked_write(slug, write, check=blp.check_etag))

    @blp.route("/<string:slug>", methods=["DELETE"], endpoint="delete", parameters=item_path)
    @blp.etag
    @blp.parameter(draft)
    @blp.doc(
        operationId=f"admin_delete_{one}",
        summary=f"Delete {a_label}",
        description=(
            "Leaves a tombstone so that caches learn of it. 409 while other items still refer "
            "to it. Needs If-Match, as PUT does."
        ),
    )
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def delete_item(slug: str) -> None:
        def write(session: Session, row: Any) -> None:
            items.delete_item(session, collection, row, current_actor())

        locked_write(slug, write, check=blp.check_etag)

    if has_status(collection):
        _status_routes(blp, collection, respond, locked_write, draft)
    if collection.public is not None:
        _preview_route(blp, collection, item_path)
    return blp


def _preview_route(
    blp: AdminBlueprint, collection: Collection, parameters: list[dict[str, Any]]
) -> None:
    assert collection.public is not None
    one = singular(collection)

    @blp.route("/<string:slug>/preview", methods=["GET"], endpoint="preview", parameters=parameters)
    @blp.doc(
        operationId=f"admin_preview_{one}",
        summary=f"Preview {with_article(words(one))} as the apps will show it",
        description=(
            "The public detail of the item, drafts included, in the language asked for. "
            "Related items that are drafts stay out of it, as they will in the public API."
        ),
    )
    @blp.arguments(LanguageArgsSchema, location="query")
    @blp.response(200, collection.public.detail_schema)
    @blp.alt_response(404, response="NOT_FOUND")
    def preview(args: dict[str, Any], slug: str) -> Any:
        row = items.preview(db.session(), collection, slug)
        use_language([row], args.get("lang"))
        return row


def _status_routes(
    blp: AdminBlueprint,
    collection: Collection,
    respond: Any,
    locked_write: Any,
    draft: dict[str, Any],
) -> None:
    one = singular(collection)
    a_label = with_article(words(one))

    def change(slug: str, status: Status) -> items.AdminView:
        def write(session: Session, row: Any) -> Any:
            return items.set_status(session, collection, row, status, current_actor())

        view: items.AdminView = respond(locked_write(slug, write, check=blp.check_fresh_if_given))
        return view

    @blp.route("/<string:slug>/publish", methods=["POST"], endpoint="publish", parameters=[draft])
    @blp.etag
    @blp.parameter(OPTIONAL_IF_MATCH)
    @blp.doc(
        operationId=f"admin_publish_{one}",
        summary=f"Publish {a_label}",
        description=(
            "The public API shows it from now on. 422 unless the item has a review date "
            "(`last_reviewed`). If-Match is optional: send it to publish only the version "
            "you reviewed."
        ),
    )
    @blp.response(200, ADMIN_ITEM_SCHEMAS[collection.name])
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def publish(slug: str) -> items.AdminView:
        return change(slug, Status.PUBLISHED)

    @blp.route(
        "/<string:slug>/unpublish", methods=["POST"], endpoint="unpublish", parameters=[draft]
    )
    @blp.etag
    @blp.parameter(OPTIONAL_IF_MATCH)
    @blp.doc(
        operationId=f"admin_unpublish_{one}",
        summary=f"Unpublish {a_label}",
        description=(
            "Back to draft: the public API stops showing it and a tombstone tells caches. "
            "If-Match is optional."
        ),
    )
    @blp.response(200, ADMIN_ITEM_SCHEMAS[collection.name])
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    def unpublish(slug: str) -> items.AdminView:
        return change(slug, Status.DRAFT)


def catalogue_blueprint() -> AdminBlueprint:
    """Bulk import and export, the audit log, and reviews that are due."""
    blp = AdminBlueprint(
        "admin",
        __name__,
        url_prefix="/v1/admin",
        description="Editors: bulk import and export, the audit log, clinical reviews due.",
    )

    @blp.route("/import", methods=["POST"])
    @blp.doc(operationId="admin_import", **_json_body(BundleSchema, examples.bundle_body()))
    @blp.arguments(ImportArgsSchema, location="query")
    @blp.response(200, ImportSummarySchema)
    @blp.alt_response(
        202,
        schema=JobSchema,
        success=True,
        description="A large bundle: the import runs as a job. Follow Location to see it.",
        headers={
            "Location": {"description": "The job", "schema": {"type": "string"}},
            "Retry-After": {
                "description": "Seconds to wait between two looks at the job",
                "schema": {"type": "integer"},
            },
        },
    )
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @bodies.large_body
    def import_bundle(args: dict[str, Any]) -> Any:
        """Import a bundle: all or nothing

        Validates the whole bundle first and reports every problem with its location
        (`stretches.3.helps_with.0`; the first 100, and `error_count`); then upserts by slug
        in one transaction. Importing the same bundle twice changes nothing the second time.
        `dry_run` returns the plan and writes nothing; `prune` (or `"prune": true` in the
        bundle) deletes the items of the bundle's collections that it leaves out. Published
        items need a review date. Bodies may be up to MAX_IMPORT_LENGTH bytes.

        A bundle of IMPORT_JOB_BYTES bytes or IMPORT_JOB_ITEMS items or more is imported by a
        job, outside the request: the answer is 202 with the job (and its `Location`), whose
        `result` (or `error`) is, once it is done, what this answer would have been.
        """
        settings: Settings = current_app.config["SETTINGS"]
        request.max_content_length = max(
            settings.max_import_length, current_app.config["MAX_CONTENT_LENGTH"] or 0
        )
        session = db.session()
        length = request.content_length
        if length is not None and length >= settings.import_job_bytes:
            # Compressed as it streams in: never parsed here, only its compressed form kept.
            return _accepted(session, *_streamed_body(), args)
        body = request.get_json()
        if bundle.count_items(body) >= settings.import_job_items:
            raw = request.get_data(cache=True)
            return _accepted(session, jobs.compress(raw), len(raw), args)
        result = bundle.import_bundle(
            session,
            body,
            dry_run=args["dry_run"],
            prune=args.get("prune"),
            actor=current_actor(),
            require_review=True,
        )
        if args["dry_run"]:
            session.rollback()
        else:
            session.commit()
        return result.summary()

    @blp.route("/export", methods=["GET"])
    @blp.doc(operationId="admin_export")
    @blp.response(200, BundleSchema)
    def export_bundle() -> dict[str, Any]:
        """Export the whole catalogue as a bundle

        Every collection, drafts included, in the shape import takes: importing it into an
        empty database gives the same catalogue.
        """
        return bundle.export_bundle(db.session())

    @blp.route("/audit", methods=["GET"])
    @blp.doc(operationId="admin_audit")
    @blp.arguments(AuditArgsSchema, location="query")
    @blp.response(200, AuditPageSchema)
    def audit_log(args: dict[str, Any]) -> dict[str, Any]:
        """List the audit log, newest first

        Every write: who (key id and name), what (collection, slug, action), when, and
        sha256 hashes of the item before and after (the after hash is the ETag it then had).
        """
        found, total = audit.entries(db.session(), args, args["page"], args["page_size"])
        return _page(found, total, args)

    @blp.route("/reviews/due", methods=["GET"])
    @blp.doc(operationId="admin_reviews_due")
    @blp.arguments(ReviewArgsSchema, location="query")
    @blp.response(200, ReviewDuePageSchema)
    def reviews_due(args: dict[str, Any]) -> dict[str, Any]:
        """List items whose clinical review is due

        Items never reviewed, reviewed without a next date, overdue, or due within `days`
        (30 by default), the most urgent first. Drafts are included.
        """
        found, total = reviews.due(
            db.session(),
            today=datetime.now(UTC).date(),
            within_days=args["days"],
            collection=args.get("collection"),
            page=args["page"],
            page_size=args["page_size"],
        )
        return _page(found, total, args)

    return blp


def _streamed_body() -> tuple[bytes, int]:
    # Kept for the request: the stream can be read once, and a write may be run again.
    if "import_body" not in g:
        g.import_body = jobs.read_body(request.stream)
    stored: tuple[bytes, int] = g.import_body
    return stored


def _accepted(session: Session, data: bytes, size: int, args: dict[str, Any]) -> Response:
    job = jobs.submit(
        session, data, size, dry_run=args["dry_run"], prune=args.get("prune"), actor=current_actor()
    )
    session.commit()
    jobs.wake()
    response = jsonify(JobSchema().dump(jobs.view(session, job)))
    response.status_code = 202
    response.headers["Location"] = url_for("admin_jobs.get_job", job_id=job.id)
    # Looking at the job counts against RATELIMIT_ADMIN like any admin request.
    response.headers["Retry-After"] = str(jobs.POLL_HINT_SECONDS)
    return response


def jobs_blueprint() -> AdminBlueprint:
    """Jobs: imports of large bundles, run outside the request."""
    blp = AdminBlueprint(
        "admin_jobs",
        __name__,
        url_prefix="/v1/admin/jobs",
        description="Editors: imports of large bundles, which run outside the request.",
    )

    @blp.route("/<int(min=1, max=2147483647):job_id>", methods=["GET"])
    @blp.doc(operationId="admin_get_job")
    @blp.response(200, JobSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get_job(job_id: int) -> dict[str, Any]:
        """Get a job: its state, progress, and result or errors

        `state` goes from queued to running to succeeded or failed. `progress` counts the
        items done in the current phase (validating, checking, writing) and the percentage of
        the whole. Once succeeded, `result` is what the import did (or, for a dry run, would
        do); once failed, `error` is the problem (the first 100 problems and `error_count`)
        and nothing was written. A job whose worker stops is taken up again by another.
        """
        session = db.session()
        return jobs.view(session, jobs.find(session, job_id))

    return blp


# Key ids are PostgreSQL integers: a larger number in the URL is a 404, not a database error.
KEY_ID_PATH = "/<int(min=1, max=2147483647):key_id>"


def keys_blueprint() -> AdminBlueprint:
    """API keys, for admins only."""
    blp = AdminBlueprint(
        "admin_keys",
        __name__,
        url_prefix="/v1/admin/keys",
        description="Admins: API keys. A key's secret is shown once, when it is created.",
        role=Role.ADMIN,
    )

    @blp.route("", methods=["GET"])
    @blp.doc(operationId="admin_list_keys")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, ApiKeyPageSchema)
    def list_keys(args: dict[str, Any]) -> dict[str, Any]:
        """List API keys, revoked ones included"""
        found = keys.list_keys(db.session())
        start = (args["page"] - 1) * args["page_size"]
        return _page(found[start : start + args["page_size"]], len(found), args)

    @blp.route("", methods=["POST"])
    @blp.doc(operationId="admin_create_key")
    @blp.arguments(ApiKeyCreateSchema, example=examples.NEW_KEY)
    @blp.response(201, NewApiKeySchema)
    def create_key(data: dict[str, Any]) -> dict[str, Any]:
        """Create an API key

        The answer holds the key itself under `key`: store it now, it is never shown again.
        """
        session = db.session()
        key, secret = keys.create_key(session, actor=current_actor(), **data)
        session.commit()
        return {**{name: getattr(key, name) for name in ApiKeySchema().fields}, "key": secret}

    @blp.route(KEY_ID_PATH, methods=["GET"])
    @blp.doc(operationId="admin_get_key")
    @blp.response(200, ApiKeySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get_key(key_id: int) -> ApiKey:
        """Get an API key (never its secret)"""
        return keys.find_key(db.session(), key_id)

    @blp.route(f"{KEY_ID_PATH}/revoke", methods=["POST"])
    @blp.doc(operationId="admin_revoke_key")
    @blp.response(200, ApiKeySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def revoke_key(key_id: int) -> ApiKey:
        """Revoke an API key

        It stops working at once, for good. Revoking a revoked key changes nothing.
        """
        session = db.session()
        key = keys.revoke_key(session, keys.find_key(session, key_id), actor=current_actor())
        session.commit()
        return key

    return blp


def register(api: Api) -> None:
    """Document the bearer scheme and register every admin blueprint on `api`."""
    api.spec.components.security_scheme(SECURITY_SCHEME, SECURITY_SCHEME_SPEC)
    api.register_blueprint(catalogue_blueprint())
    api.register_blueprint(jobs_blueprint())
    api.register_blueprint(keys_blueprint())
    for collection in COLLECTIONS:
        api.register_blueprint(content_blueprint(collection))
