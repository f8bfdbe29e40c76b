"""The shop's compensation catalogue: seeded with the guide's gifts, edited by a manager."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.rewards.models import CatalogueItem, CompensationKind
from clientela.rewards.policy import CATALOGUE_UPDATE
from clientela.timeline.services import changed_fields, event_record

# The guide's small gifts for a customer's patience, with a usual cost in the shop's currency.
DEFAULTS: tuple[tuple[CompensationKind, Promise, Decimal], ...] = (
    (CompensationKind.GIFT_CERTIFICATE, gettext_lazy("Gift certificate"), Decimal("50.00")),
    (CompensationKind.FREE_DELIVERY, gettext_lazy("Free delivery or pickup"), Decimal("20.00")),
    (CompensationKind.SMALL_GIFT, gettext_lazy("Small gift"), Decimal("30.00")),
    (
        CompensationKind.REIMBURSEMENT,
        gettext_lazy("Delivery, travel or parking costs"),
        Decimal("0.00"),
    ),
    (CompensationKind.APOLOGY_LETTER, gettext_lazy("Sincere apology letter"), Decimal("0.00")),
)


def catalogue_seed(*, workspace: Workspace) -> int:
    """Create the default entries once, in the shop's language; return how many were new.
    The system's act (no actor): it runs the first time anyone opens the rewards pages."""
    if CatalogueItem.objects.for_workspace(workspace).exists():
        return 0
    with translation.override(workspace.default_language):
        items = [
            CatalogueItem(workspace=workspace, kind=kind, name=str(name), default_cost=cost)
            for kind, name, cost in DEFAULTS
        ]
    try:
        with transaction.atomic():
            CatalogueItem.objects.bulk_create(items)
            event_record(
                workspace=workspace,
                kind="catalogue.seeded",
                subject_type="catalogueitem",
                new={"items": [item.name for item in items]},
            )
    except IntegrityError:  # another request seeded it first
        return 0
    return len(items)


class CatalogueError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@transaction.atomic
def catalogue_item_update(
    *, item: CatalogueItem, actor: User | None, name: str, default_cost: Decimal, active: bool
) -> CatalogueItem:
    permit(actor=actor, workspace=item.workspace, rule=CATALOGUE_UPDATE)
    if default_cost < 0:
        raise CatalogueError("default_cost", _("A cost cannot be negative."))
    values = {"name": name, "default_cost": default_cost, "active": active}
    old, new = changed_fields(item, values)
    if not new:
        return item
    for field, value in new.items():
        setattr(item, field, value)
    item.save(update_fields=list(new))
    event_record(
        workspace=item.workspace,
        actor=actor,
        kind="catalogue.changed",
        subject=item,
        old=old,
        new=new,
    )
    return item
