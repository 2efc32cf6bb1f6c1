from __future__ import annotations

import duckdb
import pytest

from basewatch.geo import haversine_km, haversine_sql


def test_one_degree_of_latitude_is_111_2_km() -> None:
    # pi * 6371.0088 / 180 = 111.195 km, hand-computed.
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.195, abs=0.001)


def test_sql_agrees_with_python_and_propagates_null() -> None:
    con = duckdb.connect()
    expr = haversine_sql("a", "b", "c", "d")
    got = con.execute(f"SELECT {expr} FROM (VALUES (35.4011, 35.9487, 31.9985, 21.1918)) t(a, b, c, d)").fetchone()
    assert got is not None
    assert got[0] == pytest.approx(haversine_km(35.4011, 35.9487, 31.9985, 21.1918), rel=1e-9)
    null = con.execute(f"SELECT {expr} FROM (VALUES (1.0, 2.0, NULL::DOUBLE, 3.0)) t(a, b, c, d)").fetchone()
    assert null == (None,)
