"""Who may do what: the mechanism every app's `policy.py` uses, and the accounts app's rules.

An app names the minimum role of each operation it offers once, as a module-level `Rule`
(`CUSTOMER_DELETE = Rule("customer.delete", Role.MANAGER)`). Its services call `permit`
before they write, so an operation is refused whichever door it came through; the web and
the API read the same rules to refuse early (`allows`, `enforce`) and templates to hide
buttons (`rules()` by name).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext

from clientela.accounts.models import ROLE_RANK, Membership, Role, User, Workspace


@dataclass(frozen=True)
class Rule:
    """An operation (`name`, "<entity>.<verb>") and the lowest role that may do it."""

    name: str
    minimum: Role

    def admits(self, role: Role | str) -> bool:
        return ROLE_RANK[Role(role)] >= ROLE_RANK[self.minimum]


class NotPermitted(PermissionDenied):
    """The actor's role is below the rule's minimum, or the actor is not a member (`role`
    None). A PermissionDenied, so the web answers with its 403 page; the API maps it to a
    JSON 403 whose detail is str() of this error, in the active language."""

    def __init__(self, rule: Rule, role: Role | None) -> None:
        self.rule, self.role = rule, role
        super().__init__(rule.name)

    def __str__(self) -> str:
        if self.role is None:
            return gettext("You do not have access to this page.")
        return gettext("Your role (%(role)s) cannot do this; it needs %(minimum)s or higher.") % {
            "role": self.role.label,
            "minimum": self.rule.minimum.label,
        }


def allows(membership: Membership | None, rule: Rule) -> bool:
    """Whether this membership (None: not a member) may do what `rule` guards. No query."""
    return membership is not None and rule.admits(membership.role)


def enforce(membership: Membership | None, rule: Rule) -> None:
    """`allows`, raising NotPermitted instead of answering False. No query."""
    if not allows(membership, rule):
        raise NotPermitted(rule, Role(membership.role) if membership else None)


def permit(*, actor: User | None, workspace: Workspace, rule: Rule) -> None:
    """Refuse (NotPermitted) unless `actor` may do what `rule` guards in `workspace`.

    `actor` None is the system (an import, a task, the clock, a customer's own link): always
    permitted. Otherwise one query, for the actor's membership; a non-member is refused.
    """
    if actor is None:
        return
    membership = Membership.objects.filter(workspace=workspace, user=actor).only("role").first()
    enforce(membership, rule)


@functools.cache
def rules() -> dict[str, Rule]:
    """Every Rule of every installed app's `policy` module, by name (for templates, tests).

    Found the way Django's admin finds `admin` modules, so this module imports no app above it.
    """
    found: dict[str, Rule] = {}
    for config in apps.get_app_configs():
        if config.module is None or not module_has_submodule(config.module, "policy"):
            continue
        module = import_module(f"{config.name}.policy")
        for value in vars(module).values():
            if isinstance(value, Rule) and found.setdefault(value.name, value) != value:
                raise ImproperlyConfigured(f"Two rules are named {value.name}")
    return found


# The accounts app's own operations --------------------------------------------------------

# Seeing and changing the team: who is in the workspace, with which role.
TEAM_VIEW = Rule("team.view", Role.OWNER)
MEMBERSHIP_ADD = Rule("membership.add", Role.OWNER)
MEMBERSHIP_ROLE_CHANGE = Rule("membership.role_change", Role.OWNER)
MEMBERSHIP_REMOVE = Rule("membership.remove", Role.OWNER)
# People join only by invitation: the owner names an address and a role, the person accepts.
INVITATION_CREATE = Rule("invitation.create", Role.OWNER)
INVITATION_RESEND = Rule("invitation.resend", Role.OWNER)
INVITATION_REVOKE = Rule("invitation.revoke", Role.OWNER)
# The shop's name, currency, time zone and language.
WORKSPACE_UPDATE = Rule("workspace.update", Role.OWNER)
# The first-run checklist on the dashboard: shown to those who can act on its items.
CHECKLIST_DISMISS = Rule("checklist.dismiss", Role.MANAGER)
# Every member may hold API tokens of their own (they act with the member's role).
TOKEN_CREATE = Rule("token.create", Role.VIEWER)
TOKEN_REVOKE = Rule("token.revoke", Role.VIEWER)
# Every member changes their own password (also through the API, with their own token).
PASSWORD_CHANGE = Rule("password.change", Role.VIEWER)
