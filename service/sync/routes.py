"""GET /v1/sync."""

from __future__ import annotations

from typing import Any

from service import db
from service.api import CACHE_HEADERS, Blueprint, cacheable
from service.catalogue import BY_NAME
from service.content.i18n import current_language, item_languages, negotiate, use_language
from service.sync import embeds  # noqa: F401 - re-sends embedding items from import on
from service.sync.schemas import SyncArgsSchema, SyncPageSchema
from service.sync.services import changes_since, decode

blp = Blueprint(
    "sync",
    __name__,
    url_prefix="/v1/sync",
    description="Delta sync for apps that keep the content offline.",
)


@blp.route("")
@cacheable(blp, "sync")
@blp.arguments(SyncArgsSchema, location="query")
@blp.response(200, SyncPageSchema, headers=CACHE_HEADERS)
def sync(args: dict[str, Any]) -> dict[str, Any]:
    """Changes since a cursor

    Every published item created or changed since `since`, across all collections, and every
    item deleted or unpublished since then, with the cursor to pass next time. Without
    `since`, everything. While `has_more` is true, sync again with the new cursor. Changes
    come in the order they were made; a client that keeps syncing never misses one.
    """
    changes, cursor, has_more = changes_since(
        db.session(), decode(args.get("since")), args["limit"]
    )
    live = [c for c in changes if c.item is not None]
    use_language([c.item for c in live], args.get("lang"))
    items = []
    for change in live:
        public = BY_NAME[change.collection].public
        assert public is not None
        # In the language its detail endpoint chooses for it alone, embedded items included:
        # the page's language would translate what an untranslated item embeds.
        language = negotiate(item_languages(change.item), args.get("lang"))
        token = current_language.set(language)
        try:
            data = public.detail_schema().dump(change.item)
        finally:
            current_language.reset(token)
        items.append(
            {
                "collection": change.collection,
                "slug": change.slug,
                "version": change.position[0],
                "data": data,
            }
        )
    deleted = [
        {
            "collection": c.collection,
            "slug": c.slug,
            "deleted_at": c.deleted_at,
            "reason": c.reason,
        }
        for c in changes
        if c.item is None
    ]
    return {"items": items, "deleted": deleted, "cursor": cursor, "has_more": has_more}
