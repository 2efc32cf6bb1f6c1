"""JSON encoding, search and great circles on small hand-made cases."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa

from basewatch.web.encode import PageRequest, dumps, great_circle, page, rows


def test_values_become_plain_json() -> None:
    t = pa.table({"t": [dt.datetime(2024, 12, 18, 6, 30, tzinfo=dt.UTC)], "d": [dt.date(2024, 12, 18)],
                  "x": [float("nan")], "s": ["<b>"]})
    assert rows(t) == [{"t": "2024-12-18T06:30:00Z", "d": "2024-12-18", "x": None, "s": "<b>"}]
    raw = dumps(rows(t))
    assert b"<" not in raw and json.loads(raw)[0]["s"] == "<b>"


def test_search_is_literal_and_case_blind_over_text_and_lists() -> None:
    t = pa.table({"name": ["Sparta IV", "Ursa Major", None], "tags": [["a.b"], [], None], "n": [1, 2, 3]})
    assert page(t, PageRequest("sparta", 0, 10))["total"] == 1
    assert page(t, PageRequest("a.b", 0, 10))["rows"] == [{"name": "Sparta IV", "tags": ["a.b"], "n": 1}]
    assert page(t, PageRequest(".*", 0, 10))["total"] == 0  # not a regular expression
    assert page(t, PageRequest(None, 1, 1))["rows"] == [{"name": "Ursa Major", "tags": [], "n": 2}]


def test_great_circle_passes_the_pole_between_opposite_meridians() -> None:
    # (0, 60) to (180, 60): the shortest path runs over the North Pole, so its middle point is at 90 N
    path = great_circle((0.0, 60.0), (180.0, 60.0), steps=2)
    assert path[0] == (0.0, 60.0) and path[-1] == (180.0, 60.0)
    assert abs(path[1][1] - 90.0) < 1e-6
    # along the equator the middle of (0, 0)-(90, 0) is (45, 0)
    assert great_circle((0.0, 0.0), (90.0, 0.0), steps=2)[1] == (45.0, 0.0)
