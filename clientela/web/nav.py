"""Navigation of the workspace pages. Other apps append to these lists in their AppConfig.ready.

`NAV`: the header menu, in order. An entry shows only to members its page admits (the rule
given to the page's `workspace_view`); its URL name takes the workspace slug as its only
argument (`ws`).

`CUSTOMER_PANELS`: templates included on the customer page, each rendered with `customer`,
`workspace` and `membership` in context (retention adds `web/retention/_customer_scores.html`).

`CASE_PANELS`: dotted paths of functions `(request, case) -> Panel | None` whose panels the
complaint case page shows. Care cannot import the apps above it (rewards), so what they add to
its page comes through here, from the web layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str


NAV: list[NavEntry] = [
    NavEntry(_("Dashboard"), "web:dashboard"),
    NavEntry(_("Customers"), "web:customers"),
    NavEntry(_("Inbox"), "web:inbox"),
    NavEntry(_("Orders"), "web:orders"),
    NavEntry(_("Products"), "web:products"),
    NavEntry(_("Imports"), "web:imports"),
    NavEntry(_("Retention"), "web:retention"),
    NavEntry(_("Waiting"), "web:inbox_waiting"),
    NavEntry(_("Forwarding"), "web:aliases"),
    NavEntry(_("Rewards"), "web:rewards"),
    NavEntry(_("Team"), "web:team"),
    NavEntry(_("API tokens"), "web:tokens"),
    NavEntry(_("Privacy"), "web:privacy_settings"),
]


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


CASE_PANELS: list[str] = [
    "clientela.web.rewards.panels.case_compensations",
]


def case_panels(request: Any, case: Any) -> list[Panel]:
    """The panels of the apps above care for this case and this member (None: not shown)."""
    panels = (import_string(path)(request, case) for path in CASE_PANELS)
    return [panel for panel in panels if panel is not None]


CUSTOMER_PANELS: list[str] = [
    "web/retention/_customer_scores.html",
    "web/privacy/_customer_rights.html",
    "web/rewards/_customer_rewards.html",
]
