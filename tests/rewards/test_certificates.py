"""Gift certificates: codes, storage only as HMACs, redemption, limits, PDF and e-mail."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from pypdf import PdfReader

from clientela.accounts.policy import NotPermitted
from clientela.mail.models import Outbox
from clientela.rewards.codes import ALPHABET, code_new
from clientela.rewards.models import GiftCertificate, Redemption, RedemptionChannel
from clientela.rewards.services.certificates import (
    GUESS_LIMIT,
    CertificateNotFound,
    RedemptionRefused,
    TooManyGuesses,
    certificate_find,
    certificate_pdf,
    certificate_redeem,
    certificate_send,
)
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db
COUNTER = RedemptionChannel.COUNTER


def test_codes_are_four_groups_of_five_unambiguous_letters_and_never_repeat():
    codes = {code_new() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(rf"[{ALPHABET}]{{5}}(-[{ALPHABET}]{{5}}){{3}}", code)
    assert not set("01OIL") & set("".join(codes))


def test_the_code_is_stored_nowhere_in_the_database(cast, given):
    letters = given.code.replace("-", "")
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cols = connection.introspection.get_table_description(cursor, table)
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            for row in cursor.fetchall():
                for col, value in zip(cols, row, strict=True):
                    text = str(value).upper()
                    if letters in text.replace("-", "") or given.code in text:
                        found.append((table, col.name))
    assert found == []
    assert len(given.certificate.code_digest) == 64


def test_the_code_finds_its_certificate_in_any_case_and_spacing(cast, given):
    typed = given.code.lower().replace("-", " ")
    assert certificate_find(workspace=cast.shop, code=typed, ip="10.0.0.1") == given.certificate


def test_another_workspaces_code_is_not_found(cast, given):
    with pytest.raises(CertificateNotFound):
        certificate_find(workspace=cast.other_shop, code=given.code, ip="10.0.0.1")


def test_the_eleventh_bad_guess_in_an_hour_is_refused_per_ip(cast, given):
    for n in range(GUESS_LIMIT):
        with pytest.raises(CertificateNotFound):
            certificate_find(workspace=cast.shop, code=f"wrong{n}", ip="10.0.0.9")
    with pytest.raises(TooManyGuesses):  # even the right code: the address is locked out
        certificate_find(workspace=cast.shop, code=given.code, ip="10.0.0.9")
    with pytest.raises(TooManyGuesses):  # in another shop too
        certificate_find(workspace=cast.other_shop, code="x", ip="10.0.0.9")


def test_the_eleventh_bad_guess_in_an_hour_is_refused_per_workspace(cast, given):
    for n in range(GUESS_LIMIT):
        with pytest.raises(CertificateNotFound):
            certificate_find(workspace=cast.shop, code="nope", ip=f"10.0.1.{n}")
    with pytest.raises(TooManyGuesses):
        certificate_find(workspace=cast.shop, code="nope", ip="10.0.2.1")
    # Staff at the counter are held to their own address's limit only.
    assert certificate_find(workspace=cast.shop, code=given.code, ip="10.0.3.1", staff=True)
    # Another shop is not locked by this one's guessers.
    with pytest.raises(CertificateNotFound):
        certificate_find(workspace=cast.other_shop, code="nope", ip="10.0.2.2")


def test_guesses_older_than_an_hour_no_longer_count(cast, given):
    from clientela.rewards.models import BadGuess

    for _ in range(GUESS_LIMIT):
        with pytest.raises(CertificateNotFound):
            certificate_find(workspace=cast.shop, code="nope", ip="10.0.0.5")
    BadGuess.objects.update(at=timezone.now() - timedelta(minutes=61))
    assert certificate_find(workspace=cast.shop, code=given.code, ip="10.0.0.5")


def test_partial_redemptions_then_the_rest_then_nothing(cast, given):
    certificate = given.certificate
    certificate_redeem(
        certificate=certificate, actor=cast.teammate, amount=Decimal("7.50"), channel=COUNTER
    )
    certificate_redeem(
        certificate=certificate, actor=cast.teammate, amount=Decimal("12.50"), channel=COUNTER
    )
    with pytest.raises(RedemptionRefused, match="used up"):
        certificate_redeem(
            certificate=certificate, actor=cast.teammate, amount=Decimal("0.01"), channel=COUNTER
        )
    certificate.refresh_from_db()
    assert certificate.balance == Decimal("0.00")
    assert list(Redemption.objects.values_list("amount", flat=True).order_by("id")) == [
        Decimal("7.50"),
        Decimal("12.50"),
    ]
    assert Event.objects.filter(kind="certificate.redeemed").count() == 2


def test_more_than_the_balance_and_odd_amounts_are_refused(cast, given):
    certificate = given.certificate
    for amount, message in [
        ("20.01", "smaller"),
        ("0", "positive"),
        ("-5", "positive"),
        ("1.001", "positive"),
    ]:
        with pytest.raises(RedemptionRefused, match=message):
            certificate_redeem(
                certificate=certificate,
                actor=cast.teammate,
                amount=Decimal(amount),
                channel=COUNTER,
            )
    assert Redemption.objects.count() == 0


def test_an_expired_certificate_is_refused(cast, given):
    GiftCertificate.objects.filter(pk=given.certificate.pk).update(expires_at=timezone.now())
    with pytest.raises(RedemptionRefused, match="expired"):
        certificate_redeem(
            certificate=given.certificate, actor=cast.teammate, amount=Decimal(1), channel=COUNTER
        )


def test_the_database_refuses_a_negative_balance(cast, given):
    with pytest.raises(IntegrityError), transaction.atomic():
        GiftCertificate.objects.filter(pk=given.certificate.pk).update(balance=Decimal("-0.01"))


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_only_staff_redeem(cast, given, role):
    with pytest.raises(NotPermitted):
        certificate_redeem(
            certificate=given.certificate,
            actor=getattr(cast, role),
            amount=Decimal(1),
            channel=COUNTER,
        )
    assert Redemption.objects.count() == 0


def test_the_pdf_carries_the_amount_code_and_romanian_diacritics(cast, given):
    pdf = certificate_pdf(certificate=given.certificate, code=given.code)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "20,00" in text and "RON" in text
    assert given.code in text
    assert "Ștefănescu" in text
    assert "ALICE'S SHOP" in text  # the shop's name, set in capitals


def test_the_certificate_is_emailed_through_the_outbox_once(cast, given):
    row = certificate_send(certificate=given.certificate, actor=cast.teammate, code=given.code)
    assert row is not None and row.to_address == "ana@example.com"
    assert given.code in row.body_text and "20,00" in row.body_text
    assert (
        certificate_send(certificate=given.certificate, actor=cast.teammate, code=given.code)
        is None
    )
    assert Outbox.objects.count() == 1
    with pytest.raises(RedemptionRefused):
        certificate_send(certificate=given.certificate, actor=cast.teammate, code=code_new())
    with pytest.raises(NotPermitted):
        certificate_send(certificate=given.certificate, actor=cast.viewer, code=given.code)


def test_a_suppressed_address_gets_no_certificate_mail(cast, given):
    from clientela.mail.contact import ContactNotAllowed
    from clientela.mail.models import SuppressionReason
    from clientela.mail.services import suppression_add

    suppression_add(
        workspace=cast.shop, address="ana@example.com", reason=SuppressionReason.COMPLAINT
    )
    with pytest.raises(ContactNotAllowed):
        certificate_send(certificate=given.certificate, actor=cast.teammate, code=given.code)
    assert Outbox.objects.count() == 0


def test_an_unsubscribe_from_mailings_does_not_stop_the_certificate_owed_for_a_complaint(
    cast, given
):
    """The certificate is a reply to the customer's complaint (ContactPurpose.REPLY), not a
    mailing: their unsubscribe from our letters leaves it going."""
    from clientela.mail.models import SuppressionReason
    from clientela.mail.services import suppression_add

    suppression_add(
        workspace=cast.shop, address="ana@example.com", reason=SuppressionReason.UNSUBSCRIBE
    )
    row = certificate_send(certificate=given.certificate, actor=cast.teammate, code=given.code)
    assert row is not None and row.to_address == "ana@example.com"
    assert Outbox.objects.count() == 1
