"""Interchange formats for flights and corridors: GeoJSON, KML (Google Earth), CSV, Parquet.

Tracks are drawn from the workspace's points between each flight's start and end, thinned to one
point per `step_s` seconds (plus the last point) so maps stay light.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from basewatch.jsonable import to_jsonable

__all__ = ["to_jsonable"]

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

KML_NS = "http://www.opengis.net/kml/2.2"
Track = Sequence[tuple[float, float, float | None]]  # (lon, lat, alt_m) in time order
TRACK_STEP_S = 20


def flight_tracks(ws: Workspace, flight_ids: Sequence[str], step_s: int = TRACK_STEP_S) -> dict[str, Track]:
    """flight_id -> [(lon, lat, alt_m), ...] in time order, thinned to one point per `step_s`."""
    if not flight_ids:
        return {}
    rows = ws.con.execute(
        """
        WITH f AS (SELECT flight_id, icao24, start, "end" FROM flights WHERE flight_id IN (SELECT unnest(?))),
        p AS (
            SELECT f.flight_id, p.time, p.lon, p.lat, coalesce(p.alt_geom_m, p.alt_baro_m) AS alt,
                   row_number() OVER w AS rn, count(*) OVER (PARTITION BY f.flight_id) AS n,
                   row_number() OVER (PARTITION BY f.flight_id, epoch(p.time)::BIGINT // ? ORDER BY p.time,
                                      p.source_id, p.row_no) AS in_step
            FROM f JOIN aircraft_points p ON p.icao24 = f.icao24 AND p.time BETWEEN f.start AND f."end"
            WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL
            WINDOW w AS (PARTITION BY f.flight_id ORDER BY p.time, p.source_id, p.row_no)
        )
        SELECT flight_id, lon, lat, alt FROM p WHERE in_step = 1 OR rn = n ORDER BY flight_id, rn
        """,
        [list(flight_ids), step_s],
    ).fetchall()
    out: dict[str, list[tuple[float, float, float | None]]] = {}
    for fid, lon, lat, alt in rows:
        out.setdefault(fid, []).append((lon, lat, alt))
    return dict(out)


def _props(row: Mapping[str, Any], skip: Iterable[str] = ()) -> dict[str, Any]:
    skipped = set(skip)
    return {k: to_jsonable(v) for k, v in row.items() if k not in skipped}


def flights_geojson(rows: Sequence[Mapping[str, Any]], tracks: Mapping[str, Track]) -> dict[str, Any]:
    features = []
    for r in rows:
        coords = [[lon, lat] for lon, lat, _ in tracks.get(r["flight_id"], ())]
        geometry = {"type": "LineString", "coordinates": coords} if len(coords) >= 2 else None
        features.append({"type": "Feature", "id": r["flight_id"], "geometry": geometry, "properties": _props(r)})
    return {"type": "FeatureCollection", "features": features}


def corridor_totals(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per-day corridor rows -> one row per (origin, destination, mode) with movements per day."""
    out: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for r in rows:
        key = (r["origin"], r["destination"], r["mode"])
        agg = out.setdefault(key, {"origin": key[0], "destination": key[1], "mode": key[2], "movements": 0,
                                   "per_day": {}})
        agg["movements"] += int(r["movements"])
        day = to_jsonable(r["day"])
        agg["per_day"][day] = agg["per_day"].get(day, 0) + int(r["movements"])
    return sorted(out.values(), key=lambda a: (-a["movements"], str(a["origin"]), str(a["destination"])))


def corridors_geojson(totals: Sequence[Mapping[str, Any]],
                      places: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    """Straight lines between known places; pairs with an unknown end keep a null geometry."""
    features = []
    for t in totals:
        a, b = places.get(t["origin"] or ""), places.get(t["destination"] or "")
        geometry = ({"type": "LineString", "coordinates": [[a[1], a[0]], [b[1], b[0]]]}
                    if a is not None and b is not None else None)
        features.append({"type": "Feature", "geometry": geometry, "properties": _props(t)})
    return {"type": "FeatureCollection", "features": features}


# -- KML --------------------------------------------------------------------------------------------
def _kml_document(name: str) -> tuple[ET.Element, ET.Element]:
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = ET.SubElement(root, f"{{{KML_NS}}}Document")
    ET.SubElement(doc, f"{{{KML_NS}}}name").text = name
    return root, doc


def _kml_placemark(doc: ET.Element, name: str, description: str, coords: Track, absolute: bool) -> None:
    k = KML_NS
    pm = ET.SubElement(doc, f"{{{k}}}Placemark")
    ET.SubElement(pm, f"{{{k}}}name").text = name
    ET.SubElement(pm, f"{{{k}}}description").text = description
    if len(coords) < 2:
        return
    line = ET.SubElement(pm, f"{{{k}}}LineString")
    ET.SubElement(line, f"{{{k}}}tessellate").text = "1"
    use_alt = absolute and all(c[2] is not None for c in coords)
    ET.SubElement(line, f"{{{k}}}altitudeMode").text = "absolute" if use_alt else "clampToGround"
    ET.SubElement(line, f"{{{k}}}coordinates").text = " ".join(
        f"{lon:.6f},{lat:.6f},{max(alt or 0.0, 0.0) if use_alt else 0:.0f}" for lon, lat, alt in coords
    )


def _describe(row: Mapping[str, Any]) -> str:
    return "\n".join(f"{k}: {to_jsonable(v)}" for k, v in row.items() if v is not None)


def flights_kml(rows: Sequence[Mapping[str, Any]], tracks: Mapping[str, Track]) -> bytes:
    root, doc = _kml_document("basewatch flights")
    for r in rows:
        label = f"{r.get('callsign') or r['icao24']} {r.get('origin_site') or r.get('origin_airport') or '?'}" \
                f" -> {r.get('destination_site') or r.get('destination_airport') or '?'}"
        _kml_placemark(doc, label, _describe(r), tracks.get(r["flight_id"], ()), absolute=True)
    return _xml_bytes(root)


def corridors_kml(totals: Sequence[Mapping[str, Any]], places: Mapping[str, tuple[float, float]]) -> bytes:
    root, doc = _kml_document("basewatch corridors")
    for t in totals:
        a, b = places.get(t["origin"] or ""), places.get(t["destination"] or "")
        coords = [(a[1], a[0], None), (b[1], b[0], None)] if a is not None and b is not None else []
        label = f"{t['origin'] or '?'} -> {t['destination'] or '?'} ({t['mode']}): {t['movements']}"
        _kml_placemark(doc, label, json.dumps(to_jsonable(t)), coords, absolute=False)
    return _xml_bytes(root)


def _xml_bytes(root: ET.Element) -> bytes:
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


# -- tables -----------------------------------------------------------------------------------------
def csv_text(table: pa.Table) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(table.column_names)
    for row in table.to_pylist():
        w.writerow(["" if v is None else _csv_value(v) for v in row.values()])
    return buf.getvalue()


def _csv_value(v: Any) -> Any:
    if isinstance(v, list):
        return " ".join(str(x) for x in v)
    if isinstance(v, dt.datetime | dt.date):
        return to_jsonable(v)
    return v


def write_parquet(table: pa.Table, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, path)
