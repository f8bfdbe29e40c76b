"""Inbound messages per second into threads through `message_receive`, SQLite and PostgreSQL.

    uv run python bench/inbox.py --db sqlite --messages 2000
    uv run python bench/inbox.py --db postgres --messages 2000

Each message goes the whole road of one arriving by our SMTP service or IMAP: parsed with the
`email` package, matched to a customer (a new one for an unknown sender), threaded (by
In-Reply-To/References for half of them, the others start a conversation), stored with its
timeline row, and the clock's signal sent. One transaction per message, as in production.
Prints the median of `--rounds` rounds next to the baseline: the `email` package parsing the
same bytes alone (no database), the ceiling of any inbox written in Python. Target: >= 50/s.
Each run uses a fresh database (a new PostgreSQL database, or a temporary SQLite file).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TARGET = 50.0


def database(kind: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}", lambda: None
    import psycopg

    name = f"bench_inbox_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_SERVER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return PG_SERVER.rsplit("/", 1)[0] + "/" + name, drop


def messages(count: int, round_no: int) -> list[bytes]:
    """Half start a conversation (a Gmail-like multipart/alternative in Romanian, quoted-
    printable), half answer the one before them (a Thunderbird-like reply with a quote)."""
    out = []
    for n in range(count):
        sender = f"client{round_no}-{n // 2}@example.ro"
        own = f"<r{round_no}-m{n}@example.ro>"
        if n % 2 == 0:
            out.append(
                (
                    f"From: Client {n} <{sender}>\r\nTo: suport@alice.example\r\n"
                    f"Subject: =?UTF-8?Q?=C3=8Entrebare_{n}?=\r\nMessage-ID: {own}\r\n"
                    "Date: Sun, 6 Dec 2026 10:00:00 +0200\r\nMIME-Version: 1.0\r\n"
                    'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\n'
                    "Content-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                    "Bun=C4=83 ziua, c=C3=A2nd ajunge coletul?\r\n\r\n-- \r\nClient\r\n--b\r\n"
                    "Content-Type: text/html; charset=UTF-8\r\n\r\n"
                    "<p>Bun\xc4\x83 ziua</p><script>x()</script>\r\n--b--\r\n"
                ).encode("latin-1")
            )
        else:
            parent = f"<r{round_no}-m{n - 1}@example.ro>"
            out.append(
                (
                    f"From: {sender}\r\nTo: suport@alice.example\r\nSubject: Re: Intrebare {n}\r\n"
                    f"Message-ID: {own}\r\nIn-Reply-To: {parent}\r\nReferences: {parent}\r\n"
                    "Date: Sun, 6 Dec 2026 11:00:00 +0200\r\n"
                    "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
                    "Mersi!\r\n\r\nOn Sun, 6 Dec 2026 Client wrote:\r\n> Bună ziua\r\n"
                ).encode()
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        url, drop = database(args.db, Path(tmp_name))
        try:
            bench(args, url, Path(tmp_name))
        finally:
            drop()


def bench(args: argparse.Namespace, url: str, tmp: Path) -> None:
    env = {
        **os.environ,
        "CLIENTELA_DATABASE_URL": url,
        "CLIENTELA_DATA_DIR": str(tmp),
        "CLIENTELA_SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "CLIENTELA_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    os.environ.update(env)
    subprocess.run(
        [sys.executable, str(BASE / "manage.py"), "migrate", "-v0"], env=env, cwd=BASE, check=True
    )
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    from clientela.accounts.models import User
    from clientela.accounts.services import workspace_create
    from clientela.inbox.models import Conversation, Message
    from clientela.inbox.services.receive import message_receive

    owner = User.objects.create_user("bench@example.com", "x" * 20)
    shop = workspace_create(name="Bench", slug="bench", owner=owner)
    ours, baseline = [], []
    for round_no in range(args.rounds):
        batch = messages(args.messages, round_no)
        started = time.perf_counter()
        for raw in batch:
            BytesParser(policy=policy.default).parsebytes(raw).get_body(("plain",))
        baseline.append(len(batch) / (time.perf_counter() - started))
        started = time.perf_counter()
        for raw in batch:
            message_receive(workspace=shop, raw=raw, channel="email")
        ours.append(len(batch) / (time.perf_counter() - started))
    stored = Message.objects.count()
    threads = Conversation.objects.count()
    assert stored == args.messages * args.rounds and threads == stored // 2, (stored, threads)
    ours_median, base_median = statistics.median(ours), statistics.median(baseline)
    print(f"database: {args.db}; {args.messages} messages x {args.rounds} rounds")
    print(f"  stored {stored} messages in {threads} conversations (every reply threaded)")
    print(f"  clientela message_receive: {ours_median:8.1f} messages/s (median)")
    print(f"  baseline email parse only: {base_median:8.1f} messages/s (median, no database)")
    verdict = "meets" if ours_median >= TARGET else "MISSES"
    print(f"  target >= {TARGET:.0f} messages/s: {verdict}")


if __name__ == "__main__":
    main()
