"""Labelled objects across dates: which boxes of the before picture still hold their object, and which
object-sized changes outside them are new objects. Together: an estimated count with its range.

Per box (after registration and histogram matching): the best zero-mean normalised cross-correlation
(ZNCC) of the before patch inside the after picture, searched a few pixels around the box (to absorb
the registration residual), on pictures high-passed at a quarter of the object side (so the ground's
slow variation does not count), and the ratio of gradient energy in the box after/before (an object
leaving takes its edges with it). Two indicators, called when they agree: ZNCC >= 0.6 and ratio >=
0.7 is still there; both below is gone; a disagreement (another object parked in the box, or the
object moved within it) is uncertain. On the synthetic scenes of `synthetic.py` (persistent stand
markings under each object, re-lit, shifted, re-noised) kept objects give ZNCC >= 0.79 and ratio >=
0.93, removed ones ZNCC <= 0.38 and ratio <= 0.54: the bounds sit in those gaps. ZNCC alone is not
enough there: markings left on the ground keep removed boxes' ZNCC near 0.3.

New objects: connected changed components outside the (dilated) labelled boxes whose bounding box is
object-sized (0.5-2 x the median labelled side, short side at least 0.4 x the long), made of one
piece before the morphological closing joined neighbours (its largest piece at least 0.05 side^2: an
aircraft's fuselage alone is about 0.12; a row of cars is many pieces of under 0.01), whose after
patch has more structure than its before patch (something appeared rather than left) and at least
half the structure of a typical labelled object. Components many objects large are not counted
(whole-scene blob counts are not an answer); they are reported as large changes. When the analyst
gives regions, only new objects inside them are counted (the others are reported as outside).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from basewatch.imagery.change import ChangeMaps

Status = Literal["still_there", "gone", "uncertain"]


@dataclass(frozen=True)
class PixelBox:
    """An axis-aligned box on a picture's pixel grid (x to the right, y down; x1, y1 exclusive)."""

    box_id: str
    x0: float
    y0: float
    x1: float
    y1: float
    label: str = "object"

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def iou(self, other: PixelBox) -> float:
        ix = max(0.0, min(self.x1, other.x1) - max(self.x0, other.x0))
        iy = max(0.0, min(self.y1, other.y1) - max(self.y0, other.y0))
        inter = ix * iy
        union = self.width * self.height + other.width * other.height - inter
        return inter / union if union > 0 else 0.0


@dataclass(frozen=True)
class ObjectParams:
    search_px: int = 4              # search radius around each box, plus twice the registration residual
    present_zncc: float = 0.6       # high-passed ZNCC of "the same object"
    keep_structure: float = 0.7     # after/before gradient energy of "still occupied"
    min_side: float = 0.5           # new-object bounding box, relative to the median labelled side
    max_side: float = 2.0
    min_aspect: float = 0.4         # short / long side of a new object's bounding box (objects are compact)
    min_fill: float = 0.1           # changed pixels / median labelled side squared
    min_piece: float = 0.05         # its largest unjoined piece / side squared (one object, not many small)
    appear_ratio: float = 1.3       # after/before gradient energy for "appeared"
    min_structure: float = 0.5      # after gradient energy relative to the median labelled object
    default_side_px: float = 64.0   # object side when nothing is labelled

    def as_json(self) -> dict[str, float | int]:
        return asdict(self)


@dataclass(frozen=True)
class BoxCall:
    box_id: str
    label: str
    status: Status
    zncc: float
    structure_ratio: float
    offset_px: tuple[int, int]
    bbox_px: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class NewObject:
    x0: int
    y0: int
    x1: int
    y1: int
    changed_px: int
    structure_ratio: float


@dataclass(frozen=True)
class CountEstimate:
    """Objects before (labelled) and estimated after, with the range the uncertain calls leave."""

    before: int
    still_there: int
    gone: int
    uncertain: int
    new: int
    estimate: float
    low: int
    high: int
    large_changes: int
    new_outside_regions: int = 0    # found, not counted: outside every analyst region

    @property
    def direction(self) -> str:
        if self.high < self.before:
            return "decrease"
        if self.low > self.before:
            return "increase"
        return "decrease?" if self.estimate < self.before else ("increase?" if self.estimate > self.before else "same")

    def as_json(self) -> dict[str, float | int | str]:
        return {**asdict(self), "direction": self.direction, "uncertainty": (self.high - self.low) / 2}


def gradient_energy(img: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    import cv2
    import numpy as np

    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1, ksize=3)
    return np.sqrt(gx * gx + gy * gy)  # type: ignore[no-any-return]


def high_pass(img: npt.NDArray[np.float32], side: float) -> npt.NDArray[np.float32]:
    """The picture less its Gaussian blur at a quarter of the object side: object-scale structure only.

    Without it, the ZNCC of a box is dominated by the ground's slow variation (slabs, stains), which is
    there on both dates whether or not the object left.
    """
    import cv2

    return img - cv2.GaussianBlur(img, (0, 0), max(1.0, side / 4))  # type: ignore[no-any-return]


def _mean(img: npt.NDArray[np.float32], x0: int, y0: int, x1: int, y1: int) -> float:
    patch = img[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)]
    return float(patch.mean()) if patch.size else 0.0


def _clip(box: PixelBox, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    h, w = shape
    return (max(0, round(box.x0)), max(0, round(box.y0)),
            min(w, round(box.x1)), min(h, round(box.y1)))


def _bb(box: PixelBox) -> tuple[float, float, float, float]:
    return (box.x0, box.y0, box.x1, box.y1)


def call_box(
    box: PixelBox,
    before: npt.NDArray[np.float32],
    after: npt.NDArray[np.float32],
    energy_b: npt.NDArray[np.float32],
    energy_a: npt.NDArray[np.float32],
    search: int,
    side: float,
    params: ObjectParams,
) -> BoxCall:
    """Still there, gone or uncertain for one labelled box (pictures registered and matched)."""
    import cv2
    import numpy as np

    h, w = before.shape[:2]
    x0, y0, x1, y1 = _clip(box, (h, w))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return BoxCall(box.box_id, box.label, "uncertain", float("nan"), float("nan"), (0, 0), _bb(box))
    # high-pass a window around the box only (a full-picture blur this wide costs seconds)
    pad = search + int(np.ceil(3 * max(1.0, side / 4)))
    wx0, wy0, wx1, wy1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
    hb = high_pass(np.ascontiguousarray(before[wy0:wy1, wx0:wx1]), side)
    ha = high_pass(np.ascontiguousarray(after[wy0:wy1, wx0:wx1]), side)
    sx0, sy0 = max(0, x0 - search) - wx0, max(0, y0 - search) - wy0
    sx1, sy1 = min(w, x1 + search) - wx0, min(h, y1 + search) - wy0
    templ = np.ascontiguousarray(hb[y0 - wy0 : y1 - wy0, x0 - wx0 : x1 - wx0])
    area = np.ascontiguousarray(ha[sy0:sy1, sx0:sx1])
    if float(templ.std()) < 1e-3:
        return BoxCall(box.box_id, box.label, "uncertain", float("nan"), float("nan"), (0, 0), _bb(box))
    scores = cv2.matchTemplate(area, templ, cv2.TM_CCOEFF_NORMED)
    _, best, _, loc = cv2.minMaxLoc(scores)
    ox, oy = loc[0] + sx0 + wx0 - x0, loc[1] + sy0 + wy0 - y0
    e_b = _mean(energy_b, x0, y0, x1, y1)
    e_a = _mean(energy_a, x0 + ox, y0 + oy, x1 + ox, y1 + oy)
    ratio = e_a / e_b if e_b > 0 else float("nan")
    correlates = best >= params.present_zncc
    keeps = ratio >= params.keep_structure
    status: Status = "uncertain"
    if correlates and keeps:
        status = "still_there"
    elif not correlates and not keeps:
        status = "gone"
    return BoxCall(box.box_id, box.label, status, float(best), float(ratio), (int(ox), int(oy)), _bb(box))


def typical_side(boxes: list[PixelBox], params: ObjectParams) -> float:
    import numpy as np

    if not boxes:
        return params.default_side_px
    return float(np.median([max(b.width, b.height) for b in boxes]))


def _largest_piece(mask: npt.NDArray[np.bool_]) -> int:
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype("uint8"), connectivity=8)
    return int(stats[1:, 4].max()) if n > 1 else 0


def find_new_objects(
    change: ChangeMaps,
    boxes: list[PixelBox],
    energy_b: npt.NDArray[np.float32],
    energy_a: npt.NDArray[np.float32],
    params: ObjectParams,
) -> tuple[list[NewObject], int]:
    """Object-sized appearances outside the labelled boxes, and the number of larger changed components."""
    import numpy as np

    side = typical_side(boxes, params)
    shape = (int(energy_b.shape[0]), int(energy_b.shape[1]))
    ref = float(np.median([_mean(energy_b, *_clip(b, shape)) for b in boxes])) if boxes else 0.0
    h, w = shape
    outside = np.ones((h, w), dtype=bool)
    pad = round(0.25 * side)
    for b in boxes:
        x0, y0, x1, y1 = _clip(b, (h, w))
        outside[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad] = False
    found: list[NewObject] = []
    large = 0
    for label in range(1, change.stats.shape[0]):
        x, y, bw, bh, _ = (int(v) for v in change.stats[label])
        comp = change.labels[y : y + bh, x : x + bw] == label
        keep = comp & outside[y : y + bh, x : x + bw]
        n = int(keep.sum())
        if n < params.min_fill * side * side:
            continue
        if max(bw, bh) > params.max_side * side:
            large += 1
            continue
        if max(bw, bh) < params.min_side * side or min(bw, bh) < params.min_aspect * max(bw, bh):
            continue
        if _largest_piece(change.pieces[y : y + bh, x : x + bw] & keep) < params.min_piece * side * side:
            continue
        e_b = _mean(energy_b, x, y, x + bw, y + bh)
        e_a = _mean(energy_a, x, y, x + bw, y + bh)
        ratio = e_a / e_b if e_b > 0 else float("inf")
        if ratio < params.appear_ratio or (ref > 0 and e_a < params.min_structure * ref):
            continue
        found.append(NewObject(x, y, x + bw, y + bh, n, float(ratio)))
    return found, large


def estimate_count(calls: list[BoxCall], new: list[NewObject], large: int, outside: int = 0) -> CountEstimate:
    """Still there + new; each uncertain box counts half, and the range runs from none to all of them."""
    still = sum(c.status == "still_there" for c in calls)
    gone = sum(c.status == "gone" for c in calls)
    unsure = sum(c.status == "uncertain" for c in calls)
    base = still + len(new)
    return CountEstimate(
        before=len(calls), still_there=still, gone=gone, uncertain=unsure, new=len(new),
        estimate=base + unsure / 2, low=base, high=base + unsure, large_changes=large, new_outside_regions=outside,
    )
