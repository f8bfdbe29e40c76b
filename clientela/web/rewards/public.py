"""A shop's gift certificate page, without login: anyone with a code sees its balance and
expiry; a signed-in member of the shop who may redeem also takes an amount off it there.
Every look-up counts against the guessing limits (10 wrong codes an hour per IP and shop)."""

from __future__ import annotations

from typing import cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from clientela.accounts.client import client_ip
from clientela.accounts.models import Membership, User, Workspace
from clientela.accounts.policy import allows
from clientela.rewards.models import RedemptionChannel
from clientela.rewards.policy import CERTIFICATE_REDEEM
from clientela.rewards.services.certificates import (
    CertificateNotFound,
    RedemptionRefused,
    TooManyGuesses,
    certificate_find,
    certificate_redeem,
)
from clientela.web.rewards.forms import CodeForm, StaffCheckForm


def _staff(request: HttpRequest, workspace: Workspace) -> Membership | None:
    if not request.user.is_authenticated:
        return None
    membership = Membership.objects.filter(workspace=workspace, user=request.user).first()
    return membership if allows(membership, CERTIFICATE_REDEEM) else None


def certificate_check(request: HttpRequest, ws: str) -> HttpResponse:
    workspace = Workspace.objects.filter(slug=ws).first()
    if workspace is None:
        raise Http404
    staff = _staff(request, workspace)
    form = (StaffCheckForm if staff else CodeForm)(request.POST or None)
    context: dict[str, object] = {"shop": workspace, "form": form, "staff": staff}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            certificate = certificate_find(
                workspace=workspace,
                code=form.cleaned_data["code"],
                ip=client_ip(request),
                staff=staff is not None,
            )
            if form.cleaned_data.get("amount"):
                context["redemption"] = certificate_redeem(
                    certificate=certificate,
                    actor=cast(User, request.user),
                    amount=form.cleaned_data["amount"],
                    channel=RedemptionChannel.PUBLIC,
                    ip=client_ip(request),
                )
                certificate.refresh_from_db(fields=["balance"])
            context.update(certificate=certificate, code=form.cleaned_data["code"])
        except TooManyGuesses:
            form.add_error(None, _("Too many wrong codes: try again in an hour."))
            status = 429
        except CertificateNotFound:
            form.add_error("code", _("No certificate of this shop has this code."))
        except RedemptionRefused as error:
            form.add_error(None, error.message)
    return render(request, "web/rewards/public.html", context, status=status)
