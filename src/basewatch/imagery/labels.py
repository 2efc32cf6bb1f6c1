"""Label files: the CSV layout of the Airbus aircraft sample, GeoJSON, and STAC label items.

Every reader returns `Label`s with rings in one coordinate space, named by `space`: "pixel" (column,
row of the picture) or "map" (the picture's CRS). GeoJSON follows RFC 7946 (longitude, latitude)
unless the collection names another CRS (a legacy `crs` member) or says
`"basewatch:coordinates": "pixel"`; for a picture without georeference its coordinates are pixels.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from basewatch.errors import InputFormatError

Space = Literal["pixel", "map", "lonlat"]
Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Label:
    label: str
    rings: tuple[Ring, ...]
    space: Space
    source_row: int            # 1-based line (CSV) or feature number (GeoJSON)

    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for r in self.rings for p in r]
        ys = [p[1] for r in self.rings for p in r]
        return min(xs), min(ys), max(xs), max(ys)


def read_labels(path: Path, *, image_name: str | None = None, georeferenced: bool = False) -> list[Label]:
    """Labels from a file, by suffix: .csv (image, geometry, class), .geojson/.json (GeoJSON or STAC Item)."""
    if not path.is_file():
        raise InputFormatError(path, "no such label file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_labels(path, image_name=image_name)
    if suffix in (".geojson", ".json"):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputFormatError(path, f"not JSON: {exc}") from exc
        if isinstance(doc, dict) and doc.get("type") == "Feature" and "stac_version" in doc:
            return read_stac_labels(path, doc, georeferenced=georeferenced)
        return geojson_labels(path, doc, georeferenced=georeferenced)
    raise InputFormatError(path, f"unknown label file type {suffix or '(none)'}: want .csv, .geojson or .json")


def read_csv_labels(path: Path, *, image_name: str | None = None) -> list[Label]:
    """Rows `image,geometry,class` with geometry a pixel ring "[(x, y), ...]"; rows of other images skipped."""
    out: list[Label] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"image", "geometry", "class"} - set(reader.fieldnames or ())
        if missing:
            raise InputFormatError(path, f"label CSV lacks column(s) {', '.join(sorted(missing))}", 1)
        images: set[str] = set()
        for row in reader:
            line = reader.line_num
            images.add(row["image"])
            if image_name is not None and Path(row["image"]).name != image_name:
                continue
            out.append(Label(row["class"] or "object", (_csv_ring(path, line, row["geometry"]),), "pixel", line))
    if image_name is not None and not out:
        raise InputFormatError(path, f"no labels for image {image_name!r} (images named: {', '.join(sorted(images))})")
    return out


def _csv_ring(path: Path, line: int, text: str) -> Ring:
    try:
        pts = ast.literal_eval(text)
        ring = tuple((float(x), float(y)) for x, y in pts)
    except (ValueError, SyntaxError, TypeError) as exc:
        raise InputFormatError(path, f"geometry is not a list of (x, y) pairs: {text[:60]!r}", line) from exc
    if len(ring) < 3:
        raise InputFormatError(path, "geometry needs at least 3 points", line)
    return ring


def _named_crs(doc: dict[str, object]) -> str | None:
    crs = doc.get("crs")
    if isinstance(crs, dict):
        props = crs.get("properties")
        if isinstance(props, dict) and isinstance(props.get("name"), str):
            return str(props["name"])
    return None


def _space(doc: dict[str, object], georeferenced: bool) -> Space:
    if doc.get("basewatch:coordinates") == "pixel" or not georeferenced:
        return "pixel"
    named = _named_crs(doc)
    if named is None or named.upper().endswith(("CRS84", "4326")):
        return "lonlat"
    return "map"


def geojson_labels(path: Path, doc: object, *, georeferenced: bool) -> list[Label]:
    """Polygons (and boxes as polygons) of a FeatureCollection; class from properties class/label/name."""
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise InputFormatError(path, "not a GeoJSON FeatureCollection")
    space = _space(doc, georeferenced)
    features = doc.get("features") if doc.get("type") == "FeatureCollection" else [doc]
    if not isinstance(features, list):
        raise InputFormatError(path, "FeatureCollection without a features list")
    return list(_features(path, features, space))


def _features(path: Path, features: Iterable[object], space: Space) -> Iterable[Label]:
    for no, feat in enumerate(features, start=1):
        if not isinstance(feat, dict):
            raise InputFormatError(path, f"feature {no} is not an object")
        geom = feat.get("geometry")
        props = feat.get("properties") or {}
        label = "object"
        if isinstance(props, dict):
            for key in ("class", "label", "name", "label:class"):
                if isinstance(props.get(key), str):
                    label = str(props[key])
                    break
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            raise InputFormatError(path, f"feature {no}: geometry must be a Polygon or MultiPolygon")
        coords = geom.get("coordinates")
        try:
            if not isinstance(coords, list):
                raise TypeError("coordinates")
            polys: list[object] = [coords] if geom["type"] == "Polygon" else list(coords)
            rings = tuple(_ring(ring) for poly in polys for ring in _seq(poly))
        except (TypeError, ValueError, IndexError) as exc:
            raise InputFormatError(path, f"feature {no}: bad coordinates") from exc
        if not rings or any(len(r) < 3 for r in rings):
            raise InputFormatError(path, f"feature {no}: a ring needs at least 3 points")
        yield Label(label, rings, space, no)


def _seq(v: object) -> list[object]:
    if not isinstance(v, list):
        raise TypeError("not a list")
    return v


def _ring(v: object) -> Ring:
    return tuple((float(p[0]), float(p[1])) for p in (_seq(q) for q in _seq(v)))  # type: ignore[arg-type]


def read_stac_labels(path: Path, item: dict[str, object], *, georeferenced: bool) -> list[Label]:
    """A STAC label Item: its features are in the asset with role/key "labels" (a GeoJSON file beside it)."""
    assets = item.get("assets")
    if not isinstance(assets, dict):
        raise InputFormatError(path, "STAC Item without assets")
    for key, asset in assets.items():
        if not isinstance(asset, dict):
            continue
        roles = asset.get("roles") or []
        if key == "labels" or (isinstance(roles, list) and "labels" in roles):
            href = asset.get("href")
            if not isinstance(href, str):
                raise InputFormatError(path, f"asset {key!r} has no href")
            target = (path.parent / href).resolve() if not Path(href).is_absolute() else Path(href)
            if not target.is_file():
                raise InputFormatError(path, f"label asset {href!r} not found at {target}")
            try:
                doc = json.loads(target.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InputFormatError(target, f"not JSON: {exc}") from exc
            return geojson_labels(target, doc, georeferenced=georeferenced)
    raise InputFormatError(path, "STAC Item has no 'labels' asset")


def label_counts(labels: Iterable[Label]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for lab in labels:
        counts[lab.label] = counts.get(lab.label, 0) + 1
    return dict(sorted(counts.items()))


def to_feature_collection(labels: Iterable[Label]) -> dict[str, object]:
    """Pixel-space labels as a GeoJSON FeatureCollection marked `basewatch:coordinates: pixel`."""
    feats = [
        {"type": "Feature", "properties": {"class": lab.label, "source_row": lab.source_row},
         "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in r] for r in lab.rings]}}
        for lab in labels
    ]
    return {"type": "FeatureCollection", "basewatch:coordinates": "pixel", "features": feats}
