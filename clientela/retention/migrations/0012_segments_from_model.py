"""Segments read from the purchase model instead of RFM ranks (`stats.segments`).

The current scores keep their rows until the next refresh recomputes them; their old RFM
names are mapped to the nearest new one so that no page, filter or campaign meets a name that
no longer exists. The stored dashboard figures of each run are summed under the new names.
"""

from django.db import migrations, models

# Old RFM segment -> new segment; the names not listed are kept.
RENAMED = {
    "promising": "occasional",
    "needs_attention": "at_risk",
    "hibernating": "lost",
}
REVERSED = {"occasional": "promising", "one_time": "hibernating"}


def _rename(apps, mapping):
    CustomerScore = apps.get_model("retention", "CustomerScore")
    RetentionRun = apps.get_model("retention", "RetentionRun")
    for old, new in mapping.items():
        CustomerScore.objects.filter(segment=old).update(segment=new)
    for run in RetentionRun.objects.exclude(dashboard=None).only("pk", "dashboard").iterator():
        rows = run.dashboard.get("segments") or []
        merged = {}
        for row in rows:
            name = mapping.get(row["segment"], row["segment"])
            into = merged.setdefault(name, {"segment": name, "customers": 0, "clv": None})
            into["customers"] += row["customers"]
            if row.get("clv") is not None:
                into["clv"] = (into["clv"] or 0) + row["clv"]
        run.dashboard["segments"] = list(merged.values())
        run.save(update_fields=["dashboard"])


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, REVERSED)


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0011_model_choice"),
    ]

    operations = [
        migrations.AlterField(
            model_name="customerscore",
            name="segment",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("champions", "Champions"),
                    ("loyal", "Loyal"),
                    ("occasional", "Occasional"),
                    ("cannot_lose_them", "Cannot lose them"),
                    ("at_risk", "At risk"),
                    ("one_time", "Bought once"),
                    ("lost", "Likely gone"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
