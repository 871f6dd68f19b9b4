"""Response headers every answer gets: security headers, CORS for configured origins, gzip,
and redirects that never point off the site."""

from __future__ import annotations

import gzip
from http import HTTPStatus
from urllib.parse import urlsplit

from flask import Flask, Response, json, request
from werkzeug.routing import RequestRedirect

from service import etags
from service.config import ADMIN_PREFIX, Settings
from service.errors import PROBLEM_JSON

COMPRESSIBLE = {
    "application/json",
    "application/problem+json",
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "text/plain",
}
CORS_ALLOW_HEADERS = (
    "Authorization, Content-Type, If-Match, If-None-Match, Accept-Language, X-Request-ID, "
    "X-Content-Version"
)
CORS_EXPOSE_HEADERS = (
    "ETag, Content-Language, X-Request-ID, Retry-After, Location, X-Content-Version"
)
# Swagger UI needs its own scripts and styles (one inline script starts it); the API needs none.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


def _security(response: Response) -> None:
    # Appended, not set: no view sets these, and set() scans the headers on every response.
    headers = response.headers
    headers.add("X-Content-Type-Options", "nosniff")
    headers.add("X-Frame-Options", "DENY")
    headers.add("Referrer-Policy", "no-referrer")
    policy = DOCS_POLICY if request.path.startswith("/docs") else API_POLICY
    headers.add("Content-Security-Policy", policy)
    if request.path.startswith(ADMIN_PREFIX):
        # Drafts, keys and a new key's secret: no browser or proxy may keep a copy.
        response.headers["Cache-Control"] = "no-store"


def _cors(response: Response, origins: tuple[str, ...]) -> None:
    origin = request.headers.get("Origin")
    if not origin or not origins:
        return
    response.vary.add("Origin")
    if "*" not in origins and origin not in origins:
        return
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
    if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, PUT, PATCH, DELETE"
        response.headers["Access-Control-Allow-Headers"] = CORS_ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"


def accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def _gzip(response: Response, min_size: int) -> None:
    if (
        response.direct_passthrough
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE
    ):
        return
    response.vary.add("Accept-Encoding")
    if not accepts_gzip():
        return
    body = response.get_data()
    if len(body) < min_size:
        return
    response.set_data(gzip.compress(body, compresslevel=5, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag = response.headers.get("ETag")
    if etag:
        response.headers["ETag"] = etags.gzip_variant(etag)


def local_reference(location: str) -> str:
    """`location` as a path on this site: no scheme, no host, one leading slash.

    The Host header is the client's to choose, so an absolute URL built from it (werkzeug's
    redirects are) can send a browser or a cache anywhere. A path-absolute reference is
    resolved against the URL the client asked for (RFC 9110, section 10.2.2), so it names the
    same place on whatever host really served the request. Leading slashes and backslashes are
    folded into one: `//evil.example` and `/\\evil.example` would name another host again.
    """
    parts = urlsplit(location)
    reference = "/" + parts.path.lstrip("/\\")
    if parts.query:
        reference += "?" + parts.query
    if parts.fragment:
        reference += "#" + parts.fragment
    return reference


def _redirects(response: Response) -> None:
    location = response.headers.get("Location")
    if location is None:
        return
    reference = local_reference(location)
    response.headers["Location"] = reference
    if isinstance(request.routing_exception, RequestRedirect):
        # werkzeug's own page (a URL merged of double slashes) is HTML naming the absolute URL.
        status = response.status_code
        body = {
            "type": "about:blank",
            "title": HTTPStatus(status).phrase,
            "status": status,
            "detail": f"This resource is at {reference}; send the request there.",
            "instance": reference,
        }
        response.set_data(json.dumps(body))
        response.mimetype = PROBLEM_JSON


def init_app(app: Flask, settings: Settings) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        _redirects(response)
        _security(response)
        _cors(response, settings.cors_origins)
        _gzip(response, settings.gzip_min_size)
        return response
