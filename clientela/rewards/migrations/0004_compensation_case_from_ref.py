"""Fill Compensation.case from the free-text case_ref where that names a case.

A reference names a case when it is the case's number ("17" or "#17", as the case page
shows it) and that case is of the same workspace and the same customer; such a line gets the
link and its note is emptied. Any other reference stays as it was, a legacy note.
"""

import re

from django.db import migrations

NUMBER = re.compile(r"^#?\s*(\d{1,18})$")


def link(apps, schema_editor):  # type: ignore[no-untyped-def]
    Compensation = apps.get_model("rewards", "Compensation")
    Case = apps.get_model("care", "Case")
    rows = Compensation.objects.filter(case__isnull=True).exclude(case_ref="")
    for row in rows.only("pk", "workspace_id", "customer_id", "case_ref").iterator():
        match = NUMBER.match(row.case_ref.strip())
        if match is None:
            continue
        case_id = (
            Case.objects.filter(
                pk=int(match.group(1)), workspace_id=row.workspace_id, customer_id=row.customer_id
            )
            .values_list("pk", flat=True)
            .first()
        )
        if case_id is not None:
            Compensation.objects.filter(pk=row.pk).update(case_id=case_id, case_ref="")


def unlink(apps, schema_editor):  # type: ignore[no-untyped-def]
    Compensation = apps.get_model("rewards", "Compensation")
    for row in Compensation.objects.filter(case__isnull=False).only("pk", "case_id").iterator():
        Compensation.objects.filter(pk=row.pk).update(case_ref=str(row.case_id), case=None)


class Migration(migrations.Migration):
    dependencies = [
        ("rewards", "0003_compensation_case_link"),
    ]

    operations = [migrations.RunPython(link, unlink)]
