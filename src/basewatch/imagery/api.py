"""What the Workspace's imagery methods do: add an observation, compare two, list them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from basewatch.errors import BasewatchError
from basewatch.imagery.compare import CompareParams, CompareResult
from basewatch.imagery.stac import ObservationMeta

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.imagery.compare import Region
    from basewatch.imagery.labels import Label
    from basewatch.imagery.raster import Georef
    from basewatch.workspace.core import Workspace


@dataclass(frozen=True)
class AddedObservation:
    observation_id: str
    site_id: str
    acquired_at: dt.datetime
    counts: dict[str, int]
    georeferenced: bool
    labels: int


@dataclass(frozen=True)
class Comparison:
    change_id: str
    before_id: str
    after_id: str
    result: CompareResult


def _utc(t: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(t, dt.datetime):
        return dt.datetime(t.year, t.month, t.day, tzinfo=dt.UTC)
    if t.tzinfo is None:
        raise BasewatchError(f"acquisition time {t.isoformat()} has no time zone (give UTC, e.g. ...Z)")
    return t.astimezone(dt.UTC)


def observation_id(sha256: str, site_id: str, acquired_at: dt.datetime) -> str:
    key = f"{sha256}|{site_id}|{acquired_at.isoformat()}"
    return "obs-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def add_observation(
    ws: Workspace,
    image: Path,
    *,
    site: str,
    acquired_at: dt.datetime | dt.date,
    provider: str | None = None,
    resolution_m: float | None = None,
    licence: str | None = None,
    analyst: str | None = None,
    confidence: float | None = None,
    source_url: str | None = None,
    labels: Path | None = None,
    counts: dict[str, int] | None = None,
    copy_to: Path | None = None,
    detector: Path | None = None,
    detector_classes: tuple[str, ...] = ("object",),
    min_score: float = 0.5,
) -> AddedObservation:
    """Store one observation (STAC Item, label counts and geometries); the picture is kept by path and hash."""
    from basewatch.imagery.geometry import label_to_pixel
    from basewatch.imagery.labels import label_counts, read_labels, to_feature_collection
    from basewatch.imagery.raster import raster_info
    from basewatch.imagery.stac import build_item
    from basewatch.imagery.store import OBSERVATION_COLUMNS, insert_row, site_exists

    if confidence is not None and not 0 <= confidence <= 1:
        raise BasewatchError(f"--confidence must be between 0 and 1, got {confidence}")
    if resolution_m is not None and resolution_m <= 0:
        raise BasewatchError(f"--resolution-m must be positive, got {resolution_m}")
    if not site_exists(ws, site):
        raise BasewatchError(f"unknown site {site!r} (see `basewatch watchlist sites`)")
    when = _utc(acquired_at)
    image = image.resolve()
    info = raster_info(image)
    if copy_to is not None:
        copy_to.mkdir(parents=True, exist_ok=True)
        target = copy_to.resolve() / f"{info.sha256[:16]}{image.suffix.lower()}"
        shutil.copyfile(image, target)
        info = raster_info(target)
        image = target
    found = read_labels(labels, image_name=image.name if copy_to is None else None,
                        georeferenced=info.georef is not None) if labels else []
    method = "manual"
    if detector is not None:
        found = [*found, *_detected(detector, image, detector_classes, min_score)]
        method = "automated" if labels is None else "manual"
    pixel_labels = [label_to_pixel(lab, info.georef) for lab in found]
    all_counts = dict(label_counts(found))
    for k, v in (counts or {}).items():
        if v < 0:
            raise BasewatchError(f"--count {k}={v}: counts are not negative")
        all_counts[k] = v  # an analyst's count overrides the labels' (they may be partial)
    if resolution_m is None and info.georef is not None:
        resolution_m = info.georef.resolution_m
    oid = observation_id(info.sha256, site, when)
    meta = ObservationMeta(oid, site, when, provider, resolution_m, licence, analyst, confidence, source_url,
                           all_counts, method)
    item = build_item(meta, info)
    g: Georef | None = info.georef
    row: dict[str, object] = {
        "observation_id": oid, "site_id": site, "acquired_at": when, "provider": provider,
        "resolution_m": resolution_m, "licence": licence, "image_path": str(image), "image_sha256": info.sha256,
        "analyst": analyst, "confidence": confidence, "counts": all_counts, "item": item.to_dict(),
        "added_at": dt.datetime.now(dt.UTC), "source_url": source_url, "width": info.width, "height": info.height,
        "crs": g.crs if g else None, "geotransform": list(g.transform) if g else None,
        "labels": to_feature_collection(pixel_labels) if pixel_labels else None,
        "labels_path": str(labels.resolve()) if labels else None,
    }
    with ws.transaction():
        insert_row(ws, "imagery_observations", OBSERVATION_COLUMNS, row)
    return AddedObservation(oid, site, when, all_counts, g is not None, len(found))


def _detected(model: Path, image: Path, classes: tuple[str, ...], min_score: float) -> list[Label]:
    """The detector's boxes as pixel labels (source_row: the detection's number)."""
    from basewatch.imagery.detector import detect
    from basewatch.imagery.labels import Label
    from basewatch.imagery.raster import read_raster

    found = detect(model, read_raster(image).pixels, class_names=classes, min_score=min_score)
    return [Label(d.label, (((d.x0, d.y0), (d.x1, d.y0), (d.x1, d.y1), (d.x0, d.y1)),), "pixel", i)
            for i, d in enumerate(found, start=1)]


def imagery(ws: Workspace, *, site: str | None = None) -> pa.Table:
    from basewatch.imagery.store import observations_table

    return observations_table(ws, site=site)


def imagery_changes(ws: Workspace, *, site: str | None = None) -> pa.Table:
    from basewatch.imagery.store import changes_table

    return changes_table(ws, site=site)


def _georef(crs: str | None, transform: list[float] | None) -> Georef | None:
    from basewatch.imagery.raster import Georef

    if crs is None or transform is None:
        return None
    a, b, c, d, e, f = (float(v) for v in transform)
    return Georef((a, b, c, d, e, f), crs)


def _regions(path: Path | None, georef: Georef | None) -> list[Region]:
    from basewatch.imagery.geometry import regions_of
    from basewatch.imagery.labels import read_labels

    if path is None:
        return []
    return regions_of(read_labels(path, georeferenced=georef is not None), georef)


def compare_imagery(
    ws: Workspace,
    before: str,
    after: str,
    *,
    regions: Path | None = None,
    params: CompareParams | None = None,
    store: bool = True,
) -> Comparison:
    """Compare two stored observations (ids, or their pictures' paths or hashes); store the result as evidence."""
    from basewatch.imagery.compare import compare_arrays
    from basewatch.imagery.geometry import boxes_of
    from basewatch.imagery.labels import geojson_labels
    from basewatch.imagery.raster import read_raster, to_gray
    from basewatch.imagery.store import CHANGE_COLUMNS, insert_row, observation

    params = params or CompareParams()
    b, a = observation(ws, before), observation(ws, after)
    if b.observation_id == a.observation_id:
        raise BasewatchError("before and after are the same observation")
    if b.image_path is None or a.image_path is None:
        raise BasewatchError("an observation without a picture cannot be compared")
    rb, ra = read_raster(Path(b.image_path)), read_raster(Path(a.image_path))
    for obs, r in ((b, rb), (a, ra)):
        if obs.image_sha256 and r.sha256 != obs.image_sha256:
            raise BasewatchError(f"{r.path}: the picture changed since it was added (sha256 differs)")
    georef = _georef(b.crs, b.geotransform)
    boxes = boxes_of(geojson_labels(Path("labels"), b.labels, georeferenced=False), None) if b.labels else []
    result, _, _ = compare_arrays(to_gray(rb), to_gray(ra), boxes=boxes, regions=_regions(regions, georef),
                                  params=params)
    key = json.dumps([b.observation_id, a.observation_id, params.as_json(), str(regions)], sort_keys=True)
    change_id = "chg-" + hashlib.sha256(key.encode()).hexdigest()[:16]
    counts_after: dict[str, float] = {}
    if result.count is not None:
        classes = sorted({c.label for c in result.calls})
        if len(classes) == 1:
            counts_after[classes[0]] = result.count.estimate
    if store:
        row: dict[str, object] = {
            "change_id": change_id, "site_id": b.site_id, "before_id": b.observation_id, "after_id": a.observation_id,
            "before_at": b.acquired_at, "after_at": a.acquired_at, "counts_before": b.counts,
            "counts_after": counts_after, "changed_fraction": result.changed_fraction, "result": result.as_json(),
            "added_at": dt.datetime.now(dt.UTC), "params": params.as_json(),
            "regions_path": str(regions.resolve()) if regions else None,
        }
        with ws.transaction():
            insert_row(ws, "imagery_changes", CHANGE_COLUMNS, row)
    return Comparison(change_id, b.observation_id, a.observation_id, result)
