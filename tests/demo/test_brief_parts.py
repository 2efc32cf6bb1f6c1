"""Brief building blocks: the offline basemap, charts, and the activity summaries (hand-made flights)."""

from __future__ import annotations

import base64
import datetime as dt
import io

import matplotlib.image as mpimg
import pyarrow as pa

from basewatch.present import activity
from basewatch.present.basemap import countries, extent_around
from basewatch.present.brief import BriefContext, render_brief
from basewatch.present.charts import CorridorLine, OpenEnd, Place, corridor_map, daily_movements_chart
from basewatch.workspace.core import Workspace

US = 1_000_000
DEC16 = int(dt.datetime(2024, 12, 16, tzinfo=dt.UTC).timestamp()) * US
H = 3600 * US


def _inside(lon: float, lat: float, ring: tuple[tuple[float, float], ...]) -> bool:
    """Ray casting, written here independently of the package."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _country_at(lon: float, lat: float) -> str | None:
    for c in countries():
        if any(_inside(lon, lat, r) for r in c.rings):
            return c.iso_a3
    return None


def test_natural_earth_basemap_places_the_bases_in_their_countries() -> None:
    assert len(countries()) == 177
    assert _country_at(21.1918, 31.9985) == "LBY"     # al-Khadim
    assert _country_at(36.20, 35.45) == "SYR"         # inland of Khmeimim (the 1:110m coast is coarse)
    assert _country_at(38.0617, 55.8783) == "RUS"     # Chkalovsky
    assert _country_at(-7.95, 12.53) == "MLI"         # Bamako
    assert _country_at(30.0, 34.0) is None            # eastern Mediterranean
    e = extent_around([12.5, 55.9], [-7.9, 46.2], 2.0)
    assert e.lat_min == 10.5 and e.lat_max == 57.9 and e.lon_min == -9.9


def _png(uri: str) -> tuple[int, int]:
    assert uri.startswith("data:image/png;base64,")
    raw = base64.b64decode(uri.split(",", 1)[1])
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    img = mpimg.imread(io.BytesIO(raw), format="png")
    return int(img.shape[1]), int(img.shape[0])


def test_charts_are_embedded_pngs() -> None:
    days = [dt.date(2024, 12, d) for d in range(1, 32)]
    w, h = _png(daily_movements_chart(days, [1] * 31, [2] * 31, "t"))
    assert w > h > 100
    k = Place("khmeimim", 35.4011, 35.9487, True)
    a = Place("al-khadim", 31.9985, 21.1918, True)
    w, h = _png(corridor_map([CorridorLine(k, a, 12), CorridorLine(a, k, 3)], "c", [OpenEnd(k, 35.4, 39.0, True)]))
    assert w > 300 and h > 200


def _flights(rows: list[dict[str, object]]) -> pa.Table:
    cols = ["flight_id", "icao24", "start_us", "end_us", "origin_site", "origin_airport", "destination_site",
            "destination_airport", "origin_lat", "origin_lon", "destination_lat", "destination_lon", "actor"]
    full = [{c: r.get(c) for c in cols} for r in rows]
    schema = pa.schema([(c, pa.int64() if c.endswith("_us") else pa.float64() if c.endswith(("_lat", "_lon"))
                         else pa.string()) for c in cols])
    return pa.Table.from_pylist(full, schema=schema)


FLIGHTS = _flights([
    # two sorties Khmeimim -> al-Khadim on the 16th, one landing back after midnight, one open-ended
    {"flight_id": "a", "icao24": "154076", "start_us": DEC16 + 8 * H, "end_us": DEC16 + 10 * H,
     "origin_site": "khmeimim", "origin_airport": "OSLK", "destination_site": "al-khadim", "actor": "ru"},
    {"flight_id": "b", "icao24": "15405a", "start_us": DEC16 + 9 * H, "end_us": DEC16 + 11 * H,
     "origin_site": "khmeimim", "destination_site": "al-khadim", "actor": "ru"},
    {"flight_id": "c", "icao24": "154076", "start_us": DEC16 + 22 * H, "end_us": DEC16 + 25 * H,
     "origin_site": "al-khadim", "destination_site": "khmeimim", "actor": "ru"},
    {"flight_id": "d", "icao24": "15405a", "start_us": DEC16 + 30 * H, "end_us": DEC16 + 31 * H,
     "origin_site": "khmeimim", "destination_lat": 35.3, "destination_lon": 38.9, "actor": "ru"},
    {"flight_id": "e", "icao24": "4c8153", "start_us": DEC16 + 9 * H, "end_us": DEC16 + 10 * H,
     "origin_airport": "LCLK", "destination_airport": "LGAV"},
])


def test_site_daily_counts_by_utc_day_with_empty_days() -> None:
    rows = activity.site_daily(FLIGHTS, "khmeimim", (dt.date(2024, 12, 15), dt.date(2024, 12, 17)))
    got = [(r.day.day, r.arrivals, r.departures, r.aircraft) for r in rows]
    assert got == [(15, 0, 0, 0), (16, 0, 2, 2), (17, 1, 1, 2)]


def test_corridors_open_ends_and_actor_filter() -> None:
    ru = activity.actor_flights(FLIGHTS, "ru")
    assert ru.num_rows == 4
    assert activity.actor_flights(FLIGHTS, None).num_rows == 4
    totals = [(c.origin, c.destination, c.movements, c.aircraft) for c in activity.corridor_totals(ru)]
    assert totals == [("khmeimim", "al-khadim", 2, 2), ("al-khadim", "khmeimim", 1, 1)]
    ends = activity.open_ends(ru)
    assert [(e.place, e.seen_lat, e.seen_lon, e.outbound) for e in ends] == [("khmeimim", 35.3, 38.9, True)]
    assert activity.busiest_sites(FLIGHTS, 1) == ["khmeimim"]


def test_brief_of_an_empty_workspace_still_renders(workspace: Workspace) -> None:
    ctx = BriefContext(ws=workspace, flights=activity.load_flights(workspace), title="Nothing yet",
                       site_ids=("khmeimim",))
    text = render_brief(ctx)
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "0 arrivals and 0 departures" in text
    assert "0 flights" in text and "SIMULATED" not in text


def test_track_lines_break_at_gaps_and_thin_out(workspace: Workspace) -> None:
    con = workspace.con
    con.execute("INSERT INTO sources (source_id, path, sha256, input_format, ingested_at, accepted, rejected, "
                "duplicates, reasons) VALUES (1, 'x', 'abc', 'test', now(), 15, 0, 0, NULL)")
    t0 = dt.datetime(2024, 12, 16, 8, tzinfo=dt.UTC)
    times = [t0 + dt.timedelta(seconds=10 * i) for i in range(10)]
    times += [times[-1] + dt.timedelta(minutes=20, seconds=10 * i) for i in range(5)]   # after a 20 min gap
    for i, t in enumerate(times):
        con.execute(
            "INSERT INTO aircraft_points (icao24, time, lat, lon, source_id, row_no) VALUES ('154076', ?, ?, ?, 1, ?)",
            [t, 35.0, 30.0 + i * 0.01, i + 1],
        )
    flights = pa.table({"flight_id": ["f"], "icao24": ["154076"],
                        "start_us": [int(times[0].timestamp() * US)], "end_us": [int(times[-1].timestamp() * US)]})
    lines = activity.track_lines(workspace, flights, every=1)
    assert [len(line) for line in lines] == [10, 5]
    assert lines[0][0] == (30.0, 35.0) and lines[1][-1] == (30.14, 35.0)
    lines = activity.track_lines(workspace, flights, every=3)   # reports 1, 4, 7, 10 | 13 (+ gap)
    assert [len(line) for line in lines] == [4]
