"""`{% load retention %}`: the current score of a customer, for panels on other pages."""

from __future__ import annotations

from django import template

from clientela.customers.models import Customer
from clientela.retention.models import CustomerScore
from clientela.retention.reports import customer_score, score_sentence

register = template.Library()


@register.simple_tag
def retention_score(customer: Customer) -> CustomerScore | None:
    return customer_score(customer)


@register.simple_tag
def retention_sentence(score: CustomerScore) -> str:
    return score_sentence(score)
