"""The admin fixtures (keys of each role, an editor's client) for the tests of the docs."""

from tests.admin.conftest import editor, editor_key, make_key

__all__ = ["editor", "editor_key", "make_key"]
