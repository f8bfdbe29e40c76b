"""Linking a conversation to a customer by hand, on the conversation page and through the API:
a workspace-scoped search, link and unlink, one timeline row each."""

from __future__ import annotations

import pytest

from clientela.accounts.models import Role
from clientela.customers.services import customer_create
from clientela.inbox.models import Conversation
from clientela.inbox.policy import CONVERSATION_LINK
from clientela.inbox.services.conversations import conversation_unlink
from clientela.inbox.services.receive import message_receive
from clientela.timeline.models import Event
from tests.api.conftest import api_as, tokens  # noqa: F401  (bearer tokens of the cast)
from tests.inbox.mails import GMAIL_RO
from tests.policy import assert_refused
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(cast) -> Conversation:
    message = message_receive(workspace=cast.shop, raw=GMAIL_RO, channel="email")
    # The sender's address was new: the inbox made a customer of it, whom staff now correct.
    assert message is not None and message.conversation.customer_id is not None
    return message.conversation


@pytest.fixture
def ioana(cast):
    return customer_create(
        workspace=cast.shop,
        actor=None,
        email="ioana.stan@example.ro",
        first_name="Ioana",
        last_name="Stan",
    )


def url(conversation: Conversation) -> str:
    return f"/w/alice/inbox/{conversation.pk}/customer/"


def test_the_search_finds_this_shops_customers_by_name_or_address(
    cast, client_for, conversation, ioana, django_assert_max_num_queries
):
    customer_create(workspace=cast.shop, actor=None, email="ion@example.ro", first_name="Ion")
    customer_create(
        workspace=cast.other_shop, actor=None, email="ioana@theirs.example", first_name="Ioana"
    )
    client = client_for(cast.teammate)
    with django_assert_max_num_queries(8):
        fragment = client.get(url(conversation), {"q": "ioana"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html  # the fragment the page swaps in
    assert "Ioana Stan" in html and "ioana.stan@example.ro" in html
    assert "theirs.example" not in html and "Ion<" not in html
    assert f'name="customer" value="{ioana.pk}"' in html
    by_address = client.get(url(conversation), {"q": "ioana.st"}, headers={"HX-Request": "true"})
    assert "Ioana Stan" in by_address.content.decode()
    nothing = client.get(url(conversation), {"q": "zzz"}, headers={"HX-Request": "true"})
    assert "No customer matches." in nothing.content.decode()
    # Without scripts the same search is a page of its own.
    page = client.get(url(conversation), {"q": "ioana"}).content.decode()
    assert "<html" in page and "Ioana Stan" in page


def test_the_conversation_page_offers_the_search_to_staff_only(cast, client_for, conversation):
    page = f"/w/alice/inbox/{conversation.pk}/"
    assert 'id="customer-q"' in client_for(cast.teammate).get(page).content.decode()
    assert 'id="customer-q"' not in client_for(cast.viewer).get(page).content.decode()
    assert client_for(cast.viewer).get(url(conversation), {"q": "a"}).status_code == 403


def test_link_and_unlink_each_leave_one_timeline_row(cast, client_for, conversation, ioana):
    first = conversation.customer_id
    client = client_for(cast.teammate)
    response = post(client, url(conversation), {"customer": str(ioana.pk)})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.customer_id == ioana.pk
    linked = Event.objects.get(kind="conversation.linked")
    assert (linked.customer_id, linked.actor_id, linked.old, linked.new) == (
        ioana.pk,
        cast.teammate.pk,
        {"customer": first},
        {"customer": ioana.pk},
    )
    page = client.get(f"/w/alice/inbox/{conversation.pk}/").content.decode()
    assert "Linked to Ioana Stan." in page and "Unlink from the customer" in page
    # Linking again to the same customer changes nothing and writes nothing.
    post(client, url(conversation), {"customer": str(ioana.pk)})
    assert Event.objects.filter(kind="conversation.linked").count() == 1

    assert post(client, url(conversation), {"action": "unlink"}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.customer_id is None
    unlinked = Event.objects.get(kind="conversation.unlinked")
    # On the timeline of the customer it left, where the link was seen.
    assert (unlinked.customer_id, unlinked.old, unlinked.new) == (
        ioana.pk,
        {"customer": ioana.pk},
        {"customer": None},
    )
    timeline = client.get(f"/w/alice/customers/{ioana.pk}/").content.decode()
    assert "Conversation unlinked from a customer" in timeline
    assert "Conversation linked to a customer" in timeline


def test_another_shops_customer_cannot_be_linked(cast, client_for, conversation):
    theirs = customer_create(workspace=cast.other_shop, actor=None, email="x@theirs.example")
    first = conversation.customer_id
    response = post(client_for(cast.owner), url(conversation), {"customer": str(theirs.pk)})
    assert response.status_code == 404
    conversation.refresh_from_db()
    assert conversation.customer_id == first
    assert not Event.objects.filter(kind="conversation.linked").exists()
    # And the outsider does not see the conversation at all.
    outsider = post(client_for(cast.outsider), url(conversation), {"action": "unlink"})
    assert outsider.status_code == 404


def test_a_viewer_cannot_unlink(cast, conversation, ioana):
    conversation.customer = ioana
    conversation.save(update_fields=["customer"])
    assert_refused(
        lambda: conversation_unlink(conversation=conversation, actor=cast.viewer),
        CONVERSATION_LINK,
        Role.VIEWER,
    )
    conversation.refresh_from_db()
    assert conversation.customer_id == ioana.pk


def test_the_api_links_and_unlinks(cast, api_as, conversation, ioana):  # noqa: F811
    api = api_as("agent")
    path = f"/inbox/conversations/{conversation.pk}/customer"
    response = api.call("PUT", path, {"customer_id": ioana.pk})
    assert (response.status_code, response.json()["customer_id"]) == (200, ioana.pk)
    theirs = customer_create(workspace=cast.other_shop, actor=None, email="x@theirs.example")
    assert api.call("PUT", path, {"customer_id": theirs.pk}).status_code == 404
    response = api.delete(path)
    assert (response.status_code, response.json()["customer_id"]) == (200, None)
    kinds = list(Event.objects.filter(subject_id=conversation.pk).values_list("kind", flat=True))
    assert kinds.count("conversation.linked") == 1 and kinds.count("conversation.unlinked") == 1
