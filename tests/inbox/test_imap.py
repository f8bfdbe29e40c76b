"""IMAP polling against a real Dovecot on loopback: UID state across restarts, no double
read, messages appended while polling and while waiting in IDLE."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.core.management import call_command

from clientela.inbox.imap import ImapSession, imap_run
from clientela.inbox.models import ImapMailbox, Message
from clientela.inbox.services.setup import imap_mailbox_save
from tests.inbox.dovecot import DOVECOT, PASSWORD, USER, Dovecot, dovecot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.path.exists(DOVECOT),
        reason="Dovecot is not installed (apt-get install dovecot-imapd; scripts/test.sh does)",
    ),
]


def mail(n: int, *, subject: str = "Comanda") -> bytes:
    return (
        f"From: client{n}@example.ro\r\nTo: suport@alice.example\r\n"
        f"Subject: {subject} {n}\r\nMessage-ID: <imap-{n}@example.ro>\r\n"
        f"Date: Sun, 6 Dec 2026 10:00:00 +0200\r\n\r\nMesajul {n}\r\n"
    ).encode()


@pytest.fixture
def server():
    with dovecot() as running:
        yield running


@pytest.fixture
def mailbox(cast, server: Dovecot) -> ImapMailbox:
    return imap_mailbox_save(
        workspace=cast.shop,
        actor=cast.manager,
        host="127.0.0.1",
        port=server.port,
        use_ssl=False,
        username=USER,
        password=PASSWORD,
    )


def poll(mailbox: ImapMailbox) -> int:
    session = ImapSession(ImapMailbox.objects.get(pk=mailbox.pk))
    try:
        return session.poll()
    finally:
        session.close()


def bodies() -> list[str]:
    return list(Message.objects.order_by("pk").values_list("body", flat=True))


def test_each_message_is_read_once_across_restarts(server, mailbox):
    server.append(mail(1), mail(2))
    assert poll(mailbox) == 2
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 2 and mailbox.uidvalidity and mailbox.last_polled_at
    assert poll(mailbox) == 0  # a restart: a new connection starts after UID 2
    server.append(mail(3))
    assert poll(mailbox) == 1
    assert bodies() == ["Mesajul 1", "Mesajul 2", "Mesajul 3"]
    assert Message.objects.filter(channel="imap").count() == 3


def test_a_lost_uid_state_or_new_uidvalidity_reads_again_but_stores_nothing_twice(server, mailbox):
    server.append(mail(1), mail(2))
    assert poll(mailbox) == 2
    ImapMailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=1, last_uid=0)
    assert poll(mailbox) == 2  # read again: both are the stored messages, returned as such
    assert Message.objects.count() == 2
    mailbox.refresh_from_db()
    assert mailbox.uidvalidity != 1 and mailbox.last_uid == 2


def test_messages_appended_while_polling_are_read_in_the_next_round(server, mailbox):
    server.append(*(mail(n) for n in range(1, 61)))  # more than one batch of 50
    session = ImapSession(ImapMailbox.objects.get(pk=mailbox.pk))
    try:
        assert session.poll() == 60
        server.append(mail(61))
        assert session.poll() == 1
    finally:
        session.close()
    assert Message.objects.count() == 61
    assert ImapMailbox.objects.get(pk=mailbox.pk).last_uid == 61


def test_idle_wakes_up_when_mail_arrives(server, mailbox):
    session = ImapSession(ImapMailbox.objects.get(pk=mailbox.pk))
    try:
        assert session.supports_idle()
        assert session.poll() == 0
        timer = threading.Timer(0.5, server.append, args=(mail(7),))
        timer.start()
        started = time.monotonic()
        assert session.idle(20) is True
        assert time.monotonic() - started < 10
        assert session.poll() == 1
        assert session.idle(0.3) is False  # nothing new: back after the timeout
    finally:
        session.close()
    assert bodies() == ["Mesajul 7"]


def test_the_runner_and_the_command_read_the_mailbox(server, mailbox, capsys):
    server.append(mail(1))
    imap_run(mailbox.pk, interval=0.2, rounds=1)
    server.append(mail(2))
    call_command("inbox_imap", "--once")
    assert "1 new" in capsys.readouterr().out
    assert bodies() == ["Mesajul 1", "Mesajul 2"]


def test_a_wrong_password_is_recorded_without_the_password(server, mailbox):
    ImapMailbox.objects.filter(pk=mailbox.pk).update(password="wrong-pass")
    imap_run(mailbox.pk, interval=0.1, rounds=1)
    mailbox.refresh_from_db()
    assert "AUTHENTICATIONFAILED" in mailbox.last_error or "Authentication" in mailbox.last_error
    assert "wrong-pass" not in mailbox.last_error
