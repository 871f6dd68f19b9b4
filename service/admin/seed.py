"""Reading the seed files (one YAML list per collection) into a bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from service.catalogue import COLLECTIONS


def read_seed(directory: Path) -> dict[str, list[Any]]:
    bundle: dict[str, list[Any]] = {}
    for collection in COLLECTIONS:
        path = directory / f"{collection.name}.yaml"
        if path.exists():
            bundle[collection.name] = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return bundle
