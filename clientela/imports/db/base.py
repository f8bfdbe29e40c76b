"""The interface each database's module provides to the import (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models

if TYPE_CHECKING:
    from clientela.accounts.models import Workspace
    from clientela.customers.models import Customer
    from clientela.imports.schema import OrderRow

# The customers found by external id, the owner (a customer's pk) of each address found,
# and all of those customers by pk.
CustomersFound = tuple[dict[str | None, "Customer"], dict[str, int], dict[int, "Customer"]]
# (external id, pk) of the customers found by external id; (address, pk, external id) of
# the owners of the addresses found.
CustomerIdsFound = tuple[Iterable[tuple[str | None, int]], Iterable[tuple[str, int, str | None]]]
# (workspace, rows, customer pk by `OrderRow.customer_key`, now) -> the new orders' ids.
CopyOrders = Callable[["Workspace", list["OrderRow"], dict[str, int], datetime], list[int]]


class Statistics(Protocol):
    def added(self, model: type[models.Model], count: int) -> None:
        """`count` rows of `model` were just inserted."""


class Backend(Protocol):
    @property
    def OVERLAP(self) -> bool:
        """Whether the writing may run while the file is still being validated."""

    @property
    def UTC_SUFFIX(self) -> str:
        """What to append to a naive UTC moment in text for the database to read it as UTC."""

    @property
    def copy_orders(self) -> CopyOrders | None:
        """The orders' own COPY, where the database has one."""

    def write_pass(self, outermost: bool) -> AbstractContextManager[None]:
        """Entered inside the write pass's transaction; `outermost` if no caller's is open."""

    def adapt_datetime(self, value: datetime) -> Any:
        """`value` as Django itself would store it, for `insert_*`."""

    def insert_returning_ids(
        self, model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> list[int]:
        """Insert `rows` (tuples in the order of `columns`); return the new ids in row order."""

    def insert_rows(
        self, model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Insert `rows` (tuples in the order of `columns`) when their ids are not needed."""

    def statistics(self) -> Statistics:
        """What to tell, as an import adds rows, so that the planner keeps up with them."""

    def customers_matching(
        self, workspace: Workspace, ext_ids: list[str], emails: list[str]
    ) -> CustomersFound:
        """The workspace's customers with these external ids or addresses (a batch's)."""

    def customer_ids_matching(
        self, workspace: Workspace, ext_ids: set[str], emails: set[str]
    ) -> CustomerIdsFound:
        """The ids of the customers with these external ids, and the owners of these addresses."""

    def orders_matching(
        self, workspace: Workspace, ids: list[str], fields: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        """The workspace's orders with these external ids: pk, external_id and `fields`."""
