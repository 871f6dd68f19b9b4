"""Public answers cached per content version: cheap 304s, and no re-query or re-serialisation.

Every content write bumps one counter (service/content/versioning.py). A public GET is keyed by
that version, its URL and its Accept-Language, so one small query tells whether a cached answer
is still right; an editor's write changes the version, and with it every ETag, at once on
every instance.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, g, request

from service import etags
from service.content.versioning import version_now

Key = tuple[Any, ...]


@dataclass
class Entry:
    body: bytes
    mimetype: str
    headers: dict[str, str]
    _gzipped: bytes | None = field(default=None, repr=False)

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=5, mtime=0)
        return self._gzipped


class LRU:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Key, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Key, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def init_app(
    app: Flask,
    *,
    cacheable: Callable[[], bool],
    max_age: int,
    size: int = 4096,
) -> LRU:
    """Serve `cacheable()` GETs from the cache, answer 304s before the view runs."""
    cache = LRU(size)
    app.extensions["response_cache"] = cache
    cache_control = f"public, max-age={max_age}" if max_age else "no-cache"

    @app.before_request
    def _from_cache() -> Response | None:
        if request.method not in ("GET", "HEAD") or not cacheable():
            return None
        version = version_now()
        key = (version, request.full_path, request.headers.get("Accept-Language", ""))
        etag = etags.versioned(*key)
        g.cache_key, g.cache_etag = key, etag
        headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept-Language"}
        entry: Entry | None = cache.get(key)
        if_none_match = request.headers.get("If-None-Match")
        # `*` matches any current representation, which only a cached 200 proves: an unknown
        # slug or an invalid query has none and must still get its 404 or 422.
        if etags.none_match(if_none_match, etag) and (
            entry is not None or (if_none_match or "").strip() != "*"
        ):
            return Response(status=304, headers=headers)
        if entry is None:
            return None
        g.cache_hit = True
        response = Response(entry.body, mimetype=entry.mimetype, headers=entry.headers)
        if "gzip" in request.headers.get("Accept-Encoding", "").lower():
            response.set_data(entry.gzipped())
            response.headers["Content-Encoding"] = "gzip"
            response.headers["ETag"] = etags.gzip_variant(etag)
            response.vary.add("Accept-Encoding")
        return response

    @app.after_request
    def _to_cache(response: Response) -> Response:
        key = g.get("cache_key")
        if key is None or g.get("cache_hit") or response.status_code != 200:
            return response
        response.headers["ETag"] = g.cache_etag
        response.headers["Cache-Control"] = cache_control
        if response.is_sequence and "Content-Encoding" not in response.headers:
            kept = {
                name: value
                for name, value in response.headers.items()
                if name in ("ETag", "Cache-Control", "Content-Language", "Vary")
            }
            cache.put(key, Entry(response.get_data(), response.mimetype or "", kept))
        return response

    return cache
