"""The container setup: docker-compose.yml is valid and sets only variables the service reads."""

from __future__ import annotations

import copy
import json
import runpy
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

from service.config import VARIABLES, Settings
from tests import system_parts

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
# The Compose Specification's JSON schema (github.com/compose-spec/compose-spec,
# schema/compose-spec.json at 170098ba, Apache-2.0), kept here so the check needs no network.
SCHEMA = Path(__file__).with_name("compose-spec.json")
OWN_SERVICES = ("migrate", "api", "worker")


@cache
def compose_validator() -> Any:
    return jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def test_compose_file_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    errors = [
        f"{'/'.join(map(str, error.instance_path)) or '(top)'}: {error.message}"
        for error in compose_validator().iter_errors(compose)
    ]
    assert not errors, "\n".join(errors)


def test_the_specification_check_catches_a_broken_file(compose: dict[str, Any]) -> None:
    broken = copy.deepcopy(compose)
    broken["services"]["api"]["depends_on"]["migrate"]["condition"] = "when_it_feels_like_it"
    broken["services"]["migrate"]["restart_policy"] = "no"
    paths = {"/".join(map(str, e.instance_path)) for e in compose_validator().iter_errors(broken)}
    assert paths == {"services/api/depends_on", "services/migrate"}


def test_compose_file_is_valid_for_docker_compose() -> None:
    """Compose's own parser, where it is installed: an optional second opinion."""
    binary = system_parts.require("docker-compose")
    result = subprocess.run(
        [str(binary), "-f", str(COMPOSE), "config", "-q"],
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


def test_the_proxy_is_the_only_way_in(compose: dict[str, Any]) -> None:
    services = compose["services"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    mounted = {str(volume).split(":")[0]: str(volume).split(":")[1] for volume in proxy["volumes"]}
    assert mounted["./deploy/nginx/backcare.conf"].startswith("/etc/nginx/conf.d/")
    assert (ROOT / "deploy" / "nginx" / "backcare.conf").is_file()
    assert proxy["depends_on"]["api"]["condition"] == "service_healthy"
    # The upstream the shipped config names is the api service on the port it listens on.
    assert "server api:8000;" in (ROOT / "deploy" / "nginx" / "backcare.conf").read_text()
    assert "ports" not in services["api"] and "8000" in services["api"]["expose"]
    assert services["api"]["environment"]["PROXY_HOPS"] == "1"


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


def gunicorn_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """The names gunicorn.conf.py defines under `env` (its own folders set, so none is made)."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "/nonexistent/metrics")
    monkeypatch.setenv("RATELIMIT_FILE", "/nonexistent/limits.sqlite")
    monkeypatch.delenv("GUNICORN_ACCESS_LOG", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_writes_no_access_line_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    # The service's own JSON line is the one line per request.
    assert gunicorn_settings(monkeypatch)["accesslog"] is None
    assert gunicorn_settings(monkeypatch, GUNICORN_ACCESS_LOG="-")["accesslog"] == "-"


def test_every_instance_serves_the_pictures_any_of_them_stored(compose: dict[str, Any]) -> None:
    # MEDIA_ROOT's default, var/media, under the image's working directory.
    assert Settings().media_root == "var/media"
    assert "WORKDIR /app" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for name in OWN_SERVICES:
        volumes = compose["services"][name].get("volumes", [])
        assert "media:/app/var/media" in volumes, name
    assert "media" in compose["volumes"]
