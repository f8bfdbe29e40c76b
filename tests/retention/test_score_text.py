"""Score lines written column by column are those "{}\t{:.4f}\t{:.4f}".format writes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from clientela.retention.score_text import score_lines

# Halves at the fourth decimal (exact in binary: 1/32, or rounded: 0.00005), carries
# (0.99995, 9.99999), the largest whole parts taken, zero, and anything else.
SPECIAL = [0.0, 1.0, 0.03125, 0.00005, 0.99995, 9.99999, 123456.78905, 9999999.99994, 1e-300]
VALUES = st.one_of(st.sampled_from(SPECIAL), st.floats(0, 9_999_999.9999, allow_subnormal=True))


def python_lines(ids: list[str], alive: list[float], expected: list[float]) -> str:
    return "\n".join(map("{}\t{:.4f}\t{:.4f}".format, ids, alive, expected))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.from_regex(r"[!-~]{1,12}", fullmatch=True), VALUES, VALUES), min_size=1)
)
def test_the_lines_are_those_python_formats(rows: list[tuple[str, float, float]]) -> None:
    ids, alive, expected = (list(column) for column in zip(*rows, strict=True))
    text = score_lines(np.array([i.encode() for i in ids]), np.array(alive), np.array(expected))
    assert text == python_lines(ids, alive, expected)


def test_negative_or_huge_numbers_are_left_to_python() -> None:
    ids = np.array([b"a", b"b"])
    assert score_lines(ids, np.array([0.5, 0.5]), np.array([1.0, -0.0])) is None
    assert score_lines(ids, np.array([0.5, 0.5]), np.array([1.0, 1e7])) is None
    assert score_lines(ids, np.array([0.5, 0.5]), np.array([1.0, np.inf])) is None
