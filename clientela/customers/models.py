from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.accounts.models import Language
from clientela.accounts.scoping import WorkspaceQuerySet, WorkspaceScoped
from clientela.customers.normalize import SEARCH_KEY_LENGTH, search_key


class Tag(WorkspaceScoped):
    name = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="tag_unique")]

    def __str__(self) -> str:
        return self.name


# The columns a search looks at, and the stored keys (see `search_key`) it compares with.
SEARCH_SOURCES = ("first_name", "last_name", "email", "external_id")
SEARCH_KEYS = ("search_name", "search_last_name", "search_email", "search_external_id")


def customer_search_keys(
    first_name: str, last_name: str, email: str, external_id: str | None
) -> tuple[str, str, str, str]:
    """The values of the SEARCH_KEYS columns for a customer with these SEARCH_SOURCES.

    The one definition, used by `Customer.search_keys_fill` and by the writers that insert
    customers without model instances (the orders import).
    """
    return (
        search_key(f"{first_name} {last_name}"),
        search_key(last_name),
        search_key(email),
        search_key(external_id or ""),
    )


class CustomerQuerySet(WorkspaceQuerySet["Customer"]):
    """Bulk writes keep the search keys in step with their columns, as `save()` does."""

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        rows = list(objs)
        for customer in rows:
            customer.search_keys_fill()
        return super().bulk_create(rows, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], *args: Any, **kwargs: Any
    ) -> int:
        rows = list(objs)
        return super().bulk_update(rows, search_keys_refresh(rows, fields), *args, **kwargs)


def search_keys_refresh(customers: list[Any], fields: Iterable[str]) -> list[str]:
    """Before writing `fields` of `customers`: fill their search keys if those depend on the
    fields, and return the fields to write, the search keys added when so."""
    names = list(fields)
    if set(names) & set(SEARCH_SOURCES):
        for customer in customers:
            customer.search_keys_fill()
        names += [key for key in SEARCH_KEYS if key not in names]
    return names


class Customer(WorkspaceScoped):
    """A client of the shop or agency. `email` is the primary address, copied for lists.

    The `search_*` columns hold `search_key` of the name, last name, e-mail and external id;
    every write path (save, bulk_create, bulk_update) refreshes them, never a form.
    """

    # No single-column index on the workspace: the indexes below all lead with it and serve
    # every query by workspace (list, search, count, export, a workspace's deletion), and
    # each index more slows the import of many customers.
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    external_id = models.CharField(max_length=100, null=True, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, default="RO")
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.RO)
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set when the customer's personal data were erased (on request or after the retention
    # period): the row stays, nameless, so that their orders still count in the statistics.
    erased_at = models.DateTimeField(null=True, blank=True)
    # "first last", so that "ana pop" finds Ana Popescu and "ana" finds every Ana.
    search_name = models.CharField(max_length=SEARCH_KEY_LENGTH, blank=True, editable=False)
    search_last_name = models.CharField(max_length=SEARCH_KEY_LENGTH, blank=True, editable=False)
    search_email = models.CharField(max_length=SEARCH_KEY_LENGTH, blank=True, editable=False)
    search_external_id = models.CharField(max_length=SEARCH_KEY_LENGTH, blank=True, editable=False)

    objects = CustomerQuerySet.as_manager()  # type: ignore[misc]  # the base declares a plainer one

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=Q(external_id__isnull=False),
                name="customer_external_id_unique",
            )
        ]
        indexes = [
            # The list pages order by id descending and filter by these prefixes.
            models.Index(fields=["workspace", "-id"], name="customer_ws_id"),
            models.Index(fields=["workspace", "last_name"], name="customer_ws_last_name"),
            models.Index(fields=["workspace", "email"], name="customer_ws_email"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_keys_fill()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(SEARCH_SOURCES):
            kwargs["update_fields"] = {*update_fields, *SEARCH_KEYS}
        super().save(*args, **kwargs)

    def search_keys_fill(self) -> None:
        (
            self.search_name,
            self.search_last_name,
            self.search_email,
            self.search_external_id,
        ) = customer_search_keys(self.first_name, self.last_name, self.email, self.external_id)

    @property
    def display_name(self) -> str:
        if self.erased_at is not None:
            return str(_("Erased customer #%(id)s") % {"id": self.pk})
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.email or f"#{self.pk}"


class CustomerEmail(WorkspaceScoped):
    """Every address a customer uses, normalised, unique within the workspace."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="emails")
    address = models.CharField(max_length=254)
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "address"], name="customer_email_unique")
        ]


class ConsentPurpose(models.TextChoices):
    MARKETING = "marketing", _("Promotions and newsletters")
    THANK_YOU = "thank_you", _("Thank-you letters")
    WIN_BACK = "win_back", _("Win-back messages")


class ConsentChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    POST = "post", _("Post")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")


class Consent(WorkspaceScoped):
    """A consent given for a purpose on a channel; withdrawal sets `withdrawn_at`."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    source = models.CharField(max_length=100)
    granted_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "customer", "purpose"], name="consent_lookup")]
