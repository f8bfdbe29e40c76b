"""What a campaign puts in the outbox: its message for one customer, the rows of a send with
its holdout, a test to the user's own address, and the printable brochure."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User
from clientela.accounts.policy import permit
from clientela.customers.models import Customer
from clientela.customers.normalize import normalize_email
from clientela.mail.layout import Look, text_with_footer
from clientela.mail.models import Outbox, OutboxKind
from clientela.mail.services import outbox_enqueue, outbox_enqueue_many
from clientela.mail.tasks import outbox_wake
from clientela.mail.verp import unsubscribe_url
from clientela.outreach.content import render_content
from clientela.outreach.models import Campaign, CampaignRecipient, CampaignVersion, Group
from clientela.outreach.policy import CAMPAIGN_TEST_SEND
from clientela.outreach.rendering import Rendered, TemplateInvalid
from clientela.outreach.services.drafts import outbox_draft
from clientela.outreach.services.recipients import AudienceChanged, campaign_audience
from clientela.outreach.services.templates import (
    message_context,
    recipient_for_test,
)
from clientela.outreach.stats.holdout import holdout_split
from clientela.outreach.versions import campaign_versions, pick
from clientela.timeline.services import event_record

# Stands for the unsubscribe link until the row has the id its token signs. A private-use
# character, never typed by anyone, and unlike NUL storable in PostgreSQL text.
_MARK = "\ue000unsubscribe\ue000"


def campaign_context(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "intro": campaign.intro,
        "promotions": list(campaign.promotions),
        "sales": list(campaign.sales),
        "changes": campaign.changes,
    }


def campaign_render(
    campaign: Campaign,
    customer: Customer,
    unsubscribe: str,
    versions: dict[str, CampaignVersion] | None = None,
    language: str | None = None,
) -> tuple[Rendered, str]:
    """The campaign's message for `customer` in their language (else the workspace's default
    language's version) and the language it is in. `versions`: the campaign's versions when
    the caller renders many (read once); `language`: that version instead (a preview)."""
    if versions is None:
        versions = campaign_versions(campaign)
    version, _fell_back = pick(
        dict(versions), language or customer.language, campaign.workspace.default_language
    )
    if version is None:
        raise TemplateInvalid("subject", _("Write the message first."))
    assert isinstance(version, CampaignVersion)
    context = message_context(
        workspace=campaign.workspace,
        customer=customer,
        unsubscribe_url=unsubscribe,
        campaign=campaign_context(campaign),
    )
    content = render_content(
        subject=version.subject,
        blocks=list(version.blocks),
        body_text=version.body_text,
        body_html=version.body_html,
        context=context,
        language=version.language,
    )
    # No opt-out footer here: the sender puts every marketing message in the shop's layout,
    # whose footer (in both parts) carries the row's unsubscribe link; one more here would
    # show the link twice.
    return Rendered(content.subject, content.text, content.html_fragment), version.language


def campaign_queue(campaign: Campaign, *, confirmed: int | None = None) -> int:
    """Draw the holdout and queue one marketing row per sent recipient; return how many.

    The caller (the send transition) holds the transaction that moved the campaign to
    sending. `confirmed` is the number of recipients a member was shown and agreed to:
    AudienceChanged, before anything is written, when the audience is not that size now
    (a consent withdrawn, a customer added), so nobody is mailed on a stale confirmation.
    """
    audience = {c.pk: c for c in campaign_audience(campaign)}
    address = {pk: normalize_email(c.email) for pk, c in audience.items()}
    sent, held = holdout_split(list(audience), campaign.holdout_percent, seed=campaign.pk)
    if confirmed is not None and confirmed != len(sent):
        raise AudienceChanged(confirmed, len(sent))
    versions = campaign_versions(campaign)
    drafts = []
    for pk in sent:
        message, language = campaign_render(campaign, audience[pk], _MARK, versions)
        drafts.append(
            outbox_draft(
                customer=audience[pk],
                address=address[pk],
                kind=OutboxKind.MARKETING,
                source_type="campaign",
                source_id=campaign.pk,
                dedup_key=f"campaign:{campaign.pk}:{pk}",
                message=message,
                language=language,
                headers={"X-Clientela-Campaign": str(campaign.pk)},
            )
        )
    outbox_enqueue_many(workspace=campaign.workspace, drafts=drafts)
    saved = {
        row.customer_id: row
        for row in Outbox.objects.filter(
            workspace=campaign.workspace, source_type="campaign", source_id=campaign.pk
        )
    }
    for row in saved.values():
        url = unsubscribe_url(row.pk)
        row.body_text = row.body_text.replace(_MARK, url)
        row.body_html = row.body_html.replace(_MARK, url)
    Outbox.objects.bulk_update(list(saved.values()), ["body_text", "body_html"], batch_size=1000)
    outbox_wake()
    CampaignRecipient.objects.bulk_create(
        [
            CampaignRecipient(
                campaign=campaign,
                customer_id=pk,
                group=Group.SENT,
                address=address[pk],
                outbox_id=saved[pk].pk,
            )
            for pk in sent
        ]
        + [
            CampaignRecipient(
                campaign=campaign, customer_id=pk, group=Group.HOLDOUT, address=address[pk]
            )
            for pk in held
        ],
        batch_size=1000,
    )
    return len(sent)


def campaign_preview(
    *, campaign: Campaign, customer: Customer, language: str | None = None
) -> Rendered:
    """The message `customer` would get (in their language, or the fallback's), or the
    version in `language` rendered for them; its text part ends with the layout's footer,
    as sent, with a stand-in unsubscribe link."""
    unsubscribe = _preview_link()
    rendered, shown = campaign_render(campaign, customer, unsubscribe, language=language)
    text = text_with_footer(
        rendered.body_text,
        Look.of(campaign.workspace),
        language=shown,
        unsubscribe_url=unsubscribe,
    )
    return Rendered(rendered.subject, text, rendered.body_html)


def _preview_link() -> str:
    return f"{settings.SITE_URL}/u/preview/"


@transaction.atomic
def campaign_test_send(*, campaign: Campaign, actor: User) -> Outbox:
    """Queue the campaign, rendered for the acting user, to their own address."""
    permit(actor=actor, workspace=campaign.workspace, rule=CAMPAIGN_TEST_SEND)
    recipient = recipient_for_test(
        workspace=campaign.workspace, actor=actor, language=campaign.language
    )
    # The content only: the sender adds the layout's footer to this row as to any other.
    rendered = campaign_render(campaign, recipient, _preview_link())[0]
    draft = outbox_draft(
        customer=None,
        address=recipient.email,
        kind=OutboxKind.TRANSACTIONAL,
        source_type="campaign_test",
        source_id=campaign.pk,
        dedup_key=f"campaign_test:{campaign.pk}:{timezone.now().timestamp()}",
        message=Rendered(f"[TEST] {rendered.subject}", rendered.body_text, rendered.body_html),
        language=campaign.language,
    )
    row = outbox_enqueue(workspace=campaign.workspace, draft=draft)
    assert row is not None  # the key carries a timestamp: never a repeat
    outbox_wake()
    event_record(
        workspace=campaign.workspace,
        actor=actor,
        kind="campaign.test_sent",
        subject=campaign,
        summary=actor.email,
    )
    return row


def campaign_pdf(*, campaign: Campaign) -> bytes:
    """The brochure as a printable PDF: intro, promotions, sales and changes."""
    from weasyprint import HTML  # imported late: loading Pango is slow

    html = render_to_string(
        "outreach/pdf/brochure.html", {"campaign": campaign, "workspace": campaign.workspace}
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
