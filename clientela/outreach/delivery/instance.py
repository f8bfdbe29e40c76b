"""The install's identity: a restored backup must not mail everyone a second time.

The id lives in the database (DeliveryInstance, pk=1) and in DATA_DIR/delivery_instance_id.
A backup restored onto this or another machine brings one without the other (keep the file
out of database backups), so when a delivery path next runs they differ: every workspace's
sending is paused with the reason "restore" (and a timeline row), the mismatch is logged,
and each workspace's manager resumes it on the Delivery page once they have checked what is
queued; `outbox_send --resume-after-restore` resumes them all at once.
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

from clientela.accounts.models import Workspace
from clientela.outreach.delivery.services import delivery_pause_set
from clientela.outreach.models import DeliveryInstance, DeliverySettings, PauseReason

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


def _pause_every_workspace() -> int:
    paused = 0
    for workspace in Workspace.objects.order_by("pk"):
        delivery_pause_set(workspace=workspace, paused=True, actor=None, reason=PauseReason.RESTORE)
        paused += 1
    return paused


def instance_check(data_dir: Path | None = None) -> bool:
    """Compare the two ids; on a mismatch pause every workspace's sending and adopt the
    data directory's id, so that the pause is decided once. Return False on a mismatch.

    Run by every delivery path (the sender at start, each flush task) before it claims.
    """
    disk = _file_id(data_dir or settings.DATA_DIR)
    with transaction.atomic():
        row, _ = DeliveryInstance.objects.select_for_update().get_or_create(
            pk=1, defaults={"instance_id": disk}
        )
        if row.instance_id == disk:
            return True
        stored = row.instance_id
        # Each workspace decides for itself once it has checked its queue: a manager
        # resumes it on the Delivery page (or the operator resumes all from the CLI).
        paused = _pause_every_workspace()
        row.instance_id, row.updated_at = disk, timezone.now()
        row.save(update_fields=["instance_id", "updated_at"])
    log.error(
        "Sending paused in %d workspaces: the instance id in the database (%s) differs from "
        "the one in the data directory (%s), a restored backup or a moved database.",
        paused,
        stored,
        disk,
    )
    return False


@transaction.atomic
def instance_resume(data_dir: Path | None = None) -> int:
    """The operator's explicit decision for the whole install: adopt this data directory's
    id, clear the global switch and resume every workspace paused by a restore. Return how
    many workspaces were resumed."""
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
    restored = DeliverySettings.objects.filter(
        sending_paused=True, pause_reason=PauseReason.RESTORE
    ).select_related("workspace")
    for entry in restored:
        delivery_pause_set(workspace=entry.workspace, paused=False, actor=None)
    return len(restored)
