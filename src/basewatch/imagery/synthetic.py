"""Synthetic before/after scenes with known truth: the calibration and test bed of the change rules.

A scene is tarmac (smooth texture, slabs, painted stand lines) with aircraft-like objects (fuselage,
wings, tail; bright, each with a shadow) at random positions and headings. The after picture keeps
some objects, drops others, adds new ones, and may be shifted (sub-pixel), re-lit (gain, offset,
gamma), re-noised and have its shadows cast in another direction; vehicles (small) come and go as
distractors. Nothing here reads the real pair: thresholds chosen on these scenes are not fitted to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from basewatch.imagery.objects import PixelBox

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class SceneSpec:
    size: int = 1024
    objects: int = 12
    removed: int = 4
    added: int = 3
    shift: tuple[float, float] = (0.0, 0.0)   # after(x, y) = before(x - dx, y - dy)
    gain: float = 1.0
    offset: float = 0.0
    gamma: float = 1.0
    noise: float = 3.0
    sun_deg_before: float = 135.0
    sun_deg_after: float = 135.0
    vehicles: int = 20
    car_parks: int = 0                        # dense car parks, each re-filled at random on the other date
    object_side: float = 70.0
    seed: int = 0


@dataclass(frozen=True)
class Scene:
    before: npt.NDArray[np.float32]
    after: npt.NDArray[np.float32]
    before_boxes: tuple[PixelBox, ...]      # every object of the before picture
    kept: frozenset[str]                    # box ids still there after
    added_boxes: tuple[PixelBox, ...]       # objects only in the after picture (before-grid coordinates)


def _polygon(cx: float, cy: float, side: float, heading: float) -> list[npt.NDArray[np.float64]]:
    import numpy as np

    parts = [  # (along, across) rectangles in units of side: fuselage, wings, tail
        (-0.5, 0.5, -0.06, 0.06),
        (-0.05, 0.12, -0.45, 0.45),
        (-0.48, -0.38, -0.18, 0.18),
    ]
    c, s = math.cos(heading), math.sin(heading)
    out = []
    for a0, a1, b0, b1 in parts:
        corners = np.array([(a0, b0), (a1, b0), (a1, b1), (a0, b1)]) * side
        xy = np.stack([cx + corners[:, 0] * c - corners[:, 1] * s, cy + corners[:, 0] * s + corners[:, 1] * c], 1)
        out.append(xy)
    return out


def _ground(rng: np.random.Generator, size: int) -> npt.NDArray[np.float32]:
    import cv2
    import numpy as np

    base = rng.normal(0, 1, (size, size)).astype(np.float32)
    tex = cv2.GaussianBlur(base, (0, 0), 6) * 40 + cv2.GaussianBlur(base, (0, 0), 1.2) * 6 + 150
    for _ in range(size // 40):  # slabs of slightly different tone
        x, y = rng.integers(0, size, 2)
        w, h = rng.integers(size // 16, size // 4, 2)
        tex[y : y + h, x : x + w] += float(rng.normal(0, 8))
    for _ in range(size // 25):  # painted lines
        p0 = rng.integers(0, size, 2)
        ang = rng.uniform(0, math.pi)
        ln = rng.uniform(40, 200)
        p1 = p0 + ln * np.array([math.cos(ang), math.sin(ang)])
        cv2.line(tex, (int(p0[0]), int(p0[1])), (int(p1[0]), int(p1[1])), 215.0, 2, lineType=cv2.LINE_AA)
    return np.asarray(tex, dtype=np.float32)


def _draw(img: npt.NDArray[np.float32], obj: tuple[float, float, float, float, float], sun_deg: float) -> None:
    import cv2
    import numpy as np

    cx, cy, side, heading, tone = obj
    sun = math.radians(sun_deg)
    sx, sy = 0.12 * side * math.cos(sun), 0.12 * side * math.sin(sun)
    for poly in _polygon(cx + sx, cy + sy, side, heading):  # shadow first
        pts = np.round(poly * 16).astype(np.int32)
        cv2.fillPoly(img, [pts], 85.0, lineType=cv2.LINE_AA, shift=4)
    for poly in _polygon(cx, cy, side, heading):
        pts = np.round(poly * 16).astype(np.int32)
        cv2.fillPoly(img, [pts], tone, lineType=cv2.LINE_AA, shift=4)


def _stand_marks(img: npt.NDArray[np.float32], obj: tuple[float, float, float, float, float]) -> None:
    import cv2

    cx, cy, side, heading, _ = obj
    c, s = math.cos(heading), math.sin(heading)
    p0 = (int(cx - 0.9 * side * c), int(cy - 0.9 * side * s))
    p1 = (int(cx + 0.9 * side * c), int(cy + 0.9 * side * s))
    cv2.line(img, p0, p1, 215.0, 2, lineType=cv2.LINE_AA)
    q = (cx + 0.55 * side * c, cy + 0.55 * side * s)
    b0 = (int(q[0] - 0.3 * side * s), int(q[1] + 0.3 * side * c))
    b1 = (int(q[0] + 0.3 * side * s), int(q[1] - 0.3 * side * c))
    cv2.line(img, b0, b1, 215.0, 3, lineType=cv2.LINE_AA)
    sq = [(cx + u * side * c - v * side * s, cy + u * side * s + v * side * c) for u, v in
          ((-0.6, -0.6), (0.6, -0.6), (0.6, 0.6), (-0.6, 0.6))]
    for a, b in zip(sq, sq[1:] + sq[:1], strict=True):  # the stand's outline
        cv2.line(img, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), 200.0, 1, lineType=cv2.LINE_AA)


def _box(i: str, obj: tuple[float, float, float, float, float]) -> PixelBox:
    import numpy as np

    pts = np.concatenate(_polygon(obj[0], obj[1], obj[2], obj[3]))
    return PixelBox(i, float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()),
                    "aircraft")


def _place(rng: np.random.Generator, n: int, size: int, side: float,
           taken: list[tuple[float, float, float, float, float]]) -> list[tuple[float, float, float, float, float]]:
    out: list[tuple[float, float, float, float, float]] = []
    tries = 0
    while len(out) < n and tries < 10_000:
        tries += 1
        s = side * rng.uniform(0.8, 1.25)
        cx, cy = rng.uniform(s, size - s, 2)
        if all(math.hypot(cx - o[0], cy - o[1]) > 1.3 * (s + o[2]) / 2 + 10 for o in taken + out):
            heading, tone = float(rng.uniform(0, 2 * math.pi)), float(rng.uniform(215, 245))
            out.append((float(cx), float(cy), float(s), heading, tone))
    return out


def _vehicles(img: npt.NDArray[np.float32], rng: np.random.Generator, n: int) -> None:
    import cv2

    size = img.shape[0]
    for _ in range(n):
        x, y = rng.integers(5, size - 15, 2)
        cv2.rectangle(img, (int(x), int(y)), (int(x + rng.integers(4, 9)), int(y + rng.integers(3, 6))),
                      float(rng.uniform(40, 250)), -1)


def _car_park(img: npt.NDArray[np.float32], rng: np.random.Generator, area: tuple[int, int, int, int]) -> None:
    """Rows of parking bays (5 x 10 px, 0.5 m pixels), each taken with probability 0.6."""
    import cv2

    x0, y0, x1, y1 = area
    for y in range(y0, y1 - 10, 13):
        for x in range(x0, x1 - 5, 7):
            if rng.uniform() < 0.6:
                cv2.rectangle(img, (x, y), (x + 4, y + 9), float(rng.uniform(30, 250)), -1)


def make_scene(spec: SceneSpec) -> Scene:
    import cv2
    import numpy as np

    rng = np.random.default_rng(spec.seed)
    ground = _ground(rng, spec.size)
    objs = _place(rng, spec.objects, spec.size, spec.object_side, [])
    removed = set(rng.choice(len(objs), size=min(spec.removed, len(objs)), replace=False).tolist())
    new = _place(rng, spec.added, spec.size, spec.object_side, objs)
    for o in objs + new:  # every stand has its painted lead-in line and stop bar, which stay
        _stand_marks(ground, o)
    parks = []
    for _ in range(spec.car_parks):
        x, y = (int(v) for v in rng.integers(0, spec.size - 220, 2))
        parks.append((x, y, x + int(rng.integers(120, 220)), y + int(rng.integers(80, 200))))
    before = ground.copy()
    for o in objs:
        _draw(before, o, spec.sun_deg_before)
    _vehicles(before, rng, spec.vehicles)
    for park in parks:
        _car_park(before, rng, park)
    after = ground.copy()
    for i, o in enumerate(objs):
        if i not in removed:
            _draw(after, o, spec.sun_deg_after)
    for o in new:
        _draw(after, o, spec.sun_deg_after)
    _vehicles(after, rng, spec.vehicles)
    for park in parks:
        _car_park(after, rng, park)
    m = np.array([[1, 0, spec.shift[0]], [0, 1, spec.shift[1]]], dtype=np.float64)
    after = cv2.warpAffine(after, m, (spec.size, spec.size), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    before = before + rng.normal(0, spec.noise, before.shape).astype(np.float32)
    after = after + rng.normal(0, spec.noise, after.shape).astype(np.float32)
    after = np.clip(after, 0, 255) / 255.0
    after = (spec.gain * after**spec.gamma * 255.0 + spec.offset)
    boxes = tuple(_box(str(i), o) for i, o in enumerate(objs))
    kept = frozenset(str(i) for i in range(len(objs)) if i not in removed)
    added = tuple(_box(f"new{i}", o) for i, o in enumerate(new))
    return Scene(np.clip(before, 0, 255).astype(np.float32), np.clip(after, 0, 255).astype(np.float32),
                 boxes, kept, added)
