"""Expression indexes that serve the customer list's case-insensitive prefix search.

The web app owns no models; these indexes live here because only the list page needs them.
They are plain SQL because Django's index API cannot say `COLLATE "C"` on an expression
for PostgreSQL and nothing for SQLite in one declaration.
"""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "email", "external_id")


def _create(apps, schema_editor):
    collate = ' COLLATE "C"' if schema_editor.connection.vendor == "postgresql" else ""
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX customer_ws_lower_{column} ON customers_customer "
            f"(workspace_id, (lower({column}){collate}))"
        )


def _drop(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS customer_ws_lower_{column}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
