"""A notebook user's session through `basewatch.Workspace` alone: ingest -> analyse -> flights at a site ->
port calls -> claims -> brief. The inputs are written here by hand, so every expected value is known
without running basewatch: one aircraft taking off from Khmeimim, one ship calling at Tartus for six
hours, one report of a withdrawal from Khmeimim."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import basewatch

T0 = dt.datetime(2024, 12, 14, 6, 0, tzinfo=dt.UTC)
KHMEIMIM = (35.4011, 35.9487)    # the watchlist's reference point (radius 5 km)
TARTUS = (34.9, 35.866667)       # the watchlist's reference point (radius 3 km)
MMSI = "273111222"


def _sbs(t: dt.datetime) -> str:
    return t.strftime("%Y/%m/%d,%H:%M:%S.000")


def sbs_log() -> str:
    """2 minutes on the ground at Khmeimim (surface positions), then 10 minutes climbing east."""
    lines = []
    for i in range(13):
        t = T0 + dt.timedelta(seconds=10 * i)
        lines.append(f"MSG,2,1,1,155ABC,1,{_sbs(t)},{_sbs(t)},,,5,90,{KHMEIMIM[0]:.5f},{KHMEIMIM[1]:.5f},,,,,,-1")
    for i in range(61):
        t = T0 + dt.timedelta(seconds=130 + 10 * i)
        alt_ft = 1000 + i * 19000 // 60
        lines.append(f"MSG,3,1,1,155ABC,1,{_sbs(t)},{_sbs(t)},,{alt_ft},,,{KHMEIMIM[0]:.5f},"
                     f"{KHMEIMIM[1] + 0.02 + i * 0.01:.5f},,,0,0,0,0")
    return "\n".join(lines) + "\n"


# the ship: 12 positions every 10 min steaming east at 10 kn towards Tartus, 36 moored at the port,
# 12 steaming back west; (time, lat, lon, sog kn)
def ship_track() -> list[tuple[dt.datetime, float, float, float]]:
    step_deg = 10 * 1852 / 6 / (111_195 * 0.82)  # 10 minutes at 10 kn, in degrees of longitude at 34.9 N
    out = []
    for i in range(12):
        out.append((T0 + dt.timedelta(minutes=10 * i), TARTUS[0], TARTUS[1] - (12 - i) * step_deg, 10.0))
    for i in range(36):
        out.append((T0 + dt.timedelta(minutes=120 + 10 * i), TARTUS[0], TARTUS[1], 0.0))
    for i in range(12):
        out.append((T0 + dt.timedelta(minutes=480 + 10 * i), TARTUS[0], TARTUS[1] - (i + 1) * step_deg, 10.0))
    return out


def ais_csv() -> str:
    rows = ["MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName"]
    for t, lat, lon, sog in ship_track():
        rows.append(f"{MMSI},{t.strftime('%Y-%m-%dT%H:%M:%S')},{lat:.6f},{lon:.6f},{sog},90.0,90,TEST TRADER")
    return "\n".join(rows) + "\n"


REPORT = ("Russia withdraws aircraft from Khmeimim\n\n14 December 2024\n\n"
          "Russia withdrew its military transport aircraft from Khmeimim air base on 14 December, "
          "the Syrian defence ministry said.\n")


def test_a_session_through_the_workspace_alone(tmp_path: Path) -> None:
    (tmp_path / "feed.sbs").write_text(sbs_log())
    (tmp_path / "ships.csv").write_text(ais_csv())
    (tmp_path / "report.txt").write_text(REPORT)

    with basewatch.Workspace.open(tmp_path / "ws.duckdb", create=True) as ws:
        reports = ws.ingest([tmp_path / "feed.sbs", tmp_path / "ships.csv"])
        assert [(r.input_format, r.rejected) for r in reports] == [("sbs", 0), ("ais-csv", 0)]
        counts = dict(ws.info().counts)
        assert (counts["aircraft positions"], counts["ship positions"], counts["source files"]) == (74, 60, 2)
        assert ws.sources()["path"].to_pylist() == [str(tmp_path / "feed.sbs"), str(tmp_path / "ships.csv")]
        (added,) = ws.ingest([tmp_path / "report.txt"], input_format="report")
        assert added.accepted == 1

        built = {s.product: s for s in ws.analyse()}
        assert {"flights", "maritime"} <= set(built) and all(s.rebuilt for s in built.values())
        assert built["flights"].rows["flights"] == 1 and built["maritime"].rows["port_calls"] >= 1

        flights = ws.flights(site="khmeimim").to_pylist()
        assert len(flights) == 1
        assert flights[0]["origin_site"] == "khmeimim" and flights[0]["destination_site"] is None
        assert flights[0]["icao24"] == "155abc"
        assert ws.flights(site="tartus").num_rows == 0

        calls = ws.port_calls(site="tartus").to_pylist()
        assert len(calls) == 1 and calls[0]["mmsi"] == MMSI
        # it arrives between its last position outside the 3 km zone and its first inside, and leaves
        # between its last position in the port and its first one beyond the 4 km exit radius
        track = ship_track()
        assert track[11][0] <= calls[0]["arrival"] <= track[12][0]
        assert track[47][0] <= calls[0]["departure"] <= track[49][0]

        claims = ws.claims(site="khmeimim").to_pylist()
        assert claims and any(c["event"] == "withdrawal" for c in claims)
        assert ws.claims(site="khmeimim", event="strike").num_rows == 0

        brief = ws.brief(tmp_path / "brief.html", sites=["khmeimim"])
        page = brief.read_text(encoding="utf-8")
        assert brief == tmp_path / "brief.html"
        assert "Khmeimim" in page and "TEST TRADER" in page

        again = ws.analyse()
        assert not any(s.rebuilt for s in again)  # nothing changed: nothing rebuilt
