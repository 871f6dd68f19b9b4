"""POST /v1/recommendations."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app

from service import examples
from service.api import Blueprint
from service.content.cache import LRU
from service.recommendations.schemas import RecommendationRequestSchema, RecommendationSchema
from service.recommendations.services import recommend_for
from service.recommendations.state import ANSWERS_KEY, content_version_now, rules_now

blp = Blueprint(
    "recommendations",
    __name__,
    url_prefix="/v1/recommendations",
    description=(
        "Safety-first advice from symptoms, known conditions and time since onset. "
        "Not medical advice."
    ),
)


@blp.route("", methods=["POST"])
@blp.doc(operationId="recommend")
@blp.arguments(
    RecommendationRequestSchema,
    example=examples.recommendation_body(set(RecommendationRequestSchema().fields)),
)
@blp.response(200, RecommendationSchema)
def recommend(data: dict[str, Any]) -> Response:
    """Get advice for a sore back

    How it decides, in order:

    1. **Triage.** Each red-flag symptom has an urgency. Bowel or bladder problems and numbness
       in the saddle area are an *emergency*; numbness, tingling or weakness in the legs or
       arms, fever, unexplained weight loss, trouble with daily activities, and pain for more
       than 72 hours (`hours_since_onset`) call for a *professional*. The most urgent one wins
       and every reason is listed. At an emergency no stretch, exercise or routine is offered.
    2. **Likely causes.** Each symptom points to causes with a weight; the weights of the
       symptoms given are added up, and a known condition counts fully.
    3. **What to do.** Stretches and exercises that help with the likely causes, most relevant
       and gentlest first. Anything contraindicated by a known condition or a likely cause is
       never suggested: it is listed under `avoid` with the reason.
    4. **Recovery.** Remedies in the order of use with their timing: cold for the first
       24-48 hours (15-20 minutes), heat after that, gentle movement. With a known onset,
       remedies whose window has passed are left out and `now` says what applies now.
    5. **Routine.** Rounds of the suggested stretches with their hold times that fill
       `minutes_available` without going over (a per-side stretch counts twice).

    The same request always gets the same answer; `rules_version` changes when an editor
    changes a rule. This is general information, not medical advice.
    """
    rules, version = rules_now(), content_version_now()
    answers: LRU = current_app.extensions[ANSWERS_KEY]
    key = (version, json.dumps(data, sort_keys=True))
    body: bytes | None = answers.get(key)
    if body is None:
        # Same content and same request give the same answer: serialise it once.
        body = json.dumps(RecommendationSchema().dump(recommend_for(rules, data))).encode()
        answers.put(key, body)
    return Response(body, mimetype="application/json", headers={"Cache-Control": "no-store"})
