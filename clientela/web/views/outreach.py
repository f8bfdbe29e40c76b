"""Outreach pages: automations, templates, campaigns, letters to write, lists."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clientela.accounts.models import Language, Role
from clientela.customers.models import Customer, Tag
from clientela.outreach import reports
from clientela.outreach.models import (
    Automation,
    Campaign,
    CampaignKind,
    CampaignStatus,
    HandwrittenLetter,
    LetterStatus,
    MailingList,
    MessageTemplate,
    TemplatePurpose,
)
from clientela.outreach.rendering import Rendered, TemplateInvalid
from clientela.outreach.services import automations as automation_services
from clientela.outreach.services import campaign_mail
from clientela.outreach.services import campaigns as campaign_services
from clientela.outreach.services import letters as letter_services
from clientela.outreach.services import lists as list_services
from clientela.outreach.services.templates import (
    template_preview,
    template_save,
    template_test_send,
)
from clientela.retention.models import Segment
from clientela.web.access import WorkspaceRequest, workspace_view


class AutomationForm(forms.Form):
    thank_you_enabled = forms.BooleanField(
        label=gettext_lazy("Send thank-you letters"), required=False
    )
    thank_you_delay_days = forms.IntegerField(
        label=gettext_lazy("Days after the order"), min_value=0, max_value=365
    )
    handwritten_threshold = forms.IntegerField(
        label=gettext_lazy("Write by hand when fewer letters than this are due in a week"),
        min_value=0,
        max_value=100_000,
    )
    thank_you_holdout_percent = forms.IntegerField(
        label=gettext_lazy("Thank-you holdout (%)"), min_value=0, max_value=50
    )
    win_back_enabled = forms.BooleanField(
        label=gettext_lazy("Send win-back messages"), required=False
    )
    win_back_p_alive = forms.FloatField(
        label=gettext_lazy("When the probability of being active is below"),
        min_value=0,
        max_value=1,
    )
    win_back_overdue_factor = forms.FloatField(
        label=gettext_lazy("Or when the time since the last purchase exceeds the usual gap by"),
        min_value=1,
        max_value=100,
    )
    win_back_cooldown_days = forms.IntegerField(
        label=gettext_lazy("Cool-down (days)"), min_value=1, max_value=3650
    )
    win_back_holdout_percent = forms.IntegerField(
        label=gettext_lazy("Win-back holdout (%)"), min_value=0, max_value=50
    )
    uplift_days = forms.IntegerField(
        label=gettext_lazy("Measure the uplift over orders within (days)"),
        min_value=1,
        max_value=365,
    )


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=TemplatePurpose.choices)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=Language.choices)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    body_text = forms.CharField(label=gettext_lazy("Plain text"), widget=forms.Textarea)
    body_html = forms.CharField(
        label=gettext_lazy("HTML (optional)"), widget=forms.Textarea, required=False
    )


def _lines(value: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    rows = []
    for line in value.splitlines():
        if line.strip():
            parts = [p.strip() for p in line.split("|")] + [""] * len(keys)
            rows.append(dict(zip(keys, parts, strict=False)))
    return rows


class CampaignForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CampaignKind.choices)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=Language.choices)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    intro = forms.CharField(
        label=gettext_lazy("Introduction"), widget=forms.Textarea, required=False
    )
    promotions = forms.CharField(
        label=gettext_lazy("Promotions"),
        widget=forms.Textarea,
        required=False,
        help_text=gettext_lazy("One a line: name | description | discount"),
    )
    sales = forms.CharField(
        label=gettext_lazy("Sales"),
        widget=forms.Textarea,
        required=False,
        help_text=gettext_lazy("One a line: name | start (YYYY-MM-DD) | end (YYYY-MM-DD)"),
    )
    changes = forms.CharField(label=gettext_lazy("Changes"), widget=forms.Textarea, required=False)
    body_text = forms.CharField(label=gettext_lazy("Plain text"), widget=forms.Textarea)
    body_html = forms.CharField(
        label=gettext_lazy("HTML (optional)"), widget=forms.Textarea, required=False
    )
    holdout_percent = forms.IntegerField(
        label=gettext_lazy("Holdout (%)"), min_value=0, max_value=50, initial=10
    )
    lists = forms.MultipleChoiceField(
        label=gettext_lazy("Lists"), required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = forms.MultipleChoiceField(
        label=gettext_lazy("Tags"), required=False, widget=forms.CheckboxSelectMultiple
    )
    segments = forms.MultipleChoiceField(
        label=gettext_lazy("Retention segments"),
        required=False,
        choices=Segment.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, workspace: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lists = MailingList.objects.for_workspace(workspace).order_by("name")
        tags = Tag.objects.for_workspace(workspace).order_by("name")
        self.fields["lists"].choices = [(str(m.pk), m.name) for m in lists]  # type: ignore[attr-defined]
        self.fields["tags"].choices = [(str(t.pk), t.name) for t in tags]  # type: ignore[attr-defined]

    def clean_sales(self) -> list[dict[str, str]]:
        sales = _lines(self.cleaned_data["sales"], ("name", "starts_on", "ends_on"))
        for sale in sales:
            for key in ("starts_on", "ends_on"):
                try:
                    date.fromisoformat(sale[key])
                except ValueError:
                    raise forms.ValidationError(
                        _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": sale[key]}
                    ) from None
        return sales

    def clean_promotions(self) -> list[dict[str, str]]:
        return _lines(self.cleaned_data["promotions"], ("name", "description", "discount"))

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        list_ids = [int(v) for v in data.pop("lists")]
        tag_ids = [int(v) for v in data.pop("tags")]
        data["audience_segments"] = data.pop("segments")
        return {**data, "list_ids": list_ids, "tag_ids": tag_ids}


class MailingListForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea, required=False
    )


def _field_error(form: forms.Form, field: str, message: str) -> None:
    form.add_error(field if field in form.fields else None, message)


# -- automations ---------------------------------------------------------------------------


@workspace_view()
def outreach_home(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    current = automation_services.automations_get(workspace)
    figures = {
        kind: {
            "counts": reports.automation_counts(workspace, kind),
            "uplift": reports.automation_uplift_report(workspace, kind, now=timezone.now()),
        }
        for kind in (Automation.THANK_YOU, Automation.WIN_BACK)
    }
    return render(
        request,
        "web/outreach/home.html",
        {
            "settings": current,
            "figures": figures,
            "can_manage": request.membership.has_role(Role.MANAGER),
            "letters_to_write": HandwrittenLetter.objects.for_workspace(workspace)
            .filter(status=LetterStatus.TO_WRITE)
            .count(),
        },
    )


@workspace_view(min_role=Role.MANAGER)
def outreach_settings(request: WorkspaceRequest) -> HttpResponse:
    current = automation_services.automations_get(request.workspace)
    initial = {name: current.value(name) for name in AutomationForm.base_fields}
    form = AutomationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            automation_services.automations_update(
                workspace=request.workspace, actor=request.user, **form.cleaned_data
            )
        except automation_services.SettingsInvalid as error:
            _field_error(form, error.field, error.message)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("web:outreach", ws=request.workspace.slug)
    return render(request, "web/outreach/settings.html", {"form": form})


# -- templates -----------------------------------------------------------------------------


def _template(request: WorkspaceRequest, pk: int) -> MessageTemplate:
    found = MessageTemplate.objects.for_workspace(request.workspace).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@workspace_view()
def template_list(request: WorkspaceRequest) -> HttpResponse:
    templates = MessageTemplate.objects.for_workspace(request.workspace).order_by(
        "purpose", "language", "name"
    )
    return render(
        request,
        "web/outreach/templates.html",
        {"templates": templates, "can_manage": request.membership.has_role(Role.MANAGER)},
    )


def _template_form(request: WorkspaceRequest, template: MessageTemplate | None) -> HttpResponse:
    initial = (
        {f: getattr(template, f) for f in TemplateForm.base_fields}
        if template
        else {"language": request.workspace.default_language}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = template_save(
                workspace=request.workspace,
                actor=request.user,
                template=template,
                **form.cleaned_data,
            )
        except TemplateInvalid as error:
            _field_error(form, error.field, error.message)
        else:
            messages.success(request, _("Template saved."))
            return redirect("web:outreach_template", ws=request.workspace.slug, pk=saved.pk)
    return render(
        request,
        "web/outreach/template_form.html",
        {
            "form": form,
            "template": template,
            "customers": Customer.objects.for_workspace(request.workspace).order_by("-pk")[:50],
        },
    )


@workspace_view(min_role=Role.MANAGER)
def template_new(request: WorkspaceRequest) -> HttpResponse:
    return _template_form(request, None)


@workspace_view(min_role=Role.MANAGER)
def template_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _template_form(request, _template(request, pk))


def _preview_customer(request: WorkspaceRequest) -> Customer | None:
    raw = request.GET.get("customer", "")
    customers = Customer.objects.for_workspace(request.workspace)
    if raw.isdigit():
        return customers.filter(pk=int(raw)).first()
    return customers.order_by("-pk").first()


@workspace_view()
def template_preview_page(request: WorkspaceRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    customer = _preview_customer(request)
    rendered: Rendered | None = None
    error = ""
    if customer is not None:
        try:
            rendered = template_preview(template=template, customer=customer)
        except TemplateInvalid as exc:
            error = exc.message
    return render(
        request,
        "web/outreach/_preview.html",
        {"rendered": rendered, "customer": customer, "error": error},
    )


@workspace_view(min_role=Role.MANAGER)
@require_POST
def template_test(request: WorkspaceRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    template_test_send(template=template, customer=_preview_customer(request), actor=request.user)
    messages.success(
        request, _("A test was queued to %(address)s.") % {"address": request.user.email}
    )
    return redirect("web:outreach_template", ws=request.workspace.slug, pk=template.pk)


# -- campaigns -----------------------------------------------------------------------------


def _campaign(request: WorkspaceRequest, pk: int) -> Campaign:
    found = Campaign.objects.for_workspace(request.workspace).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@workspace_view()
def campaign_list(request: WorkspaceRequest) -> HttpResponse:
    campaigns = Campaign.objects.for_workspace(request.workspace).order_by("-pk")[:200]
    return render(
        request,
        "web/outreach/campaigns.html",
        {"campaigns": campaigns, "can_manage": request.membership.has_role(Role.MANAGER)},
    )


def _campaign_form(request: WorkspaceRequest, campaign: Campaign | None) -> HttpResponse:
    initial: dict[str, Any] = {
        "language": request.workspace.default_language,
        "holdout_percent": 10,
    }
    if campaign is not None:
        initial = {f: getattr(campaign, f) for f in campaign_services.CAMPAIGN_FIELDS}
        initial["promotions"] = "\n".join(
            " | ".join(str(p.get(k, "")) for k in ("name", "description", "discount"))
            for p in campaign.promotions
        )
        initial["sales"] = "\n".join(
            " | ".join(str(s.get(k, "")) for k in ("name", "starts_on", "ends_on"))
            for s in campaign.sales
        )
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
            _field_error(form, error.field, error.message)
        except campaign_services.CampaignStateError:
            form.add_error(None, _("Only a draft or a scheduled campaign can be edited."))
        else:
            return redirect("web:outreach_campaign", ws=request.workspace.slug, pk=saved.pk)
    return render(request, "web/outreach/campaign_form.html", {"form": form, "campaign": campaign})


@workspace_view(min_role=Role.MANAGER)
def campaign_new(request: WorkspaceRequest) -> HttpResponse:
    return _campaign_form(request, None)


@workspace_view(min_role=Role.MANAGER)
def campaign_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _campaign_form(request, _campaign(request, pk))


@workspace_view()
def campaign_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    customer = _preview_customer(request)
    preview = None
    if customer is not None:
        preview = campaign_mail.campaign_preview(campaign=campaign, customer=customer)
    context = {
        "campaign": campaign,
        "report": reports.campaign_send_report(campaign),
        "uplift": reports.campaign_uplift_report(campaign, now=timezone.now()),
        "preview": preview,
        "customer": customer,
        "can_manage": request.membership.has_role(Role.MANAGER),
        "actions": _ACTIONS.get(CampaignStatus(campaign.status), ()),
    }
    if request.htmx and request.htmx.target == "campaign-report":
        return render(request, "web/outreach/_campaign_report.html", context)
    return render(request, "web/outreach/campaign.html", context)


_ACTIONS: dict[CampaignStatus, tuple[tuple[str, Any], ...]] = {
    CampaignStatus.DRAFT: (
        ("send", gettext_lazy("Send now")),
        ("schedule", gettext_lazy("Schedule")),
        ("cancel", gettext_lazy("Cancel")),
    ),
    CampaignStatus.SCHEDULED: (
        ("send", gettext_lazy("Send now")),
        ("unschedule", gettext_lazy("Unschedule")),
        ("cancel", gettext_lazy("Cancel")),
    ),
    CampaignStatus.SENDING: (("pause", gettext_lazy("Pause")), ("cancel", gettext_lazy("Cancel"))),
    CampaignStatus.PAUSED: (("resume", gettext_lazy("Resume")), ("cancel", gettext_lazy("Cancel"))),
}


@workspace_view(min_role=Role.MANAGER)
@require_POST
def campaign_action(request: WorkspaceRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    action = request.POST.get("action", "")
    actor = request.user
    try:
        if action == "send":
            campaign_services.campaign_send(campaign=campaign, actor=actor)
        elif action == "schedule":
            when = forms.DateTimeField().clean(request.POST.get("at", ""))
            campaign_services.campaign_schedule(campaign=campaign, at=when, actor=actor)
        elif action in ("unschedule", "pause", "resume", "cancel"):
            getattr(campaign_services, f"campaign_{action}")(campaign=campaign, actor=actor)
        else:
            messages.error(request, _("Unknown action."))
    except campaign_services.CampaignStateError as error:
        messages.error(
            request,
            _("Not possible while the campaign is %(status)s.")
            % {"status": CampaignStatus(error.status).label},
        )
    except forms.ValidationError:
        messages.error(request, _("Give the date and time to send at."))
    return redirect("web:outreach_campaign", ws=request.workspace.slug, pk=campaign.pk)


@workspace_view(min_role=Role.MANAGER)
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


# -- letters -------------------------------------------------------------------------------


def _letters(request: WorkspaceRequest) -> Any:
    return letter_services.letters_to_write(request.workspace)


@workspace_view()
def letter_list(request: WorkspaceRequest) -> HttpResponse:
    done = (
        HandwrittenLetter.objects.for_workspace(request.workspace)
        .filter(status=LetterStatus.DONE)
        .select_related("customer", "done_by")
        .order_by("-done_at")[:50]
    )
    return render(
        request,
        "web/outreach/letters.html",
        {
            "letters": _letters(request),
            "done": done,
            "can_write": request.membership.has_role(Role.AGENT),
        },
    )


@workspace_view()
def letters_pdf(request: WorkspaceRequest) -> HttpResponse:
    letters = list(_letters(request))
    if not letters:
        messages.info(request, _("There are no letters to write."))
        return redirect("web:outreach_letters", ws=request.workspace.slug)
    pdf = letter_services.letters_pdf(workspace=request.workspace, letters=letters)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="letters.pdf"'
    return response


@workspace_view(min_role=Role.AGENT)
@require_POST
def letter_done(request: WorkspaceRequest, pk: int) -> HttpResponse:
    letter = HandwrittenLetter.objects.for_workspace(request.workspace).filter(pk=pk).first()
    if letter is None:
        raise Http404
    try:
        letter_services.letter_done(letter=letter, actor=request.user)
    except letter_services.LetterAlreadyDone:
        messages.info(request, _("This letter was already marked as written."))
    return redirect("web:outreach_letters", ws=request.workspace.slug)


# -- lists ---------------------------------------------------------------------------------


@workspace_view()
def list_index(request: WorkspaceRequest) -> HttpResponse:
    lists = MailingList.objects.for_workspace(request.workspace).order_by("name")
    return render(
        request,
        "web/outreach/lists.html",
        {"lists": lists, "can_manage": request.membership.has_role(Role.MANAGER)},
    )


@workspace_view(min_role=Role.MANAGER)
def list_new(request: WorkspaceRequest) -> HttpResponse:
    form = MailingListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = list_services.mailing_list_create(
                workspace=request.workspace, actor=request.user, **form.cleaned_data
            )
        except list_services.SubscriptionError as error:
            _field_error(form, error.field, error.message)
        else:
            return redirect("web:outreach_list", ws=request.workspace.slug, pk=created.pk)
    return render(request, "web/outreach/list_form.html", {"form": form})


@workspace_view()
def list_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    found = MailingList.objects.for_workspace(request.workspace).filter(pk=pk).first()
    if found is None:
        raise Http404
    subscriptions = list_services.list_subscriptions(found)[:500]
    return render(
        request,
        "web/outreach/list.html",
        {
            "list": found,
            "subscriptions": subscriptions,
            "public_url": request.build_absolute_uri(f"/s/{found.public_token}/"),
        },
    )
