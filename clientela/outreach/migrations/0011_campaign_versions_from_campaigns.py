"""Every campaign written before versions gets its content as its one version, in its language.

The hand-written plain text and HTML are copied as they are (so what would have been sent is
still what is sent); the introduction, promotions, sales and changes become blocks, so the
block editor shows them. Reversing deletes the versions; the campaign's own fields were never
changed, so nothing is lost either way.
"""

from django.db import migrations


def _blocks(campaign):
    blocks = []
    if (campaign.intro or "").strip():
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
    if (campaign.changes or "").strip():
        blocks.append({"type": "text", "text": campaign.changes})
    return blocks


def forward(apps, schema_editor):
    Campaign = apps.get_model("outreach", "Campaign")
    CampaignVersion = apps.get_model("outreach", "CampaignVersion")
    have = set(CampaignVersion.objects.values_list("campaign_id", flat=True))
    batch = []
    for campaign in Campaign.objects.exclude(pk__in=have).iterator(chunk_size=500):
        batch.append(
            CampaignVersion(
                campaign_id=campaign.pk,
                language=campaign.language,
                subject=campaign.subject,
                blocks=_blocks(campaign),
                body_text=campaign.body_text,
                body_html=campaign.body_html,
            )
        )
        if len(batch) >= 500:
            CampaignVersion.objects.bulk_create(batch)
            batch = []
    CampaignVersion.objects.bulk_create(batch)


def backward(apps, schema_editor):
    apps.get_model("outreach", "CampaignVersion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0010_campaign_versions_and_images")]

    operations = [migrations.RunPython(forward, backward)]
