# The delivery models, taken over from outreach (see outreach.0007_move_delivery_to_mail,
# which renamed their tables to mail_*): state only, the rows never move. Content types
# follow the models, so anything attached to them (permissions) stays attached.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

MOVED = ["outbox", "suppressedaddress", "deliverysettings", "deliveryinstance", "relaybucket"]


def _relabel(apps, from_label, to_label):
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = content_type.objects.filter(app_label=to_label, model__in=MOVED)
    free = set(MOVED) - set(taken.values_list("model", flat=True))
    content_type.objects.filter(app_label=from_label, model__in=free).update(app_label=to_label)


def content_types_forward(apps, schema_editor):
    _relabel(apps, "outreach", "mail")


def content_types_backward(apps, schema_editor):
    _relabel(apps, "mail", "outreach")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_login_attempt_while_locked'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('customers', '0004_customer_drop_workspace_index'),
        ('outreach', '0007_move_delivery_to_mail'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DeliveryInstance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('instance_id', models.CharField(max_length=64)),
                        ('paused', models.BooleanField(default=False)),
                        ('paused_reason', models.TextField(blank=True)),
                        ('paused_at', models.DateTimeField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                ),
                migrations.CreateModel(
                    name='RelayBucket',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tokens', models.FloatField()),
                        ('refilled_at', models.FloatField()),
                        ('version', models.BigIntegerField(default=0)),
                    ],
                ),
                migrations.CreateModel(
                    name='DeliverySettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sending_paused', models.BooleanField(default=False)),
                        ('pause_reason', models.CharField(blank=True, choices=[('manual', 'Paused by hand'), ('restore', 'A restored backup was detected')], max_length=10)),
                        ('paused_at', models.DateTimeField(blank=True, null=True)),
                        ('from_email', models.CharField(blank=True, max_length=254)),
                        ('from_name', models.CharField(blank=True, max_length=100)),
                        ('thank_you_enabled', models.BooleanField(default=True)),
                        ('thank_you_delay_days', models.PositiveSmallIntegerField(default=7)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('workspace', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='delivery_settings', to='accounts.workspace')),
                    ],
                ),
                migrations.CreateModel(
                    name='Outbox',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('to_address', models.CharField(max_length=254)),
                        ('to_name', models.CharField(blank=True, max_length=200)),
                        ('language', models.CharField(default='ro', max_length=2)),
                        ('kind', models.CharField(choices=[('transactional', 'Transactional'), ('marketing', 'Marketing')], max_length=15)),
                        ('priority', models.SmallIntegerField(default=0)),
                        ('source_type', models.CharField(max_length=40)),
                        ('source_id', models.BigIntegerField(blank=True, null=True)),
                        ('dedup_key', models.CharField(max_length=300)),
                        ('subject', models.CharField(max_length=998)),
                        ('body_text', models.TextField()),
                        ('body_html', models.TextField(blank=True)),
                        ('headers', models.JSONField(blank=True, default=dict)),
                        ('message_id', models.CharField(max_length=250, unique=True)),
                        ('not_before', models.DateTimeField(default=django.utils.timezone.now)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('bounced', 'Bounced'), ('suppressed', 'Suppressed'), ('cancelled', 'Cancelled')], default='queued', max_length=12)),
                        ('attempts', models.IntegerField(default=0)),
                        ('lease_until', models.DateTimeField(blank=True, null=True)),
                        ('leased_by', models.CharField(blank=True, max_length=100)),
                        ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('last_smtp_code', models.IntegerField(blank=True, null=True)),
                        ('last_smtp_reply', models.TextField(blank=True)),
                        ('last_attempt_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('bounced_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='customers.customer')),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.workspace')),
                    ],
                    options={
                        'indexes': [models.Index(condition=models.Q(('status', 'queued')), fields=['priority', 'next_attempt_at', 'id'], name='outbox_claim_queued'), models.Index(condition=models.Q(('status', 'sending')), fields=['lease_until'], name='outbox_claim_expired'), models.Index(fields=['workspace', 'status', '-id'], name='outbox_ws_status'), models.Index(fields=['workspace', 'source_type', 'source_id'], name='outbox_source')],
                        'constraints': [models.UniqueConstraint(fields=('workspace', 'dedup_key'), name='outbox_dedup_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='SuppressedAddress',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('address', models.CharField(max_length=254)),
                        ('reason', models.CharField(choices=[('unsubscribe', 'Unsubscribed'), ('hard_bounce', 'Hard bounce'), ('complaint', 'Spam complaint'), ('manual', 'Added by hand')], max_length=15)),
                        ('source', models.CharField(blank=True, max_length=200)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.workspace')),
                    ],
                    options={
                        'constraints': [models.UniqueConstraint(fields=('workspace', 'address'), name='suppressed_unique')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
