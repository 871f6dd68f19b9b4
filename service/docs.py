"""Swagger UI served with its own JavaScript and CSS, so /docs works with no internet."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response, send_from_directory

ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"
ASSETS_URL = "/docs/assets/"

blp = Blueprint("swagger_assets", __name__)


@blp.route(f"{ASSETS_URL}<path:filename>")
def asset(filename: str) -> Response:
    response = send_from_directory(ASSETS, filename, max_age=86400)
    # Let the gzip step compress the (large) Swagger UI bundle.
    response.direct_passthrough = False
    return response
