"""The waiting clock through the inbox's signals, as the conversation code sends them, with
time frozen and moved (time-machine) across business hours, holidays, pauses and the clock
change; escalating nudges through the outbox."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clientela.accounts.models import Role
from clientela.inbox import signals
from clientela.inbox.clock_selectors import response_report, waiting_list
from clientela.inbox.models import ClockTarget, Wait, WaitNudge, WaitResponse, WaitState
from clientela.inbox.services.clock_escalation import clock_escalate
from clientela.inbox.services.clock_settings import clock_settings_update, clock_target_set
from clientela.mail.models import Outbox
from clientela.timeline.models import Event

BUCHAREST = ZoneInfo("Europe/Bucharest")
pytestmark = pytest.mark.django_db


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BUCHAREST)


def wrote(shop, subject_id: int, when: datetime, **extra) -> None:
    signals.client_wrote.send(
        sender=None,
        workspace_id=shop.pk,
        subject="conversation",
        subject_id=subject_id,
        customer_id=extra.pop("customer_id", None),
        channel=extra.pop("channel", "email"),
        at=when,
        title=extra.pop("title", f"Question {subject_id}"),
        url=f"/w/{shop.slug}/inbox/{subject_id}/",
        **extra,
    )


def answered(shop, subject_id: int, when: datetime, actor=None) -> None:
    signals.client_answered.send(
        sender=None,
        workspace_id=shop.pk,
        subject="conversation",
        subject_id=subject_id,
        at=when,
        actor_id=actor.pk if actor else None,
    )


def paused(shop, subject_id: int, when: datetime) -> None:
    signals.waiting_for_client.send(
        sender=None, workspace_id=shop.pk, subject="conversation", subject_id=subject_id, at=when
    )


def closed(shop, subject_id: int, when: datetime) -> None:
    signals.subject_closed.send(
        sender=None, workspace_id=shop.pk, subject="conversation", subject_id=subject_id, at=when
    )


def test_first_and_next_responses_count_business_time_only(cast):
    shop = cast.shop
    # Friday 16:30 the client writes; Monday 09:45 we answer: 30 + 45 business minutes.
    wrote(shop, 1, at(2026, 12, 4, 16, 30))
    answered(shop, 1, at(2026, 12, 7, 9, 45), cast.teammate)
    # Monday 10:00 the client writes again; answered at 10:20.
    wrote(shop, 1, at(2026, 12, 7, 10))
    answered(shop, 1, at(2026, 12, 7, 10, 20), cast.owner)
    responses = list(
        WaitResponse.objects.for_workspace(shop)
        .order_by("pk")
        .values_list("kind", "business_seconds", "agent_id", "met")
    )
    assert responses == [
        ("first", 75 * 60, cast.teammate.pk, True),
        ("next", 20 * 60, cast.owner.pk, True),
    ]
    wait = Wait.objects.get(workspace=shop)
    assert (wait.state, wait.round, wait.responses, wait.first_response_seconds) == (
        WaitState.ANSWERED,
        2,
        2,
        75 * 60,
    )
    # One timeline row per change: started, answered, started, answered.
    kinds = list(
        Event.objects.filter(workspace=shop, kind__startswith="wait.")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["wait.started", "wait.answered", "wait.started", "wait.answered"]


def test_writing_again_while_waiting_keeps_the_first_start_and_a_second_reply_times_nothing(cast):
    shop = cast.shop
    wrote(shop, 2, at(2026, 12, 7, 9))
    wrote(shop, 2, at(2026, 12, 7, 11))
    answered(shop, 2, at(2026, 12, 7, 12))
    answered(shop, 2, at(2026, 12, 7, 12, 5))
    assert list(WaitResponse.objects.values_list("business_seconds", flat=True)) == [3 * 3600]


def test_the_clock_stands_still_while_we_wait_for_the_client(cast):
    shop = cast.shop
    wrote(shop, 3, at(2026, 12, 7, 9))  # Monday
    paused(shop, 3, at(2026, 12, 7, 10))  # 1 h waited, then we asked the client
    wrote(shop, 3, at(2026, 12, 9, 15))  # Wednesday the client answers: the clock runs again
    answered(shop, 3, at(2026, 12, 9, 15, 30))
    assert WaitResponse.objects.get().business_seconds == 90 * 60
    pause = Wait.objects.get().pauses.get()
    assert pause.business_seconds == (7 + 8 + 6) * 3600


def test_answering_during_a_pause_counts_up_to_the_pause(cast):
    wrote(cast.shop, 4, at(2026, 12, 7, 9))
    paused(cast.shop, 4, at(2026, 12, 7, 9, 10))
    answered(cast.shop, 4, at(2026, 12, 8, 9))
    assert WaitResponse.objects.get().business_seconds == 600


def test_holidays_and_the_clock_change_on_the_waiting_page(cast):
    shop = cast.shop
    # Friday 27 November 2026, 16:00; Monday 30 Nov and Tuesday 1 Dec are holidays.
    wrote(shop, 5, at(2026, 11, 27, 16))
    with time_machine.travel(at(2026, 12, 1, 12), tick=False):
        page = waiting_list(shop, now=datetime.now(BUCHAREST))
    assert [row.waited_seconds for row in page.rows] == [3600]
    # A shop open around the clock, over the autumn change (25 October 2026: 25 hours).
    clock_settings_update(
        workspace=cast.other_shop,
        actor=cast.outsider,
        hours=[[(0, 1440)]] * 7,
        holiday_country="",
        holidays_added=[],
        holidays_removed=[],
        default_target_minutes=60,
        escalate_after_minutes=60,
    )
    wrote(cast.other_shop, 6, at(2026, 10, 25, 0))
    with time_machine.travel(at(2026, 10, 26, 0), tick=False):
        page = waiting_list(cast.other_shop, now=datetime.now(BUCHAREST))
    assert [row.waited_seconds for row in page.rows] == [25 * 3600]
    assert page.rows[0].overdue and page.overdue == 1


def test_the_waiting_page_lists_the_longest_business_wait_first(cast):
    shop = cast.shop
    # Written earlier in wall time but on Saturday: it waited less business time than the
    # one written on Friday afternoon.
    wrote(shop, 10, at(2026, 12, 4, 15), title="Friday")
    wrote(shop, 11, at(2026, 12, 5, 10), title="Saturday")
    wrote(shop, 12, at(2026, 12, 7, 9, 30), title="Monday")
    wrote(shop, 13, at(2026, 12, 7, 9), title="Paused")
    paused(shop, 13, at(2026, 12, 7, 9, 5))
    page = waiting_list(shop, now=at(2026, 12, 7, 10))
    assert [(r.wait.title, r.waited_seconds) for r in page.rows] == [
        ("Friday", 3 * 3600),
        ("Saturday", 3600),
        ("Monday", 1800),
    ]
    assert (page.waiting, page.paused) == (3, 1)
    assert waiting_list(cast.other_shop, now=at(2026, 12, 7, 10)).rows == []


def test_a_champion_gets_the_champions_target(cast):
    from tests.inbox.objects import make_champion

    customer = make_champion(cast.shop)
    clock_target_set(
        workspace=cast.shop, actor=cast.manager, channel="", segment="champions", minutes=60
    )
    clock_target_set(
        workspace=cast.shop, actor=cast.manager, channel="email", segment="", minutes=120
    )
    wrote(cast.shop, 20, at(2026, 12, 7, 9), customer_id=customer.pk)
    wrote(cast.shop, 21, at(2026, 12, 7, 9))
    wrote(cast.shop, 22, at(2026, 12, 7, 9), channel="form")
    targets = dict(Wait.objects.values_list("subject_id", "target_seconds"))
    assert targets == {20: 3600, 21: 7200, 22: 240 * 60}
    assert ClockTarget.objects.for_workspace(cast.shop).count() == 2


def test_nudges_go_to_the_assignee_then_the_managers_once_each(cast):
    shop = cast.shop
    wrote(shop, 30, at(2026, 12, 7, 9), assignee_id=cast.teammate.pk)  # target 4 h: 13:00
    assert clock_escalate(now=at(2026, 12, 7, 12, 59)).nudged == 0
    first = clock_escalate(now=at(2026, 12, 7, 13, 0))
    assert (first.nudged, first.mails) == (1, 1)
    assert list(Outbox.objects.values_list("to_address", flat=True)) == [cast.teammate.email]
    # Again at once: nothing more. After the escalation delay (1 h): the managers.
    assert clock_escalate(now=at(2026, 12, 7, 13, 30)).mails == 0
    second = clock_escalate(now=at(2026, 12, 7, 14, 0))
    managers = {cast.owner.email, cast.manager.email}
    assert second.mails == 2
    assert (
        set(Outbox.objects.values_list("to_address", flat=True)) == {cast.teammate.email} | managers
    )
    assert clock_escalate(now=at(2026, 12, 8, 14, 0)).mails == 0
    assert WaitNudge.objects.count() == 2
    assert Wait.objects.get().escalation_level == 2
    # Answered and asked again: a new round is nudged anew.
    answered(shop, 30, at(2026, 12, 8, 15))
    wrote(shop, 30, at(2026, 12, 8, 15))
    assert clock_escalate(now=at(2026, 12, 9, 11, 30)).mails == 1


def test_a_paused_wait_is_not_nudged_and_one_without_assignee_goes_to_managers(cast):
    wrote(cast.shop, 31, at(2026, 12, 7, 9))
    wrote(cast.shop, 32, at(2026, 12, 7, 9))
    paused(cast.shop, 32, at(2026, 12, 7, 9, 30))
    counts = clock_escalate(now=at(2026, 12, 8, 9))
    assert (counts.nudged, counts.mails) == (1, 2)
    assert set(Outbox.objects.values_list("to_address", flat=True)) == {
        cast.owner.email,
        cast.manager.email,
    }


def test_closing_ends_the_wait_without_a_response(cast):
    wrote(cast.shop, 40, at(2026, 12, 7, 9))
    paused(cast.shop, 40, at(2026, 12, 7, 10))
    closed(cast.shop, 40, at(2026, 12, 7, 11))
    wait = Wait.objects.get()
    assert (wait.state, wait.paused_at) == (WaitState.CLOSED, None)
    assert not WaitResponse.objects.exists()
    assert waiting_list(cast.shop, now=at(2026, 12, 7, 12)).paused == 0


def test_a_signal_in_a_rolled_back_transaction_leaves_no_wait(cast):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        wrote(cast.shop, 50, at(2026, 12, 7, 9))
        raise RuntimeError
    assert not Wait.objects.exists()


def test_changing_the_hours_keeps_what_was_waited_and_moves_the_due_time(cast):
    shop = cast.shop
    with time_machine.travel(at(2026, 12, 7, 10), tick=False):
        wrote(shop, 60, at(2026, 12, 7, 9))
        clock_settings_update(
            workspace=shop,
            actor=cast.manager,
            hours=[[(8 * 60, 20 * 60)]] * 5 + [[], []],
            holiday_country="RO",
            holidays_added=[date(2026, 12, 8)],
            holidays_removed=[],
            default_target_minutes=240,
            escalate_after_minutes=30,
        )
        page = waiting_list(shop, now=at(2026, 12, 7, 10))
    assert page.rows[0].waited_seconds == 3600
    # 3 h left at 10:00 Monday under 08:00-20:00: due at 13:00.
    assert page.rows[0].due_at == at(2026, 12, 7, 13)
    later = waiting_list(shop, now=at(2026, 12, 9, 9))  # Tuesday 8 Dec is now a holiday
    assert later.rows[0].waited_seconds == (1 + 10 + 1) * 3600


def test_the_report_gives_median_p90_and_share_within_target_per_agent_channel_week(cast):
    shop = cast.shop
    minutes = [10, 20, 30, 40, 300]  # the last one misses the 4 h target
    for n, m in enumerate(minutes):
        wrote(shop, 70 + n, at(2026, 12, 7, 9), channel="email" if n < 3 else "form")
        answered(
            shop,
            70 + n,
            at(2026, 12, 7, 9 + m // 60, m % 60),
            cast.teammate if n % 2 else cast.owner,
        )
    report = response_report(shop, today=date(2026, 12, 9), weeks=4)
    assert report.overall.count == 5
    assert report.overall.median == 30 * 60
    assert report.overall.p90 == pytest.approx((40 + 0.6 * 260) * 60)
    assert report.overall.share_within == 0.8
    assert {line.key: line.summary.count for line in report.by_channel} == {"email": 3, "form": 2}
    assert {line.key: line.summary.count for line in report.by_agent} == {
        str(cast.owner): 3,
        str(cast.teammate): 2,
    }
    assert [line.key for line in report.by_week] == ["2026-12-07"]
    assert response_report(cast.other_shop, today=date(2026, 12, 9)).overall.count == 0


def test_roles_on_the_clock_services(cast):
    from clientela.accounts.policy import NotPermitted

    with pytest.raises(NotPermitted):
        clock_target_set(
            workspace=cast.shop, actor=cast.teammate, channel="email", segment="", minutes=5
        )
    assert cast.shop.memberships.get(user=cast.teammate).role == Role.AGENT


def test_the_clock_services_refuse_below_their_roles(cast):
    from clientela.accounts.policy import NotPermitted
    from clientela.inbox.services.clock import wait_assign

    wrote(cast.shop, 90, at(2026, 12, 7, 9))
    wait = Wait.objects.get(subject_id=90)
    with pytest.raises(NotPermitted):
        wait_assign(workspace=cast.shop, actor=cast.viewer, wait=wait, assignee=cast.viewer)
    wait_assign(workspace=cast.shop, actor=cast.teammate, wait=wait, assignee=cast.teammate)
    with pytest.raises(NotPermitted):
        clock_settings_update(
            workspace=cast.shop,
            actor=cast.teammate,
            hours=[[(0, 60)]] * 7,
            holiday_country="",
            holidays_added=[],
            holidays_removed=[],
            default_target_minutes=5,
            escalate_after_minutes=5,
        )
    # Another workspace's wait is not this workspace's to assign.
    with pytest.raises(Wait.DoesNotExist):
        wait_assign(workspace=cast.other_shop, actor=cast.outsider, wait=wait, assignee=None)
    assert Wait.objects.get(pk=wait.pk).assignee_id == cast.teammate.pk
