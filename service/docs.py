"""Swagger UI set up for people, served with its own assets (it works with no internet), and
the example values its response views show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flask_swagger_ui
from flask import Blueprint, Response, send_from_directory

from service.admin import examples
from service.admin.schemas import ADMIN_ITEM_SCHEMAS
from service.api import Api
from service.catalogue import COLLECTIONS

ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"
ASSETS_URL = "/docs/assets/"

# Passed to SwaggerUIBundle (templates/swagger_ui.html). Operations start collapsed under their
# tags, with a filter box and a link for each; the key a person authorizes with survives a
# reload; and no request goes to the public validator Swagger UI would otherwise call.
SWAGGER_UI_CONFIG: dict[str, Any] = {
    "persistAuthorization": True,
    "filter": True,
    "deepLinking": True,
    "displayRequestDuration": True,
    "docExpansion": "none",
    "defaultModelsExpandDepth": 0,
    "validatorUrl": None,
}

blp = Blueprint("swagger_assets", __name__)


@blp.route(f"{ASSETS_URL}<path:filename>")
def asset(filename: str) -> Response:
    response = send_from_directory(ASSETS, filename, max_age=86400)
    # Let the gzip step compress the (large) Swagger UI bundle.
    response.direct_passthrough = False
    return response


@blp.route("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it whatever the page says; Swagger UI's own icon answers."""
    return send_from_directory(ASSETS, "favicon-32x32.png", max_age=86400, mimetype="image/png")


def link_safe(api: Api) -> None:
    """Tags and operation ids without underscores: Swagger UI takes `_` in a deep link
    (`/docs#/admin-stretches/admin-create-stretch`) for an escaped space and logs an error
    each time such a link is opened. Python names them with underscores; the document (and
    so every link) with hyphens, whoever registers the operation."""
    for tag in api.spec._tags:
        tag["name"] = tag["name"].replace("_", "-")
    for item in api.spec._paths.values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["tags"] = [t.replace("_", "-") for t in operation.get("tags", [])]
                if "operationId" in operation:
                    operation["operationId"] = operation["operationId"].replace("_", "-")


def annotate(api: Api) -> None:
    """Put seed-derived examples on the response schemas (see service/examples.py).

    The admin item views and the bundle shapes get a whole real item; the public shapes get
    real values on the fields they share with it, so no view shows a made-up slug.
    """
    schemas: dict[str, Any] = api.spec.components.schemas
    name_of = api.ma_plugin.schema_name_resolver
    for collection in COLLECTIONS:
        model = collection.model.__name__
        names = {model, f"{model}Ref"}
        if collection.public is not None:
            names |= {
                name_of(collection.public.list_schema),
                name_of(collection.public.detail_schema),
            }
        values = examples.property_examples(collection)
        for name in sorted(names & set(schemas)):
            _property_examples(schemas[name], values)
        view = examples.admin_view(collection)
        if view is None:
            continue
        admin = name_of(ADMIN_ITEM_SCHEMAS[collection.name])
        if admin in schemas:
            schemas[admin]["example"] = view
        shape = name_of(collection.input_schema)
        if shape in schemas:
            schemas[shape]["example"] = view["item"]


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def _fits(schema: dict[str, Any], value: Any) -> bool:
    if value is None:
        return bool(schema.get("nullable"))
    if "enum" in schema:
        return value in schema["enum"]
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items") or {}
        return isinstance(value, list) and all(_fits(items, v) for v in value)
    if kind not in _TYPES or (isinstance(value, bool) and kind != "boolean"):
        return False
    return isinstance(value, _TYPES[kind])


def _property_examples(schema: dict[str, Any], values: dict[str, Any]) -> None:
    for name, prop in (schema.get("properties") or {}).items():
        if name in values and _fits(prop, values[name]):
            prop["example"] = values[name]
