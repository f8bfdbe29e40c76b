# The delivery models move to the new `mail` app. Nothing is copied: each table is renamed
# (outreach_outbox -> mail_outbox, ...) and keeps its rows, ids, indexes and constraints, and
# `mail.0001_initial` takes the models over in Django's state without touching the database.

from django.db import migrations

MOVED = {
    "Outbox": "mail_outbox",
    "SuppressedAddress": "mail_suppressedaddress",
    "DeliverySettings": "mail_deliverysettings",
    "DeliveryInstance": "mail_deliveryinstance",
    "RelayBucket": "mail_relaybucket",
}


class Migration(migrations.Migration):

    dependencies = [
        ('outreach', '0006_campaign_recipient_outbox_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=name, table=table) for name, table in MOVED.items()
            ],
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
        ),
    ]
