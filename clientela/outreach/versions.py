"""Which language version of a message a customer gets.

A campaign has one `CampaignVersion` per language it is written in; a template (and so an
automation: the thank-you and win-back letters are the workspace's templates of that purpose)
has one `MessageTemplate` row per language under the same purpose and name. A customer gets
the version in their language; when there is none, the version in the workspace's default
language, and the caller is told it fell back (the audience count shows how many do).
"""

from __future__ import annotations

from collections.abc import Mapping

from clientela.accounts.models import Language, Workspace
from clientela.outreach.models import Campaign, CampaignVersion, MessageTemplate

LANGUAGES: tuple[str, ...] = tuple(Language.values)

Version = CampaignVersion | MessageTemplate


def campaign_versions(campaign: Campaign) -> dict[str, CampaignVersion]:
    """The campaign's versions by language. A campaign that has none saved (one created
    before versions, outside the services) reads its own fields as its one version."""
    saved = {v.language: v for v in campaign.versions.all()}
    if saved or campaign.pk is None:
        return saved
    legacy = CampaignVersion(
        campaign=campaign,
        language=campaign.language,
        subject=campaign.subject,
        blocks=legacy_blocks(campaign),
        body_text=campaign.body_text,
        body_html=campaign.body_html,
    )
    return {campaign.language: legacy}


def legacy_blocks(campaign: Campaign) -> list[dict[str, str]]:
    """A single-language campaign's introduction, promotions, sales and changes as blocks."""
    blocks: list[dict[str, str]] = []
    if campaign.intro.strip():
        blocks.append({"type": "text", "text": campaign.intro})
    for promo in campaign.promotions or []:
        blocks.append(
            {
                "type": "promotion",
                "name": str(promo.get("name", "")),
                "description": str(promo.get("description", "")),
                "discount": str(promo.get("discount", "")),
                "starts_on": "",
                "ends_on": "",
            }
        )
    for sale in campaign.sales or []:
        blocks.append(
            {
                "type": "promotion",
                "name": str(sale.get("name", "")),
                "description": "",
                "discount": "",
                "starts_on": str(sale.get("starts_on", "")),
                "ends_on": str(sale.get("ends_on", "")),
            }
        )
    if campaign.changes.strip():
        blocks.append({"type": "text", "text": campaign.changes})
    return blocks


def pick(
    versions: Mapping[str, Version], language: str, default_language: str
) -> tuple[Version | None, bool]:
    """The version for `language` from `versions`, else the default language's (fell back),
    else any (fell back); (None, False) when there is none at all."""
    if language in versions:
        return versions[language], False
    if default_language in versions:
        return versions[default_language], True
    for code in LANGUAGES:
        if code in versions:
            return versions[code], True
    return None, False


def template_versions(template: MessageTemplate) -> dict[str, MessageTemplate]:
    """The template's versions: the rows of its workspace with its purpose and name."""
    rows = MessageTemplate.objects.for_workspace(template.workspace).filter(
        purpose=template.purpose, name=template.name
    )
    found: dict[str, MessageTemplate] = {row.language: row for row in rows}
    if template.pk is None:  # an unsaved default stands for its own language
        found.setdefault(template.language, template)
    return found


def version_for(obj: Campaign | MessageTemplate, language: str) -> tuple[Version, bool]:
    """The version of a campaign or template a customer of `language` gets, and whether it
    is another language's (the workspace's default, else any) because theirs is missing.
    Raises LookupError for a campaign with no content at all."""
    workspace: Workspace = obj.workspace
    versions: dict[str, Version]
    if isinstance(obj, Campaign):
        versions = dict(campaign_versions(obj))
    else:
        versions = dict(template_versions(obj))
    version, fell_back = pick(versions, language, workspace.default_language)
    if version is None:
        raise LookupError(f"{obj!r} has no version")
    return version, fell_back
