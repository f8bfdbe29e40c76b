"""A reimbursement's receipt photo: checked by its bytes when uploaded, and shown to the
members of its workspace only, with headers that keep it from running as a page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clientela.rewards.models import Compensation, CompensationKind
from clientela.rewards.services.compensations import CompensationError, compensation_propose
from tests.rewards.conftest import item, picture

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def _refund(cast, ana, data: bytes, name: str = "bon.png") -> Compensation:  # type: ignore[no-untyped-def]
    return compensation_propose(
        customer=ana,
        actor=cast.teammate,
        item=item(cast, CompensationKind.REIMBURSEMENT),
        cost=Decimal("12.50"),
        receipt=SimpleUploadedFile(name, data, content_type="image/png"),
    ).compensation


def test_a_file_that_only_starts_like_a_picture_is_refused(cast, ana):
    for data in (
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
        b"\xff\xd8\xff\xe0" + b"<svg onload=alert(1)>" * 20,
    ):
        with pytest.raises(CompensationError, match="JPEG, PNG or PDF"):
            _refund(cast, ana, data)
    assert Compensation.objects.count() == 0


def test_a_member_sees_the_photo_with_safe_headers(cast, ana, client_for):
    row = _refund(cast, ana, picture("JPEG"), name="bon.png")  # the name lies: the bytes decide
    for user in (cast.viewer, cast.teammate, cast.owner):
        response = client_for(user).get(f"/w/alice/rewards/{row.pk}/receipt/")
        assert response.status_code == 200
        assert response.content == picture("JPEG")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"] == f'inline; filename="receipt-{row.pk}.jpg"'


def test_the_type_served_is_the_stored_bytes_type(cast, ana, client_for):
    row = _refund(cast, ana, picture())
    with row.receipt.open("wb") as stored:  # the file on disk changed since the upload
        stored.write(PDF)
    response = client_for(cast.teammate).get(f"/w/alice/rewards/{row.pk}/receipt/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="receipt-{row.pk}.pdf"'
    with row.receipt.open("wb") as stored:
        stored.write(b"<html><script>alert(1)</script>")
    response = client_for(cast.teammate).get(f"/w/alice/rewards/{row.pk}/receipt/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_another_workspaces_user_gets_a_404(cast, ana, client_for):
    row = _refund(cast, ana, picture())
    outsider = client_for(cast.outsider)
    assert outsider.get(f"/w/alice/rewards/{row.pk}/receipt/").status_code == 404
    assert outsider.get(f"/w/charlie/rewards/{row.pk}/receipt/").status_code == 404
    assert outsider.get(f"/w/charlie/rewards/{row.pk}/").status_code == 404
    no_receipt = compensation_propose(
        customer=ana,
        actor=cast.teammate,
        item=item(cast, CompensationKind.SMALL_GIFT),
        cost=Decimal(5),
    ).compensation
    assert (
        client_for(cast.owner).get(f"/w/alice/rewards/{no_receipt.pk}/receipt/").status_code == 404
    )


def test_the_ledger_and_the_compensation_show_the_photo_or_link_the_pdf(cast, ana, client_for):
    photo = _refund(cast, ana, picture())
    scan = _refund(cast, ana, PDF, name="bon.pdf")
    agent = client_for(cast.teammate)
    ledger = agent.get("/w/alice/rewards/").content.decode()
    assert f'<img src="/w/alice/rewards/{photo.pk}/receipt/" class="receipt-thumb"' in ledger
    assert f'<a href="/w/alice/rewards/{scan.pk}/receipt/">Receipt (PDF)</a>' in ledger
    assert f'href="/w/alice/rewards/{photo.pk}/"' in ledger
    page = agent.get(f"/w/alice/rewards/{photo.pk}/").content.decode()
    assert f'<img src="/w/alice/rewards/{photo.pk}/receipt/" class="receipt-photo"' in page
    assert "Ana Ștefănescu" in page and "12.50" in page
