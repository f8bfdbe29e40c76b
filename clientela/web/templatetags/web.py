"""Template helpers of the web UI: the navigation menu, keyset page links, and `may`."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import resolve, reverse

from clientela.accounts.models import Membership
from clientela.accounts.policy import allows, rules
from clientela.web import nav
from clientela.web.events import event_label as _event_label

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_items(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The NAV entries the current member may open, with their URL and whether active."""
    request: HttpRequest | None = context.get("request")
    membership = getattr(request, "membership", None)
    if request is None or membership is None:
        return []
    items = []
    for entry in nav.NAV:
        url = reverse(entry.url_name, kwargs={"ws": membership.workspace.slug})
        # The page's own rule decides, so the menu never offers a page that answers 403.
        rule = getattr(resolve(url).func, "policy_rule", None)
        if rule is not None and not allows(membership, rule):
            continue
        base = reverse("web:dashboard", kwargs={"ws": membership.workspace.slug})
        active = request.path == url if url == base else request.path.startswith(url)
        items.append({"label": entry.label, "url": url, "active": active})
    return items


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (None or "" removes one)."""
    request: HttpRequest = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def event_label(kind: str) -> str:
    return str(_event_label(kind))


@register.filter
def may(membership: Membership | None, rule_name: str) -> bool:
    """`{% if request.membership|may:"customer.delete" %}`: whether the member may do what
    the rule of that name (in some app's `policy`) guards. An unknown name is an error."""
    return allows(membership, rules()[rule_name])
