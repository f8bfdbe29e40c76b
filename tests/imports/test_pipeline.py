"""Validation and writing at the same time: the feed between them, and all-or-nothing kept."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from clientela.commerce.signals import orders_placed
from clientela.customers.services import customer_create
from clientela.imports import pipeline, schema
from clientela.imports.feed import Feed
from clientela.imports.models import ImportStatus
from tests.imports.helpers import counts, errors_of, run

HEADER = "order_id;id_client;email;data;total\n"


def _orders(count: int, start: int = 0) -> str:
    return "".join(f"O{i};C{i % 5};;2024-01-01;{i}\n" for i in range(start, start + count))


def _feed_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("import-")]


# The feed ------------------------------------------------------------------------------


def test_the_feed_yields_everything_in_order():
    def produce(emit):
        for n in range(100):
            emit(n)

    with Feed(produce, depth=3) as feed:
        assert list(feed) == list(range(100))


def test_the_producer_runs_at_most_depth_items_ahead():
    made = []

    def produce(emit):
        for n in range(50):
            made.append(n)
            emit(n)

    with Feed(produce, depth=3) as feed:
        for item in feed:
            time.sleep(0.002)  # a slow consumer: the producer waits for room
            # the item in hand, the 3 queued, and the one the producer holds while waiting
            assert len(made) - item <= 5


def test_an_error_of_the_producer_is_raised_where_it_happened_in_the_stream():
    def produce(emit):
        emit(1)
        emit(2)
        raise LookupError("the third item")

    received = []
    with pytest.raises(LookupError, match="the third item"), Feed(produce) as feed:
        received.extend(feed)
    assert received == [1, 2]


def test_a_consumer_that_leaves_stops_the_producer():
    made = []

    def produce(emit):
        for n in range(10**9):
            made.append(n)
            emit(n)

    with Feed(produce, depth=2, name="import-test") as feed:
        for item in feed:
            if item == 10:
                break
    assert not _feed_threads()  # stopped and joined when the `with` ended
    assert len(made) <= 14


# The import on top of it ---------------------------------------------------------------


@pytest.fixture
def placed_sizes():
    """How many orders each `orders_placed` announced."""
    sizes: list[int] = []

    def receiver(sender, *, order_ids, **kwargs):
        sizes.append(len(order_ids))

    orders_placed.connect(receiver)
    yield sizes
    orders_placed.disconnect(receiver)


def test_a_bad_row_in_the_last_batch_undoes_the_batches_written_before(
    cast, tmp_path, monkeypatch, placed_sizes
):
    written = placed_sizes
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 10)
    before = counts()
    text = HEADER + _orders(95) + "LAST;C1;;2024-13-45;1\n"
    job = run(tmp_path, cast.shop, "orders", text)
    assert errors_of(job) == [(97, "placed_at", "'2024-13-45' is not a valid date")]
    assert (job.status, job.created_count, job.rows_read) == (ImportStatus.FAILED, 0, 96)
    assert counts() == before
    if connection.vendor == "postgresql":  # the batches were written while the file was read
        assert sum(written) > 0
    else:  # SQLite reads the whole file first
        assert written == []
    assert not _feed_threads()


def test_bad_rows_are_reported_and_not_the_conflicts_they_hide(cast, tmp_path, monkeypatch):
    """The same report on both databases: the rows' own errors, once there are any."""
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 1)
    customer_create(workspace=cast.shop, actor=None, external_id="K", email="k@example.com")
    before = counts()
    text = (
        HEADER
        + "A;N1;n@example.com;2024-01-01;1\n"
        + "B;N2;k@example.com;2024-01-01;1\n"  # the database shows K has this e-mail
        + _orders(30, start=10)
        + "Z;N3;z@example.com;someday;1\n"
    )
    job = run(tmp_path, cast.shop, "orders", text)
    assert errors_of(job) == [
        (34, "placed_at", "'someday' is not a date (use 2024-12-31 or 31.12.2024)")
    ]
    assert counts() == before


def test_a_failure_while_reading_is_raised_and_nothing_is_written(cast, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 10)
    parse = schema.OrderParser.__call__

    def failing(self, raw):
        if raw.line == 60:
            raise MemoryError("no room for line 60")
        return parse(self, raw)

    monkeypatch.setattr(schema.OrderParser, "__call__", failing)
    before = counts()
    with pytest.raises(MemoryError, match="no room for line 60"):
        run(tmp_path, cast.shop, "orders", HEADER + _orders(100))
    assert counts() == before
    assert not _feed_threads()


def test_a_large_file_is_imported_whole_across_many_batches(cast, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 7)
    job = run(tmp_path, cast.shop, "orders", HEADER + _orders(500))
    assert (job.status, job.created_count, job.rows_read) == (ImportStatus.SUCCEEDED, 500, 500)
    assert counts()["orders"] == 500
    assert counts()["customers"] == 5
