"""Print the OpenAPI document the service generates, as YAML: `python -m service.openapi`."""

from __future__ import annotations

import sys
from typing import Any

import yaml

from service.app import create_app
from service.config import Settings


def generate() -> dict[str, Any]:
    app = create_app(Settings(database_url="sqlite://"))
    spec: dict[str, Any] = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return spec


def to_yaml(spec: dict[str, Any]) -> str:
    return yaml.safe_dump(spec, sort_keys=True, allow_unicode=True, width=100)


if __name__ == "__main__":
    sys.stdout.write(to_yaml(generate()))
