"""Properties: a malformed file never imports partially and never crashes the importer."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientela.imports.models import ImportStatus
from clientela.imports.services import import_run_file
from tests.imports.helpers import counts

FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HEADER = "order_id;id_client;email;data;total\n"
SAFE = st.text(alphabet="abcdefghijklmnopqrstuvwxyzșțăîâŞŢ0123456789 ", max_size=8)

good_row = st.tuples(
    st.sampled_from(["C1", "C2", "C3"]),
    st.sampled_from(["2024-01-31", "31.01.2024 10:00", "01/02/2024", "2024-03-01T12:00:00Z"]),
    st.sampled_from(["10", "1.234,56", "1,234.56", "0,5", "99.99"]),
)
bad_row = st.one_of(
    st.tuples(st.just("date"), st.sampled_from(["32.01.2024", "2024-02-30", "ieri", "12/31/2024"])),
    st.tuples(st.just("total"), st.sampled_from(["1,234", "-1", "abc", "1.2.3,4", "", "1e3"])),
    st.tuples(st.just("short"), st.integers(min_value=1, max_value=4)),
    st.tuples(st.just("long"), st.integers(min_value=6, max_value=9)),
)


def render_bad(index: int, kind: str, value: object) -> str:
    cells = [f"B{index}", "C1", "", "2024-01-01", "10"]
    if kind == "date":
        cells[3] = str(value)
    elif kind == "total":
        cells[4] = str(value)
    elif kind == "short":
        cells = cells[: int(value)]  # type: ignore[call-overload]
    else:
        cells = cells + ["x"] * (int(value) - 5)  # type: ignore[call-overload]
    return ";".join(cells)


@FAST
@given(
    goods=st.lists(good_row, max_size=6),
    bads=st.lists(bad_row, min_size=1, max_size=4),
    order=st.randoms(use_true_random=False),
    noise=SAFE,
)
def test_bad_rows_among_good_ones_reject_the_whole_file(
    cast, tmp_path_factory, goods, bads, order, noise
):
    lines = [
        (f"G{i}{noise}".strip(), ";".join([f"G{i}", c, "", d, t]), False)
        for i, (c, d, t) in enumerate(goods)
    ]
    lines += [("", render_bad(i, kind, value), True) for i, (kind, value) in enumerate(bads)]
    order.shuffle(lines)
    path = tmp_path_factory.mktemp("csv") / "orders.csv"
    path.write_text(HEADER + "".join(text + "\n" for _, text, _ in lines), encoding="utf-8")
    before = counts()
    job = import_run_file(workspace=cast.shop, kind="orders", path=path, actor=None)
    assert job.status == ImportStatus.FAILED
    assert counts() == before
    bad_lines = {n + 2 for n, (_, _, bad) in enumerate(lines) if bad}
    assert {error["line"] for error in job.errors} == bad_lines
    assert (job.created_count, job.updated_count) == (0, 0)


@FAST
@given(data=st.binary(max_size=400), kind=st.sampled_from(["customers", "orders"]))
def test_random_bytes_end_in_a_documented_outcome(cast, tmp_path_factory, data, kind):
    path = tmp_path_factory.mktemp("csv") / "random.csv"
    path.write_bytes(data)
    before = counts()
    job = import_run_file(workspace=cast.shop, kind=kind, path=path, actor=None)
    assert job.status in {ImportStatus.SUCCEEDED, ImportStatus.FAILED}
    if job.status == ImportStatus.FAILED:
        assert counts() == before
        assert job.error_count >= 1
        assert all(set(error) == {"line", "column", "reason"} for error in job.errors)
    else:
        assert job.error_count == 0


@FAST
@given(
    prefix=st.sampled_from([HEADER, "\ufeff" + HEADER, HEADER.replace(";", ",")]),
    tail=st.text(max_size=200),
)
def test_a_valid_header_followed_by_any_text_never_crashes(cast, tmp_path_factory, prefix, tail):
    path = tmp_path_factory.mktemp("csv") / "tail.csv"
    path.write_text(prefix + tail, encoding="utf-8", errors="surrogatepass")
    before = counts()
    job = import_run_file(workspace=cast.shop, kind="orders", path=path, actor=None)
    assert job.status in {ImportStatus.SUCCEEDED, ImportStatus.FAILED}
    if job.status == ImportStatus.FAILED:
        assert counts() == before
