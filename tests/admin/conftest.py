"""Fixtures for the admin API (keys, clients and live apps are in tests/toolkit)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.catalogue import COLLECTIONS
from service.content.models import ContentMixin


@pytest.fixture
def reviewed(session: Session) -> None:
    """Every content item was reviewed recently, whatever the date the suite runs on."""
    for collection in COLLECTIONS:
        if issubclass(collection.model, ContentMixin):
            session.execute(
                sa.update(collection.model).values(
                    last_reviewed=date.today() - timedelta(days=10),
                    next_review=date.today() + timedelta(days=355),
                    reviewed_by="Dr Test",
                )
            )
    session.commit()
