"""The two public read routes every collection has: a filtered page and a detail by slug."""

from __future__ import annotations

from typing import Any

from service import db
from service.admin import examples
from service.api import CACHE_HEADERS, Blueprint, cacheable
from service.catalogue import COLLECTIONS, Collection, words
from service.content.i18n import use_language
from service.content.models import ContentMixin
from service.content.queries import Page, get_published, list_page
from service.content.schemas import LanguageArgsSchema, page_of


def read_blueprint(collection: Collection) -> Blueprint:
    """`GET /v1/<collection>` (a page of published items) and `GET /v1/<collection>/<slug>`."""
    assert collection.public is not None
    model: type[ContentMixin] = collection.model
    plural, api = collection.name, collection.public
    singular, list_spec, detail_options = api.singular, api.list_spec, api.detail_options
    ident = collection.ident
    blp = Blueprint(ident, __name__, url_prefix=f"/v1/{plural}", description=api.description)

    def list_items(args: dict[str, Any]) -> Page[Any]:
        page = list_page(db.session(), model, args, list_spec)
        use_language(page.items, args.get("lang"))
        return page

    def get_item(args: dict[str, Any], slug: str) -> ContentMixin:
        item = get_published(db.session(), model, slug, detail_options)
        use_language([item], args.get("lang"))
        return item

    list_items.__doc__ = f"""List published {words(plural)}

    A page of items in a stable order. Filters combine: an item must match all of them.
    `total` counts every matching item across pages.
    """
    get_item.__doc__ = f"""Get one {words(singular)} by slug

    Everything a screen needs in one call, with related items embedded. 404 for an unknown
    or unpublished slug.
    """
    blp.route("", endpoint="list")(
        cacheable(blp, f"list_{ident}")(
            blp.arguments(api.args_schema, location="query")(
                blp.response(200, page_of(api.list_schema), headers=CACHE_HEADERS)(list_items)
            )
        )
    )
    slug_parameter: dict[str, Any] = {
        "in": "path",
        "name": "slug",
        "description": f"The slug of one of the published {words(plural)}",
    }
    if (published := examples.published_slug(collection)) is not None:
        slug_parameter["example"] = published
    blp.route("/<string:slug>", endpoint="detail", parameters=[slug_parameter])(
        cacheable(blp, f"get_{singular}")(
            blp.arguments(LanguageArgsSchema, location="query")(
                blp.response(200, api.detail_schema, headers=CACHE_HEADERS)(get_item)
            )
        )
    )
    return blp


def blueprints() -> list[Blueprint]:
    return [read_blueprint(c) for c in COLLECTIONS if c.public is not None]
