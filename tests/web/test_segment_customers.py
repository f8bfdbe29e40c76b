"""Every segment opens to its customers: the filtered list, its download, and "write to them",
which starts a campaign with that segment as its audience."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from clientela.retention.models import CustomerScore
from tests.retention_service.factories import customers
from tests.retention_service.test_slipping_and_nightly import run_with

pytestmark = pytest.mark.django_db


def _scored(cast):
    """Four customers, two of them "at_risk", and another shop's customer at risk too."""
    people = customers(cast.shop, 4)
    ids = [p.pk for p in people]
    run = run_with(cast.shop, timezone.now(), {pk: 0.5 for pk in ids}, {pk: 10.0 for pk in ids})
    CustomerScore.objects.filter(run=run, customer_id__in=ids[1:3]).update(segment="at_risk")
    CustomerScore.objects.filter(run=run, customer_id=ids[3]).update(recency_score=5)
    [theirs] = customers(cast.other_shop, 1)
    other = run_with(cast.other_shop, timezone.now(), {theirs.pk: 0.5}, {theirs.pk: 1.0})
    CustomerScore.objects.filter(run=other).update(segment="at_risk")
    return people


def test_the_list_filters_by_segment_and_says_what_it_means(cast, client_for):
    people = _scored(cast)
    page = client_for(cast.manager).get("/w/alice/customers/", {"segment": "at_risk"})
    html = page.content.decode()
    assert [c.pk for c in page.context["page"].rows] == [people[2].pk, people[1].pk]
    assert "Only 30-70% likely still a customer" in html
    assert 'href="/w/alice/customers/export.csv?segment=at_risk"' in html
    assert 'href="/w/alice/outreach/campaigns/new/?segment=at_risk"' in html
    # The RFM scores stay as their own column.
    everyone = client_for(cast.manager).get("/w/alice/customers/").content.decode()
    assert '<td class="rfm">5-3-3</td>' in everyone and '<td class="segment">Loyal</td>' in everyone


def test_the_download_of_a_segment_has_its_customers_only(cast, client_for):
    people = _scored(cast)
    response = client_for(cast.manager).get("/w/alice/customers/export.csv", {"segment": "at_risk"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r[3] for r in rows[1:]] == [people[1].email, people[2].email]
    # The segment and the RFM scores as their own columns.
    assert rows[0][-4:] == ["segment", "recency_score", "frequency_score", "monetary_score"]
    assert [r[-4:] for r in rows[1:]] == [["at_risk", "3", "3", "3"]] * 2


def test_write_to_them_opens_a_campaign_whose_audience_is_the_segment(cast, client_for):
    _scored(cast)
    form = client_for(cast.manager).get(
        "/w/alice/outreach/campaigns/new/", {"segment": ["at_risk", "nonsense"]}
    )
    assert form.status_code == 200
    assert form.context["form"]["segments"].value() == ["at_risk"]
    # Below a manager, no button: a campaign is a manager's.
    as_agent = client_for(cast.teammate).get("/w/alice/customers/", {"segment": "at_risk"})
    assert "campaigns/new/" not in as_agent.content.decode()


def test_the_dashboard_links_every_segment_to_its_customers(cast, client_for):
    _scored(cast)
    html = client_for(cast.manager).get("/w/alice/retention/").content.decode()
    for segment in ("new", "champions", "loyal", "at_risk", "one_time", "lost"):
        assert f'href="/w/alice/customers/?segment={segment}"' in html
    assert 'href="/w/alice/outreach/campaigns/new/?segment=at_risk"' in html
    # An empty segment has nobody to write to.
    assert 'href="/w/alice/outreach/campaigns/new/?segment=lost"' not in html
