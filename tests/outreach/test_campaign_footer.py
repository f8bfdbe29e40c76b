"""A campaign's text part carries its unsubscribe link once: in the layout's footer, which the
sender adds to every marketing message, not again in a footer of the campaign's own."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from clientela.customers.services import customer_tags_set
from clientela.mail.models import Outbox
from clientela.mail.verp import unsubscribe_url
from clientela.mail.worker import WorkerOptions, worker_run
from clientela.outreach.services.campaign_mail import campaign_preview
from clientela.outreach.services.campaigns import campaign_act, campaign_save


@pytest.mark.django_db(transaction=True)
def test_the_text_part_shows_the_unsubscribe_link_once_in_the_layouts_footer(  # type: ignore[no-untyped-def]
    cast: Any, build: Any, sink: Any
) -> None:
    ana = build.customer(cast.shop, "ana@example.ro", first="Ana")
    customer_tags_set(customer=ana, names=["vip"], actor=None)
    campaign = campaign_save(
        workspace=cast.shop,
        actor=cast.owner,
        tag_ids=[ana.tags.get().pk],
        title="Toamna",
        kind="newsletter",
        language="ro",
        subject="Salut {{ customer.first_name }}",
        body_text="Dragă {{ customer.first_name }}, reduceri.",  # no link of its own
        holdout_percent=0,
    )

    # The preview shows what the customer gets: the same footer, with a stand-in link.
    preview = campaign_preview(campaign=campaign, customer=ana)
    assert preview.body_text.split("\n-- \n") == [
        "Dragă Ana, reduceri.\n",
        f"Alice's Shop\nDezabonare: {settings.SITE_URL}/u/preview/\n",
    ]
    campaign_act(campaign=campaign, action="send", actor=cast.owner, confirm_count=1)
    worker_run(WorkerOptions(drain=True))

    [got] = sink.received
    link = unsubscribe_url(Outbox.objects.get(source_type="campaign").pk)
    text = got.message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.count(link) == 1 and text.count("/u/") == 1
    assert text == f"Dragă Ana, reduceri.\n\n-- \nAlice's Shop\nDezabonare: {link}\n"
    html = got.message.get_body(("html",)).get_content()
    assert html.count(f'href="{link}"') == 1
