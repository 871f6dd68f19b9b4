"""GET /v1/questionnaire."""

from __future__ import annotations

from typing import Any

from flask import g

from service import db
from service.api import CACHE_HEADERS, Blueprint, cacheable
from service.content.i18n import current_language, negotiate
from service.content.schemas import LanguageArgsSchema
from service.questionnaire.schemas import QuestionnaireSchema
from service.questionnaire.services import build
from service.recommendations.engine import DISCLAIMER

blp = Blueprint(
    "questionnaire",
    __name__,
    url_prefix="/v1/questionnaire",
    description="The intake questions every front end asks, in order, built from the content.",
)


@blp.route("")
@cacheable(blp, "get_questionnaire")
@blp.arguments(LanguageArgsSchema, location="query")
@blp.response(200, QuestionnaireSchema, headers=CACHE_HEADERS)
def get_questionnaire(args: dict[str, Any]) -> dict[str, Any]:
    """Get the intake questionnaire

    The questions to ask before a recommendation, in the order to ask them: the red-flag
    screen first (each warning sign a yes/no question), then where and how it hurts, the pain
    level with the mild / moderate / severe wording, when it started and how it is going,
    history, age and the time available. Each question names the `POST /v1/recommendations`
    field it fills and the slugs a yes adds. It follows the content: a sign an editor
    publishes appears here.
    """

    def choose(available: set[str]) -> str:
        language = negotiate(available, args.get("lang"))
        current_language.set(language)
        g.content_language = language
        return language

    questionnaire = build(db.session(), choose)
    return {
        "language": questionnaire.language,
        "sections": questionnaire.sections,
        "disclaimer": DISCLAIMER,
    }
