"""The templates a workspace starts with, per purpose and language. Plain letters: a thank-you
is a thank-you, not a coupon (the guide: thanks, the choice of the shop, an invitation back)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultTemplate:
    name: str
    subject: str
    body_text: str
    body_html: str


DEFAULTS: dict[tuple[str, str], DefaultTemplate] = {
    ("thank_you", "ro"): DefaultTemplate(
        "Scrisoare de mulțumire",
        "Mulțumim, {{ customer.first_name|default:customer.display_name }}!",
        "Dragă {{ customer.first_name|default:customer.display_name }},\n\n"
        "Vă mulțumim pentru cumpărătura de săptămâna trecută și pentru că ați ales "
        "{{ shop.name }}. Sperăm că sunteți mulțumit(ă) de ea.\n\n"
        "Vă așteptăm cu drag să reveniți oricând; dacă aveți o întrebare, "
        "răspundeți la acest mesaj și vă ajutăm.\n\n"
        "Cu stimă,\n{{ shop.name }}",
        "",
    ),
    ("thank_you", "en"): DefaultTemplate(
        "Thank-you letter",
        "Thank you, {{ customer.first_name|default:customer.display_name }}!",
        "Dear {{ customer.first_name|default:customer.display_name }},\n\n"
        "Thank you for your purchase last week and for choosing {{ shop.name }}. "
        "We hope you are happy with it.\n\n"
        "You are always welcome back; if you have a question, just reply to this "
        "message and we will help.\n\n"
        "Kind regards,\n{{ shop.name }}",
        "",
    ),
    # No unsubscribe line of their own: the layout's footer carries it in both parts.
    ("win_back", "ro"): DefaultTemplate(
        "Ne este dor de dumneavoastră",
        "{{ customer.first_name|default:customer.display_name }}, ne-ar bucura să reveniți",
        "Dragă {{ customer.first_name|default:customer.display_name }},\n\n"
        "A trecut ceva timp de la ultima vizită la {{ shop.name }}. Dacă ceva nu a fost "
        "pe placul dumneavoastră, spuneți-ne: răspundeți la acest mesaj.\n\n"
        "Vă așteptăm cu drag,\n{{ shop.name }}",
        "",
    ),
    ("win_back", "en"): DefaultTemplate(
        "We miss you",
        "{{ customer.first_name|default:customer.display_name }}, we would love to see you again",
        "Dear {{ customer.first_name|default:customer.display_name }},\n\n"
        "It has been a while since your last visit to {{ shop.name }}. If something was "
        "not right, tell us: just reply to this message.\n\n"
        "We hope to see you soon,\n{{ shop.name }}",
        "",
    ),
    # The letter copied by hand: on paper there is no link to follow and no reply button, so
    # it says neither; the signature is the writer's (the printed page keeps room for it).
    # Its subject is never shown: a template has one.
    ("letter", "ro"): DefaultTemplate(
        "Scrisoare scrisă de mână",
        "Scrisoare de mulțumire",
        "Dragă {{ customer.first_name|default:customer.display_name }},\n\n"
        "Vă mulțumim că ați ales {{ shop.name }}{% if order.placed_at %} și pentru "
        'cumpărătura din {{ order.placed_at|date:"j F Y" }}{% endif %}. Sperăm că vă bucurați '
        "de alegerea făcută și că ne-am ridicat la înălțimea așteptărilor dumneavoastră.\n\n"
        "Ne-ar face o deosebită plăcere să vă revedem; vă așteptăm oricând cu drag.\n\n"
        "Cu stimă și recunoștință,",
        "",
    ),
    ("letter", "en"): DefaultTemplate(
        "Handwritten letter",
        "Thank-you letter",
        "Dear {{ customer.first_name|default:customer.display_name }},\n\n"
        "Thank you for choosing {{ shop.name }}{% if order.placed_at %} and for your purchase "
        'on {{ order.placed_at|date:"j F Y" }}{% endif %}. We hope you are enjoying your choice '
        "and that we lived up to what you expected of us.\n\n"
        "It would be a real pleasure to see you again; you are always welcome.\n\n"
        "With warm regards and thanks,",
        "",
    ),
    ("confirmation", "ro"): DefaultTemplate(
        "Confirmarea abonării",
        "Confirmați abonarea la {{ list.name }}",
        "Bună ziua,\n\nPentru a primi mesajele „{{ list.name }}” de la {{ shop.name }}, "
        "confirmați abonarea deschizând adresa:\n\n{{ confirm_url }}\n\n"
        "Dacă nu ați cerut acest lucru, ignorați mesajul.",
        "",
    ),
    ("confirmation", "en"): DefaultTemplate(
        "Subscription confirmation",
        "Please confirm your subscription to {{ list.name }}",
        "Hello,\n\nTo receive “{{ list.name }}” from {{ shop.name }}, confirm your "
        "subscription by opening:\n\n{{ confirm_url }}\n\n"
        "If you did not ask for this, ignore this message.",
        "",
    ),
}
