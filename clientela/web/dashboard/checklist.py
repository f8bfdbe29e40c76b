"""The first-run checklist of a new workspace: four steps, each ticked from what is really
saved (never from a click on the list), each linking to the page where it is done."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clientela.accounts.models import Membership, Workspace
from clientela.accounts.policy import CHECKLIST_DISMISS, WORKSPACE_UPDATE, Rule, allows
from clientela.accounts.scoping import settings_for
from clientela.commerce.models import Order
from clientela.imports.models import ImportJob, ImportStatus
from clientela.imports.policy import IMPORT_START
from clientela.mail.policy import DELIVERY_SENDER_SET
from clientela.mail.selectors import delivery_settings_for
from clientela.outreach.models import AutomationSettings
from clientela.outreach.policy import AUTOMATIONS_UPDATE


@dataclass(frozen=True)
class Step:
    label: str | Promise
    done: bool
    url: str  # blank when the reader's role cannot open the page


def _step(label: Promise, done: bool, url_name: str, rule: Rule, ws: str, m: Membership) -> Step:
    url = reverse(url_name, kwargs={"ws": ws}) if allows(m, rule) else ""
    return Step(label, done, url)


def checklist(workspace: Workspace, membership: Membership) -> list[Step] | None:
    """The steps, or None when the checklist is put away or not for this reader."""
    if workspace.checklist_dismissed_at is not None or not allows(membership, CHECKLIST_DISMISS):
        return None
    delivery = delivery_settings_for(workspace)
    automations = settings_for(AutomationSettings, workspace)
    # The thank-you letters are on by default: an automation counts once someone saved it.
    automation_on = bool(delivery.pk and delivery.thank_you_enabled) or bool(
        automations.pk and automations.win_back_enabled
    )
    history = (
        ImportJob.objects.for_workspace(workspace).filter(status=ImportStatus.SUCCEEDED).exists()
        or Order.objects.for_workspace(workspace).exists()
    )
    ws = workspace.slug
    return [
        _step(
            _("Check the shop's details"),
            workspace.details_saved_at is not None,
            "web:workspace_details",
            WORKSPACE_UPDATE,
            ws,
            membership,
        ),
        _step(
            _("Set the sender address"),
            bool(delivery.from_email),
            "web:outreach_sender",
            DELIVERY_SENDER_SET,
            ws,
            membership,
        ),
        _step(_("Import the order history"), history, "web:imports", IMPORT_START, ws, membership),
        _step(
            _("Switch on a first automation"),
            automation_on,
            "web:outreach_settings",
            AUTOMATIONS_UPDATE,
            ws,
            membership,
        ),
    ]
