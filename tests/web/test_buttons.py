"""Pages offer an action (a link, a form) exactly to the members its policy rule admits."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import resolve, reverse

from clientela.accounts.models import Membership, Role
from clientela.customers.services import consent_grant, customer_email_add
from clientela.outreach.models import HandwrittenLetter
from tests.outreach.objects import outreach_objects

pytestmark = pytest.mark.django_db

MEMBERS = (Role.VIEWER, Role.AGENT, Role.MANAGER, Role.OWNER)


def _offers(cast, shop) -> list[tuple[str, str]]:
    """(page, URL of an action the page may offer), for every button hidden by a rule."""
    customer = shop.customer
    second = customer_email_add(customer=customer, address="ioana@work.example.com", actor=None)
    consent = consent_grant(
        customer=customer, purpose="marketing", channel="email", source="t", ip=None, actor=None
    )

    def url(name: str, **kwargs: int) -> str:
        return reverse(name, kwargs={"ws": "alice", **kwargs})

    page = url("web:customer", pk=customer.pk)
    things = outreach_objects(cast)
    letter = things["outreach_letter"]
    HandwrittenLetter.objects.filter(pk=letter).update(status="to_write", done_at=None)
    template, campaign = things["outreach_template"], things["outreach_campaign"]
    outreach = url("web:outreach")
    templates = url("web:outreach_templates")
    campaign_page = url("web:outreach_campaign", pk=campaign)
    return [
        (url("web:customers"), url("web:customer_new")),
        (url("web:customers"), url("web:customer_export")),
        (url("web:orders"), url("web:order_export")),
        (url("web:orders"), url("web:order_new")),
        (url("web:order", pk=shop.order.pk), url("web:order_status", pk=shop.order.pk)),
        (url("web:product", pk=shop.product.pk), url("web:product_edit", pk=shop.product.pk)),
        (page, url("web:customer_data", pk=customer.pk)),
        (page, url("web:customer_erase", pk=customer.pk)),
        (page, url("web:customer_edit", pk=customer.pk)),
        (page, url("web:customer_tags", pk=customer.pk)),
        (page, url("web:customer_email_add", pk=customer.pk)),
        (page, url("web:customer_email_primary", pk=customer.pk, email_pk=second.pk)),
        (page, url("web:customer_email_remove", pk=customer.pk, email_pk=second.pk)),
        (page, url("web:customer_consent_add", pk=customer.pk)),
        (page, url("web:customer_consent_withdraw", pk=customer.pk, consent_pk=consent.pk)),
        (url("web:products"), url("web:product_new")),
        (url("web:products"), url("web:product_edit", pk=shop.product.pk)),
        (url("web:retention"), url("web:retention_refresh")),
        (url("web:retention"), url("web:retention_settings")),
        (url("web:retention_validation"), url("web:retention_validation_start")),
        (outreach, url("web:outreach_settings")),
        (templates, url("web:outreach_template_new")),
        (templates, url("web:outreach_template", pk=template)),
        (url("web:outreach_template", pk=template), url("web:outreach_template_test", pk=template)),
        (url("web:outreach_campaigns"), url("web:outreach_campaign_new")),
        (campaign_page, url("web:outreach_campaign_edit", pk=campaign)),
        (campaign_page, url("web:outreach_campaign_action", pk=campaign)),
        (campaign_page, url("web:outreach_campaign_test", pk=campaign)),
        (url("web:outreach_letters"), url("web:outreach_letter_done", pk=letter)),
        (url("web:outreach_lists"), url("web:outreach_list_new")),
        # The outreach pages' own menu.
        (outreach, url("web:outreach_delivery")),
        (outreach, url("web:outreach_mailsink")),
        (url("web:outreach_delivery"), url("web:outreach_delivery_pause")),
        (url("web:outreach_delivery"), url("web:outreach_sender")),
        (url("web:outreach_delivery"), url("web:outreach_branding")),
        # The first-run checklist of the dashboard, and the Team page's link.
        (url("web:dashboard"), url("web:checklist_dismiss")),
        (url("web:dashboard"), url("web:workspace_details")),
        (url("web:dashboard"), url("web:outreach_sender")),
        (url("web:team"), url("web:workspace_details")),
        # The menu, on every page.
        (url("web:dashboard"), url("web:team")),
        (url("web:dashboard"), url("web:imports")),
        (url("web:dashboard"), url("web:privacy_settings")),
    ]


@pytest.mark.parametrize("role", MEMBERS)
def test_each_action_is_offered_exactly_to_the_roles_its_rule_admits(cast, shop, client_for, role):
    client = client_for(cast.member(role))
    pages: dict[str, str] = {}
    offered, admitted = {}, {}
    for page, action in _offers(cast, shop):
        if page not in pages:
            pages[page] = client.get(page).content.decode()
        offered[page, action] = f'"{action}"' in pages[page]
        admitted[page, action] = resolve(action).func.policy_rule.admits(role)
    assert offered == admitted


def test_may_names_a_rule_of_some_policy_and_refuses_an_unknown_one(cast):
    template = Template('{% load web %}{{ m|may:"customer.delete" }} {{ m|may:"order.create" }}')
    agent = Membership.objects.get(workspace=cast.shop, user=cast.teammate)
    manager = Membership.objects.get(workspace=cast.shop, user=cast.manager)
    assert template.render(Context({"m": agent})) == "False False"
    assert template.render(Context({"m": manager})) == "True True"
    assert template.render(Context({"m": None})) == "False False"
    with pytest.raises(KeyError):
        Template('{% load web %}{{ m|may:"customer.destroy" }}').render(Context({"m": agent}))
