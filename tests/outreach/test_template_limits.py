"""User-written templates render within limits of size, steps and time, with an allow-list
of tags and filters; whatever a template does wrong is refused on save with its reason (a
form error on the page, a 422 from the API), never a 500 and never a 100 MB preview."""

from __future__ import annotations

import time

import pytest

from clientela.outreach.models import MessageTemplate
from clientela.outreach.rendering import TemplateInvalid, template_check
from tests.outreach.test_api import _api
from tests.web.conftest import post

HUNDRED = "x" * 100
MILLION_PASSES = (
    f"{{% with s='{HUNDRED}' %}}{{% for a in s %}}{{% for b in s %}}{{% for c in s %}}"
    "{% endfor %}{% endfor %}{% endfor %}{% endwith %}"
)
TOO_LONG = "it makes a value longer than 100,000 characters"


def refusal(body_text: str) -> str:
    started = time.monotonic()
    with pytest.raises(TemplateInvalid) as refused:
        template_check(subject="Salut", body_text=body_text, body_html="")
    assert time.monotonic() - started < 5  # refused within its budget, not after the harm
    assert refused.value.field == "body_text"
    return refused.value.message


@pytest.mark.parametrize(
    ("body_text", "reason"),
    [
        # A 100 MB string in one filter.
        ("{{ 1|stringformat:'099999999d' }}", TOO_LONG),
        ("{{ customer.first_name|ljust:'200000' }}", TOO_LONG),
        ("{{ order.total|floatformat:'100000000' }}", TOO_LONG),
        # A value doubled thirty times by nested `with`s.
        ("{% with a='ab' %}" + "{% with a=a|add:a %}" * 30 + "{{ a }}" + "{% endwith %}" * 31,
         TOO_LONG),
        # A million passes through a loop.
        (MILLION_PASSES, "it repeats more than 20,000 times; loop over fewer items"),
        # Values under the limit, written out many times.
        ("{% with a='x'|ljust:'90000' %}{{ a }}{{ a }}{{ a }}{% endwith %}",
         "it writes more than 200,000 characters"),
    ],
)  # fmt: skip
def test_templates_past_a_limit_are_refused_with_the_limit(body_text, reason):
    assert refusal(body_text) == f"The template in body_text cannot be used: {reason}."


@pytest.mark.parametrize(
    ("body_text", "error"),
    [
        ("{% querystring %}", "Invalid block tag on line 1: 'querystring'."),
        ("{% lorem 100000 w %}", "Invalid block tag on line 1: 'lorem'."),
        ("{% load static %}", "Invalid block tag on line 1: 'load'."),
        ("{{ customer.first_name|safe }}", "Invalid filter: 'safe'"),
        ("{{ customer|pprint }}", "Invalid filter: 'pprint'"),
        ("{{ order.placed_at|timesince:customer }}", "'dict' object has no attribute 'year'"),
    ],
)
def test_tags_and_filters_off_the_list_or_misused_are_refused_with_the_reason(body_text, error):
    assert refusal(body_text).startswith(f"Template error in body_text: {error}")


def test_an_ordinary_letter_still_renders():
    rendered = template_check(
        subject="Salut {{ customer.first_name }}",
        body_text=(
            "{% for p in campaign.promotions %}{{ p.name|upper }} -{{ p.discount }}"
            "{% endfor %}, {{ order.total|floatformat:2 }} lei, {{ order.placed_at|date:'d.m.Y' }}"
        ),
        body_html="<p>{{ customer.display_name|title }}</p>",
    )
    assert rendered.subject == "Salut Ana"
    assert rendered.body_text == "CEAI -10%, 249.90 lei, 02.03.2026"
    assert rendered.body_html == "<p>Ana Popescu</p>"


TEMPLATE = {"name": "T", "purpose": "campaign", "language": "ro", "subject": "Salut"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body_text",
    ["{% querystring %}", "{{ order.placed_at|timesince:customer }}", MILLION_PASSES],
)
def test_saving_a_bad_template_on_the_page_is_a_form_error(cast, client_for, body_text):
    response = post(
        client_for(cast.owner),
        "/w/alice/outreach/templates/new/",
        {**TEMPLATE, "body_text": body_text},
    )
    assert response.status_code == 200
    assert "in body_text" in response.content.decode()
    assert MessageTemplate.objects.count() == 0


@pytest.mark.django_db
def test_saving_a_bad_template_over_the_api_is_a_422(cast):
    owner = _api(cast.shop, cast.owner)
    response = owner(
        "POST",
        "/templates",
        {**TEMPLATE, "body_text": "{{ order.placed_at|timesince:customer }}"},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "payload", "body_text"],
            "msg": "Template error in body_text: 'dict' object has no attribute 'year'",
            "type": "value_error",
        }
    ]
    assert MessageTemplate.objects.count() == 0


@pytest.mark.django_db
def test_a_stored_template_past_a_limit_previews_as_an_error(cast, client_for, build):
    """Written before the limits (or straight into the database): its preview says why."""
    customer = build.customer(cast.shop, "ana@example.com", first="Ana")
    template = MessageTemplate.objects.create(
        workspace=cast.shop, **TEMPLATE, body_text="{{ 1|stringformat:'099999999d' }}"
    )
    response = client_for(cast.owner).get(
        f"/w/alice/outreach/templates/{template.pk}/preview/?customer={customer.pk}"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert f"The template in body_text cannot be used: {TOO_LONG}." in text
    assert len(text) < 10_000
