"""A campaign's language versions: write one (subject and blocks), change its blocks one at a
time (the block editor's add, edit, move and remove), remove a language.

Each write checks the campaign is still editable (draft or scheduled, held until the write
commits, like `campaign_save`), validates by rendering the version with the full sample
context, and records one timeline row on the campaign.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import Language, User
from clientela.accounts.policy import permit
from clientela.outreach.content import BlockInvalid, block_clean, blocks_clean, render_content
from clientela.outreach.models import Campaign, CampaignVersion
from clientela.outreach.policy import CAMPAIGN_UPDATE
from clientela.outreach.rendering import TemplateInvalid, sample_context
from clientela.outreach.services.campaigns import CampaignInvalid, _hold_for_edit
from clientela.timeline.services import event_record


def _check(version: CampaignVersion) -> None:
    if not version.subject.strip():
        raise CampaignInvalid("subject", _("The subject cannot be empty."))
    if not version.blocks and not version.body_text.strip():
        return  # an empty version is a draft being started; sending refuses it
    try:
        render_content(
            subject=version.subject,
            blocks=list(version.blocks),
            body_text=version.body_text,
            body_html=version.body_html,
            context=sample_context(),
            language=version.language,
        )
    except TemplateInvalid as exc:
        raise CampaignInvalid(exc.field, exc.message) from exc


def _record(campaign: Campaign, actor: User | None, language: str, what: str) -> None:
    event_record(
        workspace=campaign.workspace,
        actor=actor,
        kind="campaign.changed",
        subject=campaign,
        summary=f"{campaign.title} ({language}): {what}",
        new={"version": language, "change": what},
    )


@transaction.atomic
def campaign_version_save(
    *,
    campaign: Campaign,
    actor: User | None,
    language: str,
    subject: str,
    blocks: list[Any] | None = None,
    body_text: str | None = None,
    body_html: str | None = None,
) -> CampaignVersion:
    """Create or change the campaign's version in `language`; fields left None stay."""
    permit(actor=actor, workspace=campaign.workspace, rule=CAMPAIGN_UPDATE)
    if language not in Language.values:
        raise CampaignInvalid("language", _("Unknown language."))
    _hold_for_edit(campaign)
    version = (
        CampaignVersion.objects.select_for_update()
        .filter(campaign=campaign, language=language)
        .first()
    ) or CampaignVersion(campaign=campaign, language=language)
    created = version.pk is None
    version.subject = subject.strip()[:300]
    if blocks is not None:
        try:
            version.blocks = blocks_clean(blocks)
        except BlockInvalid as exc:
            raise CampaignInvalid("blocks", f"{exc.index + 1}: {exc.message}") from exc
    if body_text is not None:
        version.body_text = body_text
    if body_html is not None:
        version.body_html = body_html
    _check(version)
    version.updated_at = timezone.now()
    version.save()
    _record(campaign, actor, language, "created" if created else "changed")
    return version


def _version(campaign: Campaign, language: str) -> CampaignVersion:
    found = (
        CampaignVersion.objects.select_for_update()
        .filter(campaign=campaign, language=language)
        .first()
    )
    if found is None:
        raise CampaignInvalid("language", _("The campaign has no version in this language."))
    return found


@transaction.atomic
def campaign_block_put(
    *,
    campaign: Campaign,
    actor: User | None,
    language: str,
    block: dict[str, Any],
    index: int | None = None,
) -> CampaignVersion:
    """Add `block` at the end (index None) or replace the block at `index`."""
    permit(actor=actor, workspace=campaign.workspace, rule=CAMPAIGN_UPDATE)
    _hold_for_edit(campaign)
    version = _version(campaign, language)
    blocks = list(version.blocks)
    position = len(blocks) if index is None else index
    if not 0 <= position <= len(blocks) - (0 if index is None else 1):
        raise CampaignInvalid("blocks", _("No such block."))
    try:
        clean = block_clean(block, position)
    except BlockInvalid as exc:
        raise CampaignInvalid(exc.field, exc.message) from exc
    if index is None:
        blocks.append(clean)
    else:
        blocks[index] = clean
    try:
        version.blocks = blocks_clean(blocks)
    except BlockInvalid as exc:
        raise CampaignInvalid("blocks", exc.message) from exc
    _check(version)
    version.updated_at = timezone.now()
    version.save(update_fields=["blocks", "updated_at"])
    _record(campaign, actor, language, "block added" if index is None else "block changed")
    return version


@transaction.atomic
def campaign_block_move(
    *, campaign: Campaign, actor: User | None, language: str, index: int, by: int
) -> CampaignVersion:
    """Move the block at `index` up (by=-1) or down (by=1); remove it with by=0."""
    permit(actor=actor, workspace=campaign.workspace, rule=CAMPAIGN_UPDATE)
    _hold_for_edit(campaign)
    version = _version(campaign, language)
    blocks = list(version.blocks)
    if not 0 <= index < len(blocks) or by not in (-1, 0, 1):
        raise CampaignInvalid("blocks", _("No such block."))
    if by == 0:
        blocks.pop(index)
        what = "block removed"
    else:
        target = index + by
        if not 0 <= target < len(blocks):
            return version  # already first or last: nothing to do
        blocks[index], blocks[target] = blocks[target], blocks[index]
        what = "block moved"
    version.blocks = blocks
    _check(version)
    version.updated_at = timezone.now()
    version.save(update_fields=["blocks", "updated_at"])
    _record(campaign, actor, language, what)
    return version


@transaction.atomic
def campaign_version_delete(*, campaign: Campaign, actor: User | None, language: str) -> None:
    permit(actor=actor, workspace=campaign.workspace, rule=CAMPAIGN_UPDATE)
    _hold_for_edit(campaign)
    _version(campaign, language).delete()
    _record(campaign, actor, language, "removed")
