"""The install's identity: a restored backup must not mail everyone a second time.

The id lives in the database (DeliveryInstance, pk=1) and in DATA_DIR/delivery_instance_id.
A backup restored onto this or another machine brings one without the other (keep the file
out of database backups), so at worker start they differ: sending is paused, the reason is
logged and stored, and an operator resumes with `outbox_send --resume-after-restore` once
they have checked what is queued.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clientela.outreach.models import DeliveryInstance

log = logging.getLogger(__name__)
FILE_NAME = "delivery_instance_id"


def _file_id(data_dir: Path) -> str:
    """Read the id file, creating it atomically (link of a complete file) if missing."""
    path = data_dir / FILE_NAME
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=data_dir, prefix=".instance-")
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(16))
        try:
            os.link(temp, path)  # fails if another process won the race: theirs stands
        except FileExistsError:
            pass
        finally:
            os.unlink(temp)
    return path.read_text().strip()


def instance_check(data_dir: Path | None = None) -> bool:
    """Compare the two ids; pause all sending when they differ. Return True if sending may go on."""
    disk = _file_id(data_dir or settings.DATA_DIR)
    with transaction.atomic():
        row, _ = DeliveryInstance.objects.select_for_update().get_or_create(
            pk=1, defaults={"instance_id": disk}
        )
        if row.instance_id == disk:
            return not row.paused
        reason = (
            f"instance id in the database ({row.instance_id}) differs from the one in the data "
            f"directory ({disk}): a restored backup or a moved database. Sending is paused "
            "until an operator runs `outbox_send --resume-after-restore`."
        )
        if not row.paused:
            row.paused, row.paused_reason, row.paused_at = True, reason, timezone.now()
            row.save(update_fields=["paused", "paused_reason", "paused_at"])
    log.error("Sending paused: %s", reason)
    return False


def instance_resume(data_dir: Path | None = None) -> None:
    """Adopt this data directory's id and resume sending (the operator's explicit decision)."""
    disk = _file_id(data_dir or settings.DATA_DIR)
    DeliveryInstance.objects.update_or_create(
        pk=1,
        defaults={
            "instance_id": disk,
            "paused": False,
            "paused_reason": "",
            "paused_at": None,
            "updated_at": timezone.now(),
        },
    )
