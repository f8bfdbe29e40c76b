"""Benchmark: import 1,000,000 orders for 100,000 customers from CSV, on SQLite and PostgreSQL.

    uv run python bench/import_orders.py [--orders N] [--customers N] [--repeat R] [--no-postgres]

Each database is fresh (a temporary SQLite file; a PostgreSQL database `clientela_bench`, or
CLIENTELA_BENCH_PG_DB, created and dropped here). Migrations run in a subprocess with
CLIENTELA_DATABASE_URL set; the import runs in another subprocess through the real service
(`import_run_file`) and reports its own wall time and peak RSS. The peer figure is the raw
loader of each database loading the same CSV into a bare table: `sqlite3 .import` and `psql
\\copy`.
Targets: 1M orders in ≤ 90 s on SQLite, ≤ 60 s on PostgreSQL, peak memory < 500 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("CLIENTELA_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("CLIENTELA_BENCH_PG_DB", "clientela_bench")
RAW_TABLE = (
    "CREATE TABLE raw_orders (external_id text, customer_external_id text, "
    "customer_email text, placed_at text, total numeric, status text, currency text)"
)


def generate(path: Path, orders: int, customers: int) -> None:
    rng = random.Random(20261123)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "external_id",
                "customer_external_id",
                "customer_email",
                "placed_at",
                "total",
                "status",
                "currency",
            ]
        )
        for n in range(orders):
            c = rng.randrange(customers)
            day = 1 + rng.randrange(28)
            month = 1 + rng.randrange(12)
            writer.writerow(
                [
                    f"O{n:08d}",
                    f"C{c:06d}",
                    f"client{c}@example.com",
                    f"2024-{month:02d}-{day:02d} {rng.randrange(24):02d}:{rng.randrange(60):02d}",
                    f"{rng.randrange(100, 200000) / 100:.2f}",
                    "placed",
                    "RON",
                ]
            )


def child_env(url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CLIENTELA_DATABASE_URL": url,
        "CLIENTELA_DATA_DIR": str(data_dir),
        "CLIENTELA_SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
        "CLIENTELA_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def prepare(url: str, data_dir: Path) -> None:
    env = child_env(url, data_dir)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0", "--skip-checks"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    setup = (
        "from clientela.accounts.models import User;"
        "from clientela.accounts.services import workspace_create;"
        "u=User.objects.create_user('bench@example.com', None);"
        "workspace_create(name='Bench', slug='bench', owner=u)"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", setup],
        cwd=ROOT,
        env=env,
        check=True,
    )


def import_in_child(url: str, data_dir: Path, csv_path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(csv_path)],
        cwd=ROOT,
        env=child_env(url, data_dir),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(csv_path: str) -> None:
    """Runs in the subprocess: the real import service, timed, with its own peak RSS."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from clientela.accounts.models import Workspace
    from clientela.imports.services import import_run_file

    workspace = Workspace.objects.get(slug="bench")
    started = time.perf_counter()
    job = import_run_file(workspace=workspace, kind="orders", path=Path(csv_path), actor=None)
    elapsed = time.perf_counter() - started
    if job.status != "succeeded":
        raise SystemExit(f"import failed: {job.errors[:5]}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024
    # CPU seconds of this process: on a shared, loaded machine wall time mostly measures
    # the neighbours; CPU time is what the import itself costs.
    cpu = usage.ru_utime + usage.ru_stime
    print(
        json.dumps(
            {"seconds": elapsed, "cpu": cpu, "peak_mb": peak_mb, "created": job.created_count}
        )
    )


def timed(command: list[str], **kwargs: object) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - started


def sqlite_round(tmp: Path, csv_path: Path, n: int) -> tuple[dict[str, float], float]:
    data = tmp / f"sqlite{n}"
    data.mkdir()
    url = f"sqlite:///{data / 'bench.sqlite3'}"
    prepare(url, data)
    ours = import_in_child(url, data, csv_path)
    raw_db = data / "raw.sqlite3"
    script = f"{RAW_TABLE};\n.mode csv\n.import --skip 1 {csv_path} raw_orders\n"
    raw = timed(["sqlite3", str(raw_db)], input=script.encode())
    return ours, raw


def psql(url: str, sql: str) -> None:
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True, capture_output=True
    )


def postgres_round(tmp: Path, csv_path: Path, n: int) -> tuple[dict[str, float], float]:
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_DB}"
    psql(PG_ADMIN, f"DROP DATABASE IF EXISTS {PG_DB}")
    psql(PG_ADMIN, f"CREATE DATABASE {PG_DB}")
    try:
        data = tmp / f"pg{n}"
        data.mkdir()
        prepare(url, data)
        ours = import_in_child(url, data, csv_path)
        psql(url, RAW_TABLE)
        raw = timed(
            [
                "psql",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                url,
                "-c",
                f"\\copy raw_orders FROM '{csv_path}' WITH (FORMAT csv, HEADER true)",
            ]
        )
    finally:
        psql(PG_ADMIN, f"DROP DATABASE IF EXISTS {PG_DB}")
    return ours, raw


def report(name: str, orders: int, runs: list[tuple[dict[str, float], float]]) -> str:
    ours = statistics.median(r[0]["seconds"] for r in runs)
    cpu = statistics.median(r[0].get("cpu", 0.0) for r in runs)
    peak = max(r[0]["peak_mb"] for r in runs)
    raw = statistics.median(r[1] for r in runs)
    return (
        f"{name:<11}| {ours:8.1f} s | {orders / ours:>10,.0f} rows/s | {cpu:6.1f} s CPU |"
        f" {peak:7.0f} MB |"
        f" {raw:8.1f} s | {orders / raw:>12,.0f} rows/s | {ours / raw:5.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per database (median)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="clientela-bench-") as name:
        tmp = Path(name)
        csv_path = tmp / "orders.csv"
        generate(csv_path, args.orders, args.customers)
        size_mb = csv_path.stat().st_size / 1e6
        print(
            f"{args.orders:,} orders for {args.customers:,} customers, {size_mb:.0f} MB CSV,"
            f" median of {args.repeat} run(s)"
        )
        lines = []
        sqlite = [sqlite_round(tmp, csv_path, n) for n in range(args.repeat)]
        lines.append(report("SQLite", args.orders, sqlite))
        if not args.no_postgres:
            pg = [postgres_round(tmp, csv_path, n) for n in range(args.repeat)]
            lines.append(report("PostgreSQL", args.orders, pg))
        print(
            f"load average: {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end,"
            f" on {os.cpu_count()} CPUs"
        )
        print(
            "database   | clientela import (service): wall, rows/s, CPU | peak RSS   |"
            " raw loader (.import / \\copy)    | ratio"
        )
        print("\n".join(lines))


if __name__ == "__main__":
    main()
