"""What the sync tests share: an app's offline copy, and what the public API serves."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from service.catalogue import BY_NAME, COLLECTIONS
from tests.helpers import all_items
from tests.toolkit.clients import Client

PUBLIC = [c.name for c in COLLECTIONS if c.public is not None]


class OfflineCopy:
    """What an app holds: the items sync sent it, minus the deletions, and its cursor."""

    def __init__(self, client: Client, lang: str | None = None) -> None:
        self.client, self.lang = client, lang
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.cursor: str | None = None

    def sync(self, limit: int = 1000) -> None:
        while True:
            query = f"limit={limit}"
            query += f"&since={self.cursor}" if self.cursor else ""
            query += f"&lang={self.lang}" if self.lang else ""
            response = self.client.get(f"/v1/sync?{query}")
            assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
            body = response.json
            for item in body["items"]:
                self.items[item["collection"], item["slug"]] = item["data"]
            for gone in body["deleted"]:
                self.items.pop((gone["collection"], gone["slug"]), None)
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return


def served(client: Client, lang: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """Every published item as its detail endpoint serves it now."""
    suffix = f"?lang={lang}" if lang else ""
    details = {}
    for name in PUBLIC:
        for item in all_items(client, name):
            response = client.get(f"/v1/{name}/{item['slug']}{suffix}")
            assert response.status_code == HTTPStatus.OK
            details[name, item["slug"]] = response.json
    return details


def admin_item(editor: Client, collection: str, slug: str) -> tuple[dict[str, Any], str]:
    response = editor.get(f"/v1/admin/{collection}/{slug}")
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    return response.json["item"], response.headers["ETag"]


def patch(editor: Client, collection: str, slug: str, changes: dict[str, Any]) -> Any:
    _item, etag = admin_item(editor, collection, slug)
    return editor.patch(f"/v1/admin/{collection}/{slug}", json=changes, headers={"If-Match": etag})


def name_field(collection: str) -> str:
    return str(BY_NAME[collection].model.TEXT_FIELDS[0])


def embedding(body: dict[str, Any], slug: str) -> bool:
    """Whether the slug appears anywhere inside an item's data (not as its own slug)."""

    def walk(value: Any, top: bool) -> bool:
        if isinstance(value, dict):
            if not top and value.get("slug") == slug:
                return True
            return any(walk(v, False) for v in value.values())
        if isinstance(value, list):
            return any(walk(v, False) for v in value)
        return False

    return walk(body, True)
