"""Letters to write by hand: the rule, the list, the printable batch, envelopes and labels,
and marking one written and posted."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.outreach import reports
from clientela.outreach.models import Automation, HandwrittenLetter, LetterStatus
from clientela.outreach.policy import LETTER_DONE
from clientela.outreach.services import letter_print
from clientela.outreach.services import letters as letter_services
from clientela.outreach.services.automations import automations_get
from clientela.web.access import WorkspaceRequest, workspace_view

_FILES = {
    letter_print.PrintForm.LETTERS: "letters.pdf",
    letter_print.PrintForm.LABELS: "address-labels-a4-3x8.pdf",
    letter_print.PrintForm.DL: "envelopes-dl.pdf",
    letter_print.PrintForm.C5: "envelopes-c5.pdf",
}


def _letters(request: WorkspaceRequest) -> QuerySet[HandwrittenLetter]:
    return letter_services.letters_to_write(request.workspace)


@workspace_view()
def letter_list(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    now = timezone.now()
    done = (
        HandwrittenLetter.objects.for_workspace(workspace)
        .filter(status=LetterStatus.DONE)
        .select_related("customer", "done_by")
        .order_by("-done_at")[:50]
    )
    letters = [
        (letter, letter_print.address_lines(letter.customer)) for letter in _letters(request)
    ]
    return render(
        request,
        "web/outreach/letters.html",
        {
            "letters": letters,
            "done": done,
            "threshold": automations_get(workspace).own.handwritten_threshold,
            "routes": letter_services.route_counts(workspace, since=now - letter_services.WINDOW),
            "uplift": reports.automation_uplift_report(
                workspace, Automation.THANK_YOU, now=now, route=letter_services.Route.LETTER
            ),
            "forms": list(_FILES),
        },
    )


@workspace_view()
def letters_pdf(request: WorkspaceRequest) -> HttpResponse:
    try:
        form = letter_print.PrintForm(request.GET.get("form", "letters")[:10])
    except ValueError:
        raise Http404 from None
    letters = list(_letters(request))
    if not letters:
        messages.info(request, _("There are no letters to write."))
        return redirect("web:outreach_letters", ws=request.workspace.slug)
    pdf = letter_print.letters_print(workspace=request.workspace, letters=letters, form=form)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_FILES[form]}"'
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
        messages.info(request, _("This letter was already marked as written and posted."))
    else:
        messages.success(
            request,
            _("Marked as written and posted: the letter to %(name)s.")
            % {"name": letter.customer.display_name},
        )
    return redirect("web:outreach_letters", ws=request.workspace.slug)
