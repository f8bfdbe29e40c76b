"""Who a message is previewed for: any real member of the audience (found by name or
address), and by default a typical one, so the preview shows what most recipients read.

Typical: a customer of the audience in the version's language who has a first name (the
greeting "Dragă ," with an empty name is exactly what a preview must not show when nearly
everyone has one). When no member of the audience qualifies, an example customer (not saved)
with a first name and that language stands in, and the page says it is an example.
"""

from __future__ import annotations

from clientela.customers.models import Customer
from clientela.outreach.models import Campaign
from clientela.outreach.services.recipients import campaign_audience

SEARCH_LIMIT = 10


def typical_recipient(campaign: Campaign, language: str) -> tuple[Customer, bool]:
    """(customer, is_real): the first member of the audience in `language` with a first
    name, else an unsaved example customer in `language`."""
    for customer in campaign_audience(campaign):
        if customer.language == language and customer.first_name.strip():
            return customer, True
    return example_customer(campaign, language), False


def example_customer(campaign: Campaign, language: str) -> Customer:
    first, last = ("Ana", "Popescu") if language == "ro" else ("Anna", "Smith")
    return Customer(
        workspace=campaign.workspace,
        first_name=first,
        last_name=last,
        email="example@example.com",
        language=language,
    )


def audience_search(campaign: Campaign, query: str) -> list[Customer]:
    """Members of the audience whose name or address contains `query` (at most 10)."""
    needle = query.strip().casefold()[:100]
    if not needle:
        return []
    found = []
    for customer in campaign_audience(campaign):
        haystack = f"{customer.first_name} {customer.last_name} {customer.email}".casefold()
        if needle in haystack:
            found.append(customer)
            if len(found) == SEARCH_LIMIT:
                break
    return found
