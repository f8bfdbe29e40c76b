from __future__ import annotations

from tests.mail.conftest import sink

__all__ = ["sink"]
