"""Every event kind the code records has a readable label, in English and in Romanian.

The kinds are found by reading the source: `kind="a.b"` keywords (also inside a conditional
expression), helpers called with the kind first (`self._event("customer.created", ...)`), and
f-string kinds, which must be listed in DYNAMIC with the values they can take. A new kind, or a
new f-string kind, without a label makes this test fail.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from clientela.outreach.models import CampaignAction
from clientela.retention.models import RunStatus
from clientela.timeline.services import event_record
from clientela.web.events import EVENT_LABELS

SOURCE = Path(__file__).resolve().parents[2] / "clientela"
KIND = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _trees() -> Iterator[ast.Module]:
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _moves() -> set[str]:
    """The actions of the campaign state machine: each CampaignAction (`_step` records its
    value), and the 4th argument of each `_move(...)` call given as a constant (the finish)."""
    return set(CampaignAction.values) | {
        node.args[3].value
        for tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_move"
        and len(node.args) > 3
        and isinstance(node.args[3], ast.Constant)
    }


def _dynamic() -> dict[str, set[str]]:
    return {
        # clientela/retention/services/runs.py `_finish`: a run ends in one of these.
        "retention.run_{}": set(RunStatus.values) - {RunStatus.QUEUED, RunStatus.RUNNING},
        # clientela/retention/services/validation.py `_validation_finish`.
        "retention.validation_{}": {RunStatus.SUCCEEDED, RunStatus.FAILED},
        # clientela/mail/send.py: an attempt ends sent, failed or suppressed.
        "outreach.mail_{}": {"sent", "failed", "suppressed"},
        # clientela/outreach/services/campaigns.py `_step` and `_move`.
        "campaign.{}": _moves(),
    }


def _template(node: ast.JoinedStr) -> str:
    return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)


def _kinds_of(node: ast.expr, dynamic: dict[str, set[str]]) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value} if KIND.match(node.value) else set()
    if isinstance(node, ast.IfExp):
        return _kinds_of(node.body, dynamic) | _kinds_of(node.orelse, dynamic)
    if isinstance(node, ast.JoinedStr):
        template = _template(node)
        assert template in dynamic, f"list the values of the f-string kind {template!r}"
        return {template.format(value) for value in dynamic[template]}
    return set()  # a variable passed through, e.g. `kind=kind`


def recorded_kinds() -> set[str]:
    dynamic = _dynamic()
    kinds: set[str] = set()
    for tree in _trees():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "kind":
                    kinds |= _kinds_of(keyword.value, dynamic)
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "_event" and node.args:
                kinds |= _kinds_of(node.args[0], dynamic)
    return kinds


def test_the_scan_finds_the_kinds_written_by_each_app():
    kinds = recorded_kinds()
    assert {
        "customer.created",  # a keyword
        "customer.changed",  # the import's helper
        "outreach.sending_paused",  # a conditional expression
        "outreach.sending_resumed",
        "outreach.mail_sent",  # an f-string
        "outreach.mail_bounced",
        "campaign.schedule",
        "campaign.finish",
        "retention.run_succeeded",
        "retention.run_requested",
        "token.revoked",
    } <= kinds
    assert "retention.run_queued" not in kinds


def test_every_recorded_kind_has_a_label():
    assert sorted(recorded_kinds() - set(EVENT_LABELS)) == []


def test_every_label_is_translated_to_romanian():
    with translation.override("en"):
        english = {kind: str(label) for kind, label in EVENT_LABELS.items()}
    with translation.override("ro"):
        same = [kind for kind, label in EVENT_LABELS.items() if str(label) == english[kind]]
    assert same == []


@pytest.mark.django_db
def test_mail_events_show_a_label_on_the_customer_page(cast, client_for, shop):
    for kind in ("outreach.mail_sent", "outreach.mail_failed", "outreach.mail_bounced"):
        event_record(
            workspace=cast.shop,
            kind=kind,
            subject_type="outbox",
            subject_id=1,
            customer=shop.customer,
        )
    client = client_for(cast.owner)
    page = client.get(f"/w/alice/customers/{shop.customer.pk}/").content.decode()
    shown = re.findall(r'<span class="kind" data-kind="outreach\.[^"]+">([^<]+)</span>', page)
    assert shown == ["E-mail bounced", "E-mail could not be sent", "E-mail sent"]
    client.cookies["django_language"] = "ro"
    page = client.get(f"/w/alice/customers/{shop.customer.pk}/").content.decode()
    shown = re.findall(r'<span class="kind" data-kind="outreach\.[^"]+">([^<]+)</span>', page)
    assert shown == ["E-mail returnat", "E-mailul nu a putut fi trimis", "E-mail trimis"]


def test_no_kind_is_labelled_by_two_apps():
    from clientela.web.events import APPS

    kinds = [kind for app in APPS for kind in app.EVENT_LABELS]
    assert len(kinds) == len(set(kinds)) == len(EVENT_LABELS)
