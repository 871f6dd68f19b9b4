"""Schemathesis hooks for fuzzing the service (loaded through schemathesis.toml's `hooks`)."""

from __future__ import annotations

import os
from typing import Any

import schemathesis

# The id of the key the fuzzer authenticates with, set by whoever starts the run.
OWN_KEY_ENV = "BACKCARE_FUZZ_KEY_ID"
# An id no key has: ids are PostgreSQL integers, and this is the largest.
NO_SUCH_KEY = 2**31 - 1


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: Any) -> None:
    """The fuzzer must not revoke its own key: every later request would then get 401."""
    if context.operation is None or context.operation.label != (
        "POST /v1/admin/keys/{key_id}/revoke"
    ):
        return
    own = os.environ.get(OWN_KEY_ENV)
    if own and str(case.path_parameters.get("key_id")) == own:
        case.path_parameters = {**case.path_parameters, "key_id": NO_SUCH_KEY}
