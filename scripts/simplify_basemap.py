"""Build step (run by vendor_web.sh): a light copy of the basemap's land for the world view.

`python3 scripts/simplify_basemap.py land.json land-low.json 0.08` keeps the polygons of land.json only
(its coastline lines are not drawn by a fill layer), each ring simplified by Douglas-Peucker with the given
tolerance in degrees, and drops rings smaller than the tolerance squared. At the dashboard's first zoom
(3.6) a screen pixel is about 0.06 degrees, so the world view looks the same while the map's worker cuts
far fewer points into tiles before the first frame. Standard library only.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

Point = tuple[float, float]


def _distance2(p: Point, a: Point, b: Point) -> float:
    """Squared distance from p to the segment a-b."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return (p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return (p[0] - a[0] - t * dx) ** 2 + (p[1] - a[1] - t * dy) ** 2


def simplify(line: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker (iterative), keeping both ends."""
    if len(line) < 3:
        return line
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        worst, at = 0.0, -1
        for i in range(first + 1, last):
            d = _distance2(line[i], line[first], line[last])
            if d > worst:
                worst, at = d, i
        if at >= 0 and worst > tol2:
            keep[at] = True
            stack += [(first, at), (at, last)]
    return [p for p, k in zip(line, keep, strict=True) if k]


def _area(ring: list[Point]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring))) / 2


def simplify_ring(ring: list[Point], tolerance: float) -> list[Point] | None:
    # a closed ring: split at its farthest point from the start so both halves have distinct ends
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - ring[0][0]) ** 2 + (ring[i][1] - ring[0][1]) ** 2)
    out = simplify(ring[: far + 1], tolerance)[:-1] + simplify(ring[far:], tolerance)
    out = [(round(x, 2), round(y, 2)) for x, y in out]
    if len(out) < 4 or _area(out) < tolerance * tolerance:
        return None
    return out


def polygons(geometry: dict[str, object]) -> list[list[list[Point]]]:
    kind, coords = geometry["type"], geometry.get("coordinates")
    if kind == "GeometryCollection":
        return [p for g in geometry["geometries"] for p in polygons(g)]  # type: ignore[union-attr, attr-defined]
    if kind == "Polygon":
        return [coords]  # type: ignore[list-item]
    if kind == "MultiPolygon":
        return list(coords)  # type: ignore[call-overload]
    return []


def main(src: Path, dst: Path, tolerance: float) -> None:
    data = json.loads(src.read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        for polygon in polygons(feature["geometry"]):
            rings = [simplify_ring([tuple(p) for p in ring], tolerance) for ring in polygon]
            if rings[0] is not None:  # the outer ring stays; holes too small to see go
                out.append([r for r in rings if r is not None])
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": out}}]}
    dst.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    before = sum(len(r) for p in (q for f in data["features"] for q in polygons(f["geometry"])) for r in p)
    after = sum(len(r) for p in out for r in p)
    print(f"{dst.name}: {after:,} points in {len(out):,} polygons (from {before:,})")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]))
