"""The places and airframes of the simulated December 2024 scenario (all identities simulated).

Airfield coordinates and elevations are those of the airportsdata package (MIT); site ids are
those of the default watchlist. The three An-124 are the watchlist's own entries; the Il-76 and
Il-62 hexes lie in Russia's ICAO block (0x100000-0x1FFFFF) and are made up for the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FileFormat = Literal["opensky", "readsb", "sbs"]
FT = 0.3048


@dataclass(frozen=True)
class Airfield:
    icao: str
    name: str
    lat: float
    lon: float
    elevation_m: float
    site_id: str | None = None   # the default watchlist's site at this field, if any


def _af(icao: str, name: str, lat: float, lon: float, elev_ft: float, site: str | None = None) -> Airfield:
    return Airfield(icao, name, lat, lon, round(elev_ft * FT, 1), site)


AIRFIELDS: dict[str, Airfield] = {
    a.icao: a
    for a in (
        _af("OSLK", "Khmeimim (Bassel Al-Assad)", 35.4011, 35.9487, 157, "khmeimim"),
        _af("HL59", "al-Khadim", 31.9985, 21.1918, 800, "al-khadim"),
        _af("HLLB", "Benina", 32.0968, 20.2695, 433, "benina"),
        _af("GABS", "Bamako Senou", 12.5335, -7.94994, 1247, "bamako"),
        _af("UUMU", "Chkalovsky", 55.8783, 38.0617, 499, "chkalovsky"),
        _af("XWSG", "Engels", 51.46667, 46.2, 128, "engels"),
        _af("LCLK", "Larnaca", 34.8751, 33.6249, 8),
        _af("LLBG", "Ben Gurion", 32.0114, 34.8867, 135),
        _af("OLBA", "Beirut", 33.8209, 35.4884, 87),
        _af("HECA", "Cairo", 30.1219, 31.4056, 382),
        _af("LTAI", "Antalya", 36.8987, 30.8005, 177),
        _af("LGAV", "Athens", 37.9364, 23.9445, 308),
        _af("OJAI", "Amman Queen Alia", 31.7226, 35.9932, 2395),
        _af("LCPH", "Paphos", 34.718, 32.4857, 41),
        _af("HEAX", "Alexandria El Nouzha", 31.1839, 29.9489, -6),
        _af("LTFM", "Istanbul", 41.27533, 28.752, 325),
    )
}

# Khmeimim <-> Russia avoiding Turkey: east over Syria and Iraq, north over Iran and the Caspian.
RUSSIA_VIA: tuple[tuple[float, float], ...] = (
    (35.30, 40.10),   # Deir ez-Zor
    (33.60, 44.20),   # north of Baghdad
    (36.20, 49.40),   # Qazvin
    (42.00, 50.20),   # Caspian Sea
    (46.30, 48.00),   # Astrakhan
)


@dataclass(frozen=True)
class Airframe:
    icao24: str
    registration: str
    typecode: str
    type_desc: str
    operator: str
    fmt: FileFormat              # the kind of record the simulated analyst has for it
    military: bool
    actor: str | None
    callsign: str | None         # fixed callsign prefix for airliners (flight number added per route)
    speed_ms: tuple[float, float]
    cruise_ft: tuple[float, float]


def _mil(icao: str, reg: str, tc: str, fmt: FileFormat) -> Airframe:
    desc = {"A124": "ANTONOV AN-124 Ruslan", "IL76": "ILYUSHIN IL-76", "IL62": "ILYUSHIN IL-62"}[tc]
    speed = {"A124": (212.0, 226.0), "IL76": (200.0, 214.0), "IL62": (228.0, 240.0)}[tc]
    cruise = {"A124": (30000.0, 34000.0), "IL76": (30000.0, 33000.0), "IL62": (33000.0, 38000.0)}[tc]
    op = "224th Flight Unit" if tc == "A124" else ("223rd Flight Unit" if tc == "IL62" else "Russian Aerospace Forces")
    return Airframe(icao, reg, tc, desc, op, fmt, True, "ru-mod-transport", None, speed, cruise)


A124 = (
    _mil("154076", "RA-82038", "A124", "readsb"),
    _mil("15405a", "RA-82010", "A124", "readsb"),
    _mil("15406e", "RA-82030", "A124", "readsb"),
)
IL76 = (
    _mil("14f1c2", "RA-78817", "IL76", "readsb"),
    _mil("14f3a9", "RA-78830", "IL76", "readsb"),
    _mil("150b47", "RA-76713", "IL76", "opensky"),
    _mil("14f5d0", "RA-78854", "IL76", "opensky"),
    _mil("150a93", "RA-76697", "IL76", "sbs"),
    _mil("14f58e", "RA-78845", "IL76", "opensky"),
    _mil("14f011", "RA-78762", "IL76", "sbs"),
    _mil("150a1f", "RA-76679", "IL76", "readsb"),
)
IL62 = _mil("15133c", "RA-86496", "IL62", "readsb")


def _civ(icao: str, reg: str, tc: str, op: str, prefix: str, fmt: FileFormat) -> Airframe:
    desc = {"A320": "AIRBUS A-320", "B738": "BOEING 737-800", "A21N": "AIRBUS A-321neo"}[tc]
    return Airframe(icao, reg, tc, desc, op, fmt, False, None, prefix, (225.0, 240.0), (34000.0, 38000.0))


@dataclass(frozen=True)
class Airline:
    airframe: Airframe
    base: str
    destinations: tuple[str, ...]


AIRLINES = (
    Airline(_civ("4c8153", "5B-DCW", "A320", "Cyprus Airways", "CYP", "opensky"), "LCLK", ("LGAV", "OLBA", "LLBG")),
    Airline(_civ("738065", "4X-EKU", "B738", "El Al", "ELY", "opensky"), "LLBG", ("LGAV", "LCLK", "LTAI")),
    Airline(_civ("748204", "OD-MRR", "A21N", "Middle East Airlines", "MEA", "opensky"), "OLBA", ("LCLK", "HECA")),
    Airline(_civ("0101d7", "SU-GCS", "B738", "EgyptAir", "MSR", "sbs"), "HECA", ("LGAV", "LCLK", "OJAI")),
    Airline(_civ("4bb1c6", "TC-JHU", "B738", "Turkish Airlines", "THY", "sbs"), "LTAI", ("LLBG", "LCLK", "OLBA")),
    Airline(_civ("46b8a5", "SX-DNE", "A320", "Aegean Airlines", "AEE", "opensky"), "LGAV", ("LLBG", "HECA", "LCPH")),
)

# Receiver coverage gaps (lat_min, lat_max, lon_min, lon_max): no report inside these boxes.
COVERAGE_GAPS: dict[str, tuple[float, float, float, float]] = {
    "central Syria": (32.5, 37.5, 37.5, 39.0),
    "Libyan desert and Sahel": (13.6, 30.8, -12.0, 25.5),
}
