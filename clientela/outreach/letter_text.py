"""The text of a thank-you letter written by hand, in the customer's language.

Not the thank-you e-mail's text: a letter on paper has no link to follow and cannot be
answered by replying, so it says neither; it names the purchase's date, and leaves the
signature to the hand that writes it (the printed page keeps room for it).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import formats, translation

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order
from clientela.customers.models import Customer

LANGUAGES = ("ro", "en")

# Plain letters in the seller's guide's words: thanks, the choice of the shop, an invitation.
_TEXT = {
    "ro": (
        "Dragă {name},\n\n"
        "Vă mulțumim că ați ales {shop}{purchase}. Sperăm că vă bucurați de alegerea făcută și "
        "că ne-am ridicat la înălțimea așteptărilor dumneavoastră.\n\n"
        "Ne-ar face o deosebită plăcere să vă revedem; vă așteptăm oricând cu drag.\n\n"
        "Cu stimă și recunoștință,"
    ),
    "en": (
        "Dear {name},\n\n"
        "Thank you for choosing {shop}{purchase}. We hope you are enjoying your choice and "
        "that we lived up to what you expected of us.\n\n"
        "It would be a real pleasure to see you again; you are always welcome.\n\n"
        "With warm regards and thanks,"
    ),
}
_PURCHASE = {
    "ro": " și pentru cumpărătura din {date}",
    "en": " and for your purchase on {date}",
}


def letter_language(customer: Customer, workspace: Workspace) -> str:
    if customer.language in LANGUAGES:
        return customer.language
    return workspace.default_language if workspace.default_language in LANGUAGES else "ro"


def letter_text(*, workspace: Workspace, customer: Customer, order: Order | None) -> str:
    """The letter to copy by hand, up to the closing (the signature is the writer's)."""
    language = letter_language(customer, workspace)
    purchase = ""
    if order is not None:
        placed = order.placed_at.astimezone(ZoneInfo(workspace.time_zone)).date()
        with translation.override(language):
            purchase = _PURCHASE[language].format(date=formats.date_format(placed, "j F Y"))
    name = customer.first_name.strip() or customer.display_name
    return _TEXT[language].format(name=name, shop=workspace.name, purchase=purchase)
