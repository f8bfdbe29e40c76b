"""Gift certificates: issue, find by code under the guessing limits, redeem, print, e-mail.

Redemption is one conditional UPDATE (`balance >= amount` and not expired) whose row count
says whether it happened, so concurrent redemptions on SQLite (no SELECT ... FOR UPDATE) and
PostgreSQL alike never take more than the balance; the CHECK constraint holds it at zero
should anything else try. Each successful use writes one Redemption row.
"""

from __future__ import annotations

import base64
import hmac
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.mail import contact_allowed
from clientela.mail.branding import branding_for, text_on
from clientela.mail.contact import ContactNotAllowed, ContactPurpose
from clientela.mail.models import Outbox, OutboxKind
from clientela.mail.services import OutboxDraft, outbox_enqueue
from clientela.rewards.codes import code_digest, code_new, code_normalize
from clientela.rewards.models import (
    BadGuess,
    Compensation,
    GiftCertificate,
    Redemption,
    RedemptionChannel,
)
from clientela.rewards.policy import CERTIFICATE_REDEEM, CERTIFICATE_SEND
from clientela.timeline.services import event_record

VALIDITY = timedelta(days=365)
# The outbox rows of certificates: after delivery their stored copy is masked (receivers).
SOURCE_TYPE = "gift_certificate"
GUESS_LIMIT = 10  # bad codes per hour, per IP address and per workspace
GUESS_WINDOW = timedelta(hours=1)


class TooManyGuesses(Exception):
    """More than GUESS_LIMIT codes that matched nothing within the hour."""


class CertificateNotFound(Exception):
    pass


class RedemptionRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def certificate_issue(
    *, compensation: Compensation, actor: User | None
) -> tuple[GiftCertificate, str]:
    """A certificate worth the compensation's cost; the code is returned, never stored."""
    code = code_new()
    letters = code_normalize(code)
    assert letters is not None
    now = timezone.now()
    certificate = GiftCertificate.objects.create(
        workspace=compensation.workspace,
        code_digest=code_digest(letters),
        compensation=compensation,
        customer=compensation.customer,
        amount=compensation.cost,
        balance=compensation.cost,
        currency=compensation.currency,
        language=compensation.customer.language,
        issued_by=actor,
        issued_at=now,
        expires_at=now + VALIDITY,
    )
    event_record(
        workspace=compensation.workspace,
        actor=actor,
        kind="certificate.issued",
        subject=certificate,
        customer=compensation.customer,
        new={"number": certificate.number, "amount": certificate.amount},
    )
    return certificate, code


def code_matches(certificate: GiftCertificate, code: str) -> bool:
    letters = code_normalize(code)
    return letters is not None and hmac.compare_digest(
        code_digest(letters), certificate.code_digest
    )


def certificate_find(
    *, workspace: Workspace, code: str, ip: str | None, staff: bool = False
) -> GiftCertificate:
    """The workspace's certificate with this code, under the guessing limits.

    Each attempt is written down before the lookup and counted with the earlier ones, and
    removed again when the code was right: however many arrive at once, at most GUESS_LIMIT
    wrong ones per hour get an answer, per IP and per workspace. Signed-in staff at the
    counter are held to the per-IP limit only, so a stranger's guessing cannot lock the
    shop's own till out. Call it outside a transaction, so that a bad guess stays counted.
    """
    since = timezone.now() - GUESS_WINDOW
    attempt = BadGuess.objects.create(workspace=workspace, ip=ip)
    recent = BadGuess.objects.filter(at__gte=since)
    over_ip = ip is not None and recent.filter(ip=ip).count() > GUESS_LIMIT
    over_ws = not staff and recent.filter(workspace=workspace).count() > GUESS_LIMIT
    if over_ip or over_ws:
        attempt.delete()  # refused unanswered: it taught the guesser nothing
        raise TooManyGuesses
    letters = code_normalize(code)
    found = (
        GiftCertificate.objects.for_workspace(workspace)
        .filter(code_digest=code_digest(letters))
        .first()
        if letters
        else None
    )
    if found is None:
        raise CertificateNotFound
    attempt.delete()
    return found


def certificate_redeem(
    *,
    certificate: GiftCertificate,
    actor: User | None,
    amount: Decimal,
    channel: RedemptionChannel,
    ip: str | None = None,
) -> Redemption:
    permit(actor=actor, workspace=certificate.workspace, rule=CERTIFICATE_REDEEM)
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise RedemptionRefused(_("Enter a positive amount in cents at most."))
    now = timezone.now()
    with transaction.atomic():
        taken = GiftCertificate.objects.filter(
            pk=certificate.pk, balance__gte=amount, expires_at__gt=now
        ).update(balance=F("balance") - amount)
        if not taken:
            certificate.refresh_from_db(fields=["balance", "expires_at"])
            if certificate.expires_at <= now:
                raise RedemptionRefused(_("This certificate has expired."))
            raise RedemptionRefused(
                _("The balance is smaller than the amount asked for.")
                if certificate.balance > 0
                else _("This certificate has been used up.")
            )
        redemption = Redemption.objects.create(
            workspace=certificate.workspace,
            certificate=certificate,
            amount=amount,
            channel=channel,
            actor=actor,
            ip=ip,
            at=now,
        )
        certificate.refresh_from_db(fields=["balance"])
        event_record(
            workspace=certificate.workspace,
            actor=actor,
            kind="certificate.redeemed",
            subject=certificate,
            customer_id=certificate.customer_id,
            old={"balance": certificate.balance + amount},
            new={"balance": certificate.balance, "amount": amount, "channel": channel},
        )
    return redemption


def _context(certificate: GiftCertificate, code: str) -> dict[str, object]:
    return {"certificate": certificate, "code": code, "shop": certificate.workspace}


def _look(workspace: Workspace) -> dict[str, object]:
    """The shop's look from its mail branding (the "look" page): the logo as a data: URL
    (WeasyPrint fetches nothing), the two colours and the postal address."""
    branding = branding_for(workspace)
    logo = bytes(branding.logo)
    return {
        "logo": f"data:image/png;base64,{base64.b64encode(logo).decode()}" if logo else "",
        "brand_color": branding.brand_color,
        "brand_text": text_on(branding.brand_color),
        "link_color": branding.link_color,
        "address_lines": branding.postal_address.splitlines(),
    }


def certificate_pdf(*, certificate: GiftCertificate, code: str) -> bytes:
    """The printable certificate, in the customer's language and the shop's look, carrying
    the code."""
    from weasyprint import HTML  # imported late: loading Pango costs ~0.5 s

    context = {**_context(certificate, code), **_look(certificate.workspace)}
    with translation.override(certificate.language):
        html = render_to_string("rewards/certificate_pdf.html", context)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


@transaction.atomic
def certificate_send(
    *, certificate: GiftCertificate, actor: User | None, code: str
) -> Outbox | None:
    """E-mail the certificate to its customer through the outbox; None if already sent.
    Raises ContactNotAllowed when `contact_allowed` refuses, RedemptionRefused on a wrong code."""
    permit(actor=actor, workspace=certificate.workspace, rule=CERTIFICATE_SEND)
    customer = certificate.customer
    if customer is None or not code_matches(certificate, code):
        raise RedemptionRefused(_("The code does not belong to this certificate."))
    verdict = contact_allowed(customer, ContactPurpose.REPLY)
    if not verdict.allowed:
        raise ContactNotAllowed(verdict)
    with translation.override(certificate.language):
        context = _context(certificate, code)
        draft = OutboxDraft(
            to_address=customer.email,
            to_name=str(customer),
            subject=render_to_string("rewards/mail/subject.txt", context).strip(),
            body_text=render_to_string("rewards/mail/body.txt", context),
            body_html=render_to_string("rewards/mail/body.html", context),
            kind=OutboxKind.TRANSACTIONAL,
            source_type=SOURCE_TYPE,
            source_id=certificate.pk,
            dedup_key=f"gift_certificate:{certificate.pk}",
            customer=customer,
            language=certificate.language,
        )
    row = outbox_enqueue(workspace=certificate.workspace, draft=draft)
    if row is not None:
        event_record(
            workspace=certificate.workspace,
            actor=actor,
            kind="certificate.sent",
            subject=certificate,
            customer=customer,
            new={"number": certificate.number, "to": customer.email},
        )
    return row
