"""A campaign's content: blocks rendered to text and HTML, one version per language, each
customer mailed in theirs (else the shop's default language), and the block editor's pages."""

from __future__ import annotations

import io
from email import message_from_bytes
from email import policy as email_policy
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from PIL import Image

from clientela.accounts.policy import NotPermitted
from clientela.mail.models import Outbox
from clientela.mail.send import envelope_for
from clientela.mail.verp import unsubscribe_url
from clientela.outreach.content import (
    BlockInvalid,
    block_clean,
    blocks_clean,
    render_content,
)
from clientela.outreach.models import Campaign, CampaignVersion, ContentImage
from clientela.outreach.rendering import sample_context
from clientela.outreach.services.campaign_versions import (
    campaign_block_move,
    campaign_block_put,
    campaign_version_save,
)
from clientela.outreach.services.campaigns import CampaignInvalid, campaign_save, campaign_send
from clientela.outreach.services.images import ImageInvalid, block_ref, content_image_save
from clientela.outreach.services.preview import typical_recipient
from clientela.outreach.versions import version_for
from clientela.timeline.models import Event
from tests.web.conftest import post

BLOCKS = [
    {"type": "heading", "text": "Primăvara la {{ shop.name }}"},
    {"type": "text", "text": "Dragă {{ customer.first_name }},\n\navem noutăți."},
    {
        "type": "product",
        "name": "Ceai de tei",
        "description": "100 g",
        "price": "1234.5",
        "currency": "RON",
        "image": "",
        "url": "https://shop.example/ceai",
    },
    {
        "type": "promotion",
        "name": "Lichidare",
        "description": "",
        "discount": "-20%",
        "starts_on": "2026-04-01",
        "ends_on": "2026-04-07",
    },
    {"type": "button", "label": "Vezi oferta", "url": "https://shop.example/oferta"},
]


def _context(first: str = "Ana") -> dict[str, Any]:
    context = sample_context()
    context["customer"] = {**context["customer"], "first_name": first}
    return context


def test_blocks_render_to_a_text_part_in_the_versions_language() -> None:
    content = render_content(
        subject="Noutăți, {{ customer.first_name }}",
        blocks=blocks_clean(BLOCKS),
        context=_context(),
        language="ro",
    )

    assert content.subject == "Noutăți, Ana"
    assert content.text == (
        "Primăvara la Magazinul Ștefăniță\n"
        "================================\n\n"
        "Dragă Ana,\n\navem noutăți.\n\n"
        "Ceai de tei — 1.234,50\N{NO-BREAK SPACE}RON\n100 g\nhttps://shop.example/ceai\n\n"
        "Lichidare: -20%\n1 aprilie 2026 până la 7 aprilie 2026\n\n"
        "Vezi oferta: https://shop.example/oferta\n"
    )


def test_the_html_fragment_is_a_600px_table_with_the_same_content() -> None:
    content = render_content(
        subject="S", blocks=blocks_clean(BLOCKS), context=_context(), language="en"
    )

    html = content.html_fragment
    assert html.startswith('<table role="presentation" width="100%"')
    assert "max-width:600px" in html
    assert "<h2" in html and "Primăvara la Magazinul Ștefăniță</h2>" in html
    assert "1,234.50\N{NO-BREAK SPACE}RON" in html  # English forms
    assert 'href="https://shop.example/oferta"' in html and ">Vezi oferta</a>" in html
    assert "April 1, 2026 to April 7, 2026" in html
    assert "<style" not in html and "<script" not in html


def test_a_customers_name_cannot_inject_markup_into_the_html() -> None:
    content = render_content(
        subject="S",
        blocks=[{"type": "text", "text": "Salut {{ customer.first_name }}"}],
        context=_context('<img src=x onerror="alert(1)">'),
        language="ro",
    )

    assert "<img" not in content.html_fragment
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in content.html_fragment
    assert content.text == 'Salut <img src=x onerror="alert(1)">\n'


@pytest.mark.parametrize(
    ("block", "field"),
    [
        ({"type": "marquee", "text": "x"}, "type"),
        ({"type": "heading", "text": "  "}, "text"),
        ({"type": "button", "label": "Go", "url": "javascript:alert(1)"}, "url"),
        ({"type": "button", "label": "Go"}, "url"),
        ({"type": "product", "name": "Ceai", "price": "ieftin"}, "price"),
        ({"type": "product", "name": "Ceai", "image": "../../etc/passwd"}, "image"),
        (
            {"type": "promotion", "name": "P", "starts_on": "2026-04-07", "ends_on": "2026-04-01"},
            "ends_on",
        ),
        ({"type": "promotion", "name": "P", "starts_on": "1 aprilie"}, "starts_on"),
        ({"type": "text", "text": "x" * 5001}, "text"),
    ],
)
def test_a_block_that_cannot_be_sent_is_refused_by_field(block: dict[str, str], field: str) -> None:
    with pytest.raises(BlockInvalid) as refused:
        block_clean(block)
    assert refused.value.field == field


def test_without_blocks_or_text_there_is_nothing_to_render() -> None:
    with pytest.raises(Exception, match="Add a block or write the plain text"):
        render_content(subject="S", blocks=[], context=_context(), language="ro")


def _two_languages(cast: Any) -> Campaign:
    campaign = campaign_save(
        workspace=cast.shop, actor=cast.owner, title="Primăvara", kind="brochure", language="ro"
    )
    campaign_version_save(
        campaign=campaign,
        actor=cast.owner,
        language="ro",
        subject="Primăvara, {{ customer.first_name }}",
        blocks=[{"type": "text", "text": "Dragă {{ customer.first_name }}, avem ceai nou."}],
    )
    campaign_version_save(
        campaign=campaign,
        actor=cast.owner,
        language="en",
        subject="Spring, {{ customer.first_name }}",
        blocks=[{"type": "text", "text": "Dear {{ customer.first_name }}, we have new tea."}],
    )
    return campaign


def test_each_customer_gets_the_version_in_their_language(cast: Any, build: Any) -> None:
    ana = build.customer(cast.shop, "ana@example.com", first="Ana", language="ro")
    john = build.customer(cast.shop, "john@example.com", first="John", language="en")
    tag = build.tag(cast.shop, "all", [ana, john]) if hasattr(build, "tag") else None
    campaign = _two_languages(cast)
    campaign.audience_segments = []
    campaign.holdout_percent = 0
    campaign.save()
    if tag is None:
        from clientela.customers.models import Tag

        tag = Tag.objects.create(workspace=cast.shop, name="all")
        ana.tags.add(tag)
        john.tags.add(tag)
    campaign.audience_tags.set([tag])

    campaign_send(campaign=campaign, actor=cast.owner)

    rows = {row.to_address: row for row in Outbox.objects.filter(source_type="campaign")}
    assert rows["ana@example.com"].subject == "Primăvara, Ana"
    assert rows["ana@example.com"].language == "ro"
    assert rows["ana@example.com"].body_text.startswith("Dragă Ana, avem ceai nou.\n")
    assert rows["john@example.com"].subject == "Spring, John"
    assert rows["john@example.com"].language == "en"
    assert rows["john@example.com"].body_text.startswith("Dear John, we have new tea.\n")
    # Marketing mail carries its opt-out in the text (once: the layout's footer, added as the
    # row is sent), and an HTML part from the same blocks.
    for row in rows.values():
        sent = message_from_bytes(envelope_for(row, "Alice's Shop", "shop@example.com").data,
                                  policy=email_policy.default)  # fmt: skip
        text = sent.get_body(("plain",)).get_content()
        assert text.count(f"{settings.SITE_URL}/u/") == 1
        assert unsubscribe_url(row.pk) in text
        assert row.body_html.startswith("<table")


def test_a_language_without_a_version_falls_back_to_the_shops_default(cast: Any) -> None:
    campaign = campaign_save(
        workspace=cast.shop, actor=cast.owner, title="Doar RO", kind="brochure", language="ro"
    )
    ro = campaign_version_save(
        campaign=campaign, actor=cast.owner, language="ro", subject="Salut", blocks=BLOCKS[:1]
    )
    assert cast.shop.default_language == "ro"

    assert version_for(campaign, "ro") == (ro, False)
    assert version_for(campaign, "en") == (ro, True)


def test_a_template_version_per_language_and_its_fallback(cast: Any) -> None:
    from clientela.outreach.models import MessageTemplate

    ro = MessageTemplate.objects.create(
        workspace=cast.shop,
        name="Vești",
        purpose="campaign",
        language="ro",
        subject="S",
        body_text="B",
    )
    en = MessageTemplate.objects.create(
        workspace=cast.shop,
        name="Vești",
        purpose="campaign",
        language="en",
        subject="S",
        body_text="B",
    )
    solo = MessageTemplate.objects.create(
        workspace=cast.shop,
        name="Solo",
        purpose="campaign",
        language="ro",
        subject="S",
        body_text="B",
    )

    assert version_for(ro, "en") == (en, False)
    assert version_for(en, "ro") == (ro, False)
    assert version_for(solo, "en") == (solo, True)


def test_sending_a_campaign_with_nothing_written_is_refused(cast: Any) -> None:
    campaign = campaign_save(
        workspace=cast.shop, actor=cast.owner, title="Gol", kind="brochure", language="ro"
    )

    with pytest.raises(CampaignInvalid, match="Write the message first"):
        campaign_send(campaign=campaign, actor=cast.owner)
    campaign.refresh_from_db()
    assert campaign.status == "draft"


def test_blocks_are_added_edited_moved_and_removed_each_with_a_timeline_row(cast: Any) -> None:
    campaign = campaign_save(
        workspace=cast.shop, actor=cast.owner, title="Blocuri", kind="brochure", language="ro"
    )
    campaign_version_save(campaign=campaign, actor=cast.owner, language="ro", subject="S")
    before = Event.objects.filter(kind="campaign.changed").count()

    for block in BLOCKS[:3]:
        campaign_block_put(campaign=campaign, actor=cast.owner, language="ro", block=block)
    campaign_block_put(
        campaign=campaign,
        actor=cast.owner,
        language="ro",
        index=0,
        block={"type": "heading", "text": "Vara"},
    )
    campaign_block_move(campaign=campaign, actor=cast.owner, language="ro", index=2, by=-1)
    version = campaign_block_move(campaign=campaign, actor=cast.owner, language="ro", index=0, by=0)

    assert [b["type"] for b in version.blocks] == ["product", "text"]
    assert Event.objects.filter(kind="campaign.changed").count() == before + 6


def test_below_a_manager_no_version_or_block_is_written(cast: Any) -> None:
    campaign = campaign_save(
        workspace=cast.shop, actor=cast.owner, title="Rol", kind="brochure", language="ro"
    )
    for member in (cast.viewer, cast.teammate):
        with pytest.raises(NotPermitted):
            campaign_version_save(campaign=campaign, actor=member, language="ro", subject="S")
    assert not CampaignVersion.objects.exists()


def test_a_sent_campaigns_content_cannot_change(cast: Any, build: Any) -> None:
    campaign = _two_languages(cast)
    campaign_send(campaign=campaign, actor=cast.owner)

    with pytest.raises(Exception, match="Cannot edit"):
        campaign_block_put(
            campaign=campaign, actor=cast.owner, language="ro", block={"type": "text", "text": "x"}
        )


def test_the_typical_recipient_has_a_first_name_and_the_versions_language(
    cast: Any, build: Any
) -> None:
    from clientela.customers.models import Tag

    nameless = build.customer(cast.shop, "x@example.com", first="", language="ro")
    english = build.customer(cast.shop, "e@example.com", first="Emma", language="en")
    ana = build.customer(cast.shop, "ana@example.com", first="Ana", language="ro")
    campaign = _two_languages(cast)
    tag = Tag.objects.create(workspace=cast.shop, name="t")
    for customer in (nameless, english, ana):
        customer.tags.add(tag)
    campaign.audience_tags.set([tag])

    assert typical_recipient(campaign, "ro") == (ana, True)
    assert typical_recipient(campaign, "en") == (english, True)
    campaign.audience_tags.set([])
    example, real = typical_recipient(campaign, "ro")
    assert (example.first_name, example.language, real) == ("Ana", "ro", False)


def _png(width: int = 4, height: int = 3) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def data_dir(tmp_path: Any) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def test_an_uploaded_image_is_served_from_the_shops_address(
    cast: Any, client: Any, data_dir: Any
) -> None:
    image = content_image_save(workspace=cast.shop, actor=cast.owner, data=_png(), name="ceai.png")

    response = client.get(f"/i/{block_ref(image)}")

    assert (image.width, image.height, image.content_type) == (4, 3, "image/png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == _png()
    assert client.get(f"/i/{image.token}.gif").status_code == 404  # the wrong type
    assert client.get("/i/not-a-token-at-all-xxxxxxxx.png").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not really", "not a readable image"),
        (b"<svg onload=alert(1)>", "PNG, JPEG or GIF"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024), "at most 2 MB"),
    ],
)
def test_an_upload_that_is_not_a_small_image_is_refused(
    cast: Any, data_dir: Any, data: bytes, message: str
) -> None:
    with pytest.raises(ImageInvalid, match=message):
        content_image_save(workspace=cast.shop, actor=cast.owner, data=data)
    assert not ContentImage.objects.exists()


def test_an_image_too_large_in_pixels_is_refused(cast: Any, data_dir: Any) -> None:
    with pytest.raises(ImageInvalid, match="4000 pixels"):
        content_image_save(workspace=cast.shop, actor=cast.owner, data=_png(4001, 1))


def test_the_editor_adds_a_product_with_its_image_and_previews_it(
    cast: Any, client_for: Any, build: Any, data_dir: Any
) -> None:
    campaign = campaign_save(
        workspace=cast.shop, actor=cast.owner, title="Ed", kind="brochure", language="ro"
    )
    client = client_for(cast.manager)
    base = f"/w/alice/outreach/campaigns/{campaign.pk}/content/ro/"
    post(client, base + "change/", {"op": "subject", "subject": "Noutăți {{ shop.name }}"})
    upload = io.BytesIO(_png())
    upload.name = "ceai.png"

    response = post(
        client,
        base + "change/",
        {
            "op": "add",
            "type": "product",
            "new-product-name": "Ceai",
            "new-product-price": "12,5",
            "new-product-currency": "RON",
            "new-product-image": upload,
        },
    )

    assert response.status_code == 302
    version = CampaignVersion.objects.get(campaign=campaign, language="ro")
    image = ContentImage.objects.get()
    assert version.blocks == [
        {
            "type": "product",
            "name": "Ceai",
            "description": "",
            "price": "12.50",
            "currency": "RON",
            "image": block_ref(image),
            "url": "",
        }
    ]
    page = client.get(base).content.decode()
    assert f"/i/{block_ref(image)}" in page  # in the preview's HTML
    assert "Ceai — 12,50" in page


def test_another_workspaces_campaign_content_is_not_found(cast: Any, client_for: Any) -> None:
    campaign = campaign_save(
        workspace=cast.shop, actor=cast.owner, title="Al meu", kind="brochure", language="ro"
    )
    outsider = client_for(cast.outsider)
    url = f"/w/charlie/outreach/campaigns/{campaign.pk}/content/ro/"

    assert outsider.get(url).status_code == 404
    assert post(outsider, url + "change/", {"op": "subject", "subject": "x"}).status_code == 404
    assert not CampaignVersion.objects.exists()


def test_a_viewer_sees_the_content_but_cannot_change_it(cast: Any, client_for: Any) -> None:
    campaign = _two_languages(cast)
    viewer = client_for(cast.viewer)
    url = f"/w/alice/outreach/campaigns/{campaign.pk}/content/en/"

    page = viewer.get(url)
    assert page.status_code == 200 and "Spring, " in page.content.decode()
    assert post(viewer, url + "change/", {"op": "remove", "index": "0"}).status_code == 403
    assert len(CampaignVersion.objects.get(language="en").blocks) == 1
