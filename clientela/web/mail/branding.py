"""The look of the shop's mail: logo, colours and postal address, with a live preview; and
the logo itself, served from the shop's own address to the customers' mail readers."""

from __future__ import annotations

from copy import copy

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clientela.mail.branding import (
    ADDRESS_MAX,
    LOGO_MAX_BYTES,
    BrandingError,
    branding_for,
    branding_set,
    color_clean,
    link_color_clean,
    logo_by_token,
)
from clientela.mail.conf import delivery_conf
from clientela.mail.dkim import dkim_aligned
from clientela.mail.layout import Look, mail_layout
from clientela.mail.models import Branding
from clientela.mail.policy import DELIVERY_BRANDING_SET
from clientela.mail.selectors import delivery_settings_for
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.security import mail_preview


class BrandingForm(forms.Form):
    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy("PNG or JPEG, at most 1 MB; shown at most 300 x 100 pixels."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    logo_remove = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)
    brand_color = forms.CharField(
        label=gettext_lazy("Colour of the band at the top"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    link_color = forms.CharField(
        label=gettext_lazy("Colour of links and headings"),
        max_length=7,
        help_text=gettext_lazy("Dark enough to read on white (contrast at least 4.5:1)."),
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    postal_address = forms.CharField(
        label=gettext_lazy("Postal address"),
        max_length=ADDRESS_MAX,
        required=False,
        help_text=gettext_lazy(
            "Shown at the foot of every e-mail, as the law asks of shops, and in the "
            "letterhead of the letters written by hand."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_brand_color(self) -> str:
        try:
            return color_clean(self.cleaned_data["brand_color"])
        except BrandingError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_link_color(self) -> str:
        try:
            return link_color_clean(self.cleaned_data["link_color"])
        except BrandingError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_logo(self) -> bytes | None:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo may be at most 1 MB."))
        return bytes(upload.read())


def _sample() -> str:
    return _(
        "Dear Ana,\n\nThank you for shopping with us. This is how our e-mails look: "
        "text, links such as https://example.com/offers and the footer below."
    )


def _preview(request: WorkspaceRequest, values: dict[str, str]) -> str:
    return mail_layout(
        Look(shop=request.workspace.name, branding=_typed(branding_for(request.workspace), values)),
        text=_sample(),
        language=request.LANGUAGE_CODE,
        unsubscribe_url="#",
        subject=_("Preview"),
    )


def _typed(saved: Branding, values: dict[str, str]) -> Branding:
    """An unsaved copy of the saved branding with the values being typed."""
    look = copy(saved)
    for name, value in values.items():
        setattr(look, name, value)
    return look


def _valid_values(form: BrandingForm) -> dict[str, str]:
    """The typed values that are valid, for the preview (an invalid one keeps the saved)."""
    form.is_valid()
    return {
        name: form.cleaned_data[name]
        for name in ("brand_color", "link_color", "postal_address")
        if name in form.cleaned_data
    }


@workspace_view(DELIVERY_BRANDING_SET)
@mail_preview  # the preview frame shows the mail's HTML with its inline styles
def branding_edit(request: WorkspaceRequest) -> HttpResponse:
    current = branding_for(request.workspace)
    initial = {
        "brand_color": current.brand_color,
        "link_color": current.link_color,
        "postal_address": current.postal_address,
    }
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            branding_set(workspace=request.workspace, actor=request.user, **form.cleaned_data)
        except BrandingError as exc:
            form.add_error("logo", str(exc))
        else:
            messages.success(request, _("The look of the mail is saved."))
            return redirect("web:outreach_branding", ws=request.workspace.slug)
    values = _valid_values(form) if request.method == "POST" else {}
    sender = delivery_settings_for(request.workspace).from_email or settings.DEFAULT_FROM_EMAIL
    context = {
        "form": form,
        "branding": current,
        "preview": _preview(request, values),
        "sender": sender,
        "dkim_domain": delivery_conf().dkim_domain,
        "misaligned": dkim_aligned(sender) is False,
    }
    return render(request, "web/mail/branding.html", context)


@workspace_view(DELIVERY_BRANDING_SET)
@require_POST
def branding_preview(request: WorkspaceRequest) -> HttpResponse:
    """The preview frame for the values being typed (htmx, on every change); saves nothing."""
    values = _valid_values(BrandingForm(request.POST))
    return render(
        request, "web/mail/_branding_preview.html", {"preview": _preview(request, values)}
    )


@require_GET
def brand_logo(request: HttpRequest, token: str) -> HttpResponse:
    """The logo for mail readers: public (it is in every message), never sniffed as HTML."""
    branding = logo_by_token(token)
    if branding is None:
        raise Http404
    response = HttpResponse(bytes(branding.logo), content_type="image/png")
    response["ETag"] = f'"{branding.logo_version}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = 'inline; filename="logo.png"'
    return response
