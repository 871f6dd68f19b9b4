"""The service with one more route, which keeps its worker's CPU busy: for the timeout test.

Served by gunicorn exactly as `make run` serves the service; the route never yields to other
greenlets, as a long computation would not, so the master's worker timeout is what stops it.
"""

from __future__ import annotations

import time

from service import create_app

app = create_app()


@app.get("/_test/busy/<int:seconds>")
def busy(seconds: int) -> dict[str, str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass
    return {"status": "done"}
