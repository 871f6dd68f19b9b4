"""Every operation of the committed openapi.yaml, fuzzed in-process with schemathesis.

Positive and negative data, every check (no server errors; status codes, headers, content
types and bodies as documented; schema-valid data accepted, schema-violating data refused;
auth not ignored...). Admin operations are called with a real admin key. Each operation's
examples run in one rolled-back transaction, so whatever the fuzzer writes never leaks.
The tuning of checks is in schemathesis.toml, per operation, with its reasons. `make fuzz`
runs many more examples against gunicorn.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from service.admin.models import Role
from tests.reliability import fuzz_hooks
from tests.reliability.conftest import FIGURES
from tests.toolkit.clients import NewKey

ROOT = Path(__file__).resolve().parents[2]
# Per operation; schemathesis' coverage phase adds its own deterministic boundary cases.
EXAMPLES = 12

CONFIG = SchemathesisConfig.from_path(str(ROOT / "schemathesis.toml"))
schema = schemathesis.openapi.from_path(ROOT / "openapi.yaml", config=CONFIG)
schema.config.generation.update(max_examples=EXAMPLES)
_counted = threading.Lock()
_operations: set[str] = set()


@pytest.fixture
def fuzz_key(new_key: NewKey, monkeypatch: pytest.MonkeyPatch) -> str:
    key, secret = new_key(Role.ADMIN, "fuzzer")
    monkeypatch.setenv(fuzz_hooks.OWN_KEY_ENV, str(key.id))
    return secret


@schema.parametrize()
# The fixtures (one transaction, one key) are meant to be shared by an operation's examples.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_operation_conforms_to_the_spec(
    case: Any, app: Flask, connection: sa.Connection, fuzz_key: str
) -> None:
    with _counted:
        _operations.add(case.operation.label)
        FIGURES["operations"] = len(_operations)
        FIGURES["examples"] = FIGURES.get("examples", 0) + 1
    # Checks that send requests of their own (auth ignored?...) reach the app this way too.
    case.operation.app = case.operation.schema.app = app
    case.call_and_validate(
        base_url="http://localhost",
        # The WSGI transport hands back raw bytes: a gzipped body would not parse.
        headers={"Authorization": f"Bearer {fuzz_key}", "Accept-Encoding": "identity"},
    )
