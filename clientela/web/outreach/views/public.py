"""Pages for the shop's customers, without login: unsubscribe, subscribe, confirm, preferences.

Each is reached by an unguessable token; an unknown or forged token is a plain 404.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from clientela.accounts.client import client_ip
from clientela.mail.verp import outbox_id_from_unsubscribe_token
from clientela.outreach.models import MailingList, Subscription, SubscriptionStatus
from clientela.outreach.services import lists as list_services

ONE_CLICK = "One-Click"


@csrf_exempt  # RFC 8058: mail clients POST without cookies or a CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and never unsubscribes (link scanners follow GETs); the POST of
    `List-Unsubscribe=One-Click`, from a mail client or that button, unsubscribes at once."""
    outbox_id = outbox_id_from_unsubscribe_token(token)
    outbox = list_services.unsubscribe_outbox(outbox_id) if outbox_id else None
    if outbox is None:
        raise Http404
    context = {"outbox": outbox, "shop": outbox.workspace, "done": False}
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") != ONE_CLICK:
            return HttpResponseBadRequest(_("Expected List-Unsubscribe=One-Click."))
        list_services.unsubscribe_one_click(outbox=outbox)
        context["done"] = True
        if outbox.customer is not None:
            context["preferences_url"] = list_services.preferences_url(outbox.customer)
    return render(request, "web/outreach/public/unsubscribe.html", context)


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"), max_length=254)


def subscribe(request: HttpRequest, token: str) -> HttpResponse:
    mailing_list = (
        MailingList.objects.select_related("workspace")
        .filter(public_token=token, is_public=True)
        .first()
    )
    if mailing_list is None:
        raise Http404
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            list_services.subscription_request(
                mailing_list=mailing_list,
                email=form.cleaned_data["email"],
                ip=client_ip(request),
                source="form",
                language=request.LANGUAGE_CODE[:2],
            )
        except list_services.SubscriptionError as error:
            form.add_error("email", error.message)
        else:
            return render(
                request, "web/outreach/public/subscribe_sent.html", {"list": mailing_list}
            )
    return render(
        request, "web/outreach/public/subscribe.html", {"list": mailing_list, "form": form}
    )


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (a scanner following the link confirms nothing); POST confirms."""
    subscription = (
        Subscription.objects.select_related("mailing_list", "workspace")
        .filter(confirm_token=token)
        .first()
    )
    if subscription is None:
        raise Http404
    if request.method == "POST":
        subscription = list_services.subscription_confirm(token=token, ip=client_ip(request))
    return render(
        request,
        "web/outreach/public/confirm.html",
        {
            "subscription": subscription,
            "confirmed": subscription is not None
            and subscription.status == SubscriptionStatus.CONFIRMED,
        },
    )


def preferences(request: HttpRequest, token: str) -> HttpResponse:
    customer = list_services.preferences_customer(token)
    if customer is None:
        raise Http404
    lists = MailingList.objects.for_workspace(customer.workspace).filter(is_public=True)
    saved = False
    if request.method == "POST":
        if request.POST.get("all") == "unsubscribe" and customer.email:
            list_services.unsubscribe_all(
                customer=customer, address=customer.email, source="unsubscribe:preferences"
            )
        else:
            chosen = {int(v) for v in request.POST.getlist("lists") if v.isdigit()}
            list_services.preferences_set(customer=customer, list_ids=chosen, ip=client_ip(request))
        saved = True
    subscribed = set(
        Subscription.objects.for_workspace(customer.workspace)
        .filter(customer=customer, status=SubscriptionStatus.CONFIRMED)
        .values_list("mailing_list_id", flat=True)
    )
    return render(
        request,
        "web/outreach/public/preferences.html",
        {
            "customer": customer,
            "shop": customer.workspace,
            "saved": saved,
            "lists": [(m, m.pk in subscribed) for m in lists.order_by("name")],
        },
    )
