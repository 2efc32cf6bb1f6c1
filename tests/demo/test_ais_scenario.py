"""The AIS demo scenario: NMEA checked with pyais (an independent decoder), and the maritime detectors
scored against the scenario's ground truth (precision and recall >= 0.9)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from pyais.messages import AISSentence, NMEASentenceFactory

from basewatch.demo.ais_scenario import FLEET, TRUTH_FILE, simulated_tracks, write_ais_scenario
from basewatch.demo.nmea_encode import PositionReport, StaticVoyage, sentences
from basewatch.geo import haversine_km
from basewatch.ingest.pipeline import ingest_file
from basewatch.ingest.registry import choose_reader
from basewatch.maritime import build
from basewatch.workspace.core import Workspace

KT = 1852.0 / 3600.0
TOLERANCE_S = 3600.0


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], dict[str, Any]]:
    out = tmp_path_factory.mktemp("ais")
    paths = write_ais_scenario(out, seed=7)
    return paths, json.loads((out / TRUTH_FILE).read_text(encoding="utf-8"))


def _decoded(paths: list[Path]) -> Iterator[tuple[Path, int, int, Any, str]]:
    """(file, line of the last fragment, tag-block time, decoded message, station) via pyais."""
    for path in paths:
        pending: list[AISSentence] = []
        for no, line in enumerate(path.read_bytes().splitlines(), start=1):
            s = NMEASentenceFactory.produce(line)
            assert isinstance(s, AISSentence) and s.is_valid, f"{path.name}:{no}: bad checksum"
            assert s.tag_block is not None
            s.tag_block.init()
            assert s.tag_block.is_valid, f"{path.name}:{no}: bad tag block checksum"
            pending.append(s)
            if s.frag_cnt == s.frag_num:
                first = pending[0].tag_block
                assert first is not None
                msg = AISSentence.assemble_from_iterable(pending).decode() if len(pending) > 1 else s.decode()
                yield path, no, int(first.receiver_timestamp or 0), msg, str(first.source_station)
                pending = []
        assert not pending


def test_encoder_round_trip_through_pyais() -> None:
    report = PositionReport(273214020, -33.87654, -151.20987, 12.3, 359.9, 7, 5, 42)
    (line,) = sentences(report.bits(), channel="B", station="st1", unix_time=1733011200)
    s = NMEASentenceFactory.produce(line.encode())
    assert isinstance(s, AISSentence) and s.is_valid and s.channel == "B"
    m = s.decode()
    assert (m.msg_type, m.mmsi, m.speed, m.course, m.heading, m.status, m.second) == (
        1, 273214020, 12.3, 359.9, 7, 5, 42)
    assert m.lat == pytest.approx(-33.87654, abs=1 / 600000) and m.lon == pytest.approx(-151.20987, abs=1 / 600000)
    unknown = PositionReport(1, 0.0, 0.0, None, None, None).bits()
    m = NMEASentenceFactory.produce(sentences(unknown)[0].encode()).decode()  # type: ignore[union-attr]
    assert (m.speed, m.course, m.heading) == (102.3, 360.0, 511)
    static = StaticVoyage(273214010, 9743101, "UBRZ3", "SPARTA II", 70, 80, 42, 8, 9, 6.5, "TOBRUK")
    lines = sentences(static.bits(), seq_id=4, group_id=9, station="st1", unix_time=1733011200)
    assert len(lines) == 2 and lines[0].startswith("\\g:1-2-9,s:st1,c:1733011200*")
    parts = [NMEASentenceFactory.produce(x.encode()) for x in lines]
    m = AISSentence.assemble_from_iterable(parts).decode()  # type: ignore[arg-type]
    assert (m.msg_type, m.mmsi, m.imo, m.callsign, m.shipname, int(m.ship_type), m.destination) == (
        5, 273214010, 9743101, "UBRZ3", "SPARTA II", 70, "TOBRUK")
    assert (m.to_bow, m.to_stern, m.to_port, m.to_starboard, m.draught) == (80, 42, 8, 9, 6.5)


def test_nmea_matches_the_simulated_tracks(scenario: tuple[list[Path], dict[str, Any]]) -> None:
    paths, _ = scenario
    plans = simulated_tracks()
    names = {v.mmsi: v.name for v in FLEET}
    positions = statics = 0
    for _path, _no, t, msg, station in _decoded(paths):
        assert station in {"SY-TARTUS-1", "SAT-EXACT-7"}
        if msg.msg_type == 1:
            lat, lon, *_ = plans[msg.mmsi].state(float(t))
            # reports are stamped with whole seconds of the simulated time: within 10 m of the true track
            assert haversine_km(msg.lat, msg.lon, lat, lon) < 0.01
            positions += 1
        else:
            assert msg.msg_type == 5 and msg.shipname == names[msg.mmsi]
            statics += 1
    assert positions > 30_000 and statics >= len(FLEET) * 4 * 25


def _load_with_pyais(ws: Workspace, paths: list[Path]) -> None:
    cols: dict[str, list[Any]] = {k: [] for k in ("mmsi", "time", "lat", "lon", "sog_ms", "cog_deg", "row_no",
                                                  "source_id")}
    names: dict[str, list[Any]] = {"mmsi": [], "name": [], "ship_type": []}
    for _path, no, t, msg, _station in _decoded(paths):
        if msg.msg_type == 1:
            for key, value in zip(cols, (f"{msg.mmsi:09d}", dt.datetime.fromtimestamp(t, dt.UTC), msg.lat, msg.lon,
                                         msg.speed * KT, msg.course, no, 1), strict=True):
                cols[key].append(value)
        else:
            names["mmsi"].append(f"{msg.mmsi:09d}")
            names["name"].append(msg.shipname)
            names["ship_type"].append(int(msg.ship_type))
    ws.con.register("_p", pa.table(cols))
    ws.con.execute("INSERT INTO ais_positions (mmsi, time, lat, lon, sog_ms, cog_deg, source_id, row_no) "
                   "SELECT mmsi, time, lat, lon, sog_ms, cog_deg, source_id, row_no FROM _p")
    ws.con.register("_s", pa.table(names))
    ws.con.execute("INSERT INTO ais_static (mmsi, name, ship_type, source_id, row_no) "
                   "SELECT mmsi, name, ship_type, 1, 0 FROM _s")


def _t(text: str | None) -> float | None:
    return None if text is None else dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= TOLERANCE_S)


def _score(found: list[tuple[Any, ...]], truth: list[tuple[Any, ...]]) -> tuple[float, float]:
    """Greedy one-to-one matching on (key, start, end) with equal keys and close times."""
    unmatched = list(truth)
    hits = 0
    for key, start, end in found:
        for cand in unmatched:
            if cand[0] == key and _close(cand[1], start) and _close(cand[2], end):
                unmatched.remove(cand)
                hits += 1
                break
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall


def _check_against_truth(ws: Workspace, truth: dict[str, Any]) -> None:
    build(ws)
    calls = ws.con.execute(
        "SELECT mmsi, coalesce(site_id, port), epoch(arrival), epoch(departure) FROM port_calls"
    ).fetchall()
    found = [((m, place), float(a), None if d is None else float(d)) for m, place, a, d in calls]
    expected = [((c["mmsi"], c.get("site") or c.get("port")), _t(c["arrival"]), _t(c["departure"]))
                for c in truth["port_calls"]]
    precision, recall = _score(found, expected)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall, sorted(found), sorted(expected))
    darks = ws.con.execute("SELECT mmsi, epoch(start_time), epoch(end_time) FROM dark_periods").fetchall()
    found = [(m, float(s), None if e is None else float(e)) for m, s, e in darks]
    expected = [(d["mmsi"], _t(d["start"]), _t(d["end"])) for d in truth["dark_periods"]]
    precision, recall = _score(found, expected)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall, found, expected)
    # ADMIRAL GOLOVKO sails dark at 14 kn along a nearly straight route: the implied speed of the jump is
    # at most that and not far below it; its silence began within 100 km of Tartus.
    golovko = ws.con.execute(
        "SELECT implied_speed_ms, near_site, start_site_km FROM dark_periods WHERE mmsi = '273100110'"
    ).fetchall()
    assert len(golovko) == 1 and 0.85 * 14 * KT <= golovko[0][0] <= 14 * KT
    assert golovko[0][1] == "tartus" and golovko[0][2] < 100
    voyages = ws.con.execute(
        "SELECT count(*) FROM voyages WHERE mmsi = '273214010' AND origin_site = 'tartus' "
        "AND destination_site IN ('tobruk-port', 'benghazi-port')"
    ).fetchone()
    assert voyages == (3,)  # SPARTA II leaves Tartus for Libya three times (see the truth's port calls)


def test_detectors_against_truth_with_pyais_decoding(
    scenario: tuple[list[Path], dict[str, Any]], workspace: Workspace
) -> None:
    paths, truth = scenario
    _load_with_pyais(workspace, paths)
    _check_against_truth(workspace, truth)


def test_detectors_against_truth_after_real_ingest(
    scenario: tuple[list[Path], dict[str, Any]], workspace: Workspace
) -> None:
    paths, truth = scenario
    assert choose_reader(paths[0]).name == "nmea"  # sniffed as NMEA; a broken reader fails here (no skip)
    for p in paths:
        report = ingest_file(workspace, p, "auto")
        assert report.rejected == 0 and report.accepted > 0
    _check_against_truth(workspace, truth)
