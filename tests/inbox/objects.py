"""A conversation with an attachment in the cast's shop, for the shared permission matrices."""

from __future__ import annotations

from typing import Any

from clientela.inbox.models import Attachment
from clientela.inbox.services.receive import message_receive
from tests.inbox.mails import OUTLOOK_WITH_ATTACHMENT


def inbox_objects(cast: Any) -> dict[str, int]:
    message = message_receive(workspace=cast.shop, raw=OUTLOOK_WITH_ATTACHMENT, channel="email")
    assert message is not None
    return {
        "conversation": message.conversation_id,
        "inbox_attachment": Attachment.objects.filter(message=message).first().pk,  # type: ignore[union-attr]
    }
