# ImportJob moves to the imports app (see imports.0001_initial), which owns the CSV import.
#
# State: the model leaves customers here and enters imports there. Database: only the
# table's name changes, customers_importjob to imports_importjob, so that the table is
# named after the app that owns it like every other table. ALTER TABLE … RENAME is a
# change of the catalogue on SQLite and PostgreSQL alike: no row is read or rewritten, and
# the rows keep their ids (the indexes and the id sequence keep their old names, which
# nothing refers to). No other table has a foreign key to this one.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_customer_drop_workspace_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="importjob", table="imports_importjob"),
            ],
            state_operations=[
                migrations.DeleteModel(name="ImportJob"),
            ],
        ),
    ]
