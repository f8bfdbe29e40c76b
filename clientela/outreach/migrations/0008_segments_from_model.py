"""Campaign audiences that name the old RFM segments name the new model-based ones
(retention `0012_segments_from_model`): a saved or scheduled campaign keeps an audience."""

from django.db import migrations

RENAMED = {
    "promising": "occasional",
    "needs_attention": "at_risk",
    "hibernating": "lost",
}
REVERSED = {"occasional": "promising", "one_time": "hibernating"}


def _rename(apps, mapping):
    Campaign = apps.get_model("outreach", "Campaign")
    for campaign in Campaign.objects.only("pk", "audience_segments"):
        names = []
        for name in campaign.audience_segments:
            new = mapping.get(name, name)
            if new not in names:
                names.append(new)
        if names != campaign.audience_segments:
            campaign.audience_segments = names
            campaign.save(update_fields=["audience_segments"])


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, REVERSED)


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0007_move_delivery_to_mail"),
        ("retention", "0012_segments_from_model"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
