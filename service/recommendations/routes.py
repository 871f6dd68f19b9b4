"""POST /v1/recommendations."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app

from service.admin import examples
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
        "Safety-first advice from symptoms, risk factors, known conditions, pain level, trend, "
        "age and time since onset. Not medical advice."
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

    How it decides, in order (every rule is content an editor can change):

    1. **Triage.** Every symptom, risk factor and pain band says what it calls for:
       `self_care`, `see_professional`, `urgent` (same day: urgent GP or 111) or `emergency`
       (999 or A&E). Time since onset, `trend` and `age` can make a symptom or a risk factor
       present by themselves. The most urgent wins, and `triage.reasons` names every input
       that raised the level, with its sources.
    2. **At `urgent` and `emergency`** the answer is what to do and how soon: no stretch,
       exercise, routine, recovery step or likely cause.
    3. **Protections never lift.** Anything contraindicated by a stated condition, or by any
       cause that any present symptom or risk factor points to, is never suggested and is
       listed in `avoid` with the reason.
    4. **What to do.** Stretches and exercises that help with the likely causes, most relevant
       and gentlest first; only gentle ones with severe pain or a risk factor that asks for it.
    5. **Recovery.** Keep-active advice first, then remedies in their order of use with their
       timing. What NICE NG59 advises against is never recommended; manual therapy only
       alongside exercise.
    6. **Routine.** A dose, not a marathon: within `minutes_available`, no stretch more than
       three times and never over the routine limits that apply (`routine.note` says why it
       is shorter than the time you have).
    7. **Safety net.** Below `emergency`, the signs that would call for more urgent help,
       each with its level and what to do.

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
