"""The inbox services refuse, by themselves, an actor whose role their policy refuses."""

from __future__ import annotations

import pytest

from clientela.accounts.policy import Rule
from clientela.inbox.models import Conversation
from clientela.inbox.policy import (
    CONVERSATION_ASSIGN,
    CONVERSATION_LINK,
    CONVERSATION_NOTE,
    CONVERSATION_REPLY,
    CONVERSATION_STATUS,
    INBOX_SETTINGS_UPDATE,
)
from clientela.inbox.services.conversations import (
    conversation_assign,
    conversation_link,
    conversation_note,
    conversation_reply,
    conversation_status_set,
)
from clientela.inbox.services.receive import message_receive
from clientela.inbox.services.setup import imap_mailbox_save, inbox_settings_update
from tests.inbox.mails import GMAIL_RO
from tests.policy import Objects, Refusal, actor_at, actor_below, assert_refused, objects_of

pytestmark = pytest.mark.django_db


def _conversation(o: Objects) -> Conversation:
    """The conversation the `objects` fixture received (written before the refused call)."""
    return Conversation.objects.for_workspace(o.workspace).get()


REFUSALS: dict[Rule, Refusal] = {
    CONVERSATION_REPLY: lambda o, actor: conversation_reply(
        conversation=_conversation(o), actor=actor, body="Da."
    ),
    CONVERSATION_NOTE: lambda o, actor: conversation_note(
        conversation=_conversation(o), actor=actor, body="Notă."
    ),
    CONVERSATION_ASSIGN: lambda o, actor: conversation_assign(
        conversation=_conversation(o), actor=actor, assignee=o.cast.teammate
    ),
    CONVERSATION_STATUS: lambda o, actor: conversation_status_set(
        conversation=_conversation(o), actor=actor, status="closed"
    ),
    CONVERSATION_LINK: lambda o, actor: conversation_link(
        conversation=_conversation(o),
        actor=actor,
        customer=o.customer,
    ),
    INBOX_SETTINGS_UPDATE: lambda o, actor: inbox_settings_update(
        workspace=o.workspace,
        actor=actor,
        support_address="s@alice.example",
        contact_form_enabled=True,
    ),
}


@pytest.fixture
def objects(cast) -> Objects:
    objects = objects_of(cast)
    message_receive(workspace=objects.workspace, raw=GMAIL_RO, channel="email")
    return objects


@pytest.mark.parametrize("rule", list(REFUSALS), ids=lambda rule: rule.name)
def test_the_service_refuses_the_role_below_the_minimum(rule, cast, objects):
    actor, role = actor_below(cast, rule)
    assert_refused(lambda: REFUSALS[rule](objects, actor), rule, role)


@pytest.mark.parametrize("rule", list(REFUSALS), ids=lambda rule: rule.name)
def test_the_service_refuses_a_member_of_another_workspace(rule, cast, objects):
    assert_refused(lambda: REFUSALS[rule](objects, cast.outsider), rule, None)


@pytest.mark.parametrize("rule", list(REFUSALS), ids=lambda rule: rule.name)
def test_the_service_lets_the_minimum_role_do_it(rule, cast, objects):
    REFUSALS[rule](objects, actor_at(cast, rule))


def test_the_imap_mailbox_is_a_managers_setting(cast, objects):
    assert_refused(
        lambda: imap_mailbox_save(
            workspace=objects.workspace,
            actor=cast.teammate,
            host="h",
            port=993,
            use_ssl=True,
            username="u",
            password="p",
        ),
        INBOX_SETTINGS_UPDATE,
        actor_below(cast, INBOX_SETTINGS_UPDATE)[1],
    )
