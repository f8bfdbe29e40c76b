"""Mail tells the apps above it through signals and never imports them."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clientela.mail.bounce import bounce_process
from clientela.mail.inbound import _process
from clientela.mail.models import Outbox, OutboxStatus
from clientela.mail.signals import bounce_recorded, unsubscribe_requested
from clientela.mail.verp import bounce_address, unsubscribe_mailto
from tests.mail.helpers import queue
from tests.mail.test_bounce import dsn

MAIL = Path(__file__).resolve().parents[2] / "clientela" / "mail"
HIGHER = ("clientela.retention", "clientela.outreach", "clientela.web", "clientela.api")


def _imported(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_mail_imports_no_higher_app_not_even_inside_a_function():
    found = {
        f"{path.relative_to(MAIL)}: {module}"
        for path in MAIL.rglob("*.py")
        for module in _imported(path)
        if module.startswith(HIGHER)
    }
    assert found == set()


@pytest.fixture
def heard() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        calls.append({"sender": sender, **{k: v for k, v in kwargs.items() if k != "signal"}})

    bounce_recorded.connect(receiver)
    unsubscribe_requested.connect(receiver)
    yield calls
    bounce_recorded.disconnect(receiver)
    unsubscribe_requested.disconnect(receiver)


@pytest.mark.django_db
def test_a_bounce_is_announced_once_with_whether_the_address_was_suppressed(cast, sink, heard):
    row = queue(cast.shop, "gone@example.ro")
    Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.SENT)

    bounce_process(dsn(row), recipients=[bounce_address(row.pk)])
    bounce_process(dsn(row), recipients=[bounce_address(row.pk)])  # the same report again

    assert heard == [
        {
            "sender": Outbox,
            "outbox_id": row.pk,
            "workspace_id": cast.shop.pk,
            "address": "gone@example.ro",
            "suppressed": True,
        }
    ]


@pytest.mark.django_db
def test_a_delay_notice_is_not_a_bounce(cast, sink, heard):
    row = queue(cast.shop, "slow@example.ro")

    bounce_process(
        dsn(row, status="4.4.1", action="delayed", words="451 4.4.1 try later"),
        recipients=[bounce_address(row.pk)],
    )

    assert heard == []


# The handler closes the thread's database connection as a worker thread must: a test
# transaction would not survive that, so this one commits (as test_inbound.py's do).
@pytest.mark.django_db(transaction=True)
def test_mail_to_the_unsubscribe_address_is_announced_with_its_row(cast, sink, heard):
    row = queue(cast.shop, "ana@example.ro")
    address = unsubscribe_mailto(row.pk).removeprefix("mailto:").partition("?")[0]

    _process(b"Subject: unsubscribe\r\n\r\n", [address])

    assert heard == [{"sender": Outbox, "outbox_id": row.pk}]
