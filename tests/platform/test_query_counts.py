"""No N+1: the statements a list or detail needs do not grow with the page or the catalogue."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from service.catalogue import COLLECTIONS
from tests.toolkit.clients import Client
from tests.toolkit.database import clear_caches
from tests.toolkit.queries import count_statements

PUBLIC = [c.name for c in COLLECTIONS if c.public is not None]
# version check + count + page + at most four relation loads
LIST_BOUND = 7
# version check + item + at most six relation loads
DETAIL_BOUND = 8


@pytest.mark.parametrize("collection", PUBLIC)
def test_list_statements_do_not_grow_with_page_size(
    app: Flask, client: Client, connection: sa.Connection, collection: str
) -> None:
    counts = []
    for size in (1, 5, 100):
        clear_caches(app)
        with count_statements(app, connection) as statements:
            response = client.get(f"/v1/{collection}?page_size={size}")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2], counts
    assert counts[0] <= LIST_BOUND


@pytest.mark.parametrize("collection", PUBLIC)
def test_detail_statements_are_bounded(
    app: Flask, client: Client, connection: sa.Connection, collection: str
) -> None:
    slugs = [i["slug"] for i in client.get(f"/v1/{collection}?page_size=100").json["items"]]
    counts = set()
    for slug in slugs:
        clear_caches(app)
        with count_statements(app, connection) as statements:
            assert client.get(f"/v1/{collection}/{slug}").status_code == 200
        counts.add(len(statements))
    assert max(counts) <= DETAIL_BOUND, counts
    assert len(counts) == 1, f"the statement count depends on the item: {counts}"


def test_sync_statements_do_not_grow_with_the_page(
    app: Flask, client: Client, connection: sa.Connection
) -> None:
    counts = []
    for limit in (1, 10, 500):
        clear_caches(app)
        with count_statements(app, connection) as statements:
            assert client.get(f"/v1/sync?limit={limit}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2], counts
