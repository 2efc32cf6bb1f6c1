"""The identity cache: reused while its inputs stand still, rebuilt when callsigns, aircraft or the
watchlist change, and always equal to a freshly computed identity."""

from __future__ import annotations

import datetime as dt
from typing import Any

from basewatch.identity import cache
from basewatch.identity.actors import aircraft_identity
from basewatch.watchlist.load import load_watchlist_text
from basewatch.watchlist.store import store_watchlist
from basewatch.workspace.core import Workspace
from tests.flights.builders import insert, points_table

T = dt.datetime(2024, 12, 14, 6, 0, tzinfo=dt.UTC)


def _point(icao24: str, callsign: str) -> dict[str, Any]:
    return {"icao24": icao24, "time": T, "lat": 35.4, "lon": 35.9, "callsign": callsign}


def _cached(ws: Workspace) -> dict[str, str | None]:
    name = cache.identity_table(ws)
    assert name == cache.TABLE
    return dict(ws.con.execute(f"SELECT icao24, actor_id FROM {name} ORDER BY icao24").fetchall())


def _built_at(ws: Workspace) -> Any:
    row = ws.con.execute(f"SELECT built_at FROM {cache.STATE}").fetchone()
    return row[0] if row else None


def test_ingest_builds_it_and_analysis_reuses_it(workspace: Workspace) -> None:
    insert(workspace, points_table([], [_point("155001", "RFF7001"), _point("3c6444", "DLH4")]))
    built = _built_at(workspace)
    assert built is not None
    # RFF\d+ is a callsign rule of the default watchlist's ru-mod-transport actor; DLH4 matches nothing
    assert _cached(workspace) == {"155001": "ru-mod-transport", "3c6444": None}
    assert _built_at(workspace) == built  # nothing changed: not rebuilt


def test_a_new_watchlist_rule_rebuilds_it(workspace: Workspace) -> None:
    insert(workspace, points_table([], [_point("3c6444", "DLH4")]))
    assert _cached(workspace)["3c6444"] is None
    text = '[[actors]]\nid = "de-lufthansa"\nname = "Lufthansa"\n[[actors.rules]]\ncallsigns = ["DLH\\\\d+"]\n'
    store_watchlist(workspace, load_watchlist_text(text, "extra.toml"), "extra.toml", text)
    assert _cached(workspace)["3c6444"] == "de-lufthansa"


def test_points_added_without_ingest_rebuild_it(workspace: Workspace) -> None:
    insert(workspace, points_table([], [_point("3c6444", "DLH4")]))
    workspace.con.execute(
        "INSERT INTO aircraft_points (icao24, time, lat, lon, callsign, source_id, row_no) "
        "VALUES ('155002', TIMESTAMPTZ '2024-12-14 07:00:00+00', 35.4, 35.9, 'RFF7002', 1, 99)"
    )
    assert _cached(workspace) == {"155002": "ru-mod-transport", "3c6444": None}


def test_it_equals_a_fresh_identity(workspace: Workspace) -> None:
    insert(workspace, points_table([], [_point("155001", "RFF7001"), _point("3c6444", "DLH4"),
                                        _point("0d0001", "XAMRT")]))
    cache.identity_table(workspace)
    cached = workspace.con.execute(f"SELECT * FROM {cache.TABLE} ORDER BY icao24").fetch_arrow_table()
    assert cached.to_pylist() == aircraft_identity(workspace).to_pylist()
    assert cached.num_rows == 3


def test_read_only_workspace_gets_a_temporary_table(tmp_path: Any) -> None:
    path = tmp_path / "w.duckdb"
    ws = Workspace(path)
    insert(ws, points_table([], [_point("155001", "RFF7001")]))
    ws.con.execute(f"DELETE FROM {cache.STATE}")
    ws.close()
    ro = Workspace(path, read_only=True)
    try:
        name = cache.identity_table(ro)
        assert name != cache.TABLE
        assert ro.con.execute(f"SELECT actor_id FROM {name}").fetchall() == [("ru-mod-transport",)]
    finally:
        ro.close()
