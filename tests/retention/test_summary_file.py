"""Reading summary CSVs: the column-by-column reader gives what the row-by-row reader gives."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientela.retention.summary_file import (
    SummaryFile,
    SummaryFileError,
    _parse_plain,
    parse,
    parse_bytes,
)

CDNOW = Path(__file__).resolve().parents[2] / "clientela" / "demo" / "data" / "cdnow"


def row_by_row(data: bytes, *, need_monetary: bool = False) -> SummaryFile | list[str]:
    text = data.decode("utf-8-sig")
    try:
        return parse(io.StringIO(text, newline=""), need_monetary=need_monetary)
    except SummaryFileError as exc:
        return exc.errors


def read(data: bytes, *, need_monetary: bool = False) -> SummaryFile | list[str]:
    try:
        return parse_bytes(data, need_monetary=need_monetary)
    except SummaryFileError as exc:
        return exc.errors


def same(a: SummaryFile | list[str], b: SummaryFile | list[str]) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return a == b
    columns = ("x", "t_x", "T", "monetary")
    return a.ids == b.ids and all(
        (getattr(a, c) is None and getattr(b, c) is None)
        or np.array_equal(getattr(a, c), getattr(b, c))
        for c in columns
    )


def plain(data: bytes, *, need_monetary: bool = False) -> SummaryFile:
    """The file as the fast path reads it; fails when the fast path declines it."""
    fast = _parse_plain(data, need_monetary=need_monetary)
    assert fast is not None
    assert same(fast, row_by_row(data, need_monetary=need_monetary))
    return fast


@pytest.mark.parametrize(
    "name", ["cdnow_customers_summary.csv", "cdnow_customers_summary_with_transactions.csv"]
)
def test_the_cdnow_summaries_are_read_column_by_column(name: str) -> None:
    data = (CDNOW / name).read_bytes()
    summary = plain(data, need_monetary=name.endswith("transactions.csv"))
    assert len(summary.ids) == 2357 and summary.ids[:2] == ("1", "2")
    assert (summary.x[0], summary.t_x[0], summary.T[0]) == (2.0, 30.43, 38.86)


def test_common_variations_of_a_plain_file_take_the_fast_path() -> None:
    # Windows line ends, a byte-order mark, no final line end, an extra column, spaces.
    summary = plain(b"\xef\xbb\xbfid,x,t_x,T,note\r\n a ,1, 2.5,3.,ok\r\n7,0,0,.5,\r\n8,3,1,2,z")
    assert summary.ids == ("a", "7", "8")
    assert summary.x.tolist() == [1.0, 0.0, 3.0]
    assert summary.t_x.tolist() == [2.5, 0.0, 1.0]
    assert summary.T.tolist() == [3.0, 0.5, 2.0]
    assert summary.monetary is None


def test_ids_beyond_ascii_and_long_numbers_are_read_exactly() -> None:
    summary = plain(
        "id,frequency,recency,T,monetary_value\n"
        "ștefan@exemplu.ro,3,30.428571428571427,38.857142857142854,1e2\n"
        "\t9\t,0,0,12345678901234567890.5,0\n".encode(),
        need_monetary=True,
    )
    assert summary.ids == ("ștefan@exemplu.ro", "9")
    assert summary.t_x.tolist() == [30.428571428571427, 0.0]
    assert summary.T.tolist() == [38.857142857142854, 12345678901234567890.5]
    assert summary.monetary is not None and summary.monetary.tolist() == [100.0, 0.0]


def test_an_error_deep_in_a_large_plain_file_is_named_by_its_line() -> None:
    rows = [f"{i},1,1.5,{i % 50 + 2}.25" for i in range(5000)]
    rows[3001] = "3001,2,9.5,4"  # file line 3003: t_x after T
    rows[4500] = "4500,1,1"  # file line 4502: a field short
    data = ("id,x,t_x,T\n" + "\n".join(rows) + "\n").encode()
    assert _parse_plain(data, need_monetary=False) is None
    assert read(data) == [
        "line 3003: t_x (9.5) is greater than T (4)",
        "line 4502: expected 4 fields, found 3",
    ]


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("9,2,3,2", "line 3: t_x (3) is greater than T (2)"),
        ("9,0,1,2", "line 3: t_x must be 0 when x is 0"),
        ("9,-1,0,2", "line 3: x must not be negative, got -1"),
        ("9,1,inf,2", "line 3: t_x is not a finite number: 'inf'"),  # and greater than T
        ("9,1,1,nan", "line 3: T is not a finite number: 'nan'"),
        ("9,1,1,2e400", "line 3: T is not a finite number: '2e400'"),
        ("9,one,1,2", "line 3: x is not a number: 'one'"),
        ("9,1,,2", "line 3: t_x is not a number: ''"),
        ("9,1,1", "line 3: expected 4 fields, found 3"),
    ],
)
def test_the_fast_path_leaves_every_bad_row_to_the_row_by_row_reader(row: str, error: str) -> None:
    data = f"id,x,t_x,T\n1,1,1,2\n{row}\n2,0,0,5\n".encode()
    assert _parse_plain(data, need_monetary=False) is None
    assert read(data)[0] == error


def test_a_file_that_is_not_utf8_is_refused_as_before() -> None:
    with pytest.raises(UnicodeDecodeError):
        parse_bytes("id,x,t_x,T\nşt,1,1,2\n".encode("cp1250"))


# Values and layouts chosen to hit every branch of both readers: numbers Python's float takes
# in odd spellings, numbers it refuses, negative, infinite, and row shapes the csv module
# reads in its own way (quotes, blank lines, lone carriage returns). Half the files are clean
# (the fast path's share), the other half may have anything anywhere.
GOOD_VALUES = ["0", "1", "2", "3.5", "12.25", " 4 ", "5.", ".5", "1e1", "1_0", "-0", "+2", "7\t"]
BAD_VALUES = ["-1", "inf", "nan", "", "one", "\u0661", "0x1", "1.2.3", '"3"', "1e400"]
GOOD_IDS = ["1", "a b", " c ", "ș", "", "n\u00a0"]
BAD_IDS = ['"q"', "x,y", "\x00"]
GOOD_SEPARATORS = ["\n", "\r\n"]
BAD_SEPARATORS = ["\r", "\n\n", "\n,,,\n", "\n \n"]
HEADERS = st.sampled_from(
    ["id,x,t_x,T", "ID,frequency,recency,T", "id,x,t_x,T,zbar", "id,frequency,recency,T,z",
     " id , x , t_x , T ", "id,x,T", '"id","x","t_x","T"', ""]
)  # fmt: skip


@st.composite
def files(draw: st.DrawFn) -> bytes:
    clean = draw(st.booleans())
    values = st.sampled_from(GOOD_VALUES if clean else GOOD_VALUES + BAD_VALUES)
    ids = st.sampled_from(GOOD_IDS if clean else GOOD_IDS + BAD_IDS)
    separators = st.sampled_from(GOOD_SEPARATORS if clean else GOOD_SEPARATORS + BAD_SEPARATORS)
    header = draw(HEADERS)
    width = header.count(",") + 1
    lines = [header]
    for _ in range(draw(st.integers(0, 6))):
        fields = [draw(ids)] + [draw(values) for _ in range(width - 1)]
        if clean and width >= 4:  # x, t_x, T in columns 2-4 and consistent: t_x <= T, ...
            fields[2:4] = sorted(fields[2:4], key=float)
            if float(fields[1]) == 0 and draw(st.integers(0, 2)):  # ... mostly: x = 0, t_x = 0
                fields[2] = "0"
        cuts = [len(fields)] if clean else [len(fields) - 1, len(fields), len(fields) + 1]
        lines.append(",".join([*fields, "9"][: draw(st.sampled_from(cuts))]))
    text = "".join(line + draw(separators) for line in lines)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return (draw(st.sampled_from(["", "\ufeff"])) + text).encode()


@settings(max_examples=400, deadline=None)
@given(files(), st.booleans())
def test_both_readers_agree_on_any_file(data: bytes, need_monetary: bool) -> None:
    assert same(
        read(data, need_monetary=need_monetary), row_by_row(data, need_monetary=need_monetary)
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**6),
            st.floats(0, 1e6, allow_subnormal=True),
            st.floats(0, 1e6, allow_subnormal=True),
        ),
        min_size=1,
        max_size=50,
    ),
    st.sampled_from(["{!r}", "{:.2f}", "{:.17g}", "{:.3e}"]),
)
def test_plain_files_of_any_numbers_are_read_exactly(
    rows: list[tuple[int, float, float]], spelling: str
) -> None:
    lines = ["id,x,t_x,T"]
    for i, (x, a, b) in enumerate(rows):
        t_x, T = sorted((a, b))
        lines.append(
            ",".join([str(i), str(x), spelling.format(t_x if x else 0.0), spelling.format(T)])
        )
    data = "\n".join(lines).encode()
    summary = read(data)
    assert same(summary, row_by_row(data))
    assert isinstance(summary, SummaryFile)
    assert summary.T.tolist() == [float(line.rsplit(",", 1)[1]) for line in lines[1:]]
