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


MAX_COST = Decimal("100000")


def _clean(workspace: Workspace, *, name: str, kind: str, cost: Decimal, pk: int | None) -> str:
    """The name, stripped; a CatalogueError for a value the manager must correct."""
    name = name.strip()
    if not name:
        raise CatalogueError("name", _("Give the item a name."))
    if len(name) > 120:
        raise CatalogueError("name", _("A name may be at most 120 characters."))
    if kind not in CompensationKind.values:
        raise CatalogueError("kind", _("Choose one of the kinds."))
    if cost < 0:
        raise CatalogueError("default_cost", _("A cost cannot be negative."))
    if cost > MAX_COST or cost != cost.quantize(Decimal("0.01")):
        raise CatalogueError(
            "default_cost", _("The cost must be at most 100,000, in cents at most.")
        )
    # Case-insensitive, so "Cană" and "CANĂ" do not both appear in the choices. Compared in
    # Python: SQLite's NOCASE folds ASCII letters only. A catalogue holds a few dozen items.
    others = CatalogueItem.objects.for_workspace(workspace).exclude(pk=pk or 0)
    if name.casefold() in {other.casefold() for other in others.values_list("name", flat=True)}:
        raise CatalogueError("name", _("The catalogue already has an item with this name."))
    return name


def _saved(item: CatalogueItem, update_fields: list[str] | None = None) -> None:
    # The unique constraint still guards a name saved by two managers at the same moment.
    try:
        with transaction.atomic():
            item.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise CatalogueError(
            "name", _("The catalogue already has an item with this name.")
        ) from exc


@transaction.atomic
def catalogue_item_create(
    *, workspace: Workspace, actor: User | None, kind: str, name: str, default_cost: Decimal
) -> CatalogueItem:
    permit(actor=actor, workspace=workspace, rule=CATALOGUE_UPDATE)
    name = _clean(workspace, name=name, kind=kind, cost=default_cost, pk=None)
    item = CatalogueItem(workspace=workspace, kind=kind, name=name, default_cost=default_cost)
    _saved(item)
    event_record(
        workspace=workspace,
        actor=actor,
        kind="catalogue.added",
        subject=item,
        new={"name": name, "kind": kind, "default_cost": default_cost},
    )
    return item


@transaction.atomic
def catalogue_item_update(
    *,
    item: CatalogueItem,
    actor: User | None,
    name: str | None = None,
    kind: str | None = None,
    default_cost: Decimal | None = None,
    active: bool | None = None,
) -> CatalogueItem:
    """Change what is given; None leaves a field as it is. Retiring an item (active False)
    takes it out of the choices of new compensations; the ledger keeps its past ones."""
    permit(actor=actor, workspace=item.workspace, rule=CATALOGUE_UPDATE)
    new_name = _clean(
        item.workspace,
        name=item.name if name is None else name,
        kind=item.kind if kind is None else kind,
        cost=item.default_cost if default_cost is None else default_cost,
        pk=item.pk,
    )
    wanted = {
        "name": new_name,
        "kind": item.kind if kind is None else kind,
        "default_cost": item.default_cost if default_cost is None else default_cost,
        "active": item.active if active is None else active,
    }
    old, new = changed_fields(item, wanted)
    if not new:
        return item
    for field, value in new.items():
        setattr(item, field, value)
    _saved(item, update_fields=list(new))
    event_record(
        workspace=item.workspace,
        actor=actor,
        kind="catalogue.changed",
        subject=item,
        old=old,
        new=new,
    )
    return item
