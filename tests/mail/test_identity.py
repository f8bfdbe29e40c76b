"""Signed bounce tokens, DKIM signatures, and the restored-backup pause."""

from __future__ import annotations

import base64
import logging
import subprocess

import dkim
import pytest

from clientela.mail.claim import outbox_claim
from clientela.mail.dkim import dkim_sign
from clientela.mail.instance import FILE_NAME, instance_check, instance_resume
from clientela.mail.message import Draft, message_build, message_bytes
from clientela.mail.models import DeliveryInstance, DeliverySettings, Outbox
from clientela.mail.services import delivery_pause_set
from clientela.mail.tasks import outbox_flush
from clientela.mail.verp import (
    LOCAL_PART_MAX,
    bounce_address,
    outbox_id_from_bounce_address,
)
from clientela.timeline.models import Event
from tests.mail.helpers import queue


@pytest.mark.parametrize("outbox_id", [1, 99_999, 2**40, 36**12 - 1])
def test_a_bounce_address_fits_the_local_part_limit_and_maps_back(settings, outbox_id):
    settings.CLIENTELA_BOUNCE_DOMAIN = "bounces.alice.example"
    address = bounce_address(outbox_id)

    local, _, domain = address.partition("@")
    assert len(local) <= LOCAL_PART_MAX and ":" not in local
    assert domain == "bounces.alice.example"
    assert outbox_id_from_bounce_address(address) == outbox_id
    assert outbox_id_from_bounce_address(f"<{address}>") == outbox_id


def test_an_id_too_large_for_the_limit_is_refused(settings):
    with pytest.raises(ValueError):
        bounce_address(36**12)


def test_a_tampered_or_foreign_bounce_address_maps_to_nothing(settings):
    settings.CLIENTELA_BOUNCE_DOMAIN = "bounces.alice.example"
    local, _, domain = bounce_address(7).partition("@")
    token = local.removeprefix("bounces+")
    other = bounce_address(8).partition("@")[0].removeprefix("bounces+")
    forged = token.split(".")[0] + "." + other.split(".")[1]
    assert outbox_id_from_bounce_address(f"bounces+{forged}@{domain}") is None
    assert outbox_id_from_bounce_address(f"bounces+{token}@elsewhere.example") is None
    assert outbox_id_from_bounce_address(f"someone+{token}@{domain}") is None


def test_a_dkim_signature_verifies_with_the_public_key(tmp_path):
    key_file = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", str(key_file), "2048"],
                   check=True, capture_output=True)  # fmt: skip
    private = key_file.read_bytes()
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(key_file), "-pubout", "-outform", "DER"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip

    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    data = message_bytes(
        message_build(
            Draft(1, "<a@alice.example>", "Shop", "shop@alice.example", "Ana Pop",
                  "ana@example.ro", "Mulțumim", "Text\n", "<p>x</p>", True)
        )
    )  # fmt: skip

    signed = dkim_sign(data, selector="s1", domain="alice.example", private_key=private)

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"s1._domainkey.alice.example."
        return record

    assert signed.startswith(b"DKIM-Signature: ")
    assert dkim.verify(signed, dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"Text", b"Txet"), dnsfunc=dns)


@pytest.mark.django_db
def test_a_fresh_install_creates_one_id_in_both_places(tmp_path):
    assert instance_check(tmp_path) is True
    assert instance_check(tmp_path) is True
    row = DeliveryInstance.objects.get()
    assert row.instance_id == (tmp_path / FILE_NAME).read_text() and not row.paused


PAUSED = {"sending_paused": True, "reason": "restore"}
RESUMED = {"sending_paused": False, "reason": ""}


@pytest.mark.django_db
def test_a_restored_database_pauses_every_workspace_until_each_is_resumed(cast, tmp_path, caplog):
    instance_check(tmp_path)
    mine = queue(cast.shop, "ana@example.ro")
    theirs = queue(cast.other_shop, "bob@example.ro")
    elsewhere = tmp_path / "new-machine"  # the backup restored next to another data dir

    with caplog.at_level(logging.ERROR):
        assert instance_check(elsewhere) is False
    assert "Sending paused in 2 workspaces" in caplog.text
    assert sorted(
        DeliverySettings.objects.values_list("workspace__slug", "sending_paused", "pause_reason")
    ) == [("alice", True, "restore"), ("charlie", True, "restore")]
    assert outbox_claim(worker_id="w", limit=10) == []
    # The mismatch is decided once: the next start neither pauses again nor lifts the pause.
    assert instance_check(elsewhere) is True
    assert DeliveryInstance.objects.get().instance_id == (elsewhere / FILE_NAME).read_text()
    assert outbox_claim(worker_id="w", limit=10) == []

    delivery_pause_set(workspace=cast.shop, paused=False, actor=cast.owner)
    assert [row.pk for row in outbox_claim(worker_id="w", limit=10)] == [mine.pk]

    assert instance_resume(elsewhere) == 1  # the operator's CLI resumes the rest
    assert [row.pk for row in outbox_claim(worker_id="w", limit=10)] == [theirs.pk]
    assert list(
        Event.objects.filter(kind__startswith="outreach.sending")
        .order_by("pk")
        .values_list("workspace__slug", "kind", "actor", "new")
    ) == [
        ("alice", "outreach.sending_paused", None, PAUSED),
        ("charlie", "outreach.sending_paused", None, PAUSED),
        ("alice", "outreach.sending_resumed", cast.owner.pk, RESUMED),
        ("charlie", "outreach.sending_resumed", None, RESUMED),
    ]


@pytest.mark.django_db
def test_the_flush_task_also_pauses_a_restored_database_before_sending(cast, sink, settings):
    settings.DATA_DIR = settings.DATA_DIR / "flush-test"
    DeliveryInstance.objects.create(pk=1, instance_id="id-of-the-machine-backed-up")
    row = queue(cast.shop, "ana@example.ro")

    assert outbox_flush.call() == 0

    assert sink.received == []
    row.refresh_from_db()
    assert row.status == "queued"
    assert DeliverySettings.objects.get(workspace=cast.shop).pause_reason == "restore"


@pytest.mark.django_db(transaction=True)
def test_an_older_dump_restored_beside_the_same_data_directory_pauses_sending(
    cast, sink, settings, caplog
):
    """Same machine, same data directory, same id: only the sending history tells the dump."""
    from clientela.mail.instance import LAST_SENT_NAME
    from clientela.mail.send import outbox_send_batch
    from clientela.mail.smtp import Relay

    settings.DATA_DIR = settings.DATA_DIR / "same-dir-restore"
    assert instance_check() is True
    first = queue(cast.shop, "ana@example.ro")
    relay = Relay.from_settings()
    try:
        assert outbox_send_batch(relay=relay, worker_id="w", limit=5).sent == 1
        note = (settings.DATA_DIR / LAST_SENT_NAME).read_text().split()
        assert note == [str(first.pk), first.message_id]
        assert instance_check() is True  # the database knows the last message as sent

        # The dump was taken before that letter went out: in it, the row is still queued.
        Outbox.objects.filter(pk=first.pk).update(status="queued", sent_at=None)
        with caplog.at_level(logging.ERROR):
            assert instance_check() is False
        assert "Sending paused in 2 workspaces" in caplog.text
        assert outbox_send_batch(relay=relay, worker_id="w", limit=5).claimed == 0
        assert len(sink.received) == 1  # Ana did not get her letter a second time
        # Decided once: the next start does not pause again, and the manager resumes.
        assert not (settings.DATA_DIR / LAST_SENT_NAME).exists()
        assert instance_check() is True
        delivery_pause_set(workspace=cast.shop, paused=False, actor=cast.owner)
    finally:
        relay.close()
    assert DeliverySettings.objects.get(workspace=cast.shop).sending_paused is False
    assert DeliverySettings.objects.get(workspace=cast.other_shop).pause_reason == "restore"


@pytest.mark.django_db(transaction=True)
def test_a_dump_without_the_last_sent_message_pauses_and_a_fresh_database_does_not(
    cast, sink, settings
):
    from clientela.mail.instance import last_sent_note

    settings.DATA_DIR = settings.DATA_DIR / "missing-row"
    # A brand-new database beside a kept folder: no identity row yet, nothing sent from it.
    last_sent_note(999_999, "<gone@example>")
    assert instance_check() is True
    assert not DeliverySettings.objects.filter(sending_paused=True).exists()
    # Once it has an identity, a note naming a message it never had means an older dump.
    last_sent_note(999_999, "<gone@example>")
    assert instance_check() is False
    assert DeliverySettings.objects.get(workspace=cast.shop).pause_reason == "restore"
