"""How long a campaign's "who it goes to" takes on the demo shop (23,570 customers).

    CLIENTELA_DATA_DIR=<a data folder with the demo loaded> uv run python bench/audience.py

Times `audience_summary` (the page's and the API's count per language, per reason left
out, and a sample) and `audience_count` (the number checked at send) for a campaign aimed
at every customer of the demo shop (a tag put on all of them, in a transaction rolled back
at the end), median of 5 runs after one warm-up. The baseline is what the summary
replaces: asking `contact_allowed` once per customer (a few queries each), timed over
the first 2,000 targeted customers and scaled to the whole audience. Both figures are
printed, with the counts, so they can be compared.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from clientela.accounts.models import Workspace  # noqa: E402
from clientela.customers.models import Customer, Tag  # noqa: E402
from clientela.mail.contact import ContactPurpose, contact_allowed  # noqa: E402
from clientela.outreach.models import Campaign  # noqa: E402
from clientela.outreach.services.audience import audience_count, audience_summary  # noqa: E402
from clientela.outreach.services.recipients import campaign_targeted  # noqa: E402

RUNS = 5
BASELINE_SAMPLE = 2_000


def median_seconds(call: object) -> float:
    call()  # type: ignore[operator]
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    with transaction.atomic():
        measure()
        transaction.set_rollback(True)  # the tag and the campaign leave no trace


def measure() -> None:
    workspace = Workspace.objects.order_by("pk").first()
    if workspace is None:
        raise SystemExit("No workspace: load the demo first (`clientela demo`).")
    tag = Tag.objects.create(workspace=workspace, name="bench: everyone")
    through = Customer.tags.through
    through.objects.bulk_create(
        [
            through(customer_id=pk, tag_id=tag.pk)
            for pk in Customer.objects.for_workspace(workspace).values_list("pk", flat=True)
        ],
        batch_size=5000,
    )
    campaign = Campaign.objects.create(
        workspace=workspace,
        title="bench",
        kind="newsletter",
        language="ro",
        subject="s",
        body_text="b",
        holdout_percent=10,
    )
    campaign.audience_tags.set([tag])
    summary = audience_summary(campaign)
    ours = median_seconds(lambda: audience_summary(campaign))
    count = median_seconds(lambda: audience_count(campaign))
    targeted, _standing = campaign_targeted(campaign)
    customers = list(targeted.order_by("pk")[:BASELINE_SAMPLE])
    started = time.perf_counter()
    for customer in customers:
        contact_allowed(customer, ContactPurpose.MARKETING)
    per_customer = (time.perf_counter() - started) / max(1, len(customers))
    print(f"workspace customers targeted: {summary.targeted:,}; recipients: {summary.recipients:,}")
    print("per language:", {row.language: row.count for row in summary.by_language})
    print("left out:", {row.reason: row.count for row in summary.left_out})
    print(f"audience_summary, median of {RUNS}: {ours * 1000:.0f} ms")
    print(f"audience_count (the send's check), median of {RUNS}: {count * 1000:.0f} ms")
    print(
        f"baseline, contact_allowed per customer: {per_customer * 1000:.2f} ms each, "
        f"{per_customer * summary.targeted:.1f} s for {summary.targeted:,} "
        f"(measured over {len(customers):,})"
    )


if __name__ == "__main__":
    main()
