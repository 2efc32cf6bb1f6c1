"""One before/after comparison, pictures in memory: register, normalise, change, regions, objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from basewatch.imagery.change import ChangeParams
from basewatch.imagery.objects import BoxCall, CountEstimate, NewObject, ObjectParams, PixelBox
from basewatch.imagery.register import Method, Registration

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from basewatch.imagery.change import ChangeMaps


@dataclass(frozen=True)
class Region:
    """An analyst's region (apron, parking row, pier) as polygon rings in before-picture pixels."""

    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class RegionStats:
    name: str
    area_px: int
    changed_px: int
    changed_fraction: float
    components: int          # changed components of at least `min_component_px` touching the region
    new_objects: int


@dataclass(frozen=True)
class CompareParams:
    method: Method = "auto"
    change: ChangeParams = field(default_factory=ChangeParams)
    objects: ObjectParams = field(default_factory=ObjectParams)
    min_component_px: int = 25

    def as_json(self) -> dict[str, object]:
        return {"method": self.method, "change": self.change.as_json(), "objects": self.objects.as_json(),
                "min_component_px": self.min_component_px}


@dataclass(frozen=True)
class CompareResult:
    registration: Registration
    diff_threshold: float
    changed_fraction: float
    components: int
    regions: tuple[RegionStats, ...]
    calls: tuple[BoxCall, ...]
    new_objects: tuple[NewObject, ...]
    count: CountEstimate | None
    region_rings: tuple[tuple[tuple[tuple[float, float], ...], ...], ...] = ()
    largest_components: tuple[tuple[int, int, int, int, int], ...] = ()  # x0, y0, x1, y1, changed px

    def as_json(self) -> dict[str, object]:
        return {
            "registration": self.registration.as_json(),
            "diff_threshold": round(self.diff_threshold, 3),
            "changed_fraction": round(self.changed_fraction, 6),
            "components": self.components,
            "regions": [r.__dict__ for r in self.regions],
            "region_rings_px": [[[[round(x, 1), round(y, 1)] for x, y in ring] for ring in rings]
                                for rings in self.region_rings],
            "largest_components_px": [list(c) for c in self.largest_components],
            "boxes": [
                {"box_id": c.box_id, "label": c.label, "status": c.status, "zncc": _r(c.zncc),
                 "structure_ratio": _r(c.structure_ratio), "offset_px": list(c.offset_px),
                 "bbox_px": [round(v, 1) for v in c.bbox_px]}
                for c in self.calls
            ],
            "new_objects": [
                {"bbox_px": [n.x0, n.y0, n.x1, n.y1], "changed_px": n.changed_px,
                 "structure_ratio": _r(n.structure_ratio)}
                for n in self.new_objects
            ],
            "count": self.count.as_json() if self.count else None,
        }


def _r(v: float) -> float | None:
    return None if v != v else round(v, 4)  # NaN -> null in JSON


def region_mask(region: Region, shape: tuple[int, int]) -> npt.NDArray[np.bool_]:
    """Pixels inside the region (even-odd over its rings: a second ring is a hole)."""
    import cv2
    import numpy as np

    mask = np.zeros(shape, dtype=np.uint8)
    for ring in region.rings:
        pts = np.round(np.array(ring, dtype=np.float64)).astype(np.int32)
        layer = np.zeros(shape, dtype=np.uint8)
        cv2.fillPoly(layer, [pts], 1)
        mask ^= layer
    return mask.astype(bool)


def region_stats(
    regions: list[Region], change: ChangeMaps, new: list[NewObject], min_component_px: int
) -> list[RegionStats]:
    import numpy as np

    big = np.flatnonzero(change.stats[:, 4] >= min_component_px)
    big = big[big > 0]
    out = []
    for region in regions:
        mask = region_mask(region, change.changed.shape) & change.valid
        area = int(mask.sum())
        changed = int((change.changed & mask).sum())
        touching = np.unique(change.labels[mask])
        n_comp = int(np.isin(touching, big).sum())
        n_new = sum(bool(mask[min((o.y0 + o.y1) // 2, mask.shape[0] - 1), min((o.x0 + o.x1) // 2, mask.shape[1] - 1)])
                    for o in new)
        out.append(RegionStats(region.name, area, changed, changed / area if area else 0.0, n_comp, n_new))
    return out


_KEEP_COMPONENTS = 100


def _largest(change: ChangeMaps, min_px: int) -> tuple[tuple[int, int, int, int, int], ...]:
    """Bounding boxes of the largest changed components (for figures), at most _KEEP_COMPONENTS."""
    import numpy as np

    stats = change.stats[1:]
    order = np.argsort(-stats[:, 4], kind="stable")[:_KEEP_COMPONENTS]
    return tuple((int(stats[i, 0]), int(stats[i, 1]), int(stats[i, 0] + stats[i, 2]), int(stats[i, 1] + stats[i, 3]),
                  int(stats[i, 4])) for i in order if stats[i, 4] >= min_px)


@dataclass(frozen=True)
class Prepared:
    """The before picture and the after picture on its grid with matched histogram (for figures too)."""

    before: npt.NDArray[np.float32]
    after: npt.NDArray[np.float32]
    valid: npt.NDArray[np.bool_]
    registration: Registration


def prepare(
    before: npt.NDArray[np.float32], after: npt.NDArray[np.float32], method: Method = "auto"
) -> Prepared:
    from basewatch.imagery.radiometry import match_histogram
    from basewatch.imagery.register import register, warp_to_before

    reg = register(before, after, method=method)
    warped, valid = warp_to_before(after, reg, before.shape[:2])
    matched = match_histogram(warped, before, valid)
    return Prepared(before, matched, valid, reg)


def compare_arrays(
    before: npt.NDArray[np.float32],
    after: npt.NDArray[np.float32],
    *,
    boxes: list[PixelBox] | None = None,
    regions: list[Region] | None = None,
    params: CompareParams | None = None,
) -> tuple[CompareResult, Prepared, ChangeMaps]:
    """Compare two one-band pictures; boxes and regions are in before-picture pixels."""
    import cv2
    import numpy as np

    from basewatch.imagery.change import detect_change
    from basewatch.imagery.objects import (
        call_box,
        estimate_count,
        find_new_objects,
        gradient_energy,
        typical_side,
    )

    params = params or CompareParams()
    boxes = boxes or []
    prep = prepare(before, after, params.method)
    change = detect_change(prep.before, prep.after, prep.valid, params.change)
    sigma = params.change.smooth_sigma
    eb = gradient_energy(cv2.GaussianBlur(prep.before, (0, 0), sigma))
    ea = gradient_energy(cv2.GaussianBlur(prep.after, (0, 0), sigma))
    ea = np.where(prep.valid, ea, 0).astype(np.float32)
    search = params.objects.search_px + int(np.ceil(2 * prep.registration.residual_px))
    side = typical_side(boxes, params.objects)
    calls = [call_box(b, prep.before, prep.after, eb, ea, search, side, params.objects) for b in boxes]
    new, large = find_new_objects(change, boxes, eb, ea, params.objects)
    outside: list[NewObject] = []
    if regions:  # the analyst's regions (aprons, rows) say where objects are counted
        h, w = int(change.changed.shape[0]), int(change.changed.shape[1])
        inside = np.zeros((h, w), dtype=bool)
        for region in regions:
            inside |= region_mask(region, (h, w))
        keep = [bool(inside[min((o.y0 + o.y1) // 2, h - 1), min((o.x0 + o.x1) // 2, w - 1)]) for o in new]
        outside = [o for o, k in zip(new, keep, strict=True) if not k]
        new = [o for o, k in zip(new, keep, strict=True) if k]
    stats = region_stats(regions or [], change, new, params.min_component_px)
    n_comp = int((change.stats[1:, 4] >= params.min_component_px).sum())
    result = CompareResult(
        registration=prep.registration,
        diff_threshold=change.diff_threshold,
        changed_fraction=change.changed_fraction,
        components=n_comp,
        regions=tuple(stats),
        calls=tuple(calls),
        new_objects=tuple(new),
        count=estimate_count(calls, new, large, len(outside)) if boxes else None,
        region_rings=tuple(r.rings for r in regions or []),
        largest_components=_largest(change, params.min_component_px),
    )
    return result, prep, change
