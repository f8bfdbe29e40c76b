"""The shop's public contact form: no login, no third-party captcha (honeypot, a signed time
check and a limit per IP instead)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clientela.accounts.client import client_ip
from clientela.inbox.models import InboxSettings
from clientela.inbox.services.errors import InboxError
from clientela.inbox.services.setup import contact_form_submit
from clientela.web.inbox.forms import ContactForm


def contact(request: HttpRequest, token: str) -> HttpResponse:
    settings = (
        InboxSettings.objects.select_related("workspace")
        .filter(contact_token=token, contact_form_enabled=True)
        .first()
    )
    if settings is None:
        raise Http404
    form = ContactForm(request.POST or None, initial={"shown": ContactForm.stamp()})
    if request.method == "POST" and form.is_valid():
        if form.is_spam():
            # The same page a person sees, so a bot learns nothing; nothing is stored.
            return render(request, "web/inbox/contact_sent.html", {"shop": settings.workspace})
        try:
            contact_form_submit(
                settings=settings,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                ip=client_ip(request),
            )
        except InboxError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            return render(request, "web/inbox/contact_sent.html", {"shop": settings.workspace})
    if form.is_bound:  # a fresh stamp for the next try: the time check starts again
        data = request.POST.copy()
        data["shown"] = ContactForm.stamp()
        form.data = data
    return render(request, "web/inbox/contact.html", {"form": form, "shop": settings.workspace})
