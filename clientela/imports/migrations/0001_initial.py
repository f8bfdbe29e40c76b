# ImportJob, moved here from customers with every row: customers.0005 renames its table to
# imports_importjob and removes the model from its state; this migration only adds the
# model to this app's state (the table and its rows are there already), then moves what
# still names the model or its task by their old place.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _relabel(apps, schema_editor, old, new):
    """Give the model's content type its new app label, keeping its id and permissions.

    A fresh database has no content types yet (they are made after `migrate`): nothing to
    do. If the new label exists already, the old row is left for `remove_stale_contenttypes`.
    """
    types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    if not types.filter(app_label=new, model="importjob").exists():
        types.filter(app_label=old, model="importjob").update(app_label=new)


def _retarget(apps, schema_editor, old, new):
    """Point the tasks the database queue holds at the task's new module.

    An import queued before the upgrade would otherwise fail in the worker, unable to
    import the old path, and its job would stay queued for ever. (Redis queues, when the
    RQ backend is used, are not reached from here: drain them before upgrading.)
    """
    results = apps.get_model("django_tasks_database", "DBTaskResult").objects.using(
        schema_editor.connection.alias
    )
    results.filter(task_path=old).update(task_path=new)


def content_type_forwards(apps, schema_editor):
    _relabel(apps, schema_editor, "customers", "imports")


def content_type_backwards(apps, schema_editor):
    _relabel(apps, schema_editor, "imports", "customers")


OLD_TASK = "clientela.customers.tasks.import_execute_task"
NEW_TASK = "clientela.imports.tasks.import_execute_task"


def tasks_forwards(apps, schema_editor):
    _retarget(apps, schema_editor, OLD_TASK, NEW_TASK)


def tasks_backwards(apps, schema_editor):
    _retarget(apps, schema_editor, NEW_TASK, OLD_TASK)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0002_login_attempt_while_locked"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0005_importjob_to_imports"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportJob",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("customers", "Customers"), ("orders", "Orders")], max_length=10)),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("succeeded", "Imported"), ("failed", "Rejected")], default="queued", max_length=10)),
                        ("file_name", models.CharField(max_length=255)),
                        ("file_path", models.CharField(blank=True, max_length=500)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("total_bytes", models.BigIntegerField(default=0)),
                        ("processed_bytes", models.BigIntegerField(default=0)),
                        ("rows_read", models.IntegerField(default=0)),
                        ("created_count", models.IntegerField(default=0)),
                        ("updated_count", models.IntegerField(default=0)),
                        ("unchanged_count", models.IntegerField(default=0)),
                        ("errors", models.JSONField(blank=True, default=list)),
                        ("error_count", models.IntegerField(default=0)),
                        ("language", models.CharField(blank=True, default="", max_length=10)),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("workspace", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.workspace")),
                    ],
                    options={
                        "abstract": False,
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_forwards, content_type_backwards),
        migrations.RunPython(tasks_forwards, tasks_backwards),
    ]
