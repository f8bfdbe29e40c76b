"""Drop the lower() expression indexes: customer search now compares stored keys.

`customers.0002_search_keys` indexes those keys; the old indexes served only the list's
former lower() prefix search and would cost every customer write for nothing.
"""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "email", "external_id")


def _drop(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS customer_ws_lower_{column}")


def _create(apps, schema_editor):
    collate = ' COLLATE "C"' if schema_editor.connection.vendor == "postgresql" else ""
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX customer_ws_lower_{column} ON customers_customer "
            f"(workspace_id, (lower({column}){collate}))"
        )


class Migration(migrations.Migration):
    dependencies = [("web", "0001_customer_prefix_indexes"), ("customers", "0002_search_keys")]

    operations = [migrations.RunPython(_drop, _create, elidable=False)]
