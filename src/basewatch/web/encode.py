"""Arrow tables to the API's JSON: rows, pages (search + offset/limit) and GeoJSON features.

Times go out as ISO 8601 UTC ('...Z'), dates as 'YYYY-MM-DD', NaN as null. Text is sent as data and
never as markup: the page puts it into text nodes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
Row = dict[str, JsonValue]
LonLat = tuple[float, float]


def value(v: object) -> JsonValue:
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, dt.datetime):
        return v.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return v.total_seconds()
    if isinstance(v, list | tuple):
        return [value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): value(x) for k, x in v.items()}
    return str(v)


def _plain(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column in types JSON has: times as ISO strings ('...Z', no fraction when whole), NaN as null."""
    t = col.type
    if pa.types.is_timestamp(t):
        if t.tz is None:  # naive times in a workspace are UTC
            col = pc.assume_timezone(col, "UTC")
        text = pc.strftime(col, "%Y-%m-%dT%H:%M:%SZ")
        return pc.replace_substring_regex(text, r"\.0+Z$", "Z")
    if pa.types.is_date(t):
        return pc.cast(col, pa.string())
    if pa.types.is_floating(t):
        return pc.if_else(pc.is_nan(col), pa.scalar(None, t), col)
    return col


_PLAIN = (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer, pa.types.is_boolean,
          pa.types.is_null)


def _is_plain(t: pa.DataType) -> bool:
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _is_plain(t.value_type)
    return pa.types.is_floating(t) or any(ok(t) for ok in _PLAIN)


def rows(table: pa.Table) -> list[Row]:
    """The rows as JSON objects; columns converted in Arrow, other types value by value."""
    if table.num_rows == 0:
        return []
    cols = [_plain(table[c]) for c in table.column_names]
    plain = pa.table(cols, names=table.column_names)
    simple = all(_is_plain(c.type) for c in cols)
    out: list[Row] = plain.to_pylist()
    return out if simple else [{k: value(v) for k, v in r.items()} for r in out]


def dumps(content: object) -> bytes:
    """Compact UTF-8 JSON with <, > and & escaped (\\u003c...), so no answer can read as markup."""
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


@dataclass(frozen=True)
class PageRequest:
    q: str | None = None
    offset: int = 0
    limit: int = 100


def search(table: pa.Table, q: str | None) -> pa.Table:
    """Rows where any text column contains q (case-insensitive, literal)."""
    if not q or table.num_rows == 0:
        return table
    mask: pa.ChunkedArray | None = None
    for name in table.column_names:
        col = table[name]
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            hit = pc.fill_null(pc.match_substring(col, q, ignore_case=True), False)
        elif pa.types.is_list(col.type) and pa.types.is_string(col.type.value_type):
            joined = pc.binary_join(pc.fill_null(col, pa.scalar([], col.type)), "\x1f")
            hit = pc.fill_null(pc.match_substring(joined, q, ignore_case=True), False)
        else:
            continue
        mask = hit if mask is None else pc.or_(mask, hit)
    return table.filter(mask) if mask is not None else table.slice(0, 0)


def page(table: pa.Table, req: PageRequest) -> dict[str, JsonValue]:
    found = search(table, req.q)
    return {"total": found.num_rows, "offset": req.offset, "limit": req.limit,
            "rows": list(rows(found.slice(req.offset, req.limit)))}


# -- GeoJSON ---------------------------------------------------------------------------------------
def feature(geometry: dict[str, JsonValue], props: Row) -> dict[str, JsonValue]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def collection(features: Iterable[dict[str, JsonValue]]) -> dict[str, JsonValue]:
    return {"type": "FeatureCollection", "features": list(features)}


def point(lon: float, lat: float) -> dict[str, JsonValue]:
    return {"type": "Point", "coordinates": [lon, lat]}


def line(coords: Sequence[LonLat]) -> dict[str, JsonValue]:
    return {"type": "LineString", "coordinates": [[lon, lat] for lon, lat in coords]}


def great_circle(a: LonLat, b: LonLat, steps: int = 24) -> list[LonLat]:
    """Points along the great circle from a to b (lon, lat degrees), ends included, inner ones to 1e-5 degree."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    d = 2 * math.asin(math.sqrt(math.sin((lat2 - lat1) / 2) ** 2
                                + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2))
    if d < 1e-9:
        return [a, b]
    out: list[LonLat] = []
    for i in range(steps + 1):
        f = i / steps
        s1, s2 = math.sin((1 - f) * d) / math.sin(d), math.sin(f * d) / math.sin(d)
        x = s1 * math.cos(lat1) * math.cos(lon1) + s2 * math.cos(lat2) * math.cos(lon2)
        y = s1 * math.cos(lat1) * math.sin(lon1) + s2 * math.cos(lat2) * math.sin(lon2)
        z = s1 * math.sin(lat1) + s2 * math.sin(lat2)
        out.append((round(math.degrees(math.atan2(y, x)), 5), round(math.degrees(math.atan2(z, math.hypot(x, y))), 5)))
    out[0], out[-1] = a, b  # the ends exactly as given
    return out


def point_features(items: list[Row], lon: str, lat: str) -> list[dict[str, JsonValue]]:
    out = []
    for r in items:
        x, y = r.get(lon), r.get(lat)
        if isinstance(x, int | float) and isinstance(y, int | float):
            out.append(feature(point(float(x), float(y)), r))
    return out


def link_features(items: list[Row], ends: Callable[[Row], tuple[LonLat | None, LonLat | None]]
                  ) -> list[dict[str, JsonValue]]:
    """One great-circle LineString per row whose two ends are known."""
    out = []
    for r in items:
        a, b = ends(r)
        if a is not None and b is not None:
            out.append(feature(line(great_circle(a, b)), r))
    return out


def lookup(places: Mapping[str, LonLat], key: JsonValue) -> LonLat | None:
    return places.get(key) if isinstance(key, str) else None
