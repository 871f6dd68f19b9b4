"""A web front end's proof of the contract: TypeScript types generated from openapi.yaml, a
client (web/src/client.ts) type-checked with `tsc --strict`, then run with Node against a
served instance; and a spec change that breaks such a client fails its build.

The npm tools are web/'s, at the exact versions of web/package-lock.json (`make test` runs
`npm ci` there); Node.js is a system part.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests import system_parts
from tests.toolkit.repository import ROOT
from tests.web.conftest import FIGURES, Served

WEB = ROOT / "web"
GENERATOR = WEB / "node_modules" / "openapi-typescript" / "bin" / "cli.js"
TSC = WEB / "node_modules" / "typescript" / "bin" / "tsc"


@dataclass(frozen=True)
class Build:
    folder: Path
    node: Path

    def generate(self, spec: Path) -> subprocess.CompletedProcess[str]:
        types = self.folder / "generated" / "backcare.ts"
        command = [str(self.node), str(GENERATOR), str(spec), "--default-non-nullable", "false"]
        return subprocess.run(
            [*command, "--output", str(types)], capture_output=True, text=True, timeout=120
        )

    def compile(self) -> subprocess.CompletedProcess[str]:
        command = [str(self.node), str(TSC), "--project", str(self.folder / "tsconfig.json")]
        return subprocess.run(command, capture_output=True, text=True, timeout=300)


def _tools() -> Path:
    node = system_parts.require("node")
    if not (GENERATOR.exists() and TSC.exists()):
        what = "web/'s npm packages are not installed (`make web-packages` runs npm ci in web/)"
        if system_parts.in_ci():
            pytest.fail(f"{what}; CI must have them")
        pytest.skip(what)
    return node


@pytest.fixture
def build() -> Iterator[Build]:
    """A folder inside web/ (so that web/node_modules resolves) with the client's sources."""
    node = _tools()
    folder = WEB / "build" / uuid.uuid4().hex[:12]
    shutil.copytree(WEB / "src", folder / "src")
    (folder / "tsconfig.json").write_text(
        json.dumps(
            {
                "extends": "../../tsconfig.json",
                "compilerOptions": {"outDir": "dist", "rootDir": "."},
                "include": ["src", "generated"],
            }
        ),
        encoding="utf-8",
    )
    try:
        yield Build(folder, node)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_client_type_checks_strictly_and_runs_against_a_served_instance(
    build: Build, served: Served
) -> None:
    started = time.monotonic()
    generated = build.generate(ROOT / "openapi.yaml")
    assert generated.returncode == 0, generated.stderr
    types = (build.folder / "generated" / "backcare.ts").read_text(encoding="utf-8")
    checked = time.monotonic()
    compiled = build.compile()
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    FIGURES.update(
        {
            "types lines": types.count("\n"),
            "paths typed": types.count('    "/'),
            "generate s": round(checked - started, 1),
            "tsc --strict s": round(time.monotonic() - checked, 1),
        }
    )

    environment = {**os.environ, "BACKCARE_URL": served.url, "BACKCARE_KEY": served.editor_key}
    ran = subprocess.run(
        [str(build.node), str(build.folder / "dist" / "src" / "client.js")],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
    )
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout)
    FIGURES["client saw"] = seen

    # What the client saw is what the service holds.
    public = httpx.get(f"{served.url}/v1/stretches?page_size=100").json()
    assert seen["total"] == public["total"] and seen["listed"] == min(5, public["total"])
    assert seen["read"]["slug"] == public["items"][0]["slug"]
    assert seen["read"]["steps"] > 0 and seen["read"]["sources"] > 0
    assert seen["recommended"]["triage"] == "self_care"
    assert seen["recommended"]["stretches"], seen
    assert 0 < seen["recommended"]["routine_seconds"] <= 600
    draft = seen["created"]["slug"]
    auth = {"Authorization": f"Bearer {served.editor_key}"}
    stored = httpx.get(f"{served.url}/v1/admin/stretches/{draft}", headers=auth)
    assert stored.status_code == HTTPStatus.OK
    assert stored.json()["item"]["status"] == "draft" and seen["changed"] is True
    assert stored.json()["etag"] == seen["created"]["etag"]
    assert httpx.get(f"{served.url}/v1/stretches/{draft}").status_code == HTTPStatus.NOT_FOUND


def _break(spec: dict[str, Any]) -> None:
    """Two changes a web client notices: a path it calls is gone, a field it reads renamed."""
    del spec["paths"]["/v1/stretches/{slug}"]
    routine = spec["components"]["schemas"]["RecommendedRoutine"]
    routine["properties"]["seconds_total"] = routine["properties"].pop("total_seconds")
    routine["required"] = [
        "seconds_total" if r == "total_seconds" else r for r in routine["required"]
    ]


def test_a_spec_change_that_breaks_a_web_client_fails_its_build(build: Build) -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    _break(spec)
    broken = build.folder / "openapi.yaml"
    broken.write_text(yaml.safe_dump(spec), encoding="utf-8")
    assert build.generate(broken).returncode == 0
    compiled = build.compile()
    output = compiled.stdout + compiled.stderr
    assert compiled.returncode != 0, output
    assert '"/v1/stretches/{slug}"' in output, output
    assert "total_seconds" in output, output
