"""The simulated AIS side of the December 2024 scenario, written as NMEA 0183 with tag blocks.

Everything here is simulated (MMSIs and IMOs are invented; names follow the brief's founding case):

* Russian MoD cargo ships SPARTA II, SPARTA IV, URSA MAJOR (MID 273) shuttle Tartus -> Tobruk / Benghazi
  and back all month; SPARTA IV's AIS is off for 7 h while at Tobruk (an in-port gap, not a dark period).
* Three warships (type 35) lie at Tartus and leave: one goes dark for 40 h and reappears off Tobruk, one
  goes dark for good, one goes dark for 20 h on its way to Novorossiysk.
* Civil traffic: a Syrian cargo ship to Latakia (waiting at the anchorage 3.5 km out first), Mersin and
  Limassol; a tanker to Baniyas heard only now and then at sea (its 9 h silence there is not "going dark");
  a container ship that passes Baniyas at speed without calling and calls at Limassol and Latakia.

Reports come every 5-11 min (the tanker: every 1-3 h at sea), type 5 static messages every 6 h. Reports
within 150 km of Tartus go to the coastal receiver's file, the rest to the satellite receiver's file.
write_ais_scenario() returns the NMEA files; the ground truth is written next to them (TRUTH_FILE).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

from basewatch.demo.ais_tracks import Track, TrackBuilder, zone_visit
from basewatch.demo.nmea_encode import PositionReport, StaticVoyage, sentences
from basewatch.geo import haversine_km

TRUTH_FILE = "ais_truth.json"
COAST_FILE = "ais_coastal_syria_2024-12.nmea"
SAT_FILE = "ais_satellite_2024-12.nmea"
START = dt.datetime(2024, 12, 1, tzinfo=dt.UTC).timestamp()
END = dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp()
H = 3600.0
ENTER_KM, EXIT_KM = 3.0, 4.0
DARK_THRESHOLD_S = 6 * H
COAST_RANGE_KM = 150.0
_STATIONS = {"coast": "SY-TARTUS-1", "sat": "SAT-EXACT-7"}  # tag-block s: of the two receivers


@dataclass(frozen=True)
class Port:
    key: str            # watchlist site id, or World Port Index name
    is_site: bool
    lat: float
    lon: float
    approach: tuple[tuple[float, float], ...]  # from the berth outwards to open water


PORTS = {
    p.key: p
    for p in (
        Port("tartus", True, 34.9, 35.866667, ((34.905, 35.80), (34.92, 35.70))),
        Port("latakia-port", True, 35.533333, 35.766667, ((35.54, 35.72), (35.55, 35.60))),
        Port("baniyas", True, 35.183333, 35.95, ((35.19, 35.90), (35.20, 35.80))),
        Port("tobruk-port", True, 32.083333, 23.983333, ((32.085, 24.03), (32.10, 24.12))),
        Port("benghazi-port", True, 32.116667, 20.05, ((32.13, 20.00), (32.16, 19.93))),
        Port("novorossiysk", True, 44.716667, 37.783333, ((44.68, 37.80), (44.60, 37.85))),
        Port("Mersin", False, 36.8, 34.633333, ((36.77, 34.66), (36.70, 34.70))),
        Port("Limassol", False, 34.666667, 33.05, ((34.64, 33.05), (34.58, 33.05))),
    )
}

# Open-water waypoints between the outer approach points of two ports (reversed for the way back).
ROUTES: dict[tuple[str, str], tuple[tuple[float, float], ...]] = {
    ("tartus", "tobruk-port"): ((34.30, 33.00), (32.60, 26.50)),
    ("tartus", "benghazi-port"): ((34.30, 33.00), (33.50, 22.50), (32.60, 19.85)),
    ("latakia-port", "Mersin"): (),
    ("latakia-port", "Limassol"): ((34.75, 34.20),),
    ("tartus", "novorossiysk"): ((35.30, 30.00), (35.80, 27.50), (36.40, 26.40), (37.60, 25.70), (39.00, 25.60),
                                 (40.00, 26.15), (40.40, 26.70), (40.95, 28.95), (41.25, 29.12), (42.00, 31.00),
                                 (44.40, 37.50)),
}


@dataclass(frozen=True)
class Vessel:
    mmsi: int
    name: str
    imo: int
    callsign: str
    ship_type: int
    length_m: int
    beam_m: int
    draught_m: float
    role: str
    sparse_at_sea: bool = False  # reception every 1-3 h away from the coast


FLEET = (
    Vessel(273214010, "SPARTA II", 9743101, "UBRZ3", 70, 122, 17, 6.5, "MoD cargo"),
    Vessel(273214020, "SPARTA IV", 9743102, "UBRZ4", 70, 149, 20, 7.0, "MoD cargo"),
    Vessel(273214030, "URSA MAJOR", 9743103, "UBRZ5", 70, 142, 21, 7.2, "MoD cargo"),
    Vessel(273100110, "ADMIRAL GOLOVKO", 0, "RMGL", 35, 135, 16, 4.5, "warship"),
    Vessel(273100120, "ADMIRAL GRIGOROVICH", 0, "RMGR", 35, 125, 15, 4.2, "warship"),
    Vessel(273100130, "ADMIRAL ESSEN", 0, "RMES", 35, 125, 15, 4.2, "warship"),
    Vessel(468123400, "LAODICEA STAR", 9300001, "YKLS", 70, 110, 18, 6.0, "civil cargo"),
    Vessel(352987600, "EASTERN TIDE", 9200002, "3FET9", 80, 180, 30, 9.5, "civil tanker", sparse_at_sea=True),
    Vessel(636091200, "MARE NOSTRUM", 9400003, "D5MN2", 71, 200, 32, 10.0, "civil container"),
)


def _path(src: str, dst: str) -> list[tuple[float, float]]:
    a, b = PORTS[src], PORTS[dst]
    sea = ROUTES.get((src, dst))
    if sea is None:
        sea = tuple(reversed(ROUTES[(dst, src)]))
    return [*a.approach, *sea, *reversed(b.approach), (b.lat, b.lon)]


def _voyage(b: TrackBuilder, src: str, dst: str, kn: float) -> TrackBuilder:
    """Sail from the berth of src to the berth of dst: 6 kn in the approaches, `kn` at sea."""
    path = _path(src, dst)
    n_out = len(PORTS[src].approach)
    n_in = len(PORTS[dst].approach) + 1
    b.sail(path[:n_out], 6.0)
    b.sail(path[n_out:-n_in], kn)
    return b.sail(path[-n_in:], 6.0)


def _arrive(b: TrackBuilder, port: str, kn: float) -> TrackBuilder:
    """From open water into a port: its approach (outer first) at sea speed then 6 kn, then the berth."""
    p = PORTS[port]
    b.sail([p.approach[-1]], kn)
    return b.sail([*reversed(p.approach[:-1]), (p.lat, p.lon)], 6.0)


def _shuttle(start: tuple[float, float], first_dwell: float, legs: list[tuple[str, float]], kn: float,
             silences: tuple[tuple[int, float, float], ...] = ()) -> Track:
    """A MoD cargo ship: from sea into Tartus, then legs (port, dwell hours) until the month ends.

    silences: (index of the dwell in the visit sequence, hours after its start, length in hours)."""
    b = TrackBuilder(START, *start)
    _arrive(b, "tartus", kn).dwell(first_dwell, "tartus")
    here, visit, i = "tartus", 1, 0
    while b.t < END:
        dst, hours = legs[i % len(legs)]
        _voyage(b, here, dst, kn)
        for idx, after, length in silences:
            if idx == visit:
                b.silence(b.t + after * H, length, dark=False)
        b.dwell(hours, dst)
        here, visit, i = dst, visit + 1, i + 1
    return b.build(END)


def simulated_tracks() -> dict[int, Track]:
    """The true track of every vessel of FLEET, by MMSI (the same for every seed: only reports are random)."""
    plans: dict[int, Track] = {}
    plans[273214010] = _shuttle((34.00, 31.00), 40, [("tobruk-port", 30), ("tartus", 36), ("benghazi-port", 30),
                                                      ("tartus", 40)], 12.0)
    plans[273214020] = _shuttle((34.60, 34.50), 20, [("benghazi-port", 36), ("tartus", 30), ("tobruk-port", 40),
                                                      ("tartus", 30)], 11.5, silences=((3, 10, 7),))
    plans[273214030] = _shuttle((34.20, 33.00), 48, [("tobruk-port", 24), ("tartus", 44), ("benghazi-port", 28),
                                                      ("tartus", 38)], 12.5)
    tartus = PORTS["tartus"]
    # Warship 1: leaves Tartus 10 Dec 12:00, dark from 3 h out for 40 h, reappears off Tobruk, stays there.
    b = TrackBuilder(START, tartus.lat, tartus.lon).dwell_until(START + (9 * 24 + 12) * H, "tartus")
    b.silence(b.t + 3 * H, 40)
    plans[273100110] = _voyage(b, "tartus", "tobruk-port", 14.0).dwell_until(END, "tobruk-port").build(END)
    # Warship 2: leaves 14 Dec 06:00 westwards, dark from 2 h out, never heard again.
    b = TrackBuilder(START, tartus.lat, tartus.lon).dwell_until(START + (13 * 24 + 6) * H, "tartus")
    b.silence(b.t + 2 * H, None)
    plans[273100120] = b.sail([*tartus.approach, (34.50, 30.00), (35.50, 20.00)], 15.0).build(END)
    # Warship 3: leaves 16 Dec 18:00 for Novorossiysk, dark from 4 h out for 20 h.
    b = TrackBuilder(START, tartus.lat, tartus.lon).dwell_until(START + (15 * 24 + 18) * H, "tartus")
    b.silence(b.t + 4 * H, 20)
    plans[273100130] = _voyage(b, "tartus", "novorossiysk", 14.0).dwell_until(END, "novorossiysk").build(END)
    # Syrian cargo: waits 12 h at the Latakia anchorage (3.5 km out, inside the exit radius), then calls.
    b = TrackBuilder(START, 36.20, 35.20).sail([(35.58, 35.62), (35.533333, 35.7280)], 10.0).dwell(12)
    b.sail([(35.54, 35.72), (35.533333, 35.766667)], 5.0).dwell(48, "latakia-port")
    _voyage(b, "latakia-port", "Mersin", 11.0).dwell(30, "Mersin")
    _voyage(b, "Mersin", "latakia-port", 11.0).dwell(40, "latakia-port")
    _voyage(b, "latakia-port", "Limassol", 11.0).dwell(24, "Limassol")
    while b.t < END:
        _voyage(b, "Limassol", "latakia-port", 11.0).dwell(60, "latakia-port")
        _voyage(b, "latakia-port", "Limassol", 11.0).dwell(30, "Limassol")
    plans[468123400] = b.build(END)
    # Tanker: from the west to Baniyas (60 h), back out west, and again; sparse reception far out.
    b = TrackBuilder(START, 34.00, 30.00)
    while b.t < END:
        _arrive(b, "baniyas", 11.0).dwell(60, "baniyas")
        b.sail([*PORTS["baniyas"].approach, (34.00, 30.00)], 11.0).dwell(20)
        b.silence(b.t + 3 * H, 9, dark=False)
    plans[352987600] = b.build(END)
    # Container ship: passes Baniyas 2.7 km off at 13 kn, calls at Limassol, then Latakia, then leaves.
    b = TrackBuilder(START + 2 * 24 * H, 36.30, 35.55).sail([(35.19, 35.917), (34.90, 35.60), (34.75, 34.20)], 13.0)
    _arrive(b, "Limassol", 13.0).dwell(20, "Limassol")
    _voyage(b, "Limassol", "latakia-port", 13.0).dwell(26, "latakia-port")
    b.sail([*PORTS["latakia-port"].approach, (35.0, 30.0), (34.5, 20.0)], 13.0)
    plans[636091200] = b.build(END)
    return plans


def _report_times(rng: random.Random, v: Vessel, track: Track) -> list[float]:
    out: list[float] = []
    t = track.start + rng.uniform(0, 300)
    while t < track.end:
        if not track.silent(t):
            out.append(t)
        lat, lon, *_ = track.state(t)
        far = haversine_km(lat, lon, PORTS["tartus"].lat, PORTS["tartus"].lon) > COAST_RANGE_KM
        t += rng.uniform(3600, 10800) if v.sparse_at_sea and far else rng.uniform(300, 660)
    return out


def _truth(plans: dict[int, Track], last_report: float) -> dict[str, object]:
    calls = []
    darks = []
    for v in FLEET:
        track = plans[v.mmsi]
        for d in track.dwells():
            assert d.port is not None
            port = PORTS[d.port]
            arr, dep = zone_visit(track, d, port.lat, port.lon, ENTER_KM, EXIT_KM)
            calls.append({"mmsi": str(v.mmsi), "site" if port.is_site else "port": port.key,
                          "arrival": _iso(arr), "departure": _iso(dep)})
        for a, b in track.silences:
            if (b if b is not None else last_report) - a >= DARK_THRESHOLD_S:
                darks.append({"mmsi": str(v.mmsi), "start": _iso(a), "end": _iso(b)})
    return {
        "synthetic": True,
        "note": "Simulated AIS for the basewatch demo; MMSI/IMO invented. Times are the simulated truth: "
                "arrival = first time within 3 km, departure = last time within 4 km (null: still in port); "
                "dark periods = AIS switched off (end null: never on again). Reports lag these by minutes.",
        "rules": {"enter_km": ENTER_KM, "exit_km": EXIT_KM, "dark_threshold_s": DARK_THRESHOLD_S},
        "vessels": [{"mmsi": str(v.mmsi), "name": v.name, "ship_type": v.ship_type, "role": v.role} for v in FLEET],
        "port_calls": calls,
        "dark_periods": darks,
    }


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    return dt.datetime.fromtimestamp(round(t), tz=dt.UTC).isoformat().replace("+00:00", "Z")


def _static(v: Vessel, destination: str) -> StaticVoyage:
    bow = v.length_m * 2 // 3
    return StaticVoyage(v.mmsi, v.imo, v.callsign, v.name, v.ship_type, bow, v.length_m - bow, v.beam_m // 2,
                        v.beam_m - v.beam_m // 2, v.draught_m, destination)


def _destination(track: Track, t: float) -> str:
    for d in track.dwells():
        if d.t1 > t and d.port:
            return d.port.upper().replace("-PORT", "")
    return ""


def write_ais_scenario(out_dir: Path, seed: int) -> list[Path]:
    """Write the scenario's NMEA files (coastal and satellite receivers) and TRUTH_FILE into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    plans = simulated_tracks()
    lines: dict[str, list[tuple[float, int, str]]] = {"coast": [], "sat": []}
    seq = {"coast": 0, "sat": 0}
    order = 0
    last_report = START
    for v in FLEET:
        track = plans[v.mmsi]
        next_static = track.start
        for t in _report_times(rng, v, track):
            lat, lon, kn, cog, _ = track.state(t)
            station = "coast" if haversine_km(lat, lon, PORTS["tartus"].lat,
                                              PORTS["tartus"].lon) <= COAST_RANGE_KM else "sat"
            ts = int(t)
            sog = round(max(0.0, kn + rng.uniform(-0.3, 0.3)) if kn > 0 else rng.choice((0.0, 0.0, 0.1)), 1)
            report = PositionReport(v.mmsi, round(lat, 5), round(lon, 5), sog, cog,
                                    None if cog is None else round(cog) % 360, 0 if kn > 0 else 5, ts % 60)
            msgs = [sentences(report.bits(), channel=rng.choice("AB"), station=_STATIONS[station], unix_time=ts)]
            if t >= next_static:
                seq[station] = (seq[station] + 1) % 10
                order += 1
                msgs.append(sentences(_static(v, _destination(track, t)).bits(), channel="A", seq_id=seq[station],
                                      station=_STATIONS[station], unix_time=ts, group_id=order))
                next_static = t + 6 * H
            for m in msgs:
                order += 1
                lines[station].append((t, order, "\n".join(m)))
            last_report = max(last_report, t)
    paths = []
    for station, name in (("coast", COAST_FILE), ("sat", SAT_FILE)):
        path = out_dir / name
        with path.open("w", encoding="ascii", newline="\n") as fh:
            for _, _, text in sorted(lines[station]):
                fh.write(text + "\n")
        paths.append(path)
    (out_dir / TRUTH_FILE).write_text(json.dumps(_truth(plans, last_report), indent=1) + "\n", encoding="utf-8")
    return paths

