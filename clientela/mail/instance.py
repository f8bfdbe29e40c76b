"""The install's identity: a restored backup must not mail everyone a second time.

The id lives in the database (DeliveryInstance, pk=1) and in DATA_DIR/delivery_instance_id.
A backup restored onto this or another machine brings one without the other (keep the file
out of database backups), so when a delivery path next runs they differ: every workspace's
sending is paused with the reason "restore" (and a timeline row), the mismatch is logged,
and each workspace's manager resumes it on the Delivery page once they have checked what is
queued; `outbox_send --resume-after-restore` resumes them all at once.

The id alone misses one case: an older dump of the database restored on the same machine,
next to the same data directory (both ids still agree). So the data directory also keeps
the last message this install sent (DATA_DIR/delivery_last_sent: outbox id and Message-ID,
written after the row's "sent" was committed). If the database does not know that message
as sent (the row is missing, is another message, or is queued again), the database is older
than the install's own sending history: the same pause follows. (A database that has no
identity row yet has never sent anything, so the note is not held against it.)
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
from clientela.mail.models import (
    DeliveryInstance,
    DeliverySettings,
    Outbox,
    OutboxStatus,
    PauseReason,
)
from clientela.mail.services import delivery_pause_set

log = logging.getLogger(__name__)
FILE_NAME = "delivery_instance_id"
LAST_SENT_NAME = "delivery_last_sent"
# A sent message stays in one of these; a bounce report only turns sent into bounced.
WENT_OUT = (OutboxStatus.SENT, OutboxStatus.BOUNCED)


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


def last_sent_note(pk: int, message_id: str, data_dir: Path | None = None) -> None:
    """Remember, in the data directory, a message whose "sent" is committed (replace, atomic)."""
    folder = Path(data_dir or settings.DATA_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".last-sent-")
    with os.fdopen(fd, "w") as handle:
        handle.write(f"{pk} {message_id}\n")
    os.replace(temp, folder / LAST_SENT_NAME)


def _last_sent(data_dir: Path) -> tuple[int, str] | None:
    try:
        pk, message_id = (data_dir / LAST_SENT_NAME).read_text().split()
        return int(pk), message_id
    except (FileNotFoundError, ValueError):
        return None  # nothing sent yet from this data directory (or an unreadable note)


def _history_lost(data_dir: Path) -> bool:
    """True when the database does not know the last message sent from here as sent."""
    mark = _last_sent(data_dir)
    if mark is None:
        return False
    pk, message_id = mark
    return not Outbox.objects.filter(pk=pk, message_id=message_id, status__in=WENT_OUT).exists()


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
    folder = Path(data_dir or settings.DATA_DIR)
    disk = _file_id(folder)
    with transaction.atomic():
        row, created = DeliveryInstance.objects.select_for_update().get_or_create(
            pk=1, defaults={"instance_id": disk}
        )
        # A database without the row has never sent from any data directory; a note left
        # here belongs to another database's history (a fresh start with a kept folder).
        lost = not created and _history_lost(folder)
        if created:
            (folder / LAST_SENT_NAME).unlink(missing_ok=True)
        if row.instance_id == disk and not lost:
            return True
        stored = row.instance_id if row.instance_id != disk else "the same, but older"
        # Each workspace decides for itself once it has checked its queue: a manager
        # resumes it on the Delivery page (or the operator resumes all from the CLI).
        paused = _pause_every_workspace()
        row.instance_id, row.updated_at = disk, timezone.now()
        row.save(update_fields=["instance_id", "updated_at"])
    # Decided once: the note named a message of the history this database lacks.
    (folder / LAST_SENT_NAME).unlink(missing_ok=True)
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
