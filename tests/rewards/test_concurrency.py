"""50 redemptions of one certificate at once, from threads and from processes, on the
database the run uses (SQLite: a real file in WAL mode, as deployed; PostgreSQL: this test's
database): exactly one takes a whole balance, and partial ones never take more than it."""

from __future__ import annotations

import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from tests.processes.helpers import REPO, process_env

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def env(migrated_data_dir: Path) -> dict[str, str]:
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        return process_env(migrated_data_dir, CLIENTELA_DATABASE_URL=url)
    return process_env(migrated_data_dir)


def worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.rewards.redeem_worker", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(env: dict[str, str], *args: str) -> list[str]:
    out, err = worker(env, *args).communicate(timeout=120)
    assert not err.strip() or "Traceback" not in err, err[-3000:]
    return out.split()


def race(env: dict[str, str], tmp: Path, *, issued: str, each: str, procs: int, threads: int):  # type: ignore[no-untyped-def]
    pk, code = run(env, "setup", issued)
    go = tmp / "go"
    started = [worker(env, "redeem", pk, code, each, str(procs), str(threads), str(go))]
    # The threads or forked processes are started (and connect) before any may redeem.
    try:
        begun = time.monotonic()
        while len(list(tmp.glob("go.ready.*"))) < procs * threads:
            assert time.monotonic() - begun < 300, "the redeemers did not start"
            assert started[0].poll() is None, started[0].communicate()
            time.sleep(0.05)
        go.touch()
        out, err = started[0].communicate(timeout=180)
    finally:
        if started[0].poll() is None:
            started[0].kill()
    assert started[0].returncode == 0, err[-3000:]
    ok, refused = (int(word) for word in out.split())
    balance, count, used = run(env, "report", pk)
    return ok, refused, Decimal(balance), int(count), Decimal(used)


@pytest.mark.parametrize("procs,threads", [(1, 50), (50, 1)], ids=["threads", "processes"])
def test_fifty_redemptions_of_the_whole_balance_exactly_one_succeeds(env, tmp_path, procs, threads):  # type: ignore[no-untyped-def]
    ok, refused, balance, count, used = race(
        env, tmp_path, issued="100.00", each="100.00", procs=procs, threads=threads
    )
    print(f"whole balance, {procs} x {threads}: {ok} succeeded, {refused} refused")
    assert (ok, refused) == (1, 49)
    assert (balance, count, used) == (Decimal("0.00"), 1, Decimal("100.00"))


@pytest.mark.parametrize("procs,threads", [(1, 50), (50, 1)], ids=["threads", "processes"])
def test_fifty_partial_redemptions_never_overdraw(env, tmp_path, procs, threads):  # type: ignore[no-untyped-def]
    # 50 x 7 = 350 asked of 100: at most 14 can be served, and the balance stays >= 0.
    ok, refused, balance, count, used = race(
        env, tmp_path, issued="100.00", each="7.00", procs=procs, threads=threads
    )
    print(f"partial, {procs} x {threads}: {ok} succeeded, {refused} refused, balance {balance}")
    assert ok == 14 and refused == 36
    assert balance == Decimal("2.00") and balance >= 0
    assert count == ok and used == Decimal("100.00") - balance == 7 * ok
