"""Product and order payloads. Amounts are decimal strings; limits equal the model's."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from clientela.api.pagination import PageOut, PageParams
from clientela.api.schemas.base import drop_defaults
from clientela.api.types import (
    AwareDatetime,
    Id,
    Money,
    MoneyOut,
    NonEmpty,
    Quantity,
    QuantityOut,
    QueryId,
    Text10k,
    Text100,
    Text200,
)
from clientela.commerce.models import Order

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Status = Literal["placed", "cancelled", "refunded"]
LINES_MAX = 500


class ProductIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text200, NonEmpty]
    external_id: Text100 | None = None
    description: Text10k = ""
    price: Money = Decimal("0")
    currency: Currency | None = Field(None, description="ISO 4217; the workspace's when left out.")


class ProductPatch(Schema):
    """Only the fields sent are changed. `null` is allowed only for `external_id`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=drop_defaults)

    # Fields that may be left out are typed without None, so the schema and the validation refuse an
    # explicit null; None is only the "not sent" default, dropped from the schema (drop_defaults).
    # Each `type: ignore[assignment]`/`[arg-type]` below is that default.
    name: Annotated[Text200, NonEmpty] = None  # type: ignore[assignment]
    external_id: Text100 | None = None
    description: Text10k = None  # type: ignore[assignment]
    price: Money = None
    currency: Currency = None  # type: ignore[assignment]


class ProductOut(Schema):
    id: int
    external_id: str | None
    name: str
    description: str
    price: MoneyOut
    currency: str
    created_at: datetime
    updated_at: datetime


class ProductFilters(PageParams):
    q: Annotated[Text200, NonEmpty] | None = Field(
        None, description="Prefix of the name or external id."
    )


class ProductPage(PageOut):
    items: list[ProductOut]


class LineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    product_id: Id | None = None
    description: Text200 = ""
    quantity: Quantity = Decimal("1")
    unit_price: Money


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer_id: Id
    placed_at: AwareDatetime
    total: Money
    external_id: Text100 | None = None
    status: Status = "placed"
    currency: Currency | None = Field(None, description="ISO 4217; the workspace's when left out.")
    lines: list[LineIn] = Field(default_factory=list, max_length=LINES_MAX)


class OrderPatch(Schema):
    """Only the fields sent are changed. `null` is allowed only for `external_id`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=drop_defaults)

    external_id: Text100 | None = None
    # Fields that may be left out are typed without None, so the schema and the validation refuse an
    # explicit null; None is only the "not sent" default, dropped from the schema (drop_defaults).
    # Each `type: ignore[assignment]`/`[arg-type]` below is that default.
    placed_at: AwareDatetime = None  # type: ignore[assignment]
    status: Status = None  # type: ignore[assignment]
    currency: Currency = None  # type: ignore[assignment]
    total: Money = None


class LineOut(Schema):
    product_id: int | None
    description: str
    quantity: QuantityOut
    unit_price: MoneyOut


class OrderOut(Schema):
    id: int
    external_id: str | None
    customer_id: int
    placed_at: datetime
    status: Status
    currency: str
    total: MoneyOut
    lines: list[LineOut]
    created_at: datetime

    @staticmethod
    def resolve_lines(obj: Order) -> list[Any]:
        return sorted(obj.lines.all(), key=lambda line: line.pk)


class OrderFilters(PageParams):
    customer_id: QueryId | None = None
    status: Status | None = None
    placed_after: AwareDatetime | None = Field(None, description="Orders placed at or after.")
    placed_before: AwareDatetime | None = Field(None, description="Orders placed before.")
    external_id: Annotated[Text100, NonEmpty] | None = None


class OrderPage(PageOut):
    items: list[OrderOut]
