"""Write simulated report points in real recorder formats, as a user's files would arrive.

- OpenSky `state_vectors_data4` as a Trino export to Parquet: exactly the columns and Arrow types of
  a real export (time and hour as timestamp[ns, UTC], serials as list<int64>), one file per UTC day.
- readsb / tar1090 `trace_full_<hex>.json`: one file per aircraft and UTC day, 14-field points
  (alt in ft or "ground", gs in kt, vertical rate in ft/min, flag 2 = new leg).
- SBS-1 BaseStation CSV (port 30003 log): MSG,1 identification, MSG,2 surface position, MSG,3
  airborne position, MSG,4 velocity, MSG,6 squawk; one file per UTC day.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from basewatch.demo.fleet import Airframe, FileFormat
from basewatch.demo.scenario import FlightPlan, Scenario
from basewatch.demo.simulate import PointColumns
from basewatch.units import FT_TO_M, KT_TO_MS

FPM_PER_MS = 60.0 / FT_TO_M
DAY_S = 86400

OPENSKY_SCHEMA = pa.schema(
    [
        ("time", pa.timestamp("ns", tz="UTC")),
        ("icao24", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("velocity", pa.float64()),
        ("heading", pa.float64()),
        ("vertrate", pa.float64()),
        ("callsign", pa.string()),
        ("onground", pa.bool_()),
        ("alert", pa.bool_()),
        ("spi", pa.bool_()),
        ("squawk", pa.string()),
        ("baroaltitude", pa.float64()),
        ("geoaltitude", pa.float64()),
        ("lastposupdate", pa.float64()),
        ("lastcontact", pa.float64()),
        ("serials", pa.list_(pa.int64())),
        ("hour", pa.timestamp("ns", tz="UTC")),
    ]
)
# every file says it is simulated where its format allows (Parquet metadata, a JSON key; not SBS lines)
SIMULATED_METADATA = {"basewatch": "SIMULATED data written by basewatch demo; not real observations"}
# receiver serial numbers used for the simulated OpenSky rows (made up)
_SERIALS = np.array([-1408232398, 1433801924, -1408237048, 1434571365, 960481128, -1408235958], dtype=np.int64)


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    fmt: FileFormat
    rows: int          # records written (points for OpenSky and readsb, lines for SBS)


def _days(pts: PointColumns) -> np.ndarray:
    return np.floor(pts.time_s / DAY_S).astype(np.int64)


def _day_name(day: int) -> str:
    return dt.datetime.fromtimestamp(day * DAY_S, dt.UTC).strftime("%Y-%m-%d")


def _nullable(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.float64(), from_pandas=True)  # NaN -> null


# ---- OpenSky ------------------------------------------------------------------------------------
def opensky_table(pts: PointColumns, plans: list[FlightPlan], rng: np.random.Generator) -> pa.Table:
    """Rows ordered by time then icao24, like a Trino query ordered by time."""
    order = np.lexsort((np.array([plans[f].airframe.icao24 for f in pts.flight]), pts.time_s))
    p = pts.take(order)
    n = p.size
    flights = p.flight
    fix = np.round(p.time_s, 3)
    second = np.ceil(fix).astype(np.int64)
    contact = np.minimum(fix + np.round(rng.uniform(0.0, 0.6, n), 3), second.astype(np.float64))
    n_serials = rng.integers(1, 4, n)
    offsets = np.concatenate([[0], np.cumsum(n_serials)]).astype(np.int32)
    serials = pa.ListArray.from_arrays(
        pa.array(offsets), pa.array(_SERIALS[rng.integers(0, _SERIALS.size, int(offsets[-1]))])
    )
    ns = second * 1_000_000_000
    columns = {
        "time": pa.array(ns, type=pa.timestamp("ns", tz="UTC")),
        "icao24": pa.array([plans[f].airframe.icao24 for f in flights], type=pa.string()),
        "lat": pa.array(p.lat),
        "lon": pa.array(p.lon),
        "velocity": pa.array(p.gs_ms),
        "heading": pa.array(p.track_deg),
        "vertrate": _nullable(p.vrate_ms),
        "callsign": pa.array([plans[f].callsign for f in flights], type=pa.string()),
        "onground": pa.array(p.on_ground),
        "alert": pa.array(np.zeros(n, dtype=bool)),
        "spi": pa.array(np.zeros(n, dtype=bool)),
        "squawk": pa.array([plans[f].squawk for f in flights], type=pa.string()),
        "baroaltitude": _nullable(p.alt_baro_m),
        "geoaltitude": _nullable(p.alt_geom_m),
        "lastposupdate": pa.array(fix),
        "lastcontact": pa.array(contact),
        "serials": serials,
        "hour": pa.array((second // 3600) * 3600 * 1_000_000_000, type=pa.timestamp("ns", tz="UTC")),
    }
    return pa.table(columns, schema=OPENSKY_SCHEMA.with_metadata(SIMULATED_METADATA))


# ---- readsb -------------------------------------------------------------------------------------
def readsb_trace(
    ac: Airframe, pts: PointColumns, plans: list[FlightPlan], first_t_rel: np.ndarray
) -> dict[str, object]:
    """One aircraft's trace_full document for the points given (time-ordered).

    first_t_rel[f]: t_rel of flight f's first report anywhere (that report gets the new-leg flag,
    not the first report of a day's file when a flight crosses midnight).
    """
    t0 = float(np.round(pts.time_s[0], 3))
    new_leg = pts.t_rel == first_t_rel[pts.flight]
    alt_ft = np.round(pts.alt_baro_m / FT_TO_M / 25.0) * 25.0
    geom_ft = np.round(pts.alt_geom_m / FT_TO_M / 25.0) * 25.0
    vrate = np.round(pts.vrate_ms * FPM_PER_MS / 64.0) * 64.0
    trace: list[list[object]] = []
    rows = zip(
        (np.round(pts.time_s - t0, 2) + 0.0).tolist(), np.round(pts.lat, 6).tolist(), np.round(pts.lon, 6).tolist(),
        alt_ft.tolist(), np.round(pts.gs_ms / KT_TO_MS, 1).tolist(), np.round(pts.track_deg, 1).tolist(),
        vrate.tolist(), geom_ft.tolist(), pts.on_ground.tolist(), new_leg.tolist(), pts.flight.tolist(),
        strict=True,
    )
    for k, (t, lat, lon, alt, gs, trk, vr, geom, ground, leg, f) in enumerate(rows):
        info: dict[str, object] | None = None
        if leg or k % 30 == 0:
            plan = plans[f]
            info = {"type": "adsb_icao", "flight": plan.callsign.ljust(8), "squawk": plan.squawk, "category": "A5"}
        trace.append([
            t, lat, lon, "ground" if ground else int(alt), gs, trk, 2 if leg else 0,
            None if ground else int(vr), info, "adsb_icao", None if ground else int(geom), None, None, None,
        ])
    return {
        "icao": ac.icao24, "r": ac.registration, "t": ac.typecode, "dbFlags": 1 if ac.military else 0,
        "desc": ac.type_desc, "ownOp": ac.operator, "simulated": SIMULATED_METADATA["basewatch"], "timestamp": t0,
        "trace": trace,
    }


def _dump_trace(doc: dict[str, object]) -> str:
    head = {k: v for k, v in doc.items() if k != "trace"}
    points = doc["trace"]
    assert isinstance(points, list)
    body = ",\n".join(json.dumps(p, separators=(",", ":")) for p in points)
    return json.dumps(head)[:-1] + ',\n"trace":[\n' + body + "\n]}\n"


# ---- SBS ----------------------------------------------------------------------------------------
def _sbs_stamps(epoch_s: np.ndarray) -> list[str]:
    """'YYYY/MM/DD,HH:MM:SS.mmm,YYYY/MM/DD,HH:MM:SS.mmm' (generated and logged) for each instant."""
    iso = np.datetime_as_string(np.round(epoch_s * 1000.0).astype("datetime64[ms]"), unit="ms")
    return [f"{s[:10].replace('-', '/')},{s[11:]},{s[:10].replace('-', '/')},{s[11:]}" for s in iso.tolist()]


def sbs_lines(pts: PointColumns, plans: list[FlightPlan]) -> list[str]:
    """BaseStation lines for the points, ordered by time across aircraft."""
    order = np.argsort(pts.time_s, kind="stable")
    p = pts.take(order)
    first = np.ones(p.size, dtype=bool)
    _, first_idx = np.unique(p.flight, return_index=True)
    first[:] = False
    first[first_idx] = True
    at_pos, at_ident, at_vel, at_sq = (_sbs_stamps(p.time_s + d) for d in (0.0, 0.02, 0.05, 0.1))
    out: list[tuple[float, str]] = []
    rows = zip(
        p.time_s.tolist(), p.flight.tolist(), p.lat.tolist(), p.lon.tolist(),
        (np.round(np.nan_to_num(p.alt_baro_m) / FT_TO_M / 25.0).astype(np.int64) * 25).tolist(),
        np.round(p.gs_ms / KT_TO_MS).astype(np.int64).tolist(), np.round(p.track_deg).astype(np.int64).tolist(),
        (np.round(np.nan_to_num(p.vrate_ms) * FPM_PER_MS / 64.0).astype(np.int64) * 64).tolist(),
        p.on_ground.tolist(), first.tolist(), strict=True,
    )
    for k, (t, f, lat, lon, alt, gs, trk, vr, ground, is_first) in enumerate(rows):
        plan = plans[f]
        head = f"1,1,{plan.airframe.icao24.upper()},1"
        if is_first or k % 10 == 0:
            out.append((t + 0.02, f"MSG,1,{head},{at_ident[k]},{plan.callsign},,,,,,,,0,0,0,0"))
        if ground:
            out.append((t, f"MSG,2,{head},{at_pos[k]},,,{gs},{trk},{lat:.5f},{lon:.5f},,,0,0,0,-1"))
        else:
            out.append((t, f"MSG,3,{head},{at_pos[k]},,{alt},,,{lat:.5f},{lon:.5f},,,0,0,0,0"))
            out.append((t + 0.05, f"MSG,4,{head},{at_vel[k]},,,{gs},{trk},,,{vr},,0,0,0,0"))
        if k % 20 == 0:
            out.append((t + 0.1, f"MSG,6,{head},{at_sq[k]},,,,,,,,{plan.squawk},0,0,0,{-1 if ground else 0}"))
    out.sort(key=lambda x: x[0])
    return [line for _, line in out]


# ---- aircraft database --------------------------------------------------------------------------
def write_aircraft_db(scenario: Scenario, path: Path) -> Path:
    """The simulated fleet as a tar1090-db `aircraft.csv` (`hex;reg;type;dbFlags;desc;year;ownOp`).

    What an analyst would import to name the aircraft that OpenSky and SBS records leave anonymous.
    """
    fleet = {p.airframe.icao24: p.airframe for p in scenario.plans}
    lines = [
        f"{ac.icao24};{ac.registration};{ac.typecode};{'10' if ac.military else '00'};{ac.type_desc};;{ac.operator}"
        for _, ac in sorted(fleet.items())
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---- the scenario -------------------------------------------------------------------------------
def write_scenario(scenario: Scenario, folder: Path) -> list[WrittenFile]:
    """Write every report point of the scenario under folder/{opensky,readsb,sbs}/; returns the files."""
    plans = scenario.plans
    pts = scenario.points
    rng = np.random.default_rng([scenario.config.seed, 3])
    fmt_of_flight = np.array([p.airframe.fmt for p in plans])
    fmt = fmt_of_flight[pts.flight]
    days = _days(pts)
    first_t_rel = np.full(len(plans), np.inf)
    np.minimum.at(first_t_rel, pts.flight, pts.t_rel)
    written: list[WrittenFile] = []
    for day in np.unique(days).tolist():
        name = _day_name(day)
        in_day = days == day
        sel = pts.take(in_day & (fmt == "opensky"))
        if sel.size:
            path = folder / "opensky" / f"states_{name}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(opensky_table(sel, plans, rng), path)
            written.append(WrittenFile(path, "opensky", sel.size))
        sel = pts.take(in_day & (fmt == "sbs"))
        if sel.size:
            path = folder / "sbs" / f"basestation_{name}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            lines = sbs_lines(sel, plans)
            path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
            written.append(WrittenFile(path, "sbs", len(lines)))
        readsb = pts.take(in_day & (fmt == "readsb"))
        icao = np.array([plans[f].airframe.icao24 for f in readsb.flight])
        for hexid in sorted(set(icao.tolist())):
            sel = readsb.take(icao == hexid)
            ac = plans[int(sel.flight[0])].airframe
            path = folder / "readsb" / name / f"trace_full_{hexid}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_dump_trace(readsb_trace(ac, sel, plans, first_t_rel)), encoding="utf-8")
            written.append(WrittenFile(path, "readsb", sel.size))
    return written
