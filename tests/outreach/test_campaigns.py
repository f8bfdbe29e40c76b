from __future__ import annotations

import pytest
from django.utils import timezone

from clientela.customers.models import Customer, Tag
from clientela.customers.services import customer_tags_set
from clientela.mail.models import Outbox, SuppressedAddress
from clientela.mail.verp import unsubscribe_url
from clientela.outreach.models import CampaignRecipient, Subscription
from clientela.outreach.reports import campaign_send_report, campaign_uplift
from clientela.outreach.services.campaigns import (
    CampaignInvalid,
    CampaignStateError,
    campaign_cancel,
    campaign_pause,
    campaign_resume,
    campaign_save,
    campaign_schedule,
    campaign_send,
)
from clientela.outreach.services.lists import mailing_list_create
from clientela.timeline.models import Event

BODY = (
    "Dragă {{ customer.first_name }},\n{{ campaign.intro }}\n"
    "{% for p in campaign.promotions %}- {{ p.name }}: {{ p.discount }}\n{% endfor %}"
    "{{ unsubscribe_url }}"
)


def _campaign(cast, **extra):  # type: ignore[no-untyped-def]
    values = {
        "title": "Primăvara",
        "kind": "newsletter",
        "language": "ro",
        "subject": "Noutăți pentru {{ customer.first_name }}",
        "intro": "Sezon nou",
        "promotions": [{"name": "Ceai", "description": "de tei", "discount": "10%"}],
        "body_text": BODY,
        "body_html": "",
        **extra,
    }
    return campaign_save(workspace=cast.shop, actor=cast.owner, **values)


def test_content_is_validated_like_a_template(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CampaignInvalid) as caught:
        _campaign(cast, body_text="{{ campaign.titel }}")
    assert caught.value.message == "Unknown variable “campaign.titel” in body_text"
    with pytest.raises(CampaignInvalid) as caught:
        _campaign(cast, sales=[{"name": "x", "starts_on": "2026-05-02", "ends_on": "2026-05-01"}])
    assert caught.value.field == "sales"


def test_sending_targets_tags_with_consent_and_holds_out(cast, build) -> None:  # type: ignore[no-untyped-def]
    people = [build.customer(cast.shop, f"p{i}@example.com", first=f"P{i}") for i in range(20)]
    no_consent = build.customer(cast.shop, "nc@example.com", consent=False)
    suppressed = build.customer(cast.shop, "sup@example.com")
    SuppressedAddress.objects.create(
        workspace=cast.shop, address="sup@example.com", reason="unsubscribe"
    )
    for customer in [*people, no_consent, suppressed]:
        customer_tags_set(customer=customer, names=["vip"], actor=None)
    build.customer(cast.shop, "untagged@example.com")
    tag = people[0].tags.get()
    campaign = _campaign(cast, holdout_percent=10)
    campaign = campaign_save(
        workspace=cast.shop, actor=cast.owner, campaign=campaign, tag_ids=[tag.pk]
    )

    campaign = campaign_send(campaign=campaign, actor=cast.owner)

    assert campaign.status == "sending"
    held = CampaignRecipient.objects.filter(campaign=campaign, group="holdout")
    sent = CampaignRecipient.objects.filter(campaign=campaign, group="sent")
    assert (held.count(), sent.count()) == (2, 18)
    rows = Outbox.objects.filter(source_type="campaign", source_id=campaign.pk)
    assert rows.count() == 18
    assert set(rows.values_list("customer_id", flat=True)) == set(
        sent.values_list("customer_id", flat=True)
    )
    row = rows.get(customer=sent.first().customer)  # type: ignore[union-attr]
    name = row.customer.first_name  # type: ignore[union-attr]
    assert row.subject == f"Noutăți pentru {name}"
    assert row.body_text == (f"Dragă {name},\nSezon nou\n- Ceai: 10%\n{unsubscribe_url(row.pk)}")
    assert (row.kind, row.headers) == ("marketing", {"X-Clientela-Campaign": str(campaign.pk)})
    with pytest.raises(CampaignStateError):
        campaign_send(campaign=campaign, actor=cast.owner)


def test_two_customers_sharing_an_address_get_one_message(cast, build) -> None:  # type: ignore[no-untyped-def]
    from clientela.customers.models import ConsentChannel, ConsentPurpose
    from clientela.customers.services import consent_grant

    ana = build.customer(cast.shop, "ana@example.ro")
    ion = build.customer(cast.shop, "ion@ștefan.ro")  # stored as its IDNA form
    # The services refuse a second customer with a taken address, but the customer table
    # does not: rows written before addresses were normalised keep their old spelling.
    legacy = [
        Customer.objects.create(workspace=cast.shop, first_name=name, email=email)
        for name, email in [("Ana2", " Ana@Example.RO "), ("Ion2", "ION@Ștefan.ro"), ("X", "x")]
    ]
    for customer in legacy:
        consent_grant(
            customer=customer,
            purpose=ConsentPurpose.MARKETING,
            channel=ConsentChannel.EMAIL,
            source="test",
            ip=None,
            actor=None,
        )
    for customer in [ana, ion, *legacy]:
        customer_tags_set(customer=customer, names=["vip"], actor=None)
    campaign = _campaign(cast, holdout_percent=0)
    campaign = campaign_save(
        workspace=cast.shop, actor=cast.owner, campaign=campaign, tag_ids=[ana.tags.get().pk]
    )

    campaign_send(campaign=campaign, actor=cast.owner)

    rows = Outbox.objects.filter(source_type="campaign").order_by("customer_id")
    idna = "ion@xn--tefan-e9b.ro"
    assert list(rows.values_list("customer_id", "to_address")) == [
        (ana.pk, "ana@example.ro"),
        (ion.pk, idna),
    ]
    recipients = CampaignRecipient.objects.filter(campaign=campaign).order_by("customer_id")
    assert list(recipients.values_list("customer_id", "address", "group")) == [
        (ana.pk, "ana@example.ro", "sent"),
        (ion.pk, idna, "sent"),
    ]


def test_list_subscribers_need_no_other_consent(cast, build) -> None:  # type: ignore[no-untyped-def]
    mailing_list = mailing_list_create(workspace=cast.shop, actor=cast.owner, name="Noutăți")
    member = build.customer(cast.shop, "m@example.com", consent=False)
    pending = build.customer(cast.shop, "pend@example.com", consent=False)
    for customer, status in [(member, "confirmed"), (pending, "pending")]:
        Subscription.objects.create(
            workspace=cast.shop,
            mailing_list=mailing_list,
            customer=customer,
            status=status,
            confirm_token=f"t-{customer.pk}",
            source="test",
        )
    campaign = _campaign(cast, holdout_percent=0)
    campaign_save(
        workspace=cast.shop, actor=cast.owner, campaign=campaign, list_ids=[mailing_list.pk]
    )
    campaign_send(campaign=campaign, actor=cast.owner)
    assert list(Outbox.objects.values_list("to_address", flat=True)) == ["m@example.com"]


def test_pause_resume_and_cancel_move_the_queued_rows(cast, build) -> None:  # type: ignore[no-untyped-def]
    for i in range(4):
        build.customer(cast.shop, f"p{i}@example.com")
    campaign = _campaign(cast, holdout_percent=0, audience_segments=[])
    campaign_schedule(campaign=campaign, at=timezone.now(), actor=cast.owner)
    tag = Tag.objects.create(workspace=cast.shop, name="all")
    for customer in Customer.objects.for_workspace(cast.shop):
        customer.tags.add(tag)
    campaign.audience_tags.add(tag)
    campaign = campaign_send(campaign=campaign, actor=cast.owner)
    rows = Outbox.objects.filter(source_type="campaign", source_id=campaign.pk).order_by("pk")
    Outbox.objects.filter(pk=rows[0].pk).update(status="sent")

    campaign_pause(campaign=campaign, actor=cast.owner)
    assert list(rows.values_list("status", flat=True)) == ["sent", *["cancelled"] * 3]
    with pytest.raises(CampaignStateError):
        campaign_pause(campaign=campaign, actor=cast.owner)
    campaign_resume(campaign=campaign, actor=cast.owner)
    assert list(rows.values_list("status", flat=True)) == ["sent", *["queued"] * 3]
    campaign_cancel(campaign=campaign, actor=cast.owner)
    assert list(rows.values_list("status", flat=True)) == ["sent", *["cancelled"] * 3]
    with pytest.raises(CampaignStateError):
        campaign_resume(campaign=campaign, actor=cast.owner)
    kinds = list(
        Event.objects.filter(
            subject_type="campaign",
            kind__in=[
                "campaign.schedule",
                "campaign.send",
                "campaign.pause",
                "campaign.resume",
                "campaign.cancel",
            ],
        )
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "campaign.schedule",
        "campaign.send",
        "campaign.pause",
        "campaign.resume",
        "campaign.cancel",
    ]
    report = campaign_send_report(campaign)
    assert (report.counts["sent"], report.counts["cancelled"], report.counts["queued"]) == (1, 3, 0)


def test_uplift_compares_sent_and_holdout_buyers(cast, build) -> None:  # type: ignore[no-untyped-def]
    tag = Tag.objects.create(workspace=cast.shop, name="all")
    customers = [build.customer(cast.shop, f"u{i}@example.com") for i in range(20)]
    for customer in customers:
        customer.tags.add(tag)
    campaign = _campaign(cast, holdout_percent=50)
    campaign.audience_tags.add(tag)
    campaign = campaign_send(campaign=campaign, actor=cast.owner)
    sent = list(
        CampaignRecipient.objects.filter(campaign=campaign, group="sent")
        .order_by("customer_id")
        .values_list("customer", flat=True)
    )
    held = list(
        CampaignRecipient.objects.filter(campaign=campaign, group="holdout")
        .order_by("customer_id")
        .values_list("customer", flat=True)
    )
    by_id = {c.pk: c for c in customers}
    later = timezone.now() + timezone.timedelta(days=3)
    for pk in sent[:6]:
        build.order(by_id[pk], at=later, total="50.00")
    build.order(by_id[held[0]], at=later, total="20.00")
    build.order(by_id[held[1]], at=later + timezone.timedelta(days=40), total="99.00")

    uplift = campaign_uplift(campaign, days=30)

    assert uplift is not None
    assert (uplift.sent_count, uplift.holdout_count) == (10, 10)
    assert (uplift.sent_rate, uplift.holdout_rate) == (0.6, 0.1)
    assert (uplift.sent_revenue_per_recipient, uplift.holdout_revenue_per_recipient) == (30.0, 2.0)
    assert uplift.rate_difference is not None and uplift.rate_difference.estimate == pytest.approx(
        0.5
    )
    assert uplift.rate_difference.low > 0


def _tagged_campaign(cast, build, count: int, holdout: int):  # type: ignore[no-untyped-def]
    people = [build.customer(cast.shop, f"f{i}@example.com", first=f"F{i}") for i in range(count)]
    for customer in people:
        customer_tags_set(customer=customer, names=["fin"], actor=None)
    campaign = _campaign(cast, holdout_percent=holdout)
    campaign = campaign_save(
        workspace=cast.shop, actor=cast.owner, campaign=campaign, tag_ids=[people[0].tags.get().pk]
    )
    return campaign_send(campaign=campaign, actor=cast.owner)


def test_a_campaign_finishes_only_when_every_recipient_is_accounted_for(cast, build) -> None:  # type: ignore[no-untyped-def]
    from clientela.outreach.services.campaigns import campaign_finish_if_done
    from clientela.outreach.services.recipients import campaign_accounted

    campaign = _tagged_campaign(cast, build, 10, holdout=10)
    rows = list(Outbox.objects.filter(source_id=campaign.pk).order_by("pk"))
    assert (len(rows), campaign_accounted(campaign)) == (9, (1, 10))
    assert campaign_finish_if_done(campaign=campaign) is False
    outcomes = ["sent"] * 5 + ["bounced", "failed", "suppressed", "sending"]
    for row, status in zip(rows, outcomes, strict=True):
        Outbox.objects.filter(pk=row.pk).update(status=status)
    assert campaign_accounted(campaign) == (9, 10)
    assert campaign_finish_if_done(campaign=campaign) is False
    # A row that vanished (no queued or sending row left): the old rule finished here.
    Outbox.objects.filter(pk=rows[-1].pk).delete()
    assert campaign_accounted(campaign) == (9, 10)
    assert campaign_finish_if_done(campaign=campaign) is False
    campaign.refresh_from_db()
    assert campaign.status == "sending" and campaign.finished_at is None
    assert not Event.objects.filter(kind="campaign.finish").exists()


@pytest.mark.django_db(transaction=True)
def test_a_campaign_sent_through_the_relay_finishes(cast, build, sink) -> None:  # type: ignore[no-untyped-def]
    from clientela.mail.send import outbox_send_batch
    from clientela.mail.smtp import Relay
    from clientela.outreach.services.campaigns import campaign_finish_if_done
    from clientela.outreach.services.recipients import campaign_accounted

    campaign = _tagged_campaign(cast, build, 3, holdout=0)
    SuppressedAddress.objects.create(workspace=cast.shop, address="f2@example.com", reason="manual")
    relay = Relay.from_settings()
    try:
        report = outbox_send_batch(relay=relay, worker_id="test", limit=25)
    finally:
        relay.close()

    assert (report.sent, report.suppressed, len(sink.received)) == (2, 1, 2)
    assert campaign_accounted(campaign) == (3, 3)
    assert campaign_finish_if_done(campaign=campaign) is True
    assert campaign_finish_if_done(campaign=campaign) is False  # once
    campaign.refresh_from_db()
    assert campaign.status == "finished" and campaign.finished_at is not None
    assert Event.objects.filter(kind="campaign.finish").count() == 1
