"""Drafts stay out of the public API: not listed, no detail, not embedded in other items."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.content.models import Status
from service.stretches.models import Stretch
from tests.helpers import all_items
from tests.toolkit.clients import Client


@pytest.fixture
def draft_stretch(session: Session) -> str:
    stretch = session.scalar(sa.select(Stretch).where(Stretch.slug == "childs-pose"))
    assert stretch is not None
    stretch.status = Status.DRAFT
    session.commit()
    return stretch.slug


def test_draft_is_not_listed(client: Client, draft_stretch: str) -> None:
    assert draft_stretch not in {i["slug"] for i in all_items(client, "stretches")}


def test_draft_detail_is_404(client: Client, draft_stretch: str) -> None:
    assert client.get(f"/v1/stretches/{draft_stretch}").status_code == 404


def test_draft_is_not_embedded_in_a_cause(client: Client, draft_stretch: str) -> None:
    cause = client.get("/v1/causes/muscle-strain").json
    assert draft_stretch not in {s["slug"] for s in cause["stretches"]}


def test_draft_totals_are_not_counted(client: Client, draft_stretch: str) -> None:
    body = client.get("/v1/stretches").json
    assert body["total"] == len(body["items"])
    assert draft_stretch not in {i["slug"] for i in body["items"]}
