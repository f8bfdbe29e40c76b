"""Outreach rows of the API permission matrix (collected by test_permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.matrix import READ_ALL, READ_OBJECT, allowed
from tests.outreach.objects import outreach_objects

MANAGERS_CREATE = allowed(201, 403, 403, 201, 201)
MANAGERS_CHANGE = allowed(404, 403, 403, 200, 200)


def _pk(shop: Any, kind: str) -> int:
    """An outreach object in Alice's shop (created on first use within the test)."""
    cache = shop.__dict__.setdefault("_outreach", {})
    if not cache:
        workspace = shop.customer.workspace
        cache.update(outreach_objects(type("Cast", (), {"shop": workspace})()))
    return int(cache[kind])


def _to_write(shop: Any) -> int:
    from clientela.outreach.models import HandwrittenLetter

    letter = _pk(shop, "outreach_letter")
    HandwrittenLetter.objects.filter(pk=letter).update(status="to_write", done_at=None)
    return letter


CAMPAIGN = {
    "title": "New",
    "kind": "newsletter",
    "language": "ro",
    "subject": "S",
    "body_text": "Salut {{ customer.first_name }}",
}
TEMPLATE = {
    "name": "New",
    "purpose": "campaign",
    "language": "en",
    "subject": "S",
    "body_text": "Hi {{ customer.first_name }}",
}

Call = Callable[[Any], tuple[str, Any]]
MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("GET", "/outreach/automations"): (lambda s: ("/outreach/automations", None), READ_ALL),
    ("PATCH", "/outreach/automations"): (
        lambda s: ("/outreach/automations", {"thank_you_delay_days": 5}),
        allowed(200, 403, 403, 200, 200),
    ),
    ("GET", "/outreach/templates"): (lambda s: ("/outreach/templates", None), READ_ALL),
    ("POST", "/outreach/templates"): (lambda s: ("/outreach/templates", TEMPLATE), MANAGERS_CREATE),
    ("GET", "/outreach/templates/{template_id}/preview"): (
        lambda s: (
            f"/outreach/templates/{_pk(s, 'outreach_template')}/preview"
            f"?customer_id={_pk(s, 'outreach_customer')}",
            None,
        ),
        READ_OBJECT,
    ),
    ("PATCH", "/outreach/templates/{template_id}"): (
        lambda s: (f"/outreach/templates/{_pk(s, 'outreach_template')}", {"subject": "New"}),
        MANAGERS_CHANGE,
    ),
    ("POST", "/outreach/templates/{template_id}/test"): (
        lambda s: (f"/outreach/templates/{_pk(s, 'outreach_template')}/test", {}),
        allowed(404, 403, 403, 202, 202),
    ),
    ("GET", "/outreach/campaigns"): (lambda s: ("/outreach/campaigns", None), READ_ALL),
    ("PATCH", "/outreach/campaigns/{campaign_id}"): (
        lambda s: (f"/outreach/campaigns/{_pk(s, 'outreach_campaign')}", {"title": "Renamed"}),
        MANAGERS_CHANGE,
    ),
    ("GET", "/outreach/campaigns/{campaign_id}/preview"): (
        lambda s: (
            f"/outreach/campaigns/{_pk(s, 'outreach_campaign')}/preview"
            f"?customer_id={_pk(s, 'outreach_customer')}",
            None,
        ),
        READ_OBJECT,
    ),
    ("GET", "/outreach/campaigns/{campaign_id}/pdf"): (
        lambda s: (f"/outreach/campaigns/{_pk(s, 'outreach_campaign')}/pdf", None),
        READ_OBJECT,
    ),
    ("POST", "/outreach/campaigns"): (lambda s: ("/outreach/campaigns", CAMPAIGN), MANAGERS_CREATE),
    ("GET", "/outreach/campaigns/{campaign_id}"): (
        lambda s: (f"/outreach/campaigns/{_pk(s, 'outreach_campaign')}", None),
        READ_OBJECT,
    ),
    ("POST", "/outreach/campaigns/{campaign_id}/transitions"): (
        lambda s: (
            f"/outreach/campaigns/{_pk(s, 'outreach_campaign')}/transitions",
            {"action": "cancel"},
        ),
        allowed(404, 403, 403, 200, 200),
    ),
    ("GET", "/outreach/campaigns/{campaign_id}/audience"): (
        lambda s: (f"/outreach/campaigns/{_pk(s, 'outreach_campaign')}/audience", None),
        READ_OBJECT,
    ),
    ("POST", "/outreach/campaigns/{campaign_id}/test"): (
        lambda s: (f"/outreach/campaigns/{_pk(s, 'outreach_campaign')}/test", None),
        allowed(404, 403, 403, 202, 202),
    ),
    ("GET", "/outreach/letters"): (lambda s: ("/outreach/letters", None), READ_ALL),
    ("POST", "/outreach/letters/{letter_id}/done"): (
        lambda s: (f"/outreach/letters/{_to_write(s)}/done", None),
        allowed(404, 403, 200, 200, 200),
    ),
    # The outsider's own shop has no letter to write: nothing to print is a 404.
    ("GET", "/outreach/letters/pdf"): (
        lambda s: (_to_write(s) and "/outreach/letters/pdf", None),
        allowed(404, 200, 200, 200, 200),
    ),
    ("GET", "/outreach/lists"): (lambda s: ("/outreach/lists", None), READ_ALL),
    ("GET", "/outreach/lists/{list_id}/subscriptions"): (
        lambda s: (f"/outreach/lists/{_pk(s, 'outreach_list')}/subscriptions", None),
        READ_OBJECT,
    ),
    ("POST", "/outreach/lists"): (lambda s: ("/outreach/lists", {"name": "New"}), MANAGERS_CREATE),
}
