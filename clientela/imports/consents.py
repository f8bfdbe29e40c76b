"""Marketing consent read from a file: the platforms' "Accepts Marketing" columns.

Consent to promotions by e-mail is recorded as a `Consent` whose source names the file
(`import: clienti.csv`), with its `consent.granted` timeline row. A customer the file says
"no" for loses the consents earlier imports recorded, not those given to the shop directly
(a form, the customer's own word): the file speaks only for what files said.
"""

from __future__ import annotations

from django.utils import timezone

from clientela.accounts.models import User, Workspace
from clientela.customers.models import Consent, ConsentChannel, ConsentPurpose
from clientela.timeline.services import event_build, events_record_many

SOURCE_PREFIX = "import: "


def consent_source(file_name: str) -> str:
    return (SOURCE_PREFIX + file_name)[:100]


def consents_apply(
    *, workspace: Workspace, actor: User | None, source: str, wanted: dict[int, bool]
) -> None:
    """`wanted`: customer pk -> the file's yes or no. Grants and withdrawals, in bulk."""
    if not wanted:
        return
    active = (
        Consent.objects.for_workspace(workspace)
        .filter(
            customer_id__in=list(wanted),
            purpose=ConsentPurpose.MARKETING,
            channel=ConsentChannel.EMAIL,
            withdrawn_at__isnull=True,
        )
        .values_list("pk", "customer_id", "source")
    )
    has: set[int] = set()
    withdraw: list[tuple[int, int]] = []
    for pk, customer_id, given_by in active:
        has.add(customer_id)
        if not wanted[customer_id] and given_by.startswith(SOURCE_PREFIX):
            withdraw.append((pk, customer_id))
    _grant(workspace, actor, source, [pk for pk, yes in wanted.items() if yes and pk not in has])
    _withdraw(workspace, actor, source, withdraw)


def _grant(workspace: Workspace, actor: User | None, source: str, customers: list[int]) -> None:
    if not customers:
        return
    made = Consent.objects.bulk_create(
        Consent(
            workspace=workspace,
            customer_id=pk,
            purpose=ConsentPurpose.MARKETING,
            channel=ConsentChannel.EMAIL,
            source=source,
        )
        for pk in customers
    )
    events_record_many(
        event_build(
            workspace=workspace,
            actor=actor,
            actor_label="import",
            kind="consent.granted",
            subject=consent,
            customer_id=consent.customer_id,
            new={
                "purpose": ConsentPurpose.MARKETING.value,
                "channel": ConsentChannel.EMAIL.value,
                "source": source,
                "ip": None,
            },
        )
        for consent in made
    )


def _withdraw(
    workspace: Workspace, actor: User | None, source: str, consents: list[tuple[int, int]]
) -> None:
    if not consents:
        return
    Consent.objects.for_workspace(workspace).filter(pk__in=[pk for pk, _ in consents]).update(
        withdrawn_at=timezone.now()
    )
    events_record_many(
        event_build(
            workspace=workspace,
            actor=actor,
            actor_label="import",
            kind="consent.withdrawn",
            subject_type="customer",
            subject_id=customer_id,
            customer_id=customer_id,
            old={"purpose": ConsentPurpose.MARKETING.value, "channel": ConsentChannel.EMAIL.value},
            new={"source": source},
        )
        for customer_id in dict.fromkeys(customer_id for _, customer_id in consents)
    )
