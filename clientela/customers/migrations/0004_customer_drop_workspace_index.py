# Drops the customers' single-column workspace index: every index of the table leads with
# the workspace and serves the queries it did.
#
# By hand rather than AlterField: on SQLite AlterField rebuilds the table, which would lose
# the search indexes migration 0002 created in SQL; on PostgreSQL it would also drop and
# re-validate the foreign key over every row. The index has the same name on both.

import django.db.models.deletion
from django.db import migrations, models

INDEX = "customers_customer_workspace_id_9c4ede06"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_login_attempt_while_locked"),
        ("customers", "0003_import_job_language"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="customer",
                    name="workspace",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.workspace",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "customers_customer" ("workspace_id")',
                ),
            ],
        ),
    ]
