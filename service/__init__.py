"""Backcare API: content and recommendations for people whose back hurts after stretching.

The app is built by `service.app.create_app`, named here too for `service:create_app()`; it is
imported on first use, so that importing one part of the service (the pure recommendation
engine, a model) builds nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.app import create_app as create_app


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from service.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
