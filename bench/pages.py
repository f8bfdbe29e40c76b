"""Server time of every main page, on the demo's data and at 1M customers, before and after.

    uv run python bench/pages.py [--size demo|N] [--before REF] [--requests 7] [--mail M]

The data: `--size demo` is the demo shop (`clientela demo`: CDNOW, 23,570 customers, 69,659
orders, the past brochure campaign); `--size N` is N customers (SQL, as
bench/customers_list.py fills them) with three orders each over two years. Then, as a demo
that has been running: M messages sent by the workspace and kept by the demo mail sink (one
outbox row and one .eml file each; default: 5,000, or N/50 at a size), and a retention
refresh (the nightly job). The base data is built once (with the `--before` tree when given,
so both sides start from the same rows) and kept under bench/out/pages-<size>/; each side
then gets its own copy, migrates it with its own code, writes the sink with its own code and
refreshes.

Timed: each page through Django's test Client, logged in as the owner (session, membership,
middleware, template: the whole server side, no network), `--requests` times after one
untimed request; the median and the first request (cold: the first view after login). The
pages: dashboard, customers, a customer (the one with the most orders), orders, retention,
campaigns, sent mail, imports, the settings pages, and the rest of the menu.

before (`--before REF`): the same pages with the code at a git ref (a temporary worktree,
run with this checkout's environment), on a copy of the same data.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BUDGET_MS = 300.0
PAGES = [
    ("dashboard", "web:dashboard"),
    ("customers", "web:customers"),
    ("customer", "web:customer"),
    ("orders", "web:orders"),
    ("products", "web:products"),
    ("retention", "web:retention"),
    ("retention settings", "web:retention_settings"),
    ("outreach", "web:outreach"),
    ("campaigns", "web:outreach_campaigns"),
    ("lists", "web:outreach_lists"),
    ("templates", "web:outreach_templates"),
    ("outreach settings", "web:outreach_settings"),
    ("delivery", "web:outreach_delivery"),
    ("sent mail", "web:outreach_mailsink"),
    ("imports", "web:imports"),
    ("team", "web:team"),
    ("API tokens", "web:tokens"),
]


# ---------------------------------------------------------------- inside a worker process
# (run with PYTHONPATH set to one side's tree: these functions import that side's code)


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def _orders_sql(vendor: str, workspace_id: int) -> str:
    """Three orders a customer, spread over two years before now, totals 20-400 lei."""
    days = "((c.id * 37 + k.k * 211) % 730)"
    total = "(20 + (c.id * 13 + k.k * 7) % 380)"
    if vendor == "postgresql":
        placed = f"now() - make_interval(days => {days})"
        ks = "(SELECT generate_series(0, 2) AS k) AS k"
        now = "now()"
    else:
        placed = f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || {days} || ' days')"
        ks = "(SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2) AS k"
        now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    return (
        "INSERT INTO commerce_order (workspace_id, external_id, customer_id, placed_at, status, "  # noqa: S608
        f"currency, total, created_at) SELECT {workspace_id}, 'o' || c.id || '-' || k.k, c.id, "
        f"{placed}, 'placed', 'RON', {total}, {now} FROM customers_customer c, {ks} "
        f"WHERE c.workspace_id = {workspace_id}"
    )


def build_base(size: str) -> dict[str, Any]:
    """The base data: the demo shop, or N customers with their orders."""
    _setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if size == "demo":
        call_command("demo", stdout=sys.stderr)
        return {"seconds": time.perf_counter() - started}
    from customers_list import _fill_sql  # bench/customers_list.py, this checkout's

    from clientela.accounts.models import User
    from clientela.accounts.services import workspace_create

    owner = User.objects.create_user("owner@example.com", "bench password 12345")
    workspace = workspace_create(name="Bench", slug="demo", owner=owner, currency="RON")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_fill_sql(connection.vendor, workspace.pk, int(size)))
        cursor.execute(_orders_sql(connection.vendor, workspace.pk))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"seconds": time.perf_counter() - started}


def _message(row: Any) -> bytes:
    from email.message import EmailMessage
    from email.utils import format_datetime

    message = EmailMessage()
    message["From"] = "Shop <shop@example.com>"
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.sent_at)
    message["Message-ID"] = row.message_id
    message.set_content(row.body_text)
    return bytes(message)


def prepare_side(mail: int) -> dict[str, Any]:
    """This side's migrations, the sink written by this side's code, and a refresh."""
    _setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from clientela.accounts.models import Workspace
    from clientela.customers.models import Customer
    from clientela.demo.mailsink import EmlStore
    from clientela.mail.models import Outbox, OutboxKind, OutboxStatus

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    workspace = Workspace.objects.get(slug="demo")
    store = EmlStore(Path(settings.DATA_DIR) / "mailsink")
    now = timezone.now()
    customers = Customer.objects.for_workspace(workspace).exclude(email="").order_by("pk")
    rows = [
        Outbox(
            workspace=workspace,
            customer_id=pk,
            to_address=email,
            kind=OutboxKind.TRANSACTIONAL,
            source_type="bench",
            source_id=i,
            dedup_key=f"bench:{i}",
            subject=f"Mulțumim pentru comanda {i}",
            body_text="Vă mulțumim că ați cumpărat de la noi.\n",
            message_id=f"<bench-{i}-{workspace.pk}@example.com>",
            status=OutboxStatus.SENT,
            attempts=1,
            sent_at=now - timezone.timedelta(minutes=mail - i),
            created_at=now - timezone.timedelta(minutes=mail - i),
        )
        for i, (pk, email) in enumerate(customers.values_list("pk", "email")[:mail])
    ]
    Outbox.objects.bulk_create(rows, batch_size=2000)
    for row in rows:
        store.save(_message(row))
    mail_seconds = time.perf_counter() - started
    call_command("retention", "refresh", "--workspace", "demo", stdout=sys.stderr)
    return {
        "mail": len(rows),
        "mail_seconds": mail_seconds,
        "seconds": time.perf_counter() - started,
    }


def measure(requests: int) -> dict[str, Any]:
    _setup()
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from clientela.accounts.models import User, Workspace
    from clientela.customers.models import Customer

    # No collectstatic here: plain static URLs instead of the production manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    workspace = Workspace.objects.get(slug="demo")
    owner = User.objects.get(email="owner@example.com")
    busiest = (
        Customer.objects.for_workspace(workspace)
        .annotate(n=Count("orders"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:1]
    )
    client = Client()
    client.force_login(owner)
    results: dict[str, Any] = {}
    for label, name in PAGES:
        kwargs: dict[str, Any] = {"ws": workspace.slug}
        if name == "web:customer":
            kwargs["pk"] = busiest[0]
        url = reverse(name, kwargs=kwargs)
        samples = []
        for _ in range(requests + 1):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        results[label] = {"first": samples[0], "median": statistics.median(samples[1:])}
    return results


def worker(action: str, args: argparse.Namespace) -> None:
    if action == "base":
        result = build_base(args.size)
    elif action == "side":
        result = prepare_side(args.mail)
    else:
        result = measure(args.requests)
    print(json.dumps(result))


# ---------------------------------------------------------------- the driver


def run_worker(action: str, tree: Path, data_dir: Path, args: argparse.Namespace) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIENTELA_")}
    env.update(
        CLIENTELA_DATA_DIR=str(data_dir),
        CLIENTELA_SECRET_KEY="bench-pages-only",  # noqa: S106
        CLIENTELA_DEMO="1",
        PYTHONPATH=str(tree),
    )
    cmd = [sys.executable, __file__, "--worker", action, "--size", args.size]
    cmd += ["--mail", str(args.mail), "--requests", str(args.requests)]
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{action} failed in {tree}:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def side(label: str, tree: Path, base: Path, work: Path, args: argparse.Namespace) -> Any:
    data_dir = work / label
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(base, data_dir)
    prepared = run_worker("side", tree, data_dir, args)
    print(
        f"{label}: {prepared['mail']:,} messages in the sink, refreshed "
        f"({prepared['seconds']:.0f} s)",
        flush=True,
    )
    return run_worker("measure", tree, data_dir, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="demo", help="demo, or a number of customers")
    parser.add_argument("--before", metavar="REF", help="also time the pages at this git ref")
    parser.add_argument("--requests", type=int, default=7)
    parser.add_argument("--mail", type=int, default=None)
    parser.add_argument("--worker", choices=["base", "side", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mail is None:
        args.mail = 5000 if args.size == "demo" else int(args.size) // 50
    if args.worker:
        worker(args.worker, args)
        return
    work = OUT / f"pages-{args.size}"
    scratch = Path(tempfile.mkdtemp(prefix="clientela-pages-"))
    trees = {"after": ROOT}
    if args.before:
        before = scratch / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.before],
            check=True, capture_output=True,
        )  # fmt: skip
        trees = {"before": before, "after": ROOT}
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    try:
        base = work / ("base-" + (args.before or "this"))
        if not (base / "clientela.sqlite3").exists():
            base.mkdir(parents=True, exist_ok=True)
            built = run_worker("base", next(iter(trees.values())), base, args)
            print(f"base data built in {built['seconds']:.0f} s", flush=True)
        results = {label: side(label, tree, base, work, args) for label, tree in trees.items()}
    finally:
        if args.before:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(scratch / "before")],
                check=False, capture_output=True,
            )  # fmt: skip
        shutil.rmtree(scratch, ignore_errors=True)
    header = f"{'page':<20}" + "".join(
        f"{label + ' median':>16}{'(first)':>10}" for label in results
    )
    print(f"\nserver time, ms, median of {args.requests} requests after one; size {args.size}")
    print(header)
    for label, _ in PAGES:
        cells = [results[side_][label] for side_ in results]
        flag = "  over budget" if cells[-1]["median"] > BUDGET_MS else ""
        line = "".join(f"{c['median']:>16.0f}{c['first']:>10.0f}" for c in cells)
        print(f"{label:<20}{line}{flag}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
