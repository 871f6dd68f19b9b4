"""The ETag rules in one place: strong tags, their gzip variant, and how requests match them.

Every ETag the service sends is strong: it names one representation. The gzipped bytes of an
answer are another representation, so their tag is the same one with `-gz` added, and a
request that sends either back names the same version.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from werkzeug.datastructures import ETags

GZIP_SUFFIX = "-gz"


def strong(*parts: Any) -> str:
    """A strong ETag (quoted) for the version that these parts name."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
    return f'"{digest}"'


def versioned(version: int, *parts: Any) -> str:
    """A strong ETag that starts with the content version it was made at.

    The version is in the clear so that a client revalidating shows which version it has
    seen, and an instance (or a lagging read replica) never answers it with an older one.
    """
    digest = hashlib.sha256("|".join(map(str, (version, *parts))).encode()).hexdigest()[:32]
    return f'"{version}.{digest}"'


_VERSIONED = re.compile(r"^(\d{1,18})\.[0-9a-f]{32}$")


def versions(header: str | None) -> list[int]:
    """The content versions of the service's versioned ETags in an If-None-Match header."""
    found = []
    for candidate in (header or "").split(","):
        match = _VERSIONED.match(_version(candidate.strip().removeprefix("W/").strip('"')))
        if match:
            found.append(int(match.group(1)))
    return found


def gzip_variant(etag: str) -> str:
    """The ETag of the gzipped bytes of the answer whose ETag is `etag` (quoted, strong)."""
    if etag.endswith('"') and not etag.endswith(f'{GZIP_SUFFIX}"'):
        return f'{etag[:-1]}{GZIP_SUFFIX}"'
    return etag


def _version(tag: str) -> str:
    return tag.removesuffix(GZIP_SUFFIX)


def none_match(header: str | None, etag: str) -> bool:
    """If-None-Match holds this ETag (a gzipped variant or a weak form of it counts)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.strip('"')
    return any(
        _version(candidate.strip().removeprefix("W/").strip('"')) == wanted
        for candidate in header.split(",")
    )


def none_match_parsed(tags: ETags, etag: str) -> bool:
    """As `none_match`, for werkzeug's parsed If-None-Match (weak tags left out)."""
    # werkzeug parses an empty quoted tag ("") as None: it matches nothing.
    return tags.star_tag or any(
        tag is not None and _version(tag) == etag for tag in tags.as_set(include_weak=False)
    )


def if_match_tags(header: str) -> list[str]:
    """The ETags an If-Match header names, as people send them.

    Besides the standard form (`"abc"`, `"abc", "def"`), the bare value (`abc`, as the `etag`
    field of an admin answer shows it) and the quotes escaped as in JSON (`\\"abc\\"`, as a
    copy from a JSON view gives it) are accepted. Weak tags (`W/"abc"`) never match.
    """
    tags = []
    for part in header.split(","):
        tag = part.strip().replace('\\"', '"')
        if tag.startswith("W/"):
            continue
        tag = tag.removeprefix('"').removesuffix('"').strip()
        if tag:
            tags.append(tag)
    return tags


def match(header: str, etag: str) -> bool:
    """If-Match names the current version (`*`, or the ETag, or its gzipped variant)."""
    return any(tag == "*" or _version(tag) == etag for tag in if_match_tags(header))
