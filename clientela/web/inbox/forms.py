"""The inbox's forms: a reply or note, assignment and status, settings, the public contact form."""

from __future__ import annotations

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from clientela.inbox.models import ConversationStatus
from clientela.inbox.services.conversations import BODY_LIMIT

LANGUAGES = [("ro", _("Romanian")), ("en", _("English"))]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=BODY_LIMIT, widget=forms.Textarea(attrs={"rows": 8})
    )
    language = forms.ChoiceField(label=_("Language of the reply"), choices=LANGUAGES)


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Not closed")), *ConversationStatus.choices, ("all", _("All"))],
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)


class InboxSettingsForm(forms.Form):
    support_address = forms.EmailField(label=_("Support address"), required=False, max_length=254)
    contact_form_enabled = forms.BooleanField(label=_("Public contact form on"), required=False)


class ImapForm(forms.Form):
    host = forms.CharField(label=_("IMAP server"), max_length=253)
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=993)
    use_ssl = forms.BooleanField(label=_("TLS (IMAPS)"), required=False, initial=True)
    username = forms.CharField(label=_("User name"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored in Clientela's database; leave empty to keep the saved one."),
    )
    folder = forms.CharField(label=_("Folder"), max_length=200, initial="INBOX")


# The contact form's time check: the page signs the moment it was shown; a post sooner than a
# person can type, or from a page older than a day, is refused. No third-party service.
FORM_SALT = "inbox.contact"
MIN_SECONDS = 3
MAX_AGE = 24 * 3600


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    # A field people never see (hidden by CSS, out of the tab order): bots fill it in.
    website = forms.CharField(
        required=False,
        max_length=200,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    shown = forms.CharField(widget=forms.HiddenInput, max_length=200)

    @staticmethod
    def stamp() -> str:
        return signing.TimestampSigner(salt=FORM_SALT).sign("contact")

    def is_spam(self) -> bool:
        if self.cleaned_data.get("website"):
            return True
        signer = signing.TimestampSigner(salt=FORM_SALT)
        try:
            signer.unsign(self.cleaned_data.get("shown", ""), max_age=MAX_AGE)
        except signing.BadSignature:
            return True
        try:
            signer.unsign(self.cleaned_data.get("shown", ""), max_age=MIN_SECONDS)
        except signing.SignatureExpired:
            return False  # older than the minimum: a person's pace
        return True
