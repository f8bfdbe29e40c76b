"""The value parsers: amounts, dates, header names and the separator."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clientela.imports.reader import header_key, sniff_separator
from clientela.imports.values import BadValue, parse_amount, parse_datetime

BUCHAREST = ZoneInfo("Europe/Bucharest")
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1.234.567", "1234567.00"),
        ("1,234,567.8", "1234567.80"),
        ("12,5", "12.50"),
        ("0,125", None),
        ("42", "42.00"),
        ("0", "0.00"),
        (" 7.5 ", "7.50"),
    ],
)
def test_amounts_with_decimal_comma_or_point(raw, expected):
    if expected is None:
        with pytest.raises(BadValue, match="more than two decimals"):
            parse_amount(raw)
    else:
        assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1,234", "'1,234' is ambiguous: 1234 or 1.234? Write the amount without a thousands"),
        ("1.234", "'1.234' is ambiguous: 1234 or 1.234? Write the amount without a thousands"),
        ("-5", "cannot be negative"),
        ("abc", "'abc' is not an amount"),
        ("1,2,3", "'1,2,3' is not an amount"),
        ("1.23,4.5", "'1.23,4.5' is not an amount"),
        ("12.34,56", "'12.34,56' is not an amount"),
        ("", "is empty"),
        ("12345678901", "'12345678901' is too large"),
        ("1e5", "'1e5' is not an amount"),
        ("NaN", "'NaN' is not an amount"),
    ],
)
def test_ambiguous_or_malformed_amounts_are_refused_with_a_reason(raw, reason):
    with pytest.raises(BadValue) as caught:
        parse_amount(raw)
    assert caught.value.reason.startswith(reason)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-12-31", datetime(2024, 12, 31, tzinfo=BUCHAREST)),
        ("2024-12-31 10:05", datetime(2024, 12, 31, 10, 5, tzinfo=BUCHAREST)),
        ("2024-12-31T10:05:07+00:00", datetime(2024, 12, 31, 10, 5, 7, tzinfo=UTC)),
        ("2024-12-31T10:05:07Z", datetime(2024, 12, 31, 10, 5, 7, tzinfo=UTC)),
        ("31.12.2024", datetime(2024, 12, 31, tzinfo=BUCHAREST)),
        ("31/12/2024 9:30", datetime(2024, 12, 31, 9, 30, tzinfo=BUCHAREST)),
        ("1-2-2024 23:59:58", datetime(2024, 2, 1, 23, 59, 58, tzinfo=BUCHAREST)),
        ("29.02.2024", datetime(2024, 2, 29, tzinfo=BUCHAREST)),
    ],
)
def test_dates_iso_or_day_first_naive_ones_in_the_workspace_zone(raw, expected):
    value = parse_datetime(raw, BUCHAREST)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("31.02.2024", "'31.02.2024' is not a valid date"),
        ("12/31/2024", "'12/31/2024' is not a valid date"),
        ("2024-13-01", "'2024-13-01' is not a valid date"),
        ("31.12.24", "'31.12.24' is not a date (use 2024-12-31 or 31.12.2024)"),
        ("31.12/2024", "'31.12/2024' is not a date (use 2024-12-31 or 31.12.2024)"),
        ("ieri", "'ieri' is not a date (use 2024-12-31 or 31.12.2024)"),
        ("31.12.2024 25:00", "'31.12.2024 25:00' is not a valid date"),
        ("01.01.1800", "year 1800 is out of range"),
        ("", "is empty"),
    ],
)
def test_bad_dates_are_refused_with_a_reason(raw, reason):
    with pytest.raises(BadValue) as caught:
        parse_datetime(raw, BUCHAREST)
    assert caught.value.reason == reason


def test_header_names_match_without_case_diacritics_or_punctuation():
    assert header_key(" Adresă de E-mail ") == "adresa_de_e_mail"
    assert header_key("Oraș") == "oras"  # comma below
    assert header_key("Oraş") == "oras"  # cedilla
    assert header_key("Țară") == "tara"
    assert header_key("Cod poștal") == "cod_postal"


def test_the_separator_is_the_one_the_header_uses_most():
    assert sniff_separator("nume;prenume;email\r\n") == ";"
    assert sniff_separator("last_name,first_name,email\n") == ","
    assert sniff_separator('"Nume, prenume";email\n') == ";"  # quoted commas do not count
    assert sniff_separator("a;b,c\n") == ","  # a tie: comma
    assert sniff_separator("email\n") == ","
