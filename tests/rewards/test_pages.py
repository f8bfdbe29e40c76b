"""The rewards pages through the web client: the ledger, proposing with the code shown once,
the PDF, the counter, approval, and the public certificate page with its limits."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from clientela.rewards.models import Compensation, GiftCertificate, Redemption
from tests.rewards.conftest import item
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


def _code(html: str) -> str:
    found = re.search(r'id="certificate-code">([A-Z0-9-]+)<', html)
    assert found, html[:2000]
    return found.group(1)


def test_an_agent_gives_a_certificate_and_sees_its_code_once(cast, ana, client_for):
    from clientela.rewards.models import CompensationKind

    gift = item(cast, CompensationKind.GIFT_CERTIFICATE)
    agent = client_for(cast.teammate)
    page = agent.get(f"/w/alice/customers/{ana.pk}/compensate/")
    assert page.status_code == 200 and "25.00" in page.content.decode()  # the budget's floor
    response = post(
        agent,
        f"/w/alice/customers/{ana.pk}/compensate/",
        {"item": gift.pk, "cost": "20", "case_ref": "C-1"},
    )
    assert response.status_code == 200
    code = _code(response.content.decode())
    certificate = GiftCertificate.objects.get()
    pdf = post(agent, f"/w/alice/rewards/certificates/{certificate.pk}/", {"code": code})
    assert pdf["Content-Type"] == "application/pdf"
    assert code in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    wrong = post(agent, f"/w/alice/rewards/certificates/{certificate.pk}/", {"code": "X"})
    assert wrong.status_code == 400
    ledger = agent.get("/w/alice/rewards/").content.decode()
    assert "C-1" in ledger and "20.00\N{NO-BREAK SPACE}RON" in ledger


def test_another_workspaces_certificate_is_a_404(cast, given, client_for):
    outsider = client_for(cast.outsider)
    url = f"/w/charlie/rewards/certificates/{given.certificate.pk}/"
    assert post(outsider, url, {"code": given.code}).status_code == 404


def test_a_manager_approves_from_the_ledger(cast, ana, client_for):
    from clientela.rewards.models import CompensationKind

    gift = item(cast, CompensationKind.SMALL_GIFT)
    post(
        client_for(cast.teammate),
        f"/w/alice/customers/{ana.pk}/compensate/",
        {"item": gift.pk, "cost": "70"},
    )
    pending = Compensation.objects.get()
    assert pending.status == "pending"
    url = f"/w/alice/rewards/{pending.pk}/decide/"
    assert post(client_for(cast.teammate), url, {"decision": "approve"}).status_code == 403
    assert post(client_for(cast.manager), url, {"decision": "approve"}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == "given"


def test_the_counter_takes_part_of_a_balance(cast, given, client_for):
    agent = client_for(cast.teammate)
    response = post(agent, "/w/alice/rewards/counter/", {"code": given.code, "amount": "5"})
    assert response.status_code == 200
    given.certificate.refresh_from_db()
    assert given.certificate.balance == Decimal("15.00")


def test_the_public_page_shows_the_balance_to_anyone_and_redeems_only_for_staff(
    cast, given, client, client_for
):
    page = post(client, "/g/alice/", {"code": given.code, "amount": "20"})
    assert page.status_code == 200 and "20.00\N{NO-BREAK SPACE}RON" in page.content.decode()
    assert Redemption.objects.count() == 0  # an anonymous visitor only sees the balance
    staff = client_for(cast.teammate)
    assert post(staff, "/g/alice/", {"code": given.code, "amount": "20"}).status_code == 200
    again = post(staff, "/g/alice/", {"code": given.code, "amount": "20"}).content.decode()
    assert "used up" in again
    assert Redemption.objects.count() == 1


def test_the_public_page_refuses_the_eleventh_bad_code_in_an_hour(cast, given, client):
    for _ in range(10):
        assert post(client, "/g/alice/", {"code": "AAAAA-AAAAA-AAAAA-AAAAA"}).status_code == 200
    assert post(client, "/g/alice/", {"code": given.code}).status_code == 429


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_pages_speak_both_languages(cast, given, client_for, language):
    member = client_for(cast.owner)
    member.cookies["django_language"] = language
    ledger = member.get("/w/alice/rewards/").content.decode()
    assert ("Compensații acordate" if language == "ro" else "Compensations given") in ledger
    assert ("20,00" if language == "ro" else "20.00") in ledger
