"""Template helpers of the web UI: the navigation menu, keyset page links, and `may`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

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


@register.filter
def money(amount: Decimal | float | int | None, currency: str = "") -> str:
    """An amount in the reader's forms with its currency: "1.234,50 RON" in Romanian,
    "1,234.50 RON" in English; a non-breaking space keeps the currency on the same line."""
    if amount is None or amount == "":
        return "—"
    # Rounded to the cent here: Django's number_format cuts the digits past decimal_pos off,
    # which would show 15.3699 as 15.36.
    cents = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    number = formats.number_format(cents, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{number}\N{NO-BREAK SPACE}{currency}" if currency else number


# Who did it, when no member of the team did: the labels the services record (actor_label).
_ACTORS: dict[str, Any] = {
    "": "Clientela",  # the product's name, the same in every language
    "system": "Clientela",
    "customer": _("The customer"),
    "demo": _("Demo data"),
    "import": _("Import"),
}


@register.filter
def actor_label(label: str) -> str:
    """The actor of a timeline row that no member caused, in words ("system" → "Clientela")."""
    return str(_ACTORS.get(label, label))


@register.filter
def consent_source(source: str) -> str:
    """Where a consent or its withdrawal came from, in words: the codes the services record
    ("unsubscribe:campaign:2", "list:3:form", "demo") become a phrase in the reader's language."""
    parts = source.split(":")
    head = parts[0]
    if head == "unsubscribe" and len(parts) >= 2:
        if parts[1] == "preferences":
            return str(_("Unsubscribed on the preferences page"))
        kind = str(_MAIL_KINDS.get(parts[1], parts[1]))
        if len(parts) >= 3 and parts[2].isdigit():
            text = _("Unsubscribe link in %(kind)s no. %(id)s")
            return str(text) % {"kind": kind, "id": parts[2]}
        return str(_("Unsubscribe link in %(kind)s") % {"kind": kind})
    if head == "list" and len(parts) >= 2 and parts[1].isdigit():
        return str(_("Subscribed to mailing list no. %(id)s") % {"id": parts[1]})
    if head == "subscription":
        return str(_("Confirmed subscription"))
    return str(_SOURCES.get(source, source))


_MAIL_KINDS = {
    "campaign": _("campaign"),
    "thank_you": _("thank-you letter"),
    "win_back": _("win-back letter"),
    "subscription": _("subscription confirmation"),
}
_SOURCES = {
    "demo": _("Demo data"),
    "manual": _("Recorded by the team"),
    "api": _("Recorded through the API"),
    "form": _("Subscription form"),
    "preferences": _("Preferences page"),
    "import": _("Import"),
}
