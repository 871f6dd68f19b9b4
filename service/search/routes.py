"""GET /v1/search."""

from __future__ import annotations

from typing import Any

from flask import g, request

from service import db
from service.api import CACHE_HEADERS, Blueprint, cacheable
from service.content.i18n import current_language, negotiate
from service.search import services
from service.search.schemas import SearchArgsSchema, SearchPageSchema

blp = Blueprint(
    "search",
    __name__,
    url_prefix="/v1/search",
    description="One search box for the whole catalogue.",
)


@blp.route("")
@cacheable(blp, "search")
@blp.arguments(SearchArgsSchema, location="query")
@blp.response(200, SearchPageSchema, headers=CACHE_HEADERS)
def search(args: dict[str, Any]) -> services.SearchResult:
    """Search every collection

    Ranked hits across stretches, exercises, causes, symptoms, remedies, routines, FAQs and
    risk factors: a match in the name beats one in the summary, which beats one in the rest
    of the text. Forgives typos, other forms of a word and common synonyms ("slipped disc"),
    and completes the last word while the person types. `lang` (or Accept-Language) searches
    the translation, and English where an item has none. Only published items are found.
    """
    session = db.session()
    asked = [args.get("lang") or "", *(tag for tag, _q in list(request.accept_languages)[:5])]
    language = negotiate(services.languages_present(session, asked), args.get("lang"))
    result = services.search(
        session,
        args["q"],
        language=language,
        collections=args.get("collection") or (),
        page=args["page"],
        page_size=args["page_size"],
    )
    current_language.set(result.language)
    g.content_language = result.language
    return result
