"""Per-pixel change between registered, normalised pictures: difference and SSIM, thresholded.

A pixel is changed when both its grey-level difference is large against the scene's own noise
(median + k * 1.4826 * MAD of the difference over the overlap, i.e. k robust standard deviations;
the scene is assumed mostly unchanged) and its local structure differs (SSIM below a bound). Both must
hold: difference alone flags any re-lit surface, SSIM alone flags noise on flat tarmac. Speckle is
removed by a morphological opening, and nearby pieces of one object joined by a closing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class ChangeParams:
    smooth_sigma: float = 1.0   # Gaussian blur before differencing (JPEG noise, residual shift)
    ssim_sigma: float = 1.5     # Wang et al.'s Gaussian SSIM window
    k_mad: float = 4.0          # difference threshold in robust standard deviations
    min_diff_fraction: float = 0.04  # ... and at least this share of the before picture's 1-99 % range
    ssim_max: float = 0.5       # changed pixels have SSIM below this
    open_px: int = 3
    close_px: int = 5

    def __post_init__(self) -> None:
        if self.k_mad <= 0 or not 0 < self.ssim_max <= 1 or self.open_px < 1 or self.close_px < 1:
            raise ValueError(f"invalid change parameters: {self}")

    def as_json(self) -> dict[str, float | int]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, float | int]) -> ChangeParams:
        return cls(**data)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ChangeMaps:
    """The per-pixel products of one comparison, on the before picture's grid."""

    diff: npt.NDArray[np.float32]
    ssim: npt.NDArray[np.float32]
    changed: npt.NDArray[np.bool_]
    valid: npt.NDArray[np.bool_]
    diff_threshold: float
    pieces: npt.NDArray[np.bool_]          # the mask after the opening, before the closing joined pieces
    labels: npt.NDArray[np.int32]          # connected components of `changed` (0 = none)
    stats: npt.NDArray[np.int32]           # OpenCV stats per label: x, y, w, h, area

    @property
    def changed_fraction(self) -> float:
        n = int(self.valid.sum())
        return float((self.changed & self.valid).sum()) / n if n else 0.0


def ssim_map(
    a: npt.NDArray[np.float32], b: npt.NDArray[np.float32], *, sigma: float, data_range: float
) -> npt.NDArray[np.float32]:
    """Gaussian-window SSIM per pixel (Wang et al. 2004, K1 = 0.01, K2 = 0.03)."""
    import cv2

    c1 = (0.01 * data_range) ** 2
    c2 = (0.03 * data_range) ** 2

    def blur(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        return cv2.GaussianBlur(x, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)  # type: ignore[no-any-return]

    mu_a, mu_b = blur(a), blur(b)
    aa, bb, ab = blur(a * a) - mu_a * mu_a, blur(b * b) - mu_b * mu_b, blur(a * b) - mu_a * mu_b
    num = (2 * mu_a * mu_b + c1) * (2 * ab + c2)
    den = (mu_a * mu_a + mu_b * mu_b + c1) * (aa + bb + c2)
    return (num / den).astype("float32")


def data_range(img: npt.NDArray[np.float32], valid: npt.NDArray[np.bool_]) -> float:
    """255 for 8-bit-valued pictures, else the 0.1-99.9 % range of the data."""
    import numpy as np

    v = img[::4, ::4][valid[::4, ::4]] if min(img.shape) >= 512 else img[valid]
    if v.size == 0:
        return 1.0
    if float(v.min()) >= 0 and float(v.max()) <= 255 and float(v.max()) > 1.5:
        return 255.0
    lo, hi = np.percentile(v, [0.1, 99.9])
    return float(hi - lo) or 1.0


def detect_change(
    before: npt.NDArray[np.float32],
    after: npt.NDArray[np.float32],
    valid: npt.NDArray[np.bool_],
    params: ChangeParams = ChangeParams(),
) -> ChangeMaps:
    """Change maps of two pictures already on the same grid with matched histograms."""
    import cv2
    import numpy as np

    rng = data_range(before, valid)
    bs = cv2.GaussianBlur(before, (0, 0), params.smooth_sigma)
    as_ = cv2.GaussianBlur(after, (0, 0), params.smooth_sigma)
    diff = np.abs(bs - as_).astype(np.float32)
    ssim = ssim_map(before, after, sigma=params.ssim_sigma, data_range=rng)
    step = 4 if min(diff.shape) >= 512 else 1  # robust statistics need no more than 1/16 of the pixels
    sv = valid[::step, ::step]
    dv = diff[::step, ::step][sv]
    if dv.size:
        med = float(np.median(dv))
        mad = float(np.median(np.abs(dv - med)))
        p1, p99 = np.percentile(before[::step, ::step][sv], [1, 99])
        threshold = max(med + params.k_mad * 1.4826 * mad, params.min_diff_fraction * float(p99 - p1))
    else:
        threshold = float("inf")
    raw = (diff > threshold) & (ssim < params.ssim_max) & valid
    mask = raw.astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((params.open_px, params.open_px), np.uint8))
    pieces = mask.astype(bool)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((params.close_px, params.close_px), np.uint8))
    changed = mask.astype(bool) & valid
    _, labels, stats, _ = cv2.connectedComponentsWithStats(changed.astype(np.uint8), connectivity=8)
    return ChangeMaps(diff, ssim, changed, valid, threshold, pieces, labels.astype(np.int32), stats.astype(np.int32))
