"""What rewards does when a lower app announces something (connected in apps.py)."""

from __future__ import annotations

from typing import Any

from clientela.mail.models import Outbox
from clientela.mail.services import outbox_redact
from clientela.rewards.codes import PRINTED, code_mask
from clientela.rewards.models import GiftCertificate
from clientela.rewards.services.certificates import SOURCE_TYPE, code_matches


def on_outbox_settled(
    sender: Any,
    *,
    outbox_id: int,
    workspace_id: int,
    source_type: str,
    source_id: int | None,
    **kwargs: Any,
) -> None:
    """Once a certificate's e-mail has gone (or will never go), its stored copy keeps the
    masked code only: the customer has the code, the database must not (only its HMAC)."""
    if source_type != SOURCE_TYPE or source_id is None:
        return
    certificate = GiftCertificate.objects.filter(pk=source_id, workspace_id=workspace_id).first()
    row = Outbox.objects.filter(pk=outbox_id).only("subject", "body_text", "body_html").first()
    if certificate is None or row is None:
        return
    found = set(PRINTED.findall(f"{row.subject}\n{row.body_text}\n{row.body_html}"))
    codes = {code: code_mask(code) for code in found if code_matches(certificate, code)}
    if codes:
        outbox_redact(outbox_id=outbox_id, replacements=codes)
