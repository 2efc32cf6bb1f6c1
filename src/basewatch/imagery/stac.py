"""Observations as STAC 1.x Items with the label extension (pystac), and a catalog export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pystac

    from basewatch.imagery.raster import RasterInfo

PREFIX = "basewatch:"


@dataclass(frozen=True)
class ObservationMeta:
    """What the analyst says about a picture (the Item's properties besides the picture's own facts)."""

    observation_id: str
    site_id: str
    acquired_at: dt.datetime
    provider: str | None = None
    resolution_m: float | None = None
    licence: str | None = None
    analyst: str | None = None
    confidence: float | None = None
    source_url: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    method: str = "manual"   # label:methods (manual | automated)


def footprint(info: RasterInfo) -> tuple[dict[str, object] | None, list[float] | None]:
    """GeoJSON polygon (lon/lat) and bbox of a georeferenced picture's corners; (None, None) without one."""
    from basewatch.imagery.raster import map_to_lonlat

    g = info.georef
    if g is None:
        return None, None
    corners = [g.to_map(c, r) for c, r in ((0, 0), (info.width, 0), (info.width, info.height), (0, info.height))]
    ll = map_to_lonlat(corners, g.crs)
    ring = [[round(x, 7), round(y, 7)] for x, y in [*ll, ll[0]]]
    xs, ys = [p[0] for p in ll], [p[1] for p in ll]
    return {"type": "Polygon", "coordinates": [ring]}, [min(xs), min(ys), max(xs), max(ys)]


def build_item(meta: ObservationMeta, info: RasterInfo, *, labels_href: str | None = None) -> pystac.Item:
    import warnings

    import pystac

    with warnings.catch_warnings():  # pystac marks the extension "pilot" and deprecated; the issue asks for it
        warnings.simplefilter("ignore", DeprecationWarning)
        from pystac.extensions.label import LabelClasses, LabelCount, LabelExtension, LabelOverview, LabelType

    geometry, bbox = footprint(info)
    props: dict[str, object] = {
        f"{PREFIX}site_id": meta.site_id,
        f"{PREFIX}sha256": info.sha256,
    }
    for key, value in (("analyst", meta.analyst), ("confidence", meta.confidence),
                       ("source_url", meta.source_url), ("licence", meta.licence)):
        if value is not None:
            props[PREFIX + key] = value
    if meta.resolution_m is not None:
        props["gsd"] = meta.resolution_m
    if meta.provider:
        props["providers"] = [{"name": meta.provider, "roles": ["producer"]}]
    if info.georef is not None:
        props["proj:code"] = info.georef.crs
        props["proj:transform"] = list(info.georef.transform)
        props["proj:shape"] = [info.height, info.width]
    item = pystac.Item(id=meta.observation_id, geometry=geometry, bbox=bbox,
                       datetime=meta.acquired_at.astimezone(dt.UTC), properties=props)
    item.add_asset("image", pystac.Asset(href=str(info.path), media_type=info.media_type, roles=["data"]))
    if labels_href:
        item.add_asset("labels", pystac.Asset(href=labels_href, media_type="application/geo+json", roles=["labels"]))
    label = LabelExtension.ext(item, add_if_missing=True)
    classes = sorted(meta.counts)
    label.apply(
        label_description=f"objects counted at {meta.site_id}",
        label_type=LabelType.VECTOR,
        label_properties=["class"] if classes else None,
        label_classes=[LabelClasses.create(classes=classes, name="class")] if classes else None,
        label_tasks=["detection"] if classes else None,
        label_methods=[meta.method],
        label_overviews=[LabelOverview.create(
            property_key="class", counts=[LabelCount.create(name=c, count=meta.counts[c]) for c in classes]
        )] if classes else None,
    )
    return item


def export_catalog(items: list[dict[str, object]], folder: Path, *, labels: dict[str, dict[str, object]]) -> Path:
    """Write a self-contained STAC catalog (catalog.json, one folder per Item, labels as GeoJSON assets)."""
    import json

    import pystac

    folder.mkdir(parents=True, exist_ok=True)
    catalog = pystac.Catalog(id="basewatch-imagery", description="Imagery observations recorded in basewatch")
    for d in items:
        item = pystac.Item.from_dict(dict(d))
        fc = labels.get(item.id)
        if fc and fc.get("features"):
            sub = folder / item.id
            sub.mkdir(exist_ok=True)
            (sub / "labels.geojson").write_text(json.dumps(fc), encoding="utf-8")
            item.add_asset("labels", pystac.Asset(href=str((sub / "labels.geojson").resolve()),
                                                  media_type="application/geo+json", roles=["labels"]))
        catalog.add_item(item)
    catalog.normalize_hrefs(str(folder))
    catalog.make_all_asset_hrefs_relative()
    catalog.save(catalog_type=pystac.CatalogType.SELF_CONTAINED)
    return folder / "catalog.json"
