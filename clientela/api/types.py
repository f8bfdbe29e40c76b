"""Input types whose validation agrees exactly with the OpenAPI schema they publish.

Pydantic's lax mode accepts more than the schema says (`true` and `"80"` for an integer,
a Unix timestamp for a date-time, a number for a decimal string), and clients written
against the schema would meet surprises either way. Each type here validates what its
schema describes and nothing else.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictInt,
    StrictStr,
    StringConstraints,
    WithJsonSchema,
)

# The largest id SQLite and PostgreSQL can store (a signed 64-bit integer).
MAX_ID = 2**63 - 1
# PostgreSQL refuses NUL in text, so the schema refuses it for every string.
NO_NUL = r"^[^\x00]*$"


def _encodable(value: str) -> str:
    # Lone surrogates can arrive through JSON escapes and cannot be stored as UTF-8.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(_("Text must be valid Unicode.")) from exc
    return value


# Strings of at most N characters (the model's own column limit), without NUL.
Text2 = Annotated[
    StrictStr, StringConstraints(max_length=2, pattern=NO_NUL), AfterValidator(_encodable)
]
Text20 = Annotated[
    StrictStr, StringConstraints(max_length=20, pattern=NO_NUL), AfterValidator(_encodable)
]
Text40 = Annotated[
    StrictStr, StringConstraints(max_length=40, pattern=NO_NUL), AfterValidator(_encodable)
]
Text60 = Annotated[
    StrictStr, StringConstraints(max_length=60, pattern=NO_NUL), AfterValidator(_encodable)
]
Text100 = Annotated[
    StrictStr, StringConstraints(max_length=100, pattern=NO_NUL), AfterValidator(_encodable)
]
Text200 = Annotated[
    StrictStr, StringConstraints(max_length=200, pattern=NO_NUL), AfterValidator(_encodable)
]
Text254 = Annotated[
    StrictStr, StringConstraints(max_length=254, pattern=NO_NUL), AfterValidator(_encodable)
]
Text10k = Annotated[
    StrictStr, StringConstraints(max_length=10_000, pattern=NO_NUL), AfterValidator(_encodable)
]
NonEmpty = StringConstraints(min_length=1)


# A JSON integer id in a body: `true`, `1.0` and `"1"` are refused, as the schema says.
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]


def _digits(value: object) -> object:
    # Query and path values arrive as strings; accept plain digits only, so that "1.0",
    # "+1" or " 1" are refused like the schema's integer type refuses them.
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,19}", value):
        raise ValueError(_("Expected a whole number written with digits only."))
    return value


# An integer taken from the query string or the path.
QueryId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_digits)]
Limit = Annotated[
    int,
    Field(ge=1, le=500, description="Items per page, 1 to 500."),
    BeforeValidator(_digits),
]
Cursor = Annotated[
    str,
    StringConstraints(pattern=r"^[1-9][0-9]{0,17}$"),
    Field(description="The `next` value of the previous page; omit it for the first page."),
]

_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE
)
DATETIME_HELP = (
    "An RFC 3339 date-time with a time zone, like 2026-11-23T10:00:00+02:00; "
    "a time without a zone is refused."
)


def _datetime_error() -> str:
    return _(
        "Expected an RFC 3339 date-time with a time zone, like 2026-11-23T10:00:00+02:00; "
        "a time without a zone is refused."
    )


def _aware_datetime(value: object) -> datetime:
    match = _RFC3339.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(_datetime_error())
    date, time, fraction, zone = match.groups()
    fraction = (fraction or "")[:7]  # Python keeps microseconds: six digits after the dot
    zone = "+00:00" if zone.upper() == "Z" else zone
    try:
        # Converting to UTC also catches offsets that push a date past year 1 or 9999.
        return datetime.fromisoformat(f"{date}T{time}{fraction}{zone}").astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(_datetime_error()) from exc


AwareDatetime = Annotated[
    datetime,
    PlainValidator(_aware_datetime),
    WithJsonSchema({"type": "string", "format": "date-time", "description": DATETIME_HELP}),
]


def decimal_string(max_digits: int, places: int, description: str) -> Any:
    """A non-negative decimal written as a JSON string, like "12.50", within the column's size."""
    pattern = rf"^[0-9]{{1,{max_digits - places}}}(\.[0-9]{{1,{places}}})?$"
    compiled = re.compile(pattern)

    def parse(value: object) -> Decimal:
        if not isinstance(value, str) or not compiled.match(value):
            raise ValueError(
                _(
                    'Expected a decimal number written as a string, like "12.50", with at most '
                    "%(places)s decimals and %(digits)s digits before the point."
                )
                % {"places": places, "digits": max_digits - places}
            )
        return Decimal(value)

    return Annotated[
        Decimal,
        PlainValidator(parse),
        WithJsonSchema({"type": "string", "pattern": pattern, "description": description}),
    ]


Money = decimal_string(12, 2, "an amount with at most two decimals, as a string")
# A column of 10 digits with two decimals (a catalogue's usual cost).
Money10 = decimal_string(10, 2, "an amount with at most two decimals, as a string")
Quantity = decimal_string(10, 3, "a quantity with at most three decimals, as a string")


def _decimal_out(places: int) -> Any:
    return Annotated[
        Decimal,
        PlainSerializer(lambda value: f"{value:.{places}f}", return_type=str),
        WithJsonSchema({"type": "string", "pattern": rf"^-?[0-9]+\.[0-9]{{{places}}}$"}),
    ]


MoneyOut = _decimal_out(2)
QuantityOut = _decimal_out(3)
