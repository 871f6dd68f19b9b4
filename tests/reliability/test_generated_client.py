"""A client generated from openapi.yaml by a generator no one here wrote, used as a front end.

openapi-python-client builds typed models from the spec. Calling the service through them
proves what front ends rely on: every operation and parameter they need is in the spec, every
answer parses into its documented type, and nothing in an answer is left undocumented (it would
land in a model's `additional_properties`) or missing (an `Unset` where the answer has data).
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from flask import Flask

from service.admin.models import Role
from tests.reliability.conftest import FIGURES
from tests.toolkit.clients import NewKey

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "backcare_client"
SOURCE = "article-back-pain-after-stretching"


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated client package, imported from a temporary folder."""
    folder = tmp_path_factory.mktemp("client")
    config = folder / "config.yaml"
    # No post hooks: the generator would otherwise run ruff from PATH over its output. The
    # generator knows binary bodies only as application/octet-stream: pictures and the media
    # archive are bytes to a front end, as they are to its HTTP client.
    binary = ("application/x-tar", "image/jpeg", "image/png", "image/webp")
    overrides = "".join(f"  {kind}: application/octet-stream\n" for kind in binary)
    config.write_text(
        f"project_name_override: backcare-client\npackage_name_override: {PACKAGE}\n"
        f"post_hooks: []\ncontent_type_overrides:\n{overrides}",
        encoding="utf-8",
    )
    output = folder / "backcare-client"
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(ROOT / "openapi.yaml"),
            "--output-path",
            str(output),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # The generator reports what it could not understand as warnings and carries on.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(output))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(output))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _api(package: ModuleType, tag: str, operation: str) -> Any:
    return importlib.import_module(f"{package.__name__}.api.{tag}.{operation}")


def _model(package: ModuleType, name: str) -> Any:
    return getattr(importlib.import_module(f"{package.__name__}.models"), name)


def _client(package: ModuleType, app: Flask, token: str | None = None) -> Any:
    """A generated client whose requests reach the app in-process, in the test's transaction."""
    args: dict[str, Any] = {
        "base_url": "http://backcare.test",
        "raise_on_unexpected_status": True,
        "httpx_args": {"transport": httpx.WSGITransport(app=app)},
    }
    if token is None:
        return package.Client(**args)
    return package.AuthenticatedClient(token=token, **args)


def _undocumented(value: Any, path: str = "$") -> list[str]:
    """Paths in a parsed answer that the spec left out (they land in additional_properties).

    Data that parsed as Unset is caught by comparing `to_dict()` with the JSON: it would be
    missing from the former.
    """
    from attrs import fields as attrs_fields
    from attrs import has

    found: list[str] = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            found += _undocumented(item, f"{path}[{index}]")
    elif has(type(value)):
        extra = getattr(value, "additional_properties", {})
        # Maps keyed by data (translations, counts per collection) are documented as such.
        if extra and any(f.name != "additional_properties" for f in attrs_fields(type(value))):
            found += [f"{path}.{key} (not in the spec)" for key in extra]
        for field in attrs_fields(type(value)):
            if field.name != "additional_properties":
                found += _undocumented(getattr(value, field.name), f"{path}.{field.name}")
        for key, item in extra.items():
            found += _undocumented(item, f"{path}.{key}")
    return found


def _parsed(answer: Any, model: Any, raw: Any) -> Any:
    """The answer is the documented model, documents all of the JSON, and gives it back."""
    assert isinstance(answer, model), (raw.status_code, raw.content[:300])
    assert _undocumented(answer) == []
    assert answer.to_dict() == json.loads(raw.content)
    FIGURES["client calls"] = FIGURES.get("client calls", 0) + 1
    return answer


def test_the_spec_generates_a_client_for_every_operation(generated: ModuleType) -> None:
    spec_ids = {
        operation["operationId"]
        for path in __import__("yaml")
        .safe_load((ROOT / "openapi.yaml").read_text())["paths"]
        .values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert generated.__file__ is not None
    modules = {p.stem for p in Path(generated.__file__).parent.glob("api/*/*.py")}
    # The generator names each module after its operation id in snake case.
    assert {operation_id.replace("-", "_") for operation_id in spec_ids} <= modules
    assert len(spec_ids) > 90


def test_front_end_lists_filters_and_reads_with_the_generated_client(
    generated: ModuleType, app: Flask, connection: sa.Connection
) -> None:
    client = _client(generated, app)
    listing = _api(generated, "stretches", "list_stretches")
    raw = listing.sync_detailed(client=client, page_size=5, lang="es")
    page = _parsed(raw.parsed, _model(generated, "StretchPage"), raw)
    assert page.page_size == 5 and 0 < len(page.items) <= 5 and page.total >= len(page.items)

    # Filters and pages are parameters of the generated function, as the spec documents them.
    helps = _api(generated, "causes", "list_causes").sync(client=client, page_size=1).items[0]
    raw = listing.sync_detailed(client=client, helps_with=helps.slug, page=1, page_size=100)
    _parsed(raw.parsed, _model(generated, "StretchPage"), raw)

    slug = page.items[0].slug
    raw = _api(generated, "stretches", "get_stretch").sync_detailed(client=client, slug=slug)
    stretch = _parsed(raw.parsed, _model(generated, "Stretch"), raw)
    assert stretch.slug == slug and stretch.sources

    for tag, model, detail in [
        ("causes", "CausePage", "get_cause"),
        ("symptoms", "SymptomPage", "get_symptom"),
        ("exercises", "ExercisePage", "get_exercise"),
        ("remedies", "RemedyPage", "get_remedy"),
        ("routines", "RoutinePage", "get_routine"),
        ("faqs", "FaqPage", "get_faq"),
        ("risk_factors", "RiskFactorPage", "get_risk_factor"),
        ("pain_bands", "PainBandPage", "get_pain_band"),
        ("routine_limits", "RoutineLimitPage", "get_routine_limit"),
    ]:
        raw = _api(generated, tag, f"list_{tag}").sync_detailed(client=client, page_size=100)
        listed = _parsed(raw.parsed, _model(generated, model), raw)
        for item in listed.items:
            raw = _api(generated, tag, detail).sync_detailed(client=client, slug=item.slug)
            assert raw.status_code == 200
            assert _undocumented(raw.parsed) == [], (tag, item.slug)
            assert raw.parsed.to_dict() == json.loads(raw.content), (tag, item.slug)

    raw = _api(generated, "sync", "sync").sync_detailed(client=client, limit=50)
    _parsed(raw.parsed, _model(generated, "SyncPage"), raw)

    missing = _api(generated, "faqs", "get_faq").sync_detailed(client=client, slug="no-such-faq")
    problem = _parsed(missing.parsed, _model(generated, "Problem"), missing)
    assert problem.status == 404 and "no-such-faq" in problem.detail


def test_front_end_asks_for_a_recommendation_with_the_generated_client(
    generated: ModuleType, app: Flask, connection: sa.Connection
) -> None:
    client = _client(generated, app)
    symptoms = _api(generated, "symptoms", "list_symptoms").sync(client=client, page_size=100)
    everyday = [s.slug for s in symptoms.items if not s.red_flag][:2]
    request = _model(generated, "RecommendationRequest")(
        symptoms=everyday, hours_since_onset=30.0, pain_level=4, minutes_available=10
    )
    raw = _api(generated, "recommendations", "recommend").sync_detailed(client=client, body=request)
    answer = _parsed(raw.parsed, _model(generated, "Recommendation"), raw)
    assert answer.triage.level.value == "self_care"
    assert answer.likely_causes and answer.routine.total_seconds <= 600
    assert answer.safety_net and answer.recovery[0].slug == "keep-active"

    factors = _api(generated, "risk_factors", "list_risk_factors").sync(client=client)
    trend = _model(generated, "RecommendationRequestTrendType1")
    request = _model(generated, "RecommendationRequest")(
        symptoms=everyday,
        risk_factors=[f.slug for f in factors.items if f.urgency.value == "urgent"],
        age=60,
        trend=trend("worse"),
    )
    raw = _api(generated, "recommendations", "recommend").sync_detailed(client=client, body=request)
    answer = _parsed(raw.parsed, _model(generated, "Recommendation"), raw)
    assert answer.triage.level.value == "urgent" and answer.triage.how_soon.value == "today"
    assert {r.input_.value for r in answer.triage.reasons} >= {"risk_factors", "age", "trend"}
    assert answer.stretches == [] and answer.routine.steps == []

    bad = _model(generated, "RecommendationRequest")(symptoms=["no-such-symptom"])
    raw = _api(generated, "recommendations", "recommend").sync_detailed(client=client, body=bad)
    problem = _parsed(raw.parsed, _model(generated, "Problem"), raw)
    assert problem.status == 422 and "json.symptoms.0" in problem.errors.additional_properties


def test_editor_imports_a_bundle_with_the_generated_client(
    generated: ModuleType, app: Flask, new_key: NewKey
) -> None:
    _key, secret = new_key(Role.EDITOR, "generated client")
    editor = _client(generated, app, token=secret)
    faq = {
        "slug": "does-the-generated-client-work",
        "question": "Does a generated client work?",
        "answer": "Yes, as long as the spec is right.",
        "key_points": ["The spec is the contract."],
        "sources": [SOURCE],
        "status": "published",
        "last_reviewed": "2026-01-10",
        "next_review": "2027-01-10",
        "reviewed_by": "Dr Spec",
        "translations": {"es": {"question": "¿Funciona un cliente generado?"}},
    }
    bundle = _model(generated, "Bundle").from_dict({"faqs": [faq]})
    importer = _api(generated, "admin", "admin_import")
    raw = importer.sync_detailed(client=editor, body=bundle, dry_run=False)
    summary = _parsed(raw.parsed, _model(generated, "ImportSummary"), raw)
    assert summary.changed and summary.collections["faqs"].created == 1

    raw = _api(generated, "admin_faqs", "admin_get_faq").sync_detailed(
        client=editor, slug=faq["slug"]
    )
    admin_view = _parsed(raw.parsed, _model(generated, "FaqAdmin"), raw)
    assert (
        admin_view.item.question == faq["question"] and admin_view.updated_by == "generated client"
    )

    public = _client(generated, app)
    raw = _api(generated, "faqs", "get_faq").sync_detailed(
        client=public, slug=faq["slug"], lang="es"
    )
    shown = _parsed(raw.parsed, _model(generated, "Faq"), raw)
    assert shown.question == "¿Funciona un cliente generado?" and shown.language == "es"

    # Without a key the generated client gets the documented 401 problem.
    raw = importer.sync_detailed(client=public, body=bundle)
    assert raw.status_code == 401 and raw.parsed.status == 401
