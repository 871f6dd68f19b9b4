"""Text in the language asked for, English where a translation is missing, headers that say so."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.causes.models import Cause
from service.stretches.models import Stretch, StretchContraindication
from tests.toolkit.clients import Client


@pytest.fixture
def spanish(session: Session) -> None:
    """A Spanish translation of one stretch (name and steps only) and one cause."""
    stretch = session.scalar(sa.select(Stretch).where(Stretch.slug == "seated-forward-bend"))
    assert stretch is not None
    stretch.translations = {"es": {"name": "Flexión hacia delante sentado", "steps": ["Siéntate."]}}
    cause = session.scalar(sa.select(Cause).where(Cause.slug == "herniated-disc"))
    assert cause is not None
    cause.translations = {"es": {"name": "Hernia de disco"}}
    link = session.scalar(
        sa.select(StretchContraindication).where(
            StretchContraindication.stretch_id == stretch.id,
            StretchContraindication.cause_id == cause.id,
        )
    )
    assert link is not None
    link.translations = {"es": {"reason": "Flexionar la columna puede irritar el disco."}}
    session.commit()


@pytest.mark.usefixtures("spanish")
def test_lang_parameter_picks_the_translation(client: Client) -> None:
    response = client.get("/v1/stretches/seated-forward-bend?lang=es")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "es"
    assert "Accept-Language" in response.headers["Vary"]
    body = response.json
    assert body["name"] == "Flexión hacia delante sentado"
    assert body["steps"] == ["Siéntate."]
    assert body["language"] == "es"
    # Nested items are translated too, each from its own translations.
    contraindication = next(
        c for c in body["contraindications"] if c["cause"]["slug"] == "herniated-disc"
    )
    assert contraindication["cause"]["name"] == "Hernia de disco"
    assert contraindication["reason"] == "Flexionar la columna puede irritar el disco."


@pytest.mark.usefixtures("spanish")
def test_untranslated_fields_fall_back_to_english(client: Client) -> None:
    english = client.get("/v1/stretches/seated-forward-bend").json
    spanish = client.get("/v1/stretches/seated-forward-bend?lang=es").json
    assert spanish["summary"] == english["summary"]
    assert spanish["benefits"] == english["benefits"]
    assert english["name"] != spanish["name"]


@pytest.mark.usefixtures("spanish")
@pytest.mark.parametrize(
    "header, expected",
    [
        ("es", "es"),
        ("es-ES,es;q=0.9,en;q=0.8", "es"),
        ("fr-FR,es;q=0.5", "es"),
        ("fr", "en"),
        ("en-GB,es;q=0.9", "en"),
        ("", "en"),
    ],
)
def test_accept_language_is_negotiated(client: Client, header: str, expected: str) -> None:
    response = client.get("/v1/stretches/seated-forward-bend", headers={"Accept-Language": header})
    assert response.headers["Content-Language"] == expected
    assert response.json["language"] == expected


@pytest.mark.usefixtures("spanish")
def test_lang_parameter_wins_over_accept_language(client: Client) -> None:
    response = client.get(
        "/v1/stretches/seated-forward-bend?lang=en", headers={"Accept-Language": "es"}
    )
    assert response.headers["Content-Language"] == "en"
    assert response.json["name"] != "Flexión hacia delante sentado"


@pytest.mark.usefixtures("spanish")
def test_list_mixes_translated_and_english_items_and_says_which(client: Client) -> None:
    response = client.get("/v1/stretches?lang=es&page_size=100")
    assert response.headers["Content-Language"] == "es"
    by_slug = {item["slug"]: item for item in response.json["items"]}
    assert by_slug["seated-forward-bend"]["name"] == "Flexión hacia delante sentado"
    assert by_slug["seated-forward-bend"]["language"] == "es"
    assert by_slug["cat-cow"]["language"] == "en"


def test_unknown_language_falls_back_to_english(client: Client) -> None:
    response = client.get("/v1/faqs?lang=de")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
