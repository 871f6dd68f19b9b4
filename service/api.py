"""flask-smorest's Api and Blueprint, set up for problem+json errors and strict arguments."""

from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any

import flask
import flask_smorest
from flask_smorest.etag import ETAG_HEADER, IF_MATCH_HEADER, IF_NONE_MATCH_HEADER
from flask_smorest.utils import deepupdate, prepare_response
from marshmallow import fields as ma_fields
from marshmallow import missing
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.exceptions import HTTPException

from service.content.schemas import Schema
from service.errors import PROBLEM_JSON, http_exception_response


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    from marshmallow import fields as _f

    type = _f.String(required=True, metadata={"example": "about:blank"})
    title = _f.String(required=True)
    status = _f.Integer(required=True)
    detail = _f.String(required=True)
    instance = _f.String(required=True)
    errors = _f.Dict(
        keys=_f.String(),
        values=_f.List(_f.String()),
        metadata={"description": "Each invalid field's path (location.field) and its messages"},
    )
    error_count = _f.Integer(
        metadata={
            "description": "How many problems there are in all, when `errors` lists only the "
            "first ones"
        }
    )


class Parser(FlaskParser):
    # An unknown query parameter is a client bug (a typo in a filter name): say so.
    DEFAULT_UNKNOWN_BY_LOCATION = {  # noqa: RUF012 - webargs' own attribute
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": None,
    }

    def _raw_load_json(self, req: flask.Request) -> Any:
        # An operation that reads a JSON body documents it as required: a request without one
        # is a client bug, not a request for the defaults. The body is parsed by the app's
        # strict JSON provider (service/bodies.py), as request.get_json() does.
        data = req.get_data(cache=True)
        if not data:
            abort(400, messages={"json": ["Send a JSON body: this operation needs one."]})
        if not is_json_request(req):
            return missing
        try:
            return flask.current_app.json.loads(data)
        except ValueError as error:
            abort(400, exc=error, messages={"json": [f"Invalid JSON body: {error}"]})


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_extra_parameters_doc)
        self._prepare_doc_cbks.append(self._prepare_body_errors_doc)

    @staticmethod
    def parameter(parameter: dict[str, Any]) -> Any:
        """Document a parameter of one operation: a header the view reads itself
        (If-None-Match...), or a path parameter whose example differs from its path's.

        `blp.doc(parameters=[...])` would replace the query parameters that `arguments`
        documents (flask-smorest's manual doc overwrites lists), so these are appended.
        """

        def decorate(view: Any) -> Any:
            apidoc = getattr(view, "_apidoc", {})
            view._apidoc = {
                **apidoc,
                "extra_parameters": [*apidoc.get("extra_parameters", []), parameter],
            }
            return view

        return decorate

    @staticmethod
    def _prepare_extra_parameters_doc(
        doc: dict[str, Any], doc_info: dict[str, Any], **_kwargs: Any
    ) -> dict[str, Any]:
        extra = doc_info.get("extra_parameters")
        if extra:
            doc = {**doc, "parameters": [*doc.get("parameters", []), *extra]}
        return doc

    @staticmethod
    def _prepare_body_errors_doc(
        doc: dict[str, Any], doc_info: dict[str, Any], **_kwargs: Any
    ) -> dict[str, Any]:
        # Every operation that reads a JSON body answers 400 to one that is not valid JSON
        # (service/bodies.py) and 415 to one sent as another type (service/errors.py).
        if "requestBody" in doc or "requestBody" in doc_info.get("manual_doc", {}):
            errors = {400: "BAD_REQUEST", 415: "UNSUPPORTED_MEDIA_TYPE"}
            doc = deepupdate(doc, {"responses": errors})
        return doc

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        # webargs builds a new schema per request from a class (0.15 ms of copying fields);
        # schemas keep no state between loads, so one instance serves every request.
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)


def enum_type(_converter: Any, field: Any, **_kwargs: Any) -> dict[str, Any]:
    """An enum of strings says it is a string, so that clients and fuzzers know its type.

    apispec documents `fields.Enum` as a bare `enum`: a generator could then send a number or
    an object for it, which a query string cannot carry.
    """
    if isinstance(field, ma_fields.Enum) and field.by_value:
        values = [member.value for member in field.enum]
        if values and all(isinstance(value, str) for value in values):
            return {"type": "string"}
    return {}


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ProblemSchema

    def _init_spec(self, *args: Any, **kwargs: Any) -> None:
        super()._init_spec(*args, **kwargs)
        self.ma_plugin.converter.add_attribute_function(enum_type)

    def handle_http_exception(self, error: HTTPException) -> Any:
        return http_exception_response(error)

    def _register_etag_headers(self) -> None:
        # As flask-smorest does, but saying what a client sends: an empty If-Match is no
        # If-Match at all (428), so the documented value has something in it.
        if_match = {
            **IF_MATCH_HEADER,
            "description": (
                "The ETag of the item as you last read it: the `etag` field of GET's answer "
                "(or its ETag header), with or without the double quotes. `*` matches any "
                "version."
            ),
            "schema": {"type": "string", "minLength": 1, "pattern": r"\S"},
        }
        self.spec.components.parameter("IF_MATCH", "header", if_match, lazy=True)
        self.spec.components.parameter("IF_NONE_MATCH", "header", IF_NONE_MATCH_HEADER, lazy=True)
        self.spec.components.header("ETAG", ETAG_HEADER, lazy=True)

    def _register_responses(self) -> None:
        # As flask-smorest does, but error bodies are documented as application/problem+json.
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
                content_type = PROBLEM_JSON
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


CACHE_HEADERS = {
    "ETag": {
        "description": "Send it back in If-None-Match to get 304 while the content is unchanged",
        "schema": {"type": "string"},
    },
    "Cache-Control": {"description": "How long caches may keep it", "schema": {"type": "string"}},
    "Content-Language": {"description": "Language of the text", "schema": {"type": "string"}},
}


def cacheable(blp: Blueprint, operation_id: str) -> Callable[[Any], Any]:
    """Document a conditional GET: If-None-Match in, 304 out (see content/cache.py)."""

    def decorate(view: Any) -> Any:
        view = blp.alt_response(304, description="Not modified: the ETag is still current")(view)
        # Not blp.doc(parameters=...): that would replace the documented query parameters.
        view = blp.parameter(
            {
                "in": "header",
                "name": "If-None-Match",
                "required": False,
                "schema": {"type": "string"},
                "description": "The ETag of a copy you hold",
            }
        )(view)
        return blp.doc(operationId=operation_id)(view)

    return decorate
