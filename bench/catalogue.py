"""A catalogue at a chosen scale: the seed content plus generated variants of it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from service.admin.seed import read_seed

SEED = Path(__file__).resolve().parent.parent / "seed"
# Collections whose items are multiplied; sources stay as they are.
GROWN = ("causes", "symptoms", "stretches", "exercises", "remedies", "routines", "faqs")
LANGUAGES = ("es", "fr", "de")


def variant(item: dict[str, Any], number: int) -> dict[str, Any]:
    clone = copy.deepcopy(item)
    clone["slug"] = f"{item['slug']}-v{number}"
    for field in ("name", "question"):
        if field in clone:
            clone[field] = f"{clone[field]} ({number})"
    # Every variant carries translations, as a catalogue in several languages would.
    title = clone.get("name") or clone.get("question")
    key = "name" if "name" in clone else "question"
    clone["translations"] = {lang: {key: f"{title} [{lang}]"} for lang in LANGUAGES}
    return clone


def build_bundle(items: int) -> dict[str, list[dict[str, Any]]]:
    """About `items` items in all, spread over the collections in the seed's proportions.

    Variants refer to the seed's own items, so every reference resolves.
    """
    seed = read_seed(SEED)
    base = sum(len(seed[name]) for name in GROWN)
    copies = max(0, (items - base) // base)
    bundle = {name: list(seed[name]) for name in seed}
    for name in GROWN:
        bundle[name] = list(seed[name]) + [
            variant(item, n) for n in range(1, copies + 1) for item in seed[name]
        ]
    return bundle


def count(bundle: dict[str, list[Any]]) -> int:
    return sum(len(items) for items in bundle.values())


def reviewed(bundle: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """`bundle` with every item but the sources marked reviewed (so that it may be published)."""
    for name, entries in bundle.items():
        if name != "sources":
            for entry in entries:
                entry.update(last_reviewed="2026-11-01", reviewed_by="Bench")
    return bundle


def reviewed_bundle(items: int) -> dict[str, list[dict[str, Any]]]:
    """About `items` items, each reviewed, so that an import through the API may publish it."""
    return reviewed(build_bundle(items))
