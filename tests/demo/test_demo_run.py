"""End to end: the demo's files ingested like a user's, flights checked against the generator's truth."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from basewatch.demo.run import DemoResult, run_demo
from basewatch.demo.scenario import ScenarioConfig
from basewatch.demo.truth import parse_time, read_truth, score_workspace
from basewatch.present.activity import load_flights
from basewatch.present.brief import BriefContext, header_section, movements_section, render_brief
from basewatch.workspace.core import Workspace

CONFIG = ScenarioConfig(start=dt.date(2024, 12, 17), days=3)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo"), CONFIG, with_maritime=False)


@pytest.fixture(scope="module")
def flights(demo: DemoResult) -> pa.Table:
    """The flights table the demo left in its workspace (what `basewatch flights` shows)."""
    with Workspace(demo.workspace, read_only=True) as ws:
        return load_flights(ws)


def _time(us: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(us / 1e6, dt.UTC)


def test_flights_match_ground_truth(demo: DemoResult) -> None:
    truth = read_truth(demo.truth)
    assert len(truth) > 50
    with Workspace(demo.workspace, read_only=True) as ws:
        scores = score_workspace(ws, truth, tolerance_s=1800)
    for name, score in scores.items():
        assert score.expected > 40, name
        assert score.precision >= 0.95, (name, score)
        assert score.recall >= 0.95, (name, score)


def test_hidden_ends_and_spoofing_do_not_invent_airports(demo: DemoResult, flights: pa.Table) -> None:
    truth = read_truth(demo.truth)
    hidden = [f for f in truth if not f.origin_observable]
    assert hidden  # the scenario does hide some take-offs
    assert any(f.spoofed for f in truth)
    beirut = [f for f in flights.to_pylist() if "OLBA" in (f["origin_airport"], f["destination_airport"])]
    true_beirut = [f for f in truth if "OLBA" in (f.origin_airport, f.destination_airport)]
    assert len(beirut) <= len(true_beirut)
    # the spoofed airliner's reports jump onto Beirut airport at cruise: still one flight between its real ends
    spoofed = next(f for f in truth if f.spoofed)
    lo = int(parse_time(spoofed.takeoff).timestamp() * 1e6) - 3600 * 10**6
    hi = int(parse_time(spoofed.landing).timestamp() * 1e6) + 3600 * 10**6
    seen = [f for f in flights.to_pylist() if f["icao24"] == spoofed.icao24 and lo <= f["start_us"] <= hi]
    assert [(f["origin_airport"], f["destination_airport"]) for f in seen] == [
        (spoofed.origin_airport, spoofed.destination_airport)
    ]


def test_ingest_counts_every_record(demo: DemoResult) -> None:
    assert all(r.rejected == 0 for r in demo.ingest)
    with Workspace(demo.workspace, read_only=True) as ws:
        formats = {r[0] for r in ws.con.execute("SELECT DISTINCT input_format FROM sources").fetchall()}
    assert {"opensky", "readsb", "sbs", "tar1090-db"} <= formats


def test_aircraft_named_by_the_imported_database(flights: pa.Table) -> None:
    # 150b47 (RA-76713) reports only through OpenSky state vectors, which carry no registration or type
    rows = [r for r in flights.to_pylist() if r["icao24"] == "150b47"]
    assert rows
    assert {(r["registration"], r["typecode"], r["actor"]) for r in rows} == {("RA-76713", "IL76", "ru-mod-transport")}


def test_brief_is_offline_labelled_and_shows_the_sites(demo: DemoResult) -> None:
    text = demo.brief.read_text(encoding="utf-8")
    assert "SIMULATED SCENARIO" in text and "simulated" in text.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert "<script" not in text.lower() and "@import" not in text
    assert text.count('src="data:image/png;base64,') >= 4   # three site charts and the map
    for name in ("Khmeimim Air Base", "al-Khadim Air Base", "khmeimim"):
        assert name in text
    assert "scenario/readsb/" in text and " rows " in text   # provenance: file and rows


def test_brief_escapes_hostile_text(demo: DemoResult, flights: pa.Table) -> None:
    with Workspace(demo.workspace, read_only=True) as ws:
        hostile = '<script>alert("x")</script>'
        mask = pc.equal(flights.column("actor"), "ru-mod-transport")
        callsign = pc.if_else(mask, pa.scalar(hostile), flights.column("callsign"))
        flights = flights.set_column(flights.schema.get_field_index("callsign"), "callsign", callsign)
        ctx = BriefContext(ws=ws, flights=flights, title='Brief <img src=x onerror="alert(1)">', simulated=True,
                           actor="ru-mod-transport", lead=("a & b < c",))
        text = render_brief(ctx, (header_section, movements_section))
    assert "<script>" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "a &amp; b &lt; c" in text
    assert text.count("&lt;script&gt;") >= 2   # several movements carry the hostile callsign


def test_cli_demo_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "basewatch", "demo", "--out", str(out), "--start", "2024-12-31", "--format", "json"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert '"simulated": true' in proc.stdout
    assert (out / "brief.html").is_file() and (out / "basewatch.duckdb").is_file()
    truth = json.loads((out / "scenario" / "truth.json").read_text())
    assert truth["simulated"] is True and (truth["start"], truth["days"]) == ("2024-12-31", 1)  # to 31 December


def test_cli_demo_refuses_a_window_outside_december(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "basewatch", "demo", "--out", str(tmp_path), "--start", "2024-11-30"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "December 2024" in proc.stderr and "Traceback" not in proc.stderr


def test_a_new_run_removes_only_the_files_an_earlier_run_wrote(tmp_path: Path) -> None:
    from basewatch.demo.run import _clear_previous

    ours = [tmp_path / "readsb" / "2024-12-01" / "trace_full_154076.json", tmp_path / "sbs" / "basestation_x.csv",
            tmp_path / "opensky" / "states_2024-12-01.parquet", tmp_path / "truth.json"]
    theirs = [tmp_path / "notes.txt", tmp_path / "readsb" / "mine.json", tmp_path / "opensky" / "other.parquet"]
    for p in ours + theirs:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    _clear_previous(tmp_path)
    assert not any(p.exists() for p in ours)
    assert all(p.exists() for p in theirs)
    assert not (tmp_path / "readsb" / "2024-12-01").exists()


def test_dwell_at_al_khadim_matches_the_planned_turnarounds(demo: DemoResult) -> None:
    # the generator turns aircraft around at al-Khadim in 2-5 h, plus 3-10 min taxi in and 5-15 min taxi out
    from basewatch.present.activity import site_dwell

    with Workspace(demo.workspace, read_only=True) as ws:
        dwell = site_dwell(ws, "al-khadim")
        shortest = ws.con.execute(
            "SELECT min(dwell_s) / 3600 FROM visits WHERE site_id = 'al-khadim' AND dwell_s IS NOT NULL"
        ).fetchone()
    assert dwell.visits >= 5
    assert shortest is not None and shortest[0] >= 2.0
    assert dwell.max_h is not None and dwell.max_h <= 5.0 + 25 / 60


def test_cli_demo_refuses_an_output_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("not a folder")
    proc = subprocess.run(
        [sys.executable, "-m", "basewatch", "demo", "--out", str(target), "--start", "2024-12-31"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "not a folder" in proc.stderr and "Traceback" not in proc.stderr
    assert target.read_text() == "not a folder"
