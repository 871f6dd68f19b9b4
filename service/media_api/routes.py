"""Media over HTTP: the upload form, the files of pictures, and the archive of originals."""

from __future__ import annotations

import hashlib
import re
from http import HTTPStatus
from pathlib import Path
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, url_for

from service import bodies, db
from service.admin import items
from service.admin.auth import AdminBlueprint, current_actor
from service.admin.schemas import ADMIN_ITEM_SCHEMAS
from service.api import Api, Blueprint
from service.config import Settings
from service.errors import InvalidInput, NotFound, ServiceError, flatten_errors
from service.media import files, images
from service.media.models import MediaAsset
from service.media.schemas import LICENCES, MediaUploadSchema
from service.media.storage import Storage, storage_for
from service.media_api import archive, uploads

EXTENSION = "media"
IMMUTABLE = "public, max-age=31536000, immutable"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
NAME = re.compile(r"^(original|[0-9]{1,6}w)\.(jpg|png|webp)$")


def storage() -> Storage:
    found: Storage = current_app.extensions[EXTENSION]["storage"]
    return found


def limits() -> images.Limits:
    found: images.Limits = current_app.extensions[EXTENSION]["limits"]
    return found


UPLOAD_FIELDS: dict[str, Any] = {
    "file": {
        "type": "string",
        "format": "binary",
        "description": "The picture: JPEG, PNG or WebP, as its bytes say (not its name)",
    },
    "slug": {"type": "string", "description": "The asset's slug; by default its sha256"},
    "alt": {"type": "string", "description": "Text for people who cannot see the picture"},
    "caption": {"type": "string"},
    "licence": {"type": "string", "enum": list(LICENCES), "default": LICENCES[0]},
    "attribution": {"type": "string", "description": "Who to credit"},
    "source_url": {"type": "string", "description": "Where the picture comes from"},
    "focal_x": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5},
    "focal_y": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5},
}
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "required": ["file"], "properties": UPLOAD_FIELDS},
            "encoding": {"file": {"contentType": "image/jpeg, image/png, image/webp"}},
            # Choose the file in Swagger UI; the other fields as they could be sent.
            "example": {
                "alt": "A person on hands and knees with the back rounded up.",
                "caption": "The cat position of the cat-cow stretch.",
                "licence": "CC0-1.0",
                "attribution": "Backcare content team",
            },
        }
    },
}
BINARY = {"type": "string", "format": "binary"}
ARCHIVE_BODY = {
    "required": True,
    "content": {"application/x-tar": {"schema": {"type": "string", "format": "binary"}}},
}


# Nothing a text column can store: NUL, and U+FFFD, which is what a byte that is not UTF-8
# was decoded as.
UNSTORABLE = re.compile("[\x00\ufffd\ud800-\udfff]")
UPLOAD_KEY = "media_upload"


def _upload_fields() -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    for name, value in request.form.items(multi=True):
        if UNSTORABLE.search(value):
            errors[f"form.{name}"] = ["Must be UTF-8 text without NUL characters."]
    if errors:
        raise InvalidInput("Some form fields are not valid.", errors=errors)
    try:
        loaded: dict[str, Any] = MediaUploadSchema().load(
            {k: v for k, v in request.form.items() if v != ""}
        )
    except ma.ValidationError as error:
        errors = {f"form.{path}": m for path, m in flatten_errors(error.messages).items()}
        raise InvalidInput("Some form fields are not valid.", errors=errors) from None
    return loaded


def _upload_parts() -> tuple[bytes, dict[str, Any]]:
    """The picture's bytes and the form's fields, read once: a write retried after a lost race
    runs the view again, and by then the file parts are closed."""
    found: tuple[bytes, dict[str, Any]] | None = g.get(UPLOAD_KEY)
    if found is not None:
        return found
    try:
        parts = request.files.getlist("file")
        if not parts:
            raise InvalidInput(
                "Send the picture under the field `file`.", errors={"form.file": ["Missing."]}
            )
        if len(parts) > 1:
            raise InvalidInput(
                "Send one picture per upload.",
                errors={"form.file": [f"Sent {len(parts)} times; send one file."]},
            )
        fields = _upload_fields()
        data = parts[0].read(limits().max_bytes + 1)
    finally:
        # A large part is spooled to a temporary file: let it go now.
        for _name, part in request.files.items(multi=True):
            part.close()
    if not data:
        raise InvalidInput("The file is empty.", errors={"form.file": ["Empty."]})
    found = (data, fields)
    setattr(g, UPLOAD_KEY, found)
    return found


def admin_blueprint() -> AdminBlueprint:
    blp = AdminBlueprint(
        "admin_media_files",
        __name__,
        url_prefix="/v1/admin",
        description="Editors: upload pictures, and move their files between instances.",
    )

    @blp.route("/media-uploads", methods=["POST"])
    @blp.etag
    @blp.doc(operationId="admin_upload_media", requestBody=UPLOAD_BODY)
    @blp.response(201, ADMIN_ITEM_SCHEMAS["media"])
    @blp.alt_response(
        200,
        schema=ADMIN_ITEM_SCHEMAS["media"],
        success=True,
        description="The picture was stored already: its asset, unchanged.",
    )
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @bodies.large_body
    @bodies.takes("multipart/form-data")
    def upload() -> Any:
        """Upload a picture

        `multipart/form-data` with the picture under `file` and, optionally, what is said
        about it. Its type is read from its bytes: JPEG, PNG and WebP are taken (415 for
        anything else, SVG included; 422 for a damaged or empty file, or a side longer than
        16383 px, the most WebP can hold). A multi-picture JPEG is taken as its first
        picture. Past MEDIA_MAX_BYTES bytes or MEDIA_MAX_PIXELS pixels it is a 413. It is
        stored turned upright and without its metadata (EXIF with GPS, XMP, ICC profiles,
        comments, text chunks), with renditions 320, 640 and 1280 px wide in WebP and JPEG
        (PNG when it has transparency). The new asset is a draft: give it `alt` text and a
        review, then publish it. The same picture uploaded again answers 200 with the asset
        that has it.
        """
        settings: Settings = current_app.config["SETTINGS"]
        request.max_content_length = max(
            settings.max_import_length, current_app.config["MAX_CONTENT_LENGTH"] or 0
        )
        if request.mimetype != "multipart/form-data":
            raise UnsupportedBody(
                "Send the picture as multipart/form-data, under the field `file`."
            )
        data, fields = _upload_parts()
        session = db.session()
        row, created = uploads.upload(session, storage(), data, fields, current_actor(), limits())
        session.commit()
        view = items.view_of(session, uploads.MEDIA, row)
        blp.set_etag(view.item)
        if not created:
            return view, HTTPStatus.OK
        location = url_for("admin_media.get", slug=row.slug)
        return view, HTTPStatus.CREATED, {"Location": location}

    @blp.route("/media-archive", methods=["GET"])
    @blp.doc(
        operationId="admin_export_media_archive",
        responses={
            "200": {
                "description": "A tar of the originals",
                "content": {"application/x-tar": {"schema": BINARY}},
            }
        },
    )
    @blp.alt_response(409, response="CONFLICT")
    def export_archive() -> Response:
        """Export the originals of every picture as a tar

        One member per stored picture, named `<sha256>.<ext>`: with the bundle of
        GET /v1/admin/export, everything another instance needs. Import this archive there
        first, then the bundle. An asset whose original is missing from storage is a 409
        naming it, never an archive without it.
        """
        data = archive.export_archive(db.session(), storage())
        return Response(
            data,
            mimetype="application/x-tar",
            headers={"Content-Disposition": 'attachment; filename="media.tar"'},
        )

    @blp.route("/media-archive", methods=["POST"])
    @blp.doc(operationId="admin_import_media_archive", requestBody=ARCHIVE_BODY)
    @blp.response(200, ArchiveSummarySchema)
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @bodies.large_body
    @bodies.takes("application/x-tar")
    def import_archive() -> dict[str, object]:
        """Import a tar of originals: all or nothing

        Each member must be named by the sha256 of its bytes and be a cleaned original as
        an upload stores it (a JPEG, PNG or WebP with no metadata and nothing after the
        picture) within the upload limits; every problem is listed (422) and nothing is
        stored unless there is none. The body may be up to MAX_IMPORT_LENGTH bytes; past
        1000 members, or 5 x MEDIA_MAX_PIXELS pixels in all, it is a 413: send several
        archives. Pictures already stored are left as they are. Bundles that name these
        pictures can be imported after it.
        """
        settings: Settings = current_app.config["SETTINGS"]
        request.max_content_length = max(
            settings.max_import_length, current_app.config["MAX_CONTENT_LENGTH"] or 0
        )
        if request.mimetype != "application/x-tar":
            raise UnsupportedBody("Send the archive as application/x-tar.")
        return archive.import_archive(storage(), request.get_data(), limits()).summary()

    return blp


class UnsupportedBody(ServiceError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class ArchiveSummarySchema(ma.Schema):
    stored = ma.fields.Integer(required=True, metadata={"description": "Pictures stored now"})
    unchanged = ma.fields.Integer(required=True, metadata={"description": "Already stored"})


def files_blueprint() -> Blueprint:
    blp = Blueprint(
        "media_files",
        __name__,
        url_prefix="/v1/media/files",
        description="The files of pictures, at URLs that never change: cache them for good.",
    )

    @blp.route("/<string:sha256>/<string:name>", methods=["GET"])
    @blp.doc(
        operationId="get_media_file",
        parameters=[
            {"in": "path", "name": "sha256", "required": True, "schema": {"type": "string"}},
            {"in": "path", "name": "name", "required": True, "schema": {"type": "string"}},
            {"in": "header", "name": "If-None-Match", "schema": {"type": "string"}},
        ],
        responses={
            "200": {
                "description": "The file",
                "content": {
                    mime: {"schema": {"type": "string", "format": "binary"}}
                    for mime in sorted(images.MIME.values())
                },
            },
            "304": {"description": "Not modified"},
            "404": {"$ref": "#/components/responses/NOT_FOUND"},
        },
    )
    def get_file(sha256: str, name: str) -> Response:
        """Get a file of a picture

        The names the asset's `variants` list: `original.<ext>`, and `<width>w.webp` with
        its JPEG or PNG fallback. A file never changes: it is served with
        `Cache-Control: public, max-age=31536000, immutable` and a strong ETag (304 on
        If-None-Match).
        """
        if not SHA256.match(sha256) or not NAME.match(name):
            raise NotFound(f"No picture file is named {sha256}/{name}.")
        _check_name(sha256, name)
        etag = '"' + hashlib.sha256(f"{sha256}/{name}".encode()).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
        if etag in request.if_none_match or request.if_none_match.contains(etag.strip('"')):
            return Response(status=HTTPStatus.NOT_MODIFIED, headers=headers)
        data, mime = files.rendition_file(storage(), sha256, name)
        return Response(data, mimetype=mime, headers=headers)

    return blp


def _check_name(sha256: str, name: str) -> None:
    """404 unless an asset shows the picture and it has a file of that name: told from the
    asset's row, before any file is read or decoded."""
    found = (
        db.session()
        .execute(
            sa.select(
                MediaAsset.width, MediaAsset.height, MediaAsset.format, MediaAsset.transparent
            )
            .where(MediaAsset.sha256 == sha256)
            .order_by(MediaAsset.id)
            .limit(1)
        )
        .first()
    )
    if found is None:
        raise NotFound(f"No stored picture has the sha256 {sha256!r}.")
    names = sorted(r.name for r in images.renditions(*found))
    if name not in names:
        raise NotFound(f"The picture {sha256} has no file {name!r}; it has {', '.join(names)}.")


def init_app(app: Flask, api: Api, settings: Settings, database: db.Database) -> None:
    """Open the storage MEDIA_STORAGE names and register the media routes."""
    found = storage_for(settings.media_storage, Path(settings.media_root))
    app.extensions[EXTENSION] = {
        "storage": found,
        "limits": images.Limits(settings.media_max_bytes, settings.media_max_pixels),
    }
    files.attach(database.sessionmaker, found)
    api.register_blueprint(admin_blueprint())
    api.register_blueprint(files_blueprint())
