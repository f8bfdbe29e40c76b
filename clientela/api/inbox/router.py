"""Conversations (list, read), a customer's message recorded, replies, notes and statuses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from clientela.accounts.scoping import scoped_get
from clientela.api.auth import actor_of, require, workspace_of
from clientela.api.errors import OBJECT_READ, OBJECT_WRITE, READ, WRITE, unprocessable
from clientela.api.inbox.schemas import (
    ConversationDetail,
    ConversationFilters,
    ConversationPage,
    LinkIn,
    MessageIn,
    MessageOut,
    ReplyIn,
    StatusIn,
)
from clientela.api.openapi import keep_operation_ids
from clientela.api.pagination import page_of
from clientela.api.types import QueryId
from clientela.customers.models import Customer
from clientela.inbox.models import Channel, Conversation, Message
from clientela.inbox.policy import (
    CONVERSATION_LINK,
    CONVERSATION_REPLY,
    CONVERSATION_STATUS,
    MESSAGE_RECORD,
)
from clientela.inbox.selectors import conversation_messages, conversations_filtered
from clientela.inbox.services.conversations import (
    conversation_link,
    conversation_note,
    conversation_reply,
    conversation_status_set,
    conversation_unlink,
)
from clientela.inbox.services.errors import InboxError
from clientela.inbox.services.receive import message_build, message_receive

router = Router(tags=["inbox"])


def _conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    return scoped_get(Conversation, workspace_of(request), conversation_id)


def _detail(conversation: Conversation) -> dict[str, Any]:
    messages = list(conversation_messages(conversation))
    return {
        **{
            field: getattr(conversation, field)
            for field in ConversationDetail.model_fields
            if field != "messages"
        },
        "messages": [{**vars(m), "attachments": list(m.attachments.all())} for m in messages],
    }


@router.get("/conversations", response={200: ConversationPage, **READ}, summary="Conversations")
def conversation_list(request: HttpRequest, filters: Query[ConversationFilters]) -> dict[str, Any]:
    rows = conversations_filtered(workspace=workspace_of(request), status=filters.status)
    return page_of(rows, filters)


@router.get(
    "/conversations/{conversation_id}",
    response={200: ConversationDetail, **OBJECT_READ},
    summary="A conversation with its messages, oldest first",
)
def conversation_read(request: HttpRequest, conversation_id: Path[QueryId]) -> dict[str, Any]:
    return _detail(_conversation(request, conversation_id))


@router.post(
    "/messages",
    response={201: MessageOut, **WRITE},
    summary="Record a customer's message; it joins their conversation or starts one",
)
def message_create(request: HttpRequest, payload: MessageIn) -> Status[Message]:
    require(request, MESSAGE_RECORD)
    raw = message_build(
        sender=str(payload.email), name=payload.name, subject=payload.subject, body=payload.body
    )
    try:
        message = message_receive(workspace=workspace_of(request), raw=raw, channel=Channel.API)
    except InboxError as exc:
        raise unprocessable("body", str(exc.message)) from exc
    assert message is not None  # ours is never an auto-reply
    return Status(201, message)


@router.post(
    "/conversations/{conversation_id}/reply",
    response={201: MessageOut, **OBJECT_WRITE},
    summary="Reply to the customer through the outbox, or add an internal note",
)
def conversation_reply_endpoint(
    request: HttpRequest, conversation_id: Path[QueryId], payload: ReplyIn
) -> Status[Message]:
    require(request, CONVERSATION_REPLY)
    conversation = _conversation(request, conversation_id)
    try:
        if payload.note:
            message = conversation_note(
                conversation=conversation, actor=actor_of(request), body=payload.body
            )
        else:
            message = conversation_reply(
                conversation=conversation,
                actor=actor_of(request),
                body=payload.body,
                language=payload.language,
            )
    except InboxError as exc:
        raise unprocessable(exc.field or "body", str(exc.message)) from exc
    return Status(201, message)


@router.post(
    "/conversations/{conversation_id}/status",
    response={200: ConversationDetail, **OBJECT_WRITE},
    summary="Open, waiting for the customer, or closed",
)
def conversation_status_endpoint(
    request: HttpRequest, conversation_id: Path[QueryId], payload: StatusIn
) -> dict[str, Any]:
    require(request, CONVERSATION_STATUS)
    conversation = _conversation(request, conversation_id)
    conversation_status_set(
        conversation=conversation, actor=actor_of(request), status=payload.status
    )
    return _detail(conversation)


@router.put(
    "/conversations/{conversation_id}/customer",
    response={200: ConversationDetail, **OBJECT_WRITE},
    summary="Link the conversation to a customer of the workspace",
)
def conversation_link_endpoint(
    request: HttpRequest, conversation_id: Path[QueryId], payload: LinkIn
) -> dict[str, Any]:
    require(request, CONVERSATION_LINK)
    workspace = workspace_of(request)
    conversation = _conversation(request, conversation_id)
    customer = scoped_get(Customer, workspace, payload.customer_id)
    conversation_link(conversation=conversation, actor=actor_of(request), customer=customer)
    return _detail(conversation)


@router.delete(
    "/conversations/{conversation_id}/customer",
    response={200: ConversationDetail, **OBJECT_WRITE},
    summary="Unlink the conversation from its customer",
)
def conversation_unlink_endpoint(
    request: HttpRequest, conversation_id: Path[QueryId]
) -> dict[str, Any]:
    require(request, CONVERSATION_LINK)
    conversation = _conversation(request, conversation_id)
    conversation_unlink(conversation=conversation, actor=actor_of(request))
    return _detail(conversation)


keep_operation_ids(router, "clientela.api.routers.inbox")
