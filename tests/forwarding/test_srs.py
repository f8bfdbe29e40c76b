"""SRS addresses: the libsrs2 format, their reversal, forgeries and age (pure code)."""

from __future__ import annotations

import re

import pytest

from clientela.mail.srs import DAY, Srs, SrsError

NOW = 20_000 * DAY + 3600.0  # day 20,000 since 1970: 20,000 % 1024 = 544 -> "RA"
OURS = Srs(secret=b"our key", domain="fwd.example")
FIRST = Srs(secret=b"their key", domain="first.example")


def test_srs0_carries_hash_timestamp_domain_and_local_part_and_reverses():
    rewritten = OURS.forward("Ana.Pop@example.org", now=NOW)
    assert re.fullmatch(r"SRS0=[A-Za-z0-9+/]{4}=RA=example\.org=Ana\.Pop@fwd\.example", rewritten)
    assert OURS.reverse(rewritten, now=NOW) == "Ana.Pop@example.org"
    # Some hosts lower-case local parts: the hash is compared without case.
    assert OURS.reverse(rewritten.lower().replace("fwd.example", "FWD.example"), now=NOW) == (
        "ana.pop@example.org"
    )


def test_an_address_another_forwarder_rewrote_becomes_srs1_pointing_at_that_forwarder():
    theirs = FIRST.forward("ana@example.org", now=NOW)
    ours = OURS.forward(theirs, now=NOW)
    assert ours.startswith("SRS1=") and ours.endswith(
        "=first.example==" + theirs[5:].rpartition("@")[0] + "@fwd.example"
    )
    assert OURS.reverse(ours, now=NOW) == theirs
    assert FIRST.reverse(OURS.reverse(ours, now=NOW), now=NOW) == "ana@example.org"
    # A third forwarder keeps the first one: the bounce skips us.
    third = Srs(secret=b"k3", domain="third.example")
    again = third.forward(ours, now=NOW)
    assert "=first.example==" in again
    assert third.reverse(again, now=NOW) == theirs


def test_the_null_sender_stays_null_and_our_own_addresses_are_not_wrapped_twice():
    assert OURS.forward("", now=NOW) == ""
    ours = OURS.forward("ana@example.org", now=NOW)
    assert OURS.forward(ours, now=NOW) == ours


@pytest.mark.parametrize(
    "address",
    [
        "SRS0=AAAA=RA=example.org=ana@fwd.example",  # forged hash
        "SRS0=abcd=RA=example.org@fwd.example",  # too few fields
        "SRS1=AAAA=first.example==x=RA=example.org=ana@fwd.example",
        "ana@fwd.example",
        "SRS0=AAAA=RA=example.org=ana@other.example",  # not our domain
    ],
)
def test_forged_or_foreign_addresses_do_not_reverse(address):
    with pytest.raises(SrsError):
        OURS.reverse(address, now=NOW)


def test_an_address_older_than_21_days_no_longer_reverses():
    rewritten = OURS.forward("ana@example.org", now=NOW)
    assert OURS.reverse(rewritten, now=NOW + 21 * DAY) == "ana@example.org"
    with pytest.raises(SrsError):
        OURS.reverse(rewritten, now=NOW + 22 * DAY)
    # Another key does not verify it either.
    with pytest.raises(SrsError):
        Srs(secret=b"other", domain="fwd.example").reverse(rewritten, now=NOW)
