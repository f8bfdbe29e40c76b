"""A campaign's content, one page per language: the subject, the blocks (each with its own
form to edit, move or remove it, and a form to add one of each kind), the variables to
insert, and the preview for a typical member of the audience or one found by search."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.models import Language
from clientela.accounts.scoping import scoped_get
from clientela.customers.models import Customer
from clientela.outreach.content import BLOCK_TYPES, VARIABLES
from clientela.outreach.models import Campaign, CampaignVersion
from clientela.outreach.policy import CAMPAIGN_UPDATE
from clientela.outreach.rendering import Rendered, TemplateInvalid
from clientela.outreach.services import campaign_mail
from clientela.outreach.services import campaign_versions as versions
from clientela.outreach.services.campaigns import EDITABLE, CampaignInvalid, CampaignStateError
from clientela.outreach.services.images import ImageInvalid, block_ref, content_image_save
from clientela.outreach.services.preview import audience_search, typical_recipient
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.outreach.block_forms import BLOCK_LABELS, BlockForm, VersionForm
from clientela.web.security import mail_preview


def _campaign(request: WorkspaceRequest, pk: int) -> Campaign:
    return scoped_get(Campaign, request.workspace, pk=pk)


def _language(language: str) -> str:
    if language not in Language.values:
        raise Http404
    return language


def preview_for(request: WorkspaceRequest, campaign: Campaign, language: str) -> dict[str, object]:
    """The preview's context: the customer chosen (?customer=, of this workspace), else the
    typical one; the search results for ?q=; the rendered message or its error."""
    raw = request.GET.get("customer", "")
    customer: Customer | None = None
    if raw.isdigit():
        customer = Customer.objects.for_workspace(request.workspace).filter(pk=int(raw)).first()
    real = True
    # A chosen customer sees what they would get (their language, or the fallback); the
    # typical one is of the version's language.
    shown: str | None = None
    if customer is None:
        customer, real = typical_recipient(campaign, language)
        shown = language
    rendered: Rendered | None = None
    error = ""
    try:
        rendered = campaign_mail.campaign_preview(
            campaign=campaign, customer=customer, language=shown
        )
    except TemplateInvalid as exc:
        error = exc.message
    query = request.GET.get("q", "")[:100]
    return {
        "preview": rendered,
        "preview_error": error,
        "preview_customer": customer,
        "preview_real": real,
        "query": query,
        "found": audience_search(campaign, query) if query else [],
    }


@workspace_view()
@mail_preview  # the preview frame shows the message's HTML with its inline styles
def campaign_content(request: WorkspaceRequest, pk: int, language: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    language = _language(language)
    version = CampaignVersion.objects.filter(campaign=campaign, language=language).first()
    editable = campaign.status in EDITABLE
    blocks = list(version.blocks) if version else []
    context = {
        "campaign": campaign,
        "language": language,
        "language_label": Language(language).label,
        "version_languages": [
            (code, label, CampaignVersion.objects.filter(campaign=campaign, language=code).exists())
            for code, label in Language.choices
        ],
        "version": version,
        "editable": editable,
        "version_form": VersionForm(
            initial={"subject": version.subject, "body_text": version.body_text} if version else {}
        ),
        "blocks": [
            (
                index,
                block,
                BLOCK_LABELS[block["type"]],
                BlockForm(kind=block["type"], initial=block, prefix=f"b{index}"),
                block.get("text") or block.get("name") or block.get("label", ""),
            )
            for index, block in enumerate(blocks)
        ],
        "new_blocks": [
            (kind, BLOCK_LABELS[kind], BlockForm(kind=kind, prefix=f"new-{kind}"))
            for kind in BLOCK_TYPES
        ],
        "variables": VARIABLES,
    }
    if version is not None:
        context.update(preview_for(request, campaign, language))
    if request.htmx and request.htmx.target == "content-preview":
        return render(request, "web/outreach/_content_preview.html", context)
    return render(request, "web/outreach/campaign_content.html", context)


def _back(request: WorkspaceRequest, campaign: Campaign, language: str) -> HttpResponse:
    return redirect(
        "web:outreach_campaign_content",
        ws=request.workspace.slug,
        pk=campaign.pk,
        language=language,
    )


def _index(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 4 else -1


@workspace_view(CAMPAIGN_UPDATE)
@require_POST
def campaign_content_change(request: WorkspaceRequest, pk: int, language: str) -> HttpResponse:
    """One change of the editor: `op` is subject, add, edit, up, down or remove."""
    campaign = _campaign(request, pk)
    language = _language(language)
    op = request.POST.get("op", "")
    try:
        if op == "subject":
            form = VersionForm(request.POST)
            if not form.is_valid():
                raise CampaignInvalid("subject", _("The subject cannot be empty."))
            versions.campaign_version_save(
                campaign=campaign, actor=request.user, language=language, **form.cleaned_data
            )
        elif op in ("add", "edit"):
            _block_change(request, campaign, language, op)
        elif op in ("up", "down", "remove"):
            by = {"up": -1, "down": 1, "remove": 0}[op]
            versions.campaign_block_move(
                campaign=campaign,
                actor=request.user,
                language=language,
                index=_index(request.POST.get("index", "")),
                by=by,
            )
        else:
            messages.error(request, _("Unknown action."))
    except CampaignInvalid as error:
        messages.error(request, error.message)
    except ImageInvalid as error:
        messages.error(request, error.message)
    except CampaignStateError:
        messages.error(request, _("Only a draft or a scheduled campaign can be edited."))
    else:
        if op in ("subject", "add", "edit", "up", "down", "remove"):
            messages.success(request, _("Saved."))
    return _back(request, campaign, language)


def _block_change(request: WorkspaceRequest, campaign: Campaign, language: str, op: str) -> None:
    kind = request.POST.get("type", "")
    if kind not in BLOCK_TYPES:
        raise CampaignInvalid("type", _("Unknown kind of block."))
    index = None if op == "add" else _index(request.POST.get("index", ""))
    prefix = f"new-{kind}" if index is None else f"b{index}"
    form = BlockForm(request.POST, request.FILES, kind=kind, prefix=prefix)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        raise CampaignInvalid("blocks", str(first))
    keep = ""
    if index is not None:
        version = CampaignVersion.objects.filter(campaign=campaign, language=language).first()
        if version and 0 <= index < len(version.blocks):
            keep = str(version.blocks[index].get("image", ""))
    upload = form.cleaned_data.get("image")
    if upload:
        image = content_image_save(
            workspace=campaign.workspace,
            actor=request.user,
            data=upload.read(),
            name=str(upload.name),
        )
        keep = block_ref(image)
    versions.campaign_block_put(
        campaign=campaign,
        actor=request.user,
        language=language,
        block=form.block(keep_image=keep),
        index=index,
    )
