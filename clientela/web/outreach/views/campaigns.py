"""Campaign pages: the list, the editor, a campaign with its audience and its progress, its
buttons (the actions of `TRANSITIONS` its state allows; send and schedule through a
confirmation naming the number), a test to oneself, and the printable brochure."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.models import ROLE_RANK, Language
from clientela.accounts.policy import allows, enforce
from clientela.outreach import reports
from clientela.outreach.models import Campaign, CampaignAction, CampaignStatus
from clientela.outreach.policy import CAMPAIGN_CREATE, CAMPAIGN_TEST_SEND, CAMPAIGN_UPDATE
from clientela.outreach.services import campaign_mail
from clientela.outreach.services import campaigns as campaign_services
from clientela.outreach.services.audience import audience_summary
from clientela.outreach.services.campaigns import TRANSITIONS
from clientela.outreach.services.recipients import AudienceChanged
from clientela.outreach.versions import campaign_versions
from clientela.retention.models import Segment
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.outreach.forms import CampaignForm, field_error
from clientela.web.outreach.views.campaign_content import preview_for
from clientela.web.security import mail_preview

# The page the action buttons post to lets in whoever some action admits; the action asked
# for is then held against its own rule.
_ANY_ACTION = min((t.rule for t in TRANSITIONS.values()), key=lambda r: ROLE_RANK[r.minimum])


def _campaign(request: WorkspaceRequest, pk: int) -> Campaign:
    found = Campaign.objects.for_workspace(request.workspace).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@workspace_view()
def campaign_list(request: WorkspaceRequest) -> HttpResponse:
    campaigns = Campaign.objects.for_workspace(request.workspace).order_by("-pk")[:200]
    return render(request, "web/outreach/campaigns.html", {"campaigns": campaigns})


def _campaign_form(request: WorkspaceRequest, campaign: Campaign | None) -> HttpResponse:
    initial: dict[str, Any] = {
        "language": request.workspace.default_language,
        "holdout_percent": 10,
        # "Write to them" from a segment's customers: that segment is the audience.
        "segments": [s for s in request.GET.getlist("segment") if s in Segment.values],
    }
    if campaign is not None:
        initial = {f: getattr(campaign, f) for f in campaign_services.CAMPAIGN_FIELDS}
        initial["lists"] = [str(pk) for pk in campaign.audience_lists.values_list("pk", flat=True)]
        initial["tags"] = [str(pk) for pk in campaign.audience_tags.values_list("pk", flat=True)]
        initial["segments"] = campaign.audience_segments
    form = CampaignForm(request.POST or None, initial=initial, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            saved = campaign_services.campaign_save(
                workspace=request.workspace,
                actor=request.user,
                campaign=campaign,
                **form.service_values(),
            )
        except campaign_services.CampaignInvalid as error:
            field_error(form, error.field, error.message)
        except campaign_services.CampaignStateError:
            form.add_error(None, _("Only a draft or a scheduled campaign can be edited."))
        else:
            if campaign is None:  # next: what it says, in its main language
                return redirect(
                    "web:outreach_campaign_content",
                    ws=request.workspace.slug,
                    pk=saved.pk,
                    language=saved.language,
                )
            return redirect("web:outreach_campaign", ws=request.workspace.slug, pk=saved.pk)
    return render(request, "web/outreach/campaign_form.html", {"form": form, "campaign": campaign})


@workspace_view(CAMPAIGN_CREATE)
def campaign_new(request: WorkspaceRequest) -> HttpResponse:
    return _campaign_form(request, None)


@workspace_view(CAMPAIGN_UPDATE)
def campaign_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _campaign_form(request, _campaign(request, pk))


def _progress(campaign: Campaign) -> dict[str, Any]:
    report = reports.campaign_send_report(campaign)
    return {
        "campaign": campaign,
        "report": report,
        # Polled while messages may still leave; the fragment without the trigger stops it.
        "polling": campaign.status == CampaignStatus.SENDING and report.messages.queued > 0,
    }


@workspace_view()
@mail_preview  # the preview frame shows the message's HTML with its inline styles
def campaign_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    versions = campaign_versions(campaign)
    shown = request.GET.get("language", "")
    if shown not in versions:
        shown = next(iter(sorted(versions, key=lambda code: code != campaign.language)), "")
    editable = campaign.status in campaign_services.EDITABLE
    context = {
        **_progress(campaign),
        "versions": [(code, label, versions.get(code)) for code, label in Language.choices],
        "preview_language": shown,
        **(preview_for(request, campaign, shown) if shown else {}),
        "uplift": reports.campaign_uplift_report(campaign, now=timezone.now()),
        "editable": editable,
        # Before it leaves (a draft, or scheduled): who it would go to now.
        "audience": audience_summary(campaign) if editable else None,
        # (value, label) of each button: the actions the state allows and the member may ask.
        "actions": [
            (action.value, action.label)
            for action in campaign_services.campaign_actions(campaign.status)
            if allows(request.membership, TRANSITIONS[action].rule)
        ],
    }
    return render(request, "web/outreach/campaign.html", context)


@workspace_view()
def campaign_progress(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The progress fragment the campaign page polls while its messages leave."""
    return render(
        request, "web/outreach/_campaign_progress.html", _progress(_campaign(request, pk))
    )


@workspace_view(_ANY_ACTION)
def campaign_confirm(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The step between the button and the send: who it goes to, and the number to confirm.

    Sending and scheduling are asked here, with the audience's size; the action view then
    gets that number back (`confirm_count`) and the service refuses it if the audience
    changed meanwhile."""
    campaign = _campaign(request, pk)
    name = request.GET.get("action", "")
    if name not in (CampaignAction.SEND, CampaignAction.SCHEDULE):
        raise Http404
    action = CampaignAction(name)
    enforce(request.membership, TRANSITIONS[action].rule)
    raw_at = request.GET.get("at", "")[:40]
    at = _time(raw_at)
    if action == CampaignAction.SCHEDULE and at is None:
        messages.error(request, _("Give the date and time to send at."))
        return redirect("web:outreach_campaign", ws=request.workspace.slug, pk=campaign.pk)
    context = {
        "campaign": campaign,
        "action": action.value,
        "at": at,
        "raw_at": raw_at,
        "audience": audience_summary(campaign),
    }
    return render(request, "web/outreach/campaign_confirm.html", context)


def _time(raw: str) -> datetime | None:
    """The `at` of the schedule form, None when it is missing or not a date and time."""
    try:
        return cast("datetime | None", forms.DateTimeField(required=False).clean(raw))
    except forms.ValidationError:
        return None


@workspace_view(_ANY_ACTION)
@require_POST
def campaign_action(request: WorkspaceRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    name = request.POST.get("action", "")
    if name not in CampaignAction.values:
        messages.error(request, _("Unknown action."))
        return redirect("web:outreach_campaign", ws=request.workspace.slug, pk=campaign.pk)
    action = CampaignAction(name)
    enforce(request.membership, TRANSITIONS[action].rule)
    at = _time(request.POST.get("at", "")[:40])
    raw_count = request.POST.get("confirm_count", "")[:12]
    confirm_count = int(raw_count) if raw_count.isdigit() else None
    try:
        campaign_services.campaign_act(
            campaign=campaign, action=action, actor=request.user, at=at, confirm_count=confirm_count
        )
    except AudienceChanged as error:
        messages.error(
            request,
            _(
                "Not sent: the audience changed since you confirmed it (now %(current)s "
                "customers, not %(confirmed)s). Check it and confirm again."
            )
            % {"current": intcomma(error.current), "confirmed": intcomma(error.confirmed)},
        )
    except campaign_services.CampaignStateError as error:
        messages.error(
            request,
            _("Not possible while the campaign is %(status)s.")
            % {"status": CampaignStatus(error.status).label},
        )
    except campaign_services.CampaignInvalid as error:
        messages.error(request, error.message)
    return redirect("web:outreach_campaign", ws=request.workspace.slug, pk=campaign.pk)


@workspace_view(CAMPAIGN_TEST_SEND)
@require_POST
def campaign_test(request: WorkspaceRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    campaign_mail.campaign_test_send(campaign=campaign, actor=request.user)
    messages.success(
        request, _("A test was queued to %(address)s.") % {"address": request.user.email}
    )
    return redirect("web:outreach_campaign", ws=request.workspace.slug, pk=campaign.pk)


@workspace_view()
def campaign_pdf(request: WorkspaceRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    response = HttpResponse(
        campaign_mail.campaign_pdf(campaign=campaign), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="brochure-{campaign.pk}.pdf"'
    return response
