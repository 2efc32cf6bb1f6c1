"""Registration of the after picture on the before one.

Phase correlation (OpenCV, sub-pixel) when the two differ by a shift; ORB features with a RANSAC
similarity fit, refined by ECC, when they also differ by rotation or scale. `method="auto"` fits the
similarity first and keeps phase correlation unless the rotation or scale found is beyond what a pure
shift can absorb (0.1 degree, 0.1 % scale: under half a pixel at the edge of a 1,000 px picture).
ECC runs on a copy of at most 640 px (speed); one phase-correlation translation at full resolution
then polishes it. The residual is measured after warping, by phase correlation of the before picture
with the warped after picture on a central crop of at most 1,024 px: the shift still needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Method = Literal["auto", "phase", "orb", "ecc"]
METHODS: tuple[str, ...] = ("auto", "phase", "orb", "ecc")
_ROTATION_LIMIT_DEG = 0.1
_SCALE_LIMIT = 0.001
_MAX_FEATURE_SIDE = 1280  # ORB runs on a copy no larger than this (speed); the fit is rescaled


@dataclass(frozen=True)
class Registration:
    """How the after picture was mapped onto the before one.

    `matrix` is the 2x3 affine that takes after-picture pixel coordinates to before-picture ones;
    `shift_px` its translation part, `rotation_deg` and `scale` its similarity parts.
    """

    method: str
    matrix: tuple[tuple[float, float, float], tuple[float, float, float]]
    residual_px: float
    response: float  # phase-correlation peak (0..1) or the ORB inlier fraction
    inliers: int = 0

    @property
    def shift_px(self) -> tuple[float, float]:
        return self.matrix[0][2], self.matrix[1][2]

    @property
    def rotation_deg(self) -> float:
        return math.degrees(math.atan2(self.matrix[1][0], self.matrix[0][0]))

    @property
    def scale(self) -> float:
        return math.hypot(self.matrix[0][0], self.matrix[1][0])

    def as_json(self) -> dict[str, object]:
        dx, dy = self.shift_px
        return {
            "method": self.method,
            "shift_px": [round(dx, 3), round(dy, 3)],
            "rotation_deg": round(self.rotation_deg, 4),
            "scale": round(self.scale, 5),
            "residual_px": round(self.residual_px, 3),
            "response": round(self.response, 4),
            "inliers": self.inliers,
            "matrix": [[round(v, 6) for v in row] for row in self.matrix],
        }


def _as_matrix(m: npt.NDArray[np.float64]) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    return (
        (float(m[0, 0]), float(m[0, 1]), float(m[0, 2])),
        (float(m[1, 0]), float(m[1, 1]), float(m[1, 2])),
    )


def _window(shape: tuple[int, int]) -> npt.NDArray[np.float32]:
    import cv2

    return cv2.createHanningWindow((shape[1], shape[0]), cv2.CV_32F)  # type: ignore[no-any-return]


def phase_shift(before: npt.NDArray[np.float32], after: npt.NDArray[np.float32]) -> tuple[float, float, float]:
    """(dx, dy, response): after(x, y) ~ before(x - dx, y - dy), so before(x, y) ~ after(x + dx, y + dy)."""
    import cv2

    (dx, dy), response = cv2.phaseCorrelate(before, after, _window(before.shape[:2]))
    return float(dx), float(dy), float(response)


def _orb_similarity(
    before: npt.NDArray[np.float32], after: npt.NDArray[np.float32]
) -> tuple[npt.NDArray[np.float64], float, int] | None:
    """RANSAC similarity from ORB matches (after -> before), or None when too few matches agree."""
    import cv2
    import numpy as np

    side = max(before.shape[:2])
    f = min(1.0, _MAX_FEATURE_SIDE / side)

    def prep(img: npt.NDArray[np.float32]) -> npt.NDArray[np.uint8]:
        small = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else img
        return cv2.normalize(small, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)  # type: ignore[no-any-return]

    orb = cv2.ORB.create(nfeatures=3000)
    kb, db = orb.detectAndCompute(prep(before), None)
    ka, da = orb.detectAndCompute(prep(after), None)
    if db is None or da is None or len(kb) < 10 or len(ka) < 10:
        return None
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    pairs = matcher.knnMatch(da, db, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
    if len(good) < 10:
        return None
    src = np.array([ka[m.queryIdx].pt for m in good], dtype=np.float32) / f
    dst = np.array([kb[m.trainIdx].pt for m in good], dtype=np.float32) / f
    m, inl = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=3.0 / f)
    if m is None or inl is None:
        return None
    n_in = int(inl.sum())
    if n_in < 10:
        return None
    return m.astype(np.float64), n_in / len(good), n_in


def _ecc_refine(
    before: npt.NDArray[np.float32], after: npt.NDArray[np.float32], m: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Refine an after -> before similarity by ECC (affine motion: keeps the scale), at half resolution."""
    import cv2
    import numpy as np

    f = min(1.0, 640 / max(before.shape[:2]))  # ECC on a copy of at most 640 px; polished at full size after
    b = cv2.resize(before, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else before
    a = cv2.resize(after, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else after
    # ECC's warp maps template (before) coordinates to input (after) ones: the inverse of m.
    inv = cv2.invertAffineTransform(m).astype(np.float32)
    inv[:, 2] *= f
    try:
        _, warp = cv2.findTransformECC(
            b, a, inv, cv2.MOTION_AFFINE,
            (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5), None, 5,
        )
    except cv2.error:
        return m
    warp = warp.astype(np.float64)
    warp[:, 2] /= f
    return cv2.invertAffineTransform(warp).astype(np.float64)  # type: ignore[no-any-return]


def warp_to_before(
    after: npt.NDArray[np.float32], reg: Registration, shape: tuple[int, int]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    """The after picture resampled on the before grid, and where it has data (True) after warping."""
    import cv2
    import numpy as np

    m = np.array(reg.matrix, dtype=np.float64)
    h, w = shape
    out = cv2.warpAffine(after, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    ones = np.ones(after.shape[:2], dtype=np.uint8)
    valid = cv2.warpAffine(ones, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    # a pixel on the border of the warped footprint mixes in the constant: erode by one pixel
    valid = cv2.erode(valid, np.ones((3, 3), np.uint8))
    return out.astype(np.float32), valid.astype(bool)


def register(
    before: npt.NDArray[np.float32], after: npt.NDArray[np.float32], *, method: Method = "auto"
) -> Registration:
    """Find the affine that maps the after picture onto the before one (both one band, float32)."""
    import numpy as np

    if method not in METHODS:
        raise ValueError(f"unknown registration method {method!r} (choose from {', '.join(METHODS)})")
    a = after
    if a.shape != before.shape:  # phase correlation needs equal sizes: pad or crop the after picture
        a = np.zeros_like(before)
        h, w = min(before.shape[0], after.shape[0]), min(before.shape[1], after.shape[1])
        a[:h, :w] = after[:h, :w]
    chosen = "phase"
    inliers = 0
    if method in ("auto", "orb", "ecc"):
        found = _orb_similarity(before, after)
        if found is not None:
            m, frac, inliers = found
            rot = abs(math.degrees(math.atan2(m[1, 0], m[0, 0])))
            scale = math.hypot(m[0, 0], m[1, 0])
            if method != "auto" or rot > _ROTATION_LIMIT_DEG or abs(scale - 1) > _SCALE_LIMIT:
                if method in ("auto", "ecc"):
                    m = _ecc_refine(before, after, m)
                    chosen = "orb+ecc"
                else:
                    chosen = "orb"
                reg = Registration(chosen, _as_matrix(m), 0.0, frac, inliers)
                return _with_residual(before, after, reg, polish=True)
        elif method != "auto":
            raise ValueError("feature registration failed: too few matching features between the pictures")
    dx, dy, response = phase_shift(before, a)
    m = np.array([[1.0, 0.0, -dx], [0.0, 1.0, -dy]])
    return _with_residual(before, after, Registration(chosen, _as_matrix(m), 0.0, response, inliers))


_RESIDUAL_SIDE = 1024  # residual measured on the central crop of at most this size (speed)


def _residual(
    before: npt.NDArray[np.float32], after: npt.NDArray[np.float32], reg: Registration
) -> tuple[float, float]:
    """The shift still left between before and the warped after picture, on a central crop."""
    import numpy as np

    warped, valid = warp_to_before(after, reg, before.shape[:2])
    h, w = before.shape[:2]
    ch, cw = min(h, _RESIDUAL_SIDE), min(w, _RESIDUAL_SIDE)
    r0, c0 = (h - ch) // 2, (w - cw) // 2
    crop = (slice(r0, r0 + ch), slice(c0, c0 + cw))
    v = valid[crop]
    fill = float(before[crop][v].mean()) if v.any() else 0.0
    b = np.where(v, before[crop], fill).astype(np.float32)
    a = np.where(v, warped[crop], fill).astype(np.float32)
    rx, ry, _ = phase_shift(b, a)
    return rx, ry


def _with_residual(
    before: npt.NDArray[np.float32], after: npt.NDArray[np.float32], reg: Registration, *, polish: bool = False
) -> Registration:
    """Measure the residual; with `polish`, first fold one residual translation into the matrix."""
    rx, ry = _residual(before, after, reg)
    if polish:
        (a, b, c), (d, e, f) = reg.matrix
        reg = Registration(reg.method, ((a, b, c - rx), (d, e, f - ry)), 0.0, reg.response, reg.inliers)
        rx, ry = _residual(before, after, reg)
    return Registration(reg.method, reg.matrix, math.hypot(rx, ry), reg.response, reg.inliers)
