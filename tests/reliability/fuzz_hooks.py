"""Schemathesis hooks for fuzzing the service (loaded through schemathesis.toml's `hooks`)."""

from __future__ import annotations

import os
from typing import Any

import schemathesis

# A media archive is bytes on the wire (a tar), as application/octet-stream is.
schemathesis.serializer.alias("application/x-tar", "application/octet-stream")

# The id of the key the fuzzer authenticates with, set by whoever starts the run.
OWN_KEY_ENV = "BACKCARE_FUZZ_KEY_ID"
# An id no key has: ids are PostgreSQL integers, and this is the largest.
NO_SUCH_KEY = 2**31 - 1


@schemathesis.hook
def before_call(
    context: schemathesis.HookContext, case: schemathesis.Case[Any], kwargs: Any
) -> None:
    """The fuzzer must not revoke its own key: every later request would then get 401.

    And an unknown query parameter whose value is an empty list is not sent at all (there is
    no value to send), so the request would not be the negative case it is meant to be: it
    is sent with an empty value instead, so that the service sees the unknown parameter.
    """
    if context.operation is not None and case.query:
        known = {parameter.name for parameter in context.operation.query}
        case.query = {
            name: ("" if value == [] and name not in known else value)
            for name, value in case.query.items()
        }
    if context.operation is None or context.operation.label != (
        "POST /v1/admin/keys/{key_id}/revoke"
    ):
        return
    own = os.environ.get(OWN_KEY_ENV)
    if own and str(case.path_parameters.get("key_id")) == own:
        case.path_parameters = {**case.path_parameters, "key_id": NO_SUCH_KEY}
