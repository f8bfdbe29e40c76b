"""The waiting clock's pages: the live list and its fragment, the report, the settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from clientela.inbox import signals
from clientela.inbox.models import ClockSettings, ClockTarget, Wait
from clientela.timeline.models import Event
from tests.web.conftest import post

BUCHAREST = ZoneInfo("Europe/Bucharest")
pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: object) -> str:
    return reverse(f"web:{name}", kwargs={"ws": "alice", **kwargs})


def wrote(shop, subject_id: int, when: datetime, title: str) -> None:
    signals.client_wrote.send(
        sender=None,
        workspace_id=shop.pk,
        subject="conversation",
        subject_id=subject_id,
        customer_id=None,
        channel="email",
        at=when,
        title=title,
        url="",
    )


def test_the_waiting_list_shows_the_longest_business_wait_first_and_refreshes(cast, client_for):
    monday_10 = datetime(2026, 12, 7, 10, tzinfo=BUCHAREST)
    wrote(cast.shop, 1, monday_10 - timedelta(minutes=30), "Recent question")
    wrote(cast.shop, 2, monday_10 - timedelta(days=3, hours=2), "Friday's question")
    wrote(cast.other_shop, 3, monday_10 - timedelta(days=3), "Another shop's question")
    client = client_for(cast.viewer)
    with time_machine.travel(monday_10, tick=False):
        page = client.get(url("inbox_waiting")).content.decode()
        fragment = client.get(url("inbox_waiting_rows")).content.decode()
    assert page.index("Friday&#x27;s question") < page.index("Recent question")
    assert "Another shop" not in page
    # Friday 08:00 to Monday 10:00: Friday 09:00-17:00 and Monday 09:00-10:00.
    assert "9 h 00 min" in page and "30 min" in page
    assert 'hx-trigger="every 30s"' in page
    assert (
        fragment.startswith('\n<div id="waiting-rows"') or '<div id="waiting-rows"' in fragment[:80]
    )
    assert "<html" not in fragment and "Recent question" in fragment
    # Romanian, for a Romanian reader.
    with time_machine.travel(monday_10, tick=False):
        ro = client.get(url("inbox_waiting"), headers={"accept-language": "ro"})
    assert ro.status_code == 200


def test_taking_a_wait_makes_it_the_agents(cast, client_for):
    wrote(cast.shop, 1, datetime(2026, 12, 7, 9, tzinfo=BUCHAREST), "Question")
    wait = Wait.objects.get()
    response = post(client_for(cast.teammate), url("inbox_waiting_take", pk=wait.pk))
    assert response.status_code == 302
    assert Wait.objects.get().assignee_id == cast.teammate.pk
    assert Event.objects.filter(kind="wait.assigned", actor=cast.teammate).count() == 1


def test_the_manager_sets_hours_holidays_and_targets(cast, client_for):
    client = client_for(cast.manager)
    form = client.get(url("inbox_clock_settings")).content.decode()
    assert "09:00-17:00" in form
    data = {f"day_{i}": "08:00-12:00, 13:00-17:30" for i in range(5)}
    data |= {
        "day_5": "10:00-14:00",
        "day_6": "",
        "holiday_country": "on",
        "holidays_added": "2026-12-24\n2026-12-31",
        "holidays_removed": "2026-01-02",
        "default_target_minutes": "90",
        "escalate_after_minutes": "30",
    }
    assert post(client, url("inbox_clock_settings"), data).status_code == 302
    saved = ClockSettings.objects.get(workspace=cast.shop)
    assert saved.hours[0] == [[480, 720], [780, 1050]] and saved.hours[5] == [[600, 840]]
    assert saved.holidays_added == ["2026-12-24", "2026-12-31"]
    assert (saved.default_target_minutes, saved.escalate_after_minutes) == (90, 30)
    bad = post(client, url("inbox_clock_settings"), data | {"day_0": "17:00-09:00"})
    assert bad.status_code == 200 and "must end after it starts" in bad.content.decode()
    post(
        client,
        url("inbox_clock_target_add"),
        {"channel": "", "segment": "champions", "minutes": "60"},
    )
    target = ClockTarget.objects.get(workspace=cast.shop)
    assert (target.segment, target.minutes) == ("champions", 60)
    assert "Champions" in client.get(url("inbox_clock_settings")).content.decode()
    post(client, url("inbox_clock_target_delete", pk=target.pk))
    assert not ClockTarget.objects.exists()


def test_the_report_page_shows_median_p90_and_share(cast, client_for):
    monday = datetime(2026, 12, 7, 9, tzinfo=BUCHAREST)
    for n, minutes in enumerate([10, 20, 30]):
        wrote(cast.shop, n, monday, f"Q{n}")
        signals.client_answered.send(
            sender=None,
            workspace_id=cast.shop.pk,
            subject="conversation",
            subject_id=n,
            at=monday + timedelta(minutes=minutes),
            actor_id=cast.teammate.pk,
        )
    with time_machine.travel(monday + timedelta(days=2), tick=False):
        page = client_for(cast.viewer).get(url("inbox_response_times")).content.decode()
    assert "20 min" in page  # the median
    assert "100%" in page
