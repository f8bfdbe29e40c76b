"""Access to workspace pages: who may see `/w/<slug>/...` and with which role.

Every workspace page is wrapped in `workspace_view`; it is the one place that turns the
slug into `request.workspace` and `request.membership`.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from clientela.accounts.models import Membership, User, Workspace
from clientela.accounts.policy import Rule, enforce

View = Callable[..., HttpResponseBase]  # a page or a streamed download


class WorkspaceRequest(HttpRequest):
    """An HttpRequest after `workspace_view` ran: for type hints in views."""

    user: User
    workspace: Workspace
    membership: Membership
    htmx: HtmxDetails


def membership_for(user: User, slug: str) -> Membership:
    """The user's membership in the workspace `slug`, or 404 whether it exists or not."""
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=user, workspace__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def workspace_view(rule: Rule | None = None) -> Callable[[View], View]:
    """Require login and a membership in the workspace of the URL that `rule` allows.

    A non-member gets the 404 page (the workspace may as well not exist); a member the rule
    refuses gets the 403 page (NotPermitted is a PermissionDenied). No rule: any member. The
    view receives `ws` (the slug) like any URL kwarg, and keeps its rule as `policy_rule`,
    so that the tests can hold the permission matrix against the policy.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, ws: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            membership = membership_for(cast(User, request.user), ws)
            if rule is not None:
                enforce(membership, rule)
            scoped = cast(WorkspaceRequest, request)
            scoped.membership = membership
            scoped.workspace = membership.workspace
            # Dates on the workspace's pages are in the shop's own time zone.
            with timezone.override(zoneinfo.ZoneInfo(membership.workspace.time_zone)):
                return view(scoped, *args, **kwargs)

        wrapper.__dict__["policy_rule"] = rule
        return cast(View, login_required(wrapper))

    return decorate
