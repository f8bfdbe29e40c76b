"""Fixtures of the care tests: the web tests' shop (a client with an order)."""

from tests.web.conftest import shop  # noqa: F401
