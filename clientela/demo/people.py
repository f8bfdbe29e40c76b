"""Invented people for the demo shop: plausible names, unique addresses under example.ro/.com.

Pure and deterministic: the same customer ids and seed give the same people. About seven
in ten are Romanian (Faker's ro_RO, language "ro", domain example.ro), the rest English
(language "en", domain example.com). Domains under example.* are reserved (RFC 2606), so
no demo mail can ever reach a real person.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from faker import Faker

ROMANIAN_SHARE = 0.7
ADDRESS_SHARE = 0.6  # of the Romanian customers; the others left no postal address


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str
    language: str
    phone: str = ""
    address_line: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", plain.lower())


class _Addresses:
    """Hands out `first.last<n>@domain`, never the same one twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def make(self, first: str, last: str, domain: str) -> str:
        local = f"{_ascii(first) or 'client'}.{_ascii(last) or 'demo'}"
        candidate = f"{local}@{domain}"
        while candidate in self.taken:
            candidate = f"{local}{self.rng.randint(1, 999)}@{domain}"
        self.taken.add(candidate)
        return candidate


class _Pools:
    """Faker is slow per call: draw pools once, then pick from them with our own generator."""

    def __init__(self, fake: Faker, size: int) -> None:
        self.first = [fake.first_name() for _ in range(size)]
        self.last = [fake.last_name() for _ in range(size)]
        self.places = [(fake.city(), fake.postcode()) for _ in range(size // 4)]
        self.streets = [" ".join(fake.street_address().split()) for _ in range(size // 4)]


def invent_people(customer_ids: Sequence[int], *, seed: int) -> dict[int, Person]:
    rng = random.Random(seed)
    romanian, english = Faker("ro_RO"), Faker("en_US")
    romanian.seed_instance(seed)
    english.seed_instance(seed + 1)
    ro, en = _Pools(romanian, 1200), _Pools(english, 1200)
    addresses = _Addresses(rng)
    people = {}
    for customer_id in customer_ids:
        if rng.random() < ROMANIAN_SHARE:
            people[customer_id] = _romanian(ro, rng, addresses)
        else:
            first, last = rng.choice(en.first), rng.choice(en.last)
            email = addresses.make(first, last, "example.com")
            people[customer_id] = Person(first, last, email, "en")
    return people


def _romanian(pools: _Pools, rng: random.Random, addresses: _Addresses) -> Person:
    first, last = rng.choice(pools.first), rng.choice(pools.last)
    email = addresses.make(first, last, "example.ro")
    if rng.random() >= ADDRESS_SHARE:
        return Person(first, last, email, "ro", country="RO")
    city, postal_code = rng.choice(pools.places)
    return Person(
        first,
        last,
        email,
        "ro",
        phone=f"07{rng.randint(20, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
        address_line=rng.choice(pools.streets),
        city=city,
        postal_code=postal_code,
        country="RO",
    )
