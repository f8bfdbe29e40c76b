"""Forwarding throughput: messages per second accepted over SMTP by `manage.py forwarding`
(250 only after the outbox row is committed) and forwarded to a local aiosmtpd sink by one
`outbox_send` worker, on SQLite and PostgreSQL.

    uv run python bench/forwarding.py --db sqlite --messages 300 --rounds 3
    uv run python bench/forwarding.py --db postgres --messages 300 --rounds 3

Each round sends `--messages` letters of about 3 KB from `--clients` parallel SMTP sessions
to 50 aliases, and times (a) until the last 250 (accepted/s) and (b) until the last outbox
row is SENT (forwarded/s, end to end). Prints the medians over the rounds next to a baseline:
the same clients against a bare aiosmtpd server that answers 250 and stores nothing (the
ceiling of Python SMTP on this machine). Each run uses a fresh database.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from campaign import BASE, database, free_port, run_sink

DOMAIN = "client.bench.example"
ALIASES = 50


def wait_for_port(port: int, seconds: float = 120.0) -> None:
    """Django starts slowly on a busy machine: wait for the port up to `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=5).quit()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


def letter(n: int) -> bytes:
    body = ("Buna ziua, comanda mea a ajuns? Multumesc frumos pentru tot.\r\n" * 45).encode()
    head = (
        f"From: Maria <maria{n}@sender.example>\r\nTo: a{n % ALIASES}@{DOMAIN}\r\n"
        f"Subject: Intrebare {n}\r\nMessage-ID: <{n}.{uuid.uuid4().hex}@sender.example>\r\n"
        "Date: Sun, 06 Dec 2026 10:00:00 +0200\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode()
    return head + body


def send_all(port: int, messages: int, clients: int, start: int) -> float:
    """Send from `clients` sessions at once; return the seconds until the last 250."""
    errors: list[BaseException] = []

    def client(index: int) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
                for n in range(start + index, start + messages, clients):
                    refused = smtp.sendmail(
                        f"maria{n}@sender.example", [f"a{n % ALIASES}@{DOMAIN}"], letter(n)
                    )
                    assert refused == {}, refused
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
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
    sink_port, service_port = free_port(), free_port()
    env = {
        **os.environ,
        "CLIENTELA_DATABASE_URL": url,
        "CLIENTELA_DATA_DIR": str(tmp),
        "CLIENTELA_EMAIL_HOST": "127.0.0.1",
        "CLIENTELA_EMAIL_PORT": str(sink_port),
        "CLIENTELA_FROM_EMAIL": "shop@bench.example",
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
    from clientela.customers.services import customer_create
    from clientela.forwarding.services import alias_grant, forwarding_settings_update
    from clientela.mail.models import Outbox, OutboxStatus

    owner = User.objects.create_user("bench@example.com", "x" * 20)
    shop = workspace_create(name="Bench shop", slug="bench", owner=owner)
    forwarding_settings_update(workspace=shop, actor=None, domains=[DOMAIN], min_orders=None,
                               rate_per_hour=10_000, max_message_kb=1024)  # fmt: skip
    for n in range(ALIASES):
        customer = customer_create(workspace=shop, actor=None, email=f"c{n}@inbox.example")
        alias_grant(workspace=shop, actor=None, customer=customer, local_part=f"a{n}")

    sink = subprocess.Popen([sys.executable, __file__, "--sink", str(sink_port)], env=env)
    service = subprocess.Popen(
        [*manage, "forwarding", "--port", str(service_port)], env=env, cwd=BASE,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    worker = subprocess.Popen(
        [*manage, "outbox_send", "--batch", "50", "--poll-seconds", "0.2"], env=env, cwd=BASE
    )
    accepted, forwarded = [], []
    try:
        wait_for_port(sink_port)
        wait_for_port(service_port)
        for round_ in range(args.rounds):
            start = round_ * args.messages
            began = time.perf_counter()
            took = send_all(service_port, args.messages, args.clients, start)
            accepted.append(args.messages / took)
            target = start + args.messages
            while Outbox.objects.filter(status=OutboxStatus.SENT).count() < target:
                if worker.poll() is not None:
                    raise RuntimeError("the outbox worker exited")
                time.sleep(0.05)
            forwarded.append(args.messages / (time.perf_counter() - began))
            print(f"round {round_ + 1}: accepted {accepted[-1]:.0f}/s, "
                  f"forwarded {forwarded[-1]:.0f}/s", flush=True)  # fmt: skip
    finally:
        for process in (service, worker):
            process.terminate()
            process.wait()
    baseline_port = free_port()
    baseline_proc = subprocess.Popen([sys.executable, __file__, "--sink", str(baseline_port)],
                                     env=env)  # fmt: skip
    try:
        wait_for_port(baseline_port)
        baseline = [args.messages / send_all(baseline_port, args.messages, args.clients, 0)
                    for _ in range(args.rounds)]  # fmt: skip
    finally:
        for process in (baseline_proc, sink):
            process.terminate()
            process.wait()
    print()
    print("| | messages x rounds | clients | accepted msg/s (median) | forwarded msg/s (median) |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| clientela forwarding ({args.db}) | {args.messages} x {args.rounds} | {args.clients}"
        f" | {statistics.median(accepted):.0f} | {statistics.median(forwarded):.0f} |"
    )
    print(f"| baseline: bare aiosmtpd, 250 and store nothing | {args.messages} x {args.rounds} |"
          f" {args.clients} | {statistics.median(baseline):.0f} | - |")  # fmt: skip


if __name__ == "__main__":
    main()
