"""Writes of forwarding: settings and domains, grant (by hand and by rule), revoke, opt out."""

from __future__ import annotations

import re
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.accounts.scoping import settings_for
from clientela.commerce.models import OrderStatus
from clientela.customers.models import Customer
from clientela.forwarding.models import (
    MIN_ORDERS_MAX,
    RATE_MAX,
    SIZE_KB_MAX,
    SIZE_KB_MIN,
    Alias,
    AliasStatus,
    ForwardingDomain,
    ForwardingSettings,
    GrantedBy,
)
from clientela.forwarding.notice import alias_notice_send
from clientela.forwarding.policy import ALIAS_GRANT, ALIAS_REVOKE, FORWARDING_SETTINGS_UPDATE
from clientela.mail.inbound.address import relay_refusal
from clientela.timeline.services import event_record

DOMAINS_MAX = 20
_LOCAL = re.compile(r"[a-z0-9]([a-z0-9._-]{0,38}[a-z0-9])?\Z")
# Local parts an alias may not take: ours (bounces, SRS) and the role accounts of RFC 2142.
RESERVED = ("bounces", "unsubscribe", "srs0", "srs1", "postmaster", "abuse", "hostmaster")
_OPT_OUT = signing.Signer(sep=".", salt="clientela.forwarding.opt_out", algorithm="sha256")


class ForwardingError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def opt_out_token(alias: Alias) -> str:
    """The unguessable part of the customer's opt-out link (signed alias id, no login)."""
    return _OPT_OUT.sign(str(alias.pk))


def alias_from_opt_out_token(token: str) -> Alias | None:
    try:
        pk = int(_OPT_OUT.unsign(token[:200]))
    except (signing.BadSignature, ValueError):
        return None
    return Alias.objects.select_related("domain", "workspace").filter(pk=pk).first()


# Settings ---------------------------------------------------------------------------------


def _clean_domain(value: str) -> str:
    domain = value.strip().lower().rstrip(".")
    if relay_refusal(f"postmaster@{domain}") is not None:
        raise ForwardingError("domains", _("%(domain)s is not a domain name.") % {"domain": value})
    return domain


@transaction.atomic
def forwarding_settings_update(
    *,
    workspace: Workspace,
    actor: User | None,
    domains: list[str],
    min_orders: int | None,
    rate_per_hour: int,
    max_message_kb: int,
) -> ForwardingSettings:
    """Save the rule, the limits and the domains; a domain another workspace has is refused,
    a domain that still has aliases cannot be removed."""
    permit(actor=actor, workspace=workspace, rule=FORWARDING_SETTINGS_UPDATE)
    if len(domains) > DOMAINS_MAX:
        raise ForwardingError("domains", _("At most %(n)s domains.") % {"n": DOMAINS_MAX})
    if min_orders is not None and not 1 <= min_orders <= MIN_ORDERS_MAX:
        raise ForwardingError("min_orders", _("Out of range."))
    if not 1 <= rate_per_hour <= RATE_MAX:
        raise ForwardingError("rate_per_hour", _("Out of range."))
    if not SIZE_KB_MIN <= max_message_kb <= SIZE_KB_MAX:
        raise ForwardingError("max_message_kb", _("Out of range."))
    wanted = {_clean_domain(value) for value in domains if value.strip()}
    taken = ForwardingDomain.objects.filter(domain__in=wanted).exclude(workspace=workspace)
    if taken.exists():
        raise ForwardingError("domains", _("A domain is already used by another workspace."))
    current = ForwardingDomain.objects.for_workspace(workspace)
    gone = current.exclude(domain__in=wanted)
    if Alias.objects.for_workspace(workspace).filter(domain__in=gone).exists():
        raise ForwardingError("domains", _("A domain with aliases cannot be removed."))
    old_domains = sorted(current.values_list("domain", flat=True))
    gone.delete()
    have = set(current.values_list("domain", flat=True))
    ForwardingDomain.objects.bulk_create(
        [ForwardingDomain(workspace=workspace, domain=d) for d in sorted(wanted - have)]
    )
    row = settings_for(ForwardingSettings, workspace)
    old = {
        "domains": old_domains,
        "min_orders": row.min_orders,
        "rate_per_hour": row.rate_per_hour,
        "max_message_kb": row.max_message_kb,
    }
    row.min_orders, row.rate_per_hour = min_orders, rate_per_hour
    row.max_message_kb, row.updated_at = max_message_kb, timezone.now()
    row.save()
    event_record(
        workspace=workspace,
        kind="forwarding.settings_changed",
        subject=row,
        actor=actor,
        old=old,
        new={
            "domains": sorted(wanted),
            "min_orders": min_orders,
            "rate_per_hour": rate_per_hour,
            "max_message_kb": max_message_kb,
        },
    )
    return row


# Grant, revoke, opt out ---------------------------------------------------------------------


def _suggested_local(customer: Customer) -> str:
    name = slugify(f"{customer.first_name} {customer.last_name}").replace("-", ".")[:30]
    return name.strip(".") or "client"


def _free_local(domain: ForwardingDomain, wanted: str) -> str:
    candidate = wanted
    while (
        candidate in RESERVED or Alias.objects.filter(domain=domain, local_part=candidate).exists()
    ):
        candidate = f"{wanted}.{secrets.randbelow(10_000):04d}"
    return candidate


def alias_grant(
    *,
    workspace: Workspace,
    actor: User | None,
    customer: Customer,
    local_part: str = "",
    reason: str = "",
    by_rule: bool = False,
    notify: bool = True,
) -> Alias:
    """Give the customer their alias, or turn their revoked one on again (the same address:
    it is for life). A customer who opted out gets it back only by hand. The customer is
    told by mail (`notice.alias_notice_send`) unless `notify` is off (history loaded by the
    demo, where nobody should be written to)."""
    permit(actor=actor, workspace=workspace, rule=ALIAS_GRANT)
    if customer.workspace_id != workspace.pk:
        raise ForwardingError("customer", _("No such customer."))
    if not customer.email:
        raise ForwardingError("customer", _("The customer has no e-mail address to forward to."))
    local_part = local_part.strip().lower()
    if local_part and (not _LOCAL.match(local_part) or local_part in RESERVED):
        raise ForwardingError("local_part", _("Use 1 to 40 letters, digits, dots or dashes."))
    domain = ForwardingDomain.objects.for_workspace(workspace).order_by("pk").first()
    if domain is None:
        raise ForwardingError("customer", _("Add a forwarding domain in the settings first."))
    now = timezone.now()
    granted_by = GrantedBy.RULE if by_rule else GrantedBy.HAND
    with transaction.atomic():
        existing = (
            Alias.objects.for_workspace(workspace)
            .select_for_update()
            .filter(customer=customer)
            .first()
        )
        if existing is not None:
            if existing.status == AliasStatus.ACTIVE:
                raise ForwardingError("customer", _("The customer already has an alias."))
            old = {"status": existing.status}
            existing.status, existing.granted_by = AliasStatus.ACTIVE, granted_by
            existing.reason, existing.changed_at = reason[:200], now
            existing.save(update_fields=["status", "granted_by", "reason", "changed_at"])
            alias = existing
        else:
            old = None
            try:
                with transaction.atomic():
                    alias = Alias.objects.create(
                        workspace=workspace,
                        domain=domain,
                        local_part=_free_local(domain, local_part or _suggested_local(customer)),
                        customer=customer,
                        granted_by=granted_by,
                        reason=reason[:200],
                        created_at=now,
                        changed_at=now,
                    )
            except IntegrityError as error:
                raise ForwardingError("local_part", _("This address is taken.")) from error
        event_record(
            workspace=workspace,
            kind="alias.granted",
            subject=alias,
            actor=actor,
            customer=customer,
            summary=alias.address,
            old=old,
            new={"status": alias.status, "granted_by": granted_by, "reason": alias.reason},
        )
        # The customer learns of it, with a way to say no (unless we may not write to them).
        if notify:
            alias_notice_send(alias)
    return alias


def _close(
    alias: Alias,
    *,
    status: AliasStatus,
    actor: User | None,
    kind: str,
    reason: str,
    actor_label: str = "",
) -> bool:
    with transaction.atomic():
        changed = (
            Alias.objects.for_workspace(alias.workspace)
            .filter(pk=alias.pk, status=AliasStatus.ACTIVE)
            .update(status=status, reason=reason[:200], changed_at=timezone.now())
        )
        if changed:
            event_record(
                workspace=alias.workspace,
                kind=kind,
                subject=alias,
                actor=actor,
                actor_label=actor_label,
                customer_id=alias.customer_id,
                summary=alias.address,
                old={"status": AliasStatus.ACTIVE},
                new={"status": status, "reason": reason[:200]},
            )
    alias.refresh_from_db()
    return bool(changed)


def alias_revoke(*, alias: Alias, actor: User | None, reason: str = "") -> bool:
    """Stop forwarding; False when it was not active. The address stays the customer's."""
    permit(actor=actor, workspace=alias.workspace, rule=ALIAS_REVOKE)
    return _close(
        alias, status=AliasStatus.REVOKED, actor=actor, kind="alias.revoked", reason=reason
    )


def alias_opt_out(*, token: str) -> Alias | None:
    """The customer's own link: stop forwarding to them (no login; the token is the key)."""
    alias = alias_from_opt_out_token(token)
    if alias is None:
        return None
    _close(
        alias,
        status=AliasStatus.OPTED_OUT,
        actor=None,
        actor_label="customer",
        kind="alias.opted_out",
        reason="opt-out link",
    )
    return alias


def aliases_grant_by_rule(*, workspace: Workspace) -> int:
    """Grant an alias to every customer the workspace's rule admits who never had one;
    idempotent (a customer with any alias, even revoked or opted out, is left alone)."""
    rule = settings_for(ForwardingSettings, workspace)
    if rule.min_orders is None or not ForwardingDomain.objects.for_workspace(workspace).exists():
        return 0
    customers = (
        Customer.objects.for_workspace(workspace)
        .exclude(email="")
        .filter(forwarding_aliases__isnull=True)
        .annotate(
            kept=Count("orders", filter=~Q(orders__status=OrderStatus.CANCELLED), distinct=True)
        )
        .filter(kept__gte=rule.min_orders)
        .order_by("pk")
    )
    granted = 0
    for customer in customers.iterator(chunk_size=500):
        try:
            alias_grant(
                workspace=workspace,
                actor=None,
                customer=customer,
                reason=_("at least %(n)s orders") % {"n": rule.min_orders},
                by_rule=True,
            )
        except ForwardingError:
            continue  # granted by another run meanwhile
        granted += 1
    return granted


def aliases_grant_by_rule_all() -> int:
    workspaces = Workspace.objects.filter(forwarding_settings__min_orders__isnull=False)
    return sum(aliases_grant_by_rule(workspace=ws) for ws in workspaces.iterator())
