"""Printable outreach documents: a campaign's brochure and the batch of letters to write.

The same PDFs as the web downloads, from the same services. Part of the outreach router.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Router
from ninja.errors import HttpError

from clientela.api.auth import workspace_of
from clientela.api.errors import OBJECT_READ, READ, responses
from clientela.api.openapi import keep_operation_ids
from clientela.api.types import QueryId
from clientela.outreach.models import Campaign
from clientela.outreach.services import campaign_mail, letter_print
from clientela.outreach.services import letters as letter_services

router = Router()  # tagged "outreach" by the router it is part of


def _pdf_response(description: str) -> dict[str, Any]:
    return {
        "responses": {
            "200": {
                "description": description,
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def _pdf(content: bytes, name: str, disposition: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@router.get(
    "/campaigns/{campaign_id}/pdf",
    response=OBJECT_READ,
    openapi_extra=_pdf_response("The brochure: intro, promotions, sales and changes."),
    summary="A campaign as a printable brochure (PDF)",
)
def campaign_pdf(request: HttpRequest, campaign_id: Path[QueryId]) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.for_workspace(workspace_of(request)), pk=campaign_id
    )
    content = campaign_mail.campaign_pdf(campaign=campaign)
    return _pdf(content, f"brochure-{campaign.pk}.pdf", "inline")


@router.get(
    "/letters/pdf",
    response={**READ, **responses(404)},
    openapi_extra=_pdf_response(
        "One page per letter still to write (the draft to copy by hand), then address labels."
    ),
    summary="The letters to write as a printable batch (PDF); 404 when there are none",
)
def letters_pdf(request: HttpRequest) -> HttpResponse:
    workspace = workspace_of(request)
    letters = list(letter_services.letters_to_write(workspace))
    if not letters:
        raise HttpError(404, _("There are no letters to write."))
    content = letter_print.letters_pdf(workspace=workspace, letters=letters)
    return _pdf(content, "letters.pdf", "attachment")


keep_operation_ids(router, "clientela.api.routers.outreach_pdf")
