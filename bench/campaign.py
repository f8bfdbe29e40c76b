"""Campaign throughput: N recipients, W `outbox_send` workers, a local aiosmtpd sink.

    uv run python bench/campaign.py --db postgres --recipients 100000 --workers 4
    uv run python bench/campaign.py --db sqlite --recipients 20000 --workers 4

Prints our sustained messages per second, the delay of a thank-you letter that falls due in
the middle of the bulk send (transactional mail is claimed first, so it must leave within
60 s), and the peer figure: plain smtplib sending the same messages in one loop, no outbox.
Each run uses a fresh database (a new PostgreSQL database, or a temporary SQLite file).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import smtplib
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def run_sink(port: int) -> None:
    """The receiving side, in its own process: accept and count, nothing else."""
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    class Counting:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            return "250 2.0.0 Ok: queued"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database(kind: str, tmp: Path) -> tuple[str, callable]:  # type: ignore[valid-type]
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}", lambda: None
    import psycopg

    name = f"bench_campaign_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_SERVER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return PG_SERVER.rsplit("/", 1)[0] + "/" + name, drop


def wait_for_port(port: int) -> None:
    for _ in range(100):
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=1).quit()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the sink did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        run_sink(args.sink)
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url, drop = database(args.db, tmp)
        try:
            bench(args, url, tmp)
        finally:
            drop()


def bench(args: argparse.Namespace, url: str, tmp: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "CLIENTELA_DATABASE_URL": url,
        "CLIENTELA_DATA_DIR": str(tmp),
        "CLIENTELA_EMAIL_HOST": "127.0.0.1",
        "CLIENTELA_EMAIL_PORT": str(port),
        "CLIENTELA_FROM_EMAIL": "shop@alice.example",
        "CLIENTELA_SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "CLIENTELA_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    os.environ.update(env)
    manage = [sys.executable, str(BASE / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=BASE, check=True)
    sys.path.insert(0, str(BASE))
    import django

    django.setup()

    from clientela.accounts.models import User
    from clientela.accounts.services import workspace_create
    from clientela.mail.message import message_build, message_bytes
    from clientela.mail.models import Outbox, OutboxKind, OutboxStatus
    from clientela.mail.send import envelope_for
    from clientela.mail.services import OutboxDraft, outbox_enqueue_many

    owner = User.objects.create_user("bench@example.com", "x" * 20)
    shop = workspace_create(name="Bench shop", slug="bench", owner=owner)
    started = time.perf_counter()
    for first in range(0, args.recipients, 5000):
        drafts = [
            OutboxDraft(
                to_address=f"r{n}@example.ro",
                to_name=f"Recipient {n}",
                subject="Our winter catalogue",
                body_text="Dear customer,\n\nOur winter catalogue is out.\n" * 10,
                body_html="<p>Dear customer,</p><p>Our winter catalogue is out.</p>" * 10,
                kind=OutboxKind.MARKETING,
                source_type="campaign",
                source_id=1,
                dedup_key=f"campaign:1:r{n}@example.ro",
            )
            for n in range(first, min(first + 5000, args.recipients))
        ]
        outbox_enqueue_many(workspace=shop, drafts=drafts)
    print(f"enqueued {args.recipients} rows in {time.perf_counter() - started:.1f} s", flush=True)

    sink = subprocess.Popen([sys.executable, __file__, "--sink", str(port)], env=env)
    wait_for_port(port)
    try:
        ours = run_workers(args, manage, env, shop, OutboxDraft, outbox_enqueue_many, OutboxKind)
        sent = Outbox.objects.filter(status=OutboxStatus.SENT, kind=OutboxKind.MARKETING)
        times = sorted(sent.values_list("sent_at", flat=True))
        thanks = Outbox.objects.get(kind=OutboxKind.TRANSACTIONAL)
        delay = (thanks.sent_at - thanks.not_before).total_seconds()
        # Sustained: the middle 80 % of the send, so start-up and the tail do not count.
        lo, hi = times[len(times) // 10], times[len(times) * 9 // 10]
        sustained = (len(times) * 0.8) / max((hi - lo).total_seconds(), 1e-9)
        peer = peer_rate(port, Outbox, envelope_for, message_build, message_bytes, args)
    finally:
        sink.terminate()
        sink.wait()
    header = ["", "recipients", "workers", "wall s", "msg/s overall", "msg/s sustained",
              "thank-you delay s"]  # fmt: skip
    rows = [
        [f"clientela outbox ({args.db})", len(times), args.workers, f"{ours:.1f}",
         f"{len(times) / ours:.0f}", f"{sustained:.0f}", f"{delay:.1f}"],
        ["peer: plain smtplib loop, no outbox", peer[0], 1, f"{peer[1]:.1f}",
         f"{peer[0] / peer[1]:.0f}", "-", "-"],
    ]  # fmt: skip
    print()
    for line in [header, ["---"] * len(header), *rows]:
        print("| " + " | ".join(str(cell) for cell in line) + " |")


def run_workers(args, manage, env, shop, OutboxDraft, outbox_enqueue_many, OutboxKind) -> float:
    from datetime import timedelta

    from django.utils import timezone

    from clientela.mail.models import Outbox, OutboxStatus

    command = [*manage, "outbox_send", "--batch", str(args.batch), "--poll-seconds", "0.2"]
    started = time.perf_counter()
    workers = [subprocess.Popen(command, env=env, cwd=BASE) for _ in range(args.workers)]
    # A thank-you letter falls due in the middle of the bulk send (a fifth of it gone).
    while Outbox.objects.filter(status=OutboxStatus.SENT).count() < args.recipients // 5:
        time.sleep(0.2)
    due = timezone.now() + timedelta(seconds=2)
    thanks = OutboxDraft(
        to_address="buyer@example.ro",
        subject="Thank you",
        body_text="Thank you for your order.\n",
        kind=OutboxKind.TRANSACTIONAL,
        source_type="thank_you",
        source_id=1,
        dedup_key="thank_you:order:1",
        not_before=due,
    )
    outbox_enqueue_many(workspace=shop, drafts=[thanks])
    total = args.recipients + 1
    while Outbox.objects.filter(status=OutboxStatus.SENT).count() < total:
        if all(w.poll() is not None for w in workers):
            raise RuntimeError("all workers exited early")
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    for w in workers:
        w.terminate()
    for w in workers:
        w.wait()
    return elapsed


def peer_rate(port, Outbox, envelope_for, message_build, message_bytes, args) -> tuple[int, float]:
    """Plain smtplib, one connection, the same built messages, no database writes."""
    rows = list(
        Outbox.objects.select_related("workspace").order_by("id")[: min(args.recipients, 20_000)]
    )
    from clientela.mail.layout import Look

    look = Look.of(rows[0].workspace)  # read once, as the sender does per batch
    smtp = smtplib.SMTP("127.0.0.1", port)
    started = time.perf_counter()
    for row in rows:
        envelope = envelope_for(row, "Bench shop", "shop@alice.example", look)
        smtp.sendmail(envelope.sender, [envelope.recipient], envelope.data)
    elapsed = time.perf_counter() - started
    smtp.quit()
    return len(rows), elapsed


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
