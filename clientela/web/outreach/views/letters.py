"""Letters to write by hand: the list, the printable batch, and marking one written."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.outreach.models import HandwrittenLetter, LetterStatus
from clientela.outreach.policy import LETTER_DONE
from clientela.outreach.services import letters as letter_services
from clientela.web.access import WorkspaceRequest, workspace_view


def _letters(request: WorkspaceRequest) -> QuerySet[HandwrittenLetter]:
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
        request, "web/outreach/letters.html", {"letters": _letters(request), "done": done}
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


@workspace_view(LETTER_DONE)
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
