"""The outreach services refuse, by themselves, an actor whose role their policy refuses, and
the campaign actions are the ones of one table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from clientela.accounts.models import User
from clientela.accounts.policy import Rule
from clientela.outreach.models import (
    Campaign,
    CampaignAction,
    CampaignStatus,
    HandwrittenLetter,
    MessageTemplate,
)
from clientela.outreach.policy import (
    AUTOMATIONS_UPDATE,
    CAMPAIGN_CANCEL,
    CAMPAIGN_CREATE,
    CAMPAIGN_PAUSE,
    CAMPAIGN_RESUME,
    CAMPAIGN_SCHEDULE,
    CAMPAIGN_SEND,
    CAMPAIGN_TEST_SEND,
    CAMPAIGN_UNSCHEDULE,
    CAMPAIGN_UPDATE,
    LETTER_DONE,
    MAILING_LIST_CREATE,
    TEMPLATE_CREATE,
    TEMPLATE_TEST_SEND,
    TEMPLATE_UPDATE,
)
from clientela.outreach.services.audience import audience_count
from clientela.outreach.services.automations import automations_update
from clientela.outreach.services.campaign_mail import campaign_test_send
from clientela.outreach.services.campaigns import (
    TRANSITIONS,
    CampaignInvalid,
    campaign_act,
    campaign_actions,
    campaign_cancel,
    campaign_pause,
    campaign_resume,
    campaign_save,
    campaign_schedule,
    campaign_send,
    campaign_unschedule,
)
from clientela.outreach.services.letters import letter_done
from clientela.outreach.services.lists import mailing_list_create
from clientela.outreach.services.templates import template_save, template_test_send
from tests.policy import Objects, actor_at, actor_below, assert_refused, objects_of

pytestmark = pytest.mark.django_db

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)
CAMPAIGN = {"title": "Vara", "kind": "newsletter", "language": "ro", "subject": "S"}


@dataclass(frozen=True)
class Outreach:
    """The shop's objects (tests.policy) and one outreach object of each kind and state."""

    shop: Objects
    template: MessageTemplate
    letter: HandwrittenLetter  # still to write
    campaigns: dict[CampaignStatus, Campaign]


def _campaign(objects: Objects, status: CampaignStatus) -> Campaign:
    return Campaign.objects.create(
        workspace=objects.workspace, body_text="Salut", status=status, **CAMPAIGN
    )


@pytest.fixture
def outreach(cast) -> Outreach:
    objects = objects_of(cast)
    template = MessageTemplate.objects.create(
        workspace=objects.workspace,
        name="Vara",
        purpose="campaign",
        language="ro",
        subject="S",
        body_text="B",
    )
    letter = HandwrittenLetter.objects.create(
        workspace=objects.workspace, customer=objects.customer, draft_text="Dragă Ana"
    )
    states = (
        CampaignStatus.DRAFT,
        CampaignStatus.SCHEDULED,
        CampaignStatus.SENDING,
        CampaignStatus.PAUSED,
    )
    return Outreach(objects, template, letter, {s: _campaign(objects, s) for s in states})


def _draft(o: Outreach) -> Campaign:
    return o.campaigns[CampaignStatus.DRAFT]


# One call of a service, made by `actor`, for the rule it is listed under.
Refusal = Callable[[Outreach, User], object]
Call = tuple[Rule, Refusal]
REFUSALS: dict[Rule, Refusal] = {
    AUTOMATIONS_UPDATE: lambda o, a: automations_update(
        workspace=o.shop.workspace, actor=a, thank_you_delay_days=3
    ),
    TEMPLATE_CREATE: lambda o, a: template_save(
        workspace=o.shop.workspace,
        actor=a,
        name="Nou",
        purpose="campaign",
        language="en",
        subject="S",
        body_text="B",
    ),
    TEMPLATE_UPDATE: lambda o, a: template_save(
        workspace=o.shop.workspace, actor=a, template=o.template, subject="New"
    ),
    TEMPLATE_TEST_SEND: lambda o, a: template_test_send(
        template=o.template, customer=None, actor=a
    ),
    CAMPAIGN_CREATE: lambda o, a: campaign_save(
        workspace=o.shop.workspace, actor=a, body_text="B", **CAMPAIGN
    ),
    CAMPAIGN_UPDATE: lambda o, a: campaign_save(
        workspace=o.shop.workspace, actor=a, campaign=_draft(o), title="Toamna"
    ),
    CAMPAIGN_TEST_SEND: lambda o, a: campaign_test_send(campaign=_draft(o), actor=a),
    CAMPAIGN_SEND: lambda o, a: campaign_send(campaign=_draft(o), actor=a),
    CAMPAIGN_SCHEDULE: lambda o, a: campaign_schedule(campaign=_draft(o), at=AT, actor=a),
    CAMPAIGN_UNSCHEDULE: lambda o, a: campaign_unschedule(
        campaign=o.campaigns[CampaignStatus.SCHEDULED], actor=a
    ),
    CAMPAIGN_PAUSE: lambda o, a: campaign_pause(
        campaign=o.campaigns[CampaignStatus.SENDING], actor=a
    ),
    CAMPAIGN_RESUME: lambda o, a: campaign_resume(
        campaign=o.campaigns[CampaignStatus.PAUSED], actor=a
    ),
    CAMPAIGN_CANCEL: lambda o, a: campaign_cancel(campaign=_draft(o), actor=a),
    LETTER_DONE: lambda o, a: letter_done(letter=o.letter, actor=a),
    MAILING_LIST_CREATE: lambda o, a: mailing_list_create(
        workspace=o.shop.workspace, actor=a, name="Noutăți"
    ),
}


def _by_name(action: CampaignAction) -> Refusal:
    """The action asked for by name, of a campaign in a state it may leave."""

    def call(o: Outreach, a: User) -> Campaign:
        status = sorted(TRANSITIONS[action].sources)[0]
        campaign = o.campaigns[status]
        count = audience_count(campaign) if TRANSITIONS[action].needs_count else None
        return campaign_act(
            campaign=campaign, action=action.value, actor=a, at=AT, confirm_count=count
        )

    return call


# The same rules asked through the dispatcher the web and the API use.
ALSO: list[Call] = [(TRANSITIONS[action].rule, _by_name(action)) for action in CampaignAction]
CALLS = [*REFUSALS.items(), *ALSO]


def _ids(call: Call) -> str:
    return call[0].name


@pytest.mark.parametrize("call", CALLS, ids=_ids)
def test_the_service_refuses_the_role_below_the_minimum(call, cast, outreach):
    rule, refusal = call
    actor, role = actor_below(cast, rule)
    assert_refused(lambda: refusal(outreach, actor), rule, role)


@pytest.mark.parametrize("call", CALLS, ids=_ids)
def test_the_service_refuses_a_member_of_another_workspace(call, cast, outreach):
    rule, refusal = call
    assert_refused(lambda: refusal(outreach, cast.outsider), rule, None)


@pytest.mark.parametrize("call", CALLS, ids=_ids)
def test_the_service_lets_the_minimum_role_do_it(call, cast, outreach):
    rule, refusal = call
    refusal(outreach, actor_at(cast, rule))


def test_each_action_has_its_own_rule_and_leaves_only_unfinished_states():
    assert [action.value for action in TRANSITIONS] == CampaignAction.values
    assert {t.rule.name for t in TRANSITIONS.values()} == {
        f"campaign.{action}" for action in CampaignAction.values
    }
    finished = {CampaignStatus.FINISHED, CampaignStatus.CANCELLED}
    assert all(not t.sources & finished for t in TRANSITIONS.values())


def test_the_actions_each_state_offers_in_the_order_of_the_buttons():
    offered = {status: campaign_actions(status) for status in CampaignStatus}
    assert offered == {
        CampaignStatus.DRAFT: ["send", "schedule", "cancel"],
        CampaignStatus.SCHEDULED: ["send", "unschedule", "cancel"],
        CampaignStatus.SENDING: ["pause", "cancel"],
        CampaignStatus.PAUSED: ["resume", "cancel"],
        CampaignStatus.FINISHED: [],
        CampaignStatus.CANCELLED: [],
    }


def test_an_action_by_name_moves_the_campaign_as_its_service_does(cast, outreach):
    draft = _draft(outreach)
    campaign_act(campaign=draft, action="schedule", actor=cast.manager, at=AT, confirm_count=0)
    draft.refresh_from_db()
    assert (draft.status, draft.scheduled_at) == ("scheduled", AT)
    campaign_act(campaign=draft, action=CampaignAction.UNSCHEDULE, actor=cast.manager, at=AT)
    draft.refresh_from_db()
    assert (draft.status, draft.scheduled_at) == ("draft", None)


def test_scheduling_needs_a_time_and_an_unknown_action_is_refused(cast, outreach):
    draft = _draft(outreach)
    with pytest.raises(CampaignInvalid) as missing:
        campaign_act(campaign=draft, action="schedule", actor=cast.manager)
    assert (missing.value.field, missing.value.message) == (
        "at",
        "Give the date and time to send at.",
    )
    with pytest.raises(ValueError):
        campaign_act(campaign=draft, action="explode", actor=cast.manager)
    draft.refresh_from_db()
    assert draft.status == "draft"
