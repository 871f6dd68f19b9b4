"""The admin fixtures (keys of each role) for the tests of the documentation."""

from tests.admin.conftest import make_key

__all__ = ["make_key"]
