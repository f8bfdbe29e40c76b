from __future__ import annotations

import pytest

from clientela.outreach.defaults import DEFAULTS
from clientela.outreach.models import MessageTemplate
from clientela.outreach.rendering import TemplateInvalid, render_message, template_check
from clientela.outreach.services.templates import template_preview, template_save
from clientela.timeline.models import Event


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ customer.frist_name }}", "Unknown variable “customer.frist_name” in body_text"),
        ("{{ shop.owner }}", "Unknown variable “shop.owner” in body_text"),
        ("{{ secret }}", "Unknown variable “secret” in body_text"),
        (
            "{% for p in campaign.promotions %}{{ p.nme }}{% endfor %}",
            "Unknown variable “p.nme” in body_text",
        ),
    ],
)
def test_an_unknown_variable_is_refused_with_its_name(source: str, message: str) -> None:
    with pytest.raises(TemplateInvalid) as caught:
        template_check(subject="Hi", body_text=source, body_html="")
    assert caught.value.message == message
    assert caught.value.field == "body_text"


@pytest.mark.parametrize(
    "source",
    [
        '{% include "web/base.html" %}',
        '{% extends "x" %}',
        "{% load static %}",
        "{% debug %}",
        "{% url 'web:home' %}",
        "{% if %}x{% endif %}",
        "{{ x|nosuchfilter }}",
    ],
)
def test_tags_that_reach_outside_and_syntax_errors_are_refused(source: str) -> None:
    with pytest.raises(TemplateInvalid) as caught:
        template_check(subject="Hi", body_text="ok", body_html=source)
    assert caught.value.field == "body_html"
    assert caught.value.message.startswith("Template error in body_html: ")


def test_html_is_escaped_and_plain_text_is_not() -> None:
    context = {"customer": {"first_name": "<b>Ion & Co</b>"}}
    rendered = render_message(
        subject="Salut {{ customer.first_name }}\nnewline",
        body_text="Dragă {{ customer.first_name }}",
        body_html="<p>{{ customer.first_name }}</p>",
        context=context,
    )
    assert rendered.subject == "Salut <b>Ion & Co</b> newline"
    assert rendered.body_text == "Dragă <b>Ion & Co</b>"
    assert rendered.body_html == "<p>&lt;b&gt;Ion &amp; Co&lt;/b&gt;</p>"


def test_saving_an_invalid_template_writes_nothing(cast, build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TemplateInvalid):
        template_save(
            workspace=cast.shop,
            actor=cast.owner,
            name="T",
            purpose="campaign",
            language="ro",
            subject="S",
            body_text="{{ customer.nope }}",
            body_html="",
        )
    assert MessageTemplate.objects.count() == 0
    assert Event.objects.filter(kind__startswith="template.").count() == 0


def test_preview_uses_a_real_customer_and_their_last_order(cast, build) -> None:  # type: ignore[no-untyped-def]
    from tests.outreach.conftest import days_ago

    customer = build.customer(cast.shop, "ștefan@example.com", first="Ștefan")
    build.order(customer, at=days_ago(9), total="10.00")
    order = build.order(customer, at=days_ago(2), total="249.90")
    template = template_save(
        workspace=cast.shop,
        actor=cast.owner,
        name="T",
        purpose="thank_you",
        language="ro",
        subject="Mulțumim, {{ customer.first_name }}",
        body_text="Comanda {{ order.external_id }}: {{ order.total }} {{ order.currency }}",
        body_html="",
    )
    rendered = template_preview(template=template, customer=customer)
    assert rendered.subject == "Mulțumim, Ștefan"
    assert rendered.body_text == f"Comanda #{order.pk}: 249.90 RON"
    assert list(
        Event.objects.filter(kind="template.created").values_list("summary", flat=True)
    ) == ["T"]


def test_rendered_text_is_plain_data_that_pages_escape() -> None:
    from django.utils.safestring import SafeData

    rendered = render_message(
        subject="s",
        body_text="{{ customer.first_name }}",
        body_html="<p>{{ customer.first_name }}</p>",
        context={"customer": {"first_name": "<script>"}},
    )
    assert not isinstance(rendered.body_text, SafeData)
    assert not isinstance(rendered.body_html, SafeData)


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_default_template_passes_its_own_validation(key) -> None:  # type: ignore[no-untyped-def]
    default = DEFAULTS[key]
    template_check(
        subject=default.subject, body_text=default.body_text, body_html=default.body_html
    )
