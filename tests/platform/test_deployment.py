"""The container setup: docker-compose.yml is valid and sets only variables the service reads."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.config import VARIABLES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
OWN_SERVICES = ("migrate", "api", "worker")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def test_compose_file_is_valid_for_docker_compose() -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("docker-compose is not installed (.ci/run installs it)")
        pytest.skip("docker-compose is not installed; `apt-get install docker-compose`")
    result = subprocess.run(
        [binary, "-f", str(COMPOSE), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_stack_has_database_job_api_and_redis(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) >= {"db", "migrate", "api", "redis"}
    db = services["db"]
    assert "healthcheck" in db
    assert any(str(v).split(":")[0] in compose["volumes"] for v in db["volumes"])
    migrate = services["migrate"]
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert "alembic upgrade head" in " ".join(migrate["command"])
    assert "seed" in " ".join(migrate["command"])
    assert migrate.get("restart") == "no"
    api = services["api"]
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert api["deploy"]["replicas"] >= 1
    # No fixed host port, or a second replica could not start.
    assert all(":" not in str(port) for port in api.get("ports", []))
    assert "healthcheck" in api


def test_import_jobs_have_a_worker_in_the_stack(compose: dict[str, Any]) -> None:
    services = compose["services"]
    worker = services["worker"]
    assert worker["command"][-2:] == ["jobs", "work"]
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert worker["restart"] in {"always", "unless-stopped"}
    assert worker["environment"]["DATABASE_URL"] == services["api"]["environment"]["DATABASE_URL"]
    # The API's own workers leave jobs to it.
    assert services["api"]["environment"]["JOB_WORKER"] == "false"


def test_compose_sets_only_variables_the_service_reads(compose: dict[str, Any]) -> None:
    for name in OWN_SERVICES:
        environment = compose["services"][name].get("environment", {})
        unknown = set(environment) - VARIABLES
        assert not unknown, f"{name} sets variables the service never reads: {unknown}"


def test_every_variable_is_read_by_code_and_documented() -> None:
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [*(ROOT / "service").rglob("*.py"), ROOT / "gunicorn.conf.py"]
    )
    # The list itself does not count as reading a variable.
    start = code.index("VARIABLES = frozenset(")
    code = code[:start] + code[code.index("\n)\n", start) :]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in VARIABLES:
        assert code.count(f'"{name}"') >= 1, f"{name} is listed but never read"
        assert f"`{name}`" in readme, f"{name} is missing from the README's table"
