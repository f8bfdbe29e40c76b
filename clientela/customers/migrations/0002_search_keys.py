"""Stored search keys for customers: fill them for existing rows, then index them.

The keys are `search_key` (case and diacritics folded in Python) of the name, last name,
e-mail and external id. A search for a prefix is a range on one key column, served by an
index `(workspace_id, key)`; on PostgreSQL the index and the query compare in byte order
(`COLLATE "C"`), the only order in which a prefix is a range whatever the database's
collation. Index SQL is per vendor because SQLite has no collation named "C".
"""

from django.db import migrations, models

from clientela.customers.normalize import search_key

KEYS = ("search_name", "search_last_name", "search_email", "search_external_id")
CHUNK = 5000


def _fill(apps, schema_editor):
    # Plain UPDATEs by id in chunks: a million rows in memory at once would not fit, and
    # bulk_update's CASE statements are far slower than executemany.
    Customer = apps.get_model("customers", "Customer")
    columns = ("pk", "first_name", "last_name", "email", "external_id")
    after = 0
    while True:
        rows = list(
            Customer.objects.filter(pk__gt=after).order_by("pk").values_list(*columns)[:CHUNK]
        )
        if not rows:
            return
        updates = [
            (
                search_key(f"{first} {last}"),
                search_key(last),
                search_key(email),
                search_key(external_id or ""),
                pk,
            )
            for pk, first, last, email, external_id in rows
        ]
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE customers_customer SET search_name = %s, search_last_name = %s, "
                "search_email = %s, search_external_id = %s WHERE id = %s",
                updates,
            )
        after = rows[-1][0]


def _index(apps, schema_editor):
    collate = ' COLLATE "C"' if schema_editor.connection.vendor == "postgresql" else ""
    for key in KEYS:
        schema_editor.execute(
            f"CREATE INDEX customer_ws_{key} ON customers_customer (workspace_id, {key}{collate})"
        )


def _unindex(apps, schema_editor):
    for key in KEYS:
        schema_editor.execute(f"DROP INDEX IF EXISTS customer_ws_{key}")


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='search_email',
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name='customer',
            name='search_external_id',
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name='customer',
            name='search_last_name',
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name='customer',
            name='search_name',
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(_index, _unindex, elidable=False),
    ]
