"""List pages and list endpoints cost the same number of queries whatever their length."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientela.outreach.models import Campaign, HandwrittenLetter
from clientela.outreach.services.lists import mailing_list_create
from tests.outreach.conftest import days_ago


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(cast, build, n: int) -> None:  # type: ignore[no-untyped-def]
    start = Campaign.objects.count()
    for i in range(start, start + n):
        Campaign.objects.create(
            workspace=cast.shop,
            title=f"C{i}",
            kind="newsletter",
            language="ro",
            subject="S",
            body_text="B",
        )
        customer = build.customer(cast.shop, f"q{i}@example.com", consent=False)
        HandwrittenLetter.objects.create(
            workspace=cast.shop,
            customer=customer,
            order=build.order(customer, at=days_ago(1)),
            draft_text="x",
        )
        mailing_list_create(workspace=cast.shop, actor=None, name=f"L{i}")


def test_list_pages_do_not_grow_with_their_rows(cast, build, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(cast.owner)
    urls = [
        "/w/alice/outreach/campaigns/",
        "/w/alice/outreach/letters/",
        "/w/alice/outreach/lists/",
    ]
    _grow(cast, build, 2)
    few = {url: _count(client, url) for url in urls}
    _grow(cast, build, 8)
    assert {url: _count(client, url) for url in urls} == few
    assert few == {
        "/w/alice/outreach/campaigns/": 4,
        # + the rule's threshold, the week's routes and the letters' return rate
        "/w/alice/outreach/letters/": 10,
        "/w/alice/outreach/lists/": 4,
    }
