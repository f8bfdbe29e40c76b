"""A separate process for the concurrency tests: it sets a certificate up, redeems it from
many threads at once, or reports its state, against the database its environment names.

    python -m tests.rewards.redeem_worker setup <amount>           -> prints "<id> <code>"
    python -m tests.rewards.redeem_worker redeem <id> <code> <amount> <procs> <threads> <go>
                                                                    -> prints "<ok> <refused>"

`procs` > 1 forks that many processes after Django is loaded (starting fifty interpreters
that each import Django takes minutes on a busy two-core machine); each child opens its own
database connection, so they are as separate as any two server processes.
    python -m tests.rewards.redeem_worker report <id>   -> prints "<balance> <count> <sum>"
"""

from __future__ import annotations

import os
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path


def setup(amount: str) -> None:
    from clientela.accounts.models import User
    from clientela.accounts.services import workspace_create
    from clientela.customers.models import Customer
    from clientela.rewards.models import CatalogueItem, CompensationKind
    from clientela.rewards.services.catalogue import catalogue_seed
    from clientela.rewards.services.compensations import (
        compensation_approve,
        compensation_propose,
    )

    owner = User.objects.create_user(f"owner{os.getpid()}@example.com", "pw-not-used-9")
    shop = workspace_create(name="Race shop", slug=f"race{os.getpid()}", owner=owner)
    customer = Customer.objects.create(workspace=shop, first_name="Ana", email="ana@example.com")
    catalogue_seed(workspace=shop)
    item = CatalogueItem.objects.get(workspace=shop, kind=CompensationKind.GIFT_CERTIFICATE)
    given = compensation_propose(customer=customer, actor=None, item=item, cost=Decimal(amount))
    if given.certificate is None:
        given = compensation_approve(compensation=given.compensation, actor=None)
    assert given.certificate is not None
    print(given.certificate.pk, given.code)


def redeem(pk: str, code: str, amount: str, procs: str, threads: str, go: str) -> None:
    from django.db import connections

    if int(procs) == 1:
        print(*_redeem_threads(pk, amount, int(threads), go))
        return
    connections.close_all()  # no connection may be shared with the children
    pipes = []
    for _ in range(int(procs)):
        read, write = os.pipe()
        if os.fork() == 0:  # the child: redeem, report through the pipe, leave at once
            os.close(read)
            status = 0
            try:
                ok, refused = _redeem_threads(pk, amount, int(threads), go)
                os.write(write, f"{ok} {refused}".encode())
            except BaseException as exc:
                os.write(write, f"error {exc!r}".encode())
                status = 1
            os._exit(status)
        os.close(write)
        pipes.append(read)
    total = [0, 0]
    for read in pipes:
        with os.fdopen(read) as pipe:
            words = pipe.read().split()
        assert words[0] != "error", words
        total = [total[0] + int(words[0]), total[1] + int(words[1])]
    for _ in pipes:
        os.wait()
    print(*total)


def _redeem_threads(pk: str, amount: str, threads: int, go: str) -> tuple[int, int]:
    from django.db import connection

    from clientela.rewards.models import GiftCertificate, RedemptionChannel
    from clientela.rewards.services.certificates import RedemptionRefused, certificate_redeem

    results: list[bool] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            certificate = GiftCertificate.objects.get(pk=pk)  # connects before the start
            Path(f"{go}.ready.{os.getpid()}.{threading.get_ident()}").touch()
            while not Path(go).exists():
                time.sleep(0.005)
            certificate_redeem(
                certificate=certificate,
                actor=None,
                amount=Decimal(amount),
                channel=RedemptionChannel.COUNTER,
            )
            results.append(True)
        except RedemptionRefused:
            results.append(False)
        except BaseException as exc:  # reported below: a thread cannot fail the process
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    if errors:
        raise errors[0]
    return results.count(True), results.count(False)


def report(pk: str) -> None:
    from django.db.models import Count, Sum

    from clientela.rewards.models import GiftCertificate, Redemption

    certificate = GiftCertificate.objects.get(pk=pk)
    used = Redemption.objects.filter(certificate=certificate).aggregate(
        n=Count("id"), s=Sum("amount")
    )
    print(certificate.balance, used["n"], used["s"] or 0)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    command, *args = sys.argv[1:]
    {"setup": setup, "redeem": redeem, "report": report}[command](*args)
