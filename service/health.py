"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from marshmallow import fields, validate

from service import db
from service.api import Blueprint
from service.content.schemas import Schema

blp = Blueprint("health", __name__, description="Probes for load balancers and orchestrators.")


class HealthSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ok"]))


@blp.route("/healthz")
@blp.doc(operationId="healthz")
@blp.response(200, HealthSchema)
def healthz() -> dict[str, Any]:
    """The process is alive"""
    return {"status": "ok"}


@blp.route("/readyz")
@blp.doc(operationId="readyz")
@blp.response(200, HealthSchema)
@blp.alt_response(503, description="The database is unreachable")
def readyz() -> dict[str, Any]:
    """The database is reachable; 503 problem+json while it is not"""
    db.session().execute(sa.text("SELECT 1"))
    return {"status": "ok"}
