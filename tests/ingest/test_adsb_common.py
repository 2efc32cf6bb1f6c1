"""Shared reader helpers against simple Python oracles: forward fill, CSV line numbers, time units."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basewatch.ingest.adsb.common import epoch_seconds, forward_fill, read_csv_rows, to_bool, to_float

groups_and_values = st.lists(
    st.tuples(st.integers(0, 3), st.one_of(st.none(), st.integers(-5, 5))), min_size=0, max_size=60
)


@given(groups_and_values)
def test_forward_fill_matches_a_loop(rows: list[tuple[int, int | None]]) -> None:
    rows = sorted(rows, key=lambda r: r[0])  # groups contiguous, order inside a group kept (stable sort)
    expected: list[int | None] = []
    last: dict[int, int | None] = {}
    for g, v in rows:
        if v is not None:
            last[g] = v
        expected.append(last.get(g))
    groups = np.array([g for g, _ in rows], dtype=np.int64)
    start = np.r_[True, groups[1:] != groups[:-1]] if len(rows) else np.zeros(0, dtype=np.bool_)
    got = forward_fill({"v": pa.array([v for _, v in rows], pa.int64())}, start)["v"]
    assert got.to_pylist() == expected


line_kinds = st.lists(st.sampled_from(["good", "short", "long", "blank"]), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(line_kinds)
def test_csv_rows_know_their_lines(kinds: list[str]) -> None:
    text = {"good": "{n},x,y", "short": "{n},x", "long": "{n},x,y,z", "blank": ""}
    body = "\n".join(text[k].format(n=i + 2) for i, k in enumerate(kinds)) + "\n"
    rows = read_csv_rows(("a,b,c\n" + body).encode(), Path("t.csv"), names=["a", "b", "c"])
    good = [i + 2 for i, k in enumerate(kinds) if k == "good"]
    bad = [i + 2 for i, k in enumerate(kinds) if k in ("short", "long")]
    non_blank = [(line, a) for line, a in zip(rows.line_no.to_pylist(), rows.table.column("a").to_pylist(),
                                              strict=True) if a is not None]
    assert non_blank == [(n, str(n)) for n in good]  # each row's line number is the one written in it
    assert [n for n, _ in rows.bad] == bad


@pytest.mark.parametrize(
    ("values", "unit", "expected"),
    [
        (pa.array([1733000000]), "s", 1733000000.0),
        (pa.array([1733000000123]), "auto", 1733000000.123),     # milliseconds (pandas' default)
        (pa.array([1733000000.5]), "auto", 1733000000.5),        # seconds
        (pa.array([1733000000123456]), "auto", 1733000000.123456),  # microseconds
        (pa.array(["2024-11-30T20:53:20.25Z"]), "s", 1733000000.25),
        (pa.array(["2024-11-30 20:53:20"]), "s", 1733000000.0),  # no offset: UTC
        (pa.array(["1733000000"]), "s", 1733000000.0),
        (pa.array([dt.datetime(2024, 11, 30, 20, 53, 20, tzinfo=dt.UTC)], pa.timestamp("ns", tz="UTC")), "s",
         1733000000.0),
    ],
)
def test_epoch_seconds(values: pa.Array, unit: str, expected: float) -> None:
    # 1733000000 s = 2024-11-30 20:53:20 UTC (date -u -d @1733000000).
    assert epoch_seconds(values, unit).to_pylist()[0] == pytest.approx(expected, abs=1e-6)


def test_unreadable_values_become_null() -> None:
    assert epoch_seconds(pa.array(["soon", None, "1733000000"]), "s").to_pylist() == [None, None, 1733000000.0]
    assert to_float(pa.array([" 1.5 ", "abc", None, "nan"])).to_pylist() == [1.5, None, None, None]
    assert to_bool(pa.array(["-1", "0", "True", "f", "maybe"])).to_pylist() == [True, False, True, False, None]
