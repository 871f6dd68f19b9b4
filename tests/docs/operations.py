"""The operations of a served OpenAPI document, as the docs tests walk them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    doc: dict[str, Any]
    parameters: tuple[dict[str, Any], ...]  # path-level ones merged in, operation's first

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def body_type(self) -> str | None:
        """The body's media type: JSON where it is taken, else the one documented."""
        content = self.doc.get("requestBody", {}).get("content", {})
        return "application/json" if "application/json" in content else next(iter(content), None)

    @property
    def body_example(self) -> Any:
        content = self.doc.get("requestBody", {}).get("content", {})
        return content.get(self.body_type, {}).get("example")

    def binary_fields(self) -> list[str]:
        """The form fields of a multipart body that take a file."""
        content = self.doc.get("requestBody", {}).get("content", {})
        schema = content.get("multipart/form-data", {}).get("schema", {})
        return [
            name
            for name, field in schema.get("properties", {}).items()
            if field.get("format") == "binary"
        ]

    def parameter(self, name: str, where: str) -> dict[str, Any] | None:
        return next(
            (p for p in self.parameters if p.get("name") == name and p.get("in") == where), None
        )

    def url(self) -> str | None:
        """The path with every path parameter's example, or None when one has none."""
        url = self.path
        for name in re.findall(r"{(\w+)}", self.path):
            found = self.parameter(name, "path")
            if found is None or "example" not in found:
                return None
            url = url.replace(f"{{{name}}}", str(found["example"]))
        return url


def operations(spec: dict[str, Any]) -> Iterator[Operation]:
    components = spec["components"]["parameters"]

    def resolve(parameter: dict[str, Any]) -> dict[str, Any]:
        ref = parameter.get("$ref")
        return dict(components[ref.rsplit("/", 1)[1]]) if ref else parameter

    for path, item in spec["paths"].items():
        shared = [resolve(p) for p in item.get("parameters", [])]
        for method in METHODS:
            if method not in item:
                continue
            own = [resolve(p) for p in item[method].get("parameters", [])]
            names = {(p["name"], p["in"]) for p in own}
            merged = own + [p for p in shared if (p["name"], p["in"]) not in names]
            yield Operation(path, method, item[method], tuple(merged))
