"""Customer payloads. Limits equal the model's columns; `notes` (unbounded) is capped here."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from clientela.api.pagination import PageOut, PageParams
from clientela.api.schemas.base import drop_defaults
from clientela.api.types import (
    NonEmpty,
    Text2,
    Text10k,
    Text20,
    Text40,
    Text60,
    Text100,
    Text200,
    Text254,
)
from clientela.customers.models import ConsentChannel, ConsentPurpose, Customer

Language = Literal["ro", "en"]
EMAIL_HELP = (
    "Checked and normalised by the server (trimmed, lower-cased, domain in IDNA); "
    "an address another customer uses is refused. Empty for none."
)
TAGS_MAX = 50


class CustomerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    email: Text254 = Field("", description=EMAIL_HELP)
    external_id: Text100 | None = None
    first_name: Text100 = ""
    last_name: Text100 = ""
    phone: Text40 = ""
    address_line: Text200 = ""
    city: Text100 = ""
    postal_code: Text20 = ""
    country: Text2 = "RO"
    language: Language = "ro"
    notes: Text10k = ""
    tags: list[Annotated[Text60, NonEmpty]] = Field(
        default_factory=list, max_length=TAGS_MAX, description="Tag names; created when new."
    )


class CustomerPatch(Schema):
    """Only the fields sent are changed. `null` is allowed only for `external_id`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=drop_defaults)

    # Fields that may be left out are typed without None, so the schema and the validation refuse an
    # explicit null; None is only the "not sent" default, dropped from the schema (drop_defaults).
    # Each `type: ignore[assignment]`/`[arg-type]` below is that default.
    email: Text254 = Field(None, description=EMAIL_HELP)  # type: ignore[assignment]
    external_id: Text100 | None = None
    first_name: Text100 = None  # type: ignore[assignment]
    last_name: Text100 = None  # type: ignore[assignment]
    phone: Text40 = None  # type: ignore[assignment]
    address_line: Text200 = None  # type: ignore[assignment]
    city: Text100 = None  # type: ignore[assignment]
    postal_code: Text20 = None  # type: ignore[assignment]
    country: Text2 = None  # type: ignore[assignment]
    language: Language = None  # type: ignore[assignment]
    notes: Text10k = None  # type: ignore[assignment]
    tags: list[Annotated[Text60, NonEmpty]] = Field(
        None,  # type: ignore[arg-type]
        max_length=TAGS_MAX,
        description="The full new set of tag names.",
    )


class EmailOut(Schema):
    id: int
    address: str
    is_primary: bool


class EmailIn(Schema):
    model_config = ConfigDict(extra="forbid")

    address: Annotated[Text254, NonEmpty] = Field(
        description=(
            "Checked and normalised by the server (trimmed, lower-cased, domain in IDNA); "
            "an address another customer of the workspace uses is refused. It becomes the "
            "primary address when the customer has none."
        )
    )


class ConsentOut(Schema):
    id: int
    purpose: ConsentPurpose
    channel: ConsentChannel
    source: str
    granted_at: datetime
    ip: str | None = Field(description="The address the consent was recorded from, if known.")
    withdrawn_at: datetime | None


class ConsentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    purpose: ConsentPurpose
    channel: ConsentChannel
    source: Annotated[Text100, NonEmpty] = Field(
        "api", description="Where the consent was given, e.g. `shop counter`; `api` if left out."
    )


class CustomerOut(Schema):
    id: int
    external_id: str | None
    display_name: str
    first_name: str
    last_name: str
    email: str
    emails: list[EmailOut]
    phone: str
    address_line: str
    city: str
    postal_code: str
    country: str
    language: Language
    notes: str
    tags: list[str]
    consents: list[ConsentOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_emails(obj: Customer) -> list[Any]:
        return sorted(obj.emails.all(), key=lambda row: (not row.is_primary, row.address))

    @staticmethod
    def resolve_tags(obj: Customer) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())

    @staticmethod
    def resolve_consents(obj: Customer) -> list[Any]:
        return sorted(obj.consents.all(), key=lambda row: (row.granted_at, row.pk))


class CustomerFilters(PageParams):
    q: Annotated[Text100, NonEmpty] | None = Field(
        None,
        description=(
            "Prefix of the name (first then last), the last name, an e-mail or the external "
            "id; capitals and diacritics are ignored (`stefan` finds Ștefan)."
        ),
    )
    tag: Annotated[Text60, NonEmpty] | None = None
    language: Language | None = None
    external_id: Annotated[Text100, NonEmpty] | None = None
    email: Annotated[Text254, NonEmpty] | None = Field(
        None, description="Any of the customer's addresses, compared after normalising."
    )


class CustomerPage(PageOut):
    items: list[CustomerOut]


class EventOut(Schema):
    id: int
    at: datetime
    kind: str
    actor: str | None = Field(description="The e-mail of the user who acted, if one did.")
    actor_label: str = Field(description="Who acted when no user did: import, system, ...")
    subject_type: str
    subject_id: int | None
    summary: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.email if obj.actor is not None else None


class EventPage(PageOut):
    items: list[EventOut]
