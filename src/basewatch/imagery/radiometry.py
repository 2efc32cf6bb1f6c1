"""Radiometric normalisation: match the after picture's histogram to the before one's.

Only pixels both pictures cover take part, so the black border a warp leaves does not skew the match.
A global change of brightness, contrast or gamma (a monotone map of grey levels) is undone exactly up
to the histogram's bin width; what remains is change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_BINS = 4096


def _bin(values: npt.NDArray[np.float32], lo: float, scale: float) -> npt.NDArray[np.int32]:
    import numpy as np

    x = (values - np.float32(lo)) * np.float32(scale)
    np.clip(x, 0, _BINS - 1, out=x)
    return x.astype(np.int32)


def match_histogram(
    after: npt.NDArray[np.float32], before: npt.NDArray[np.float32], valid: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float32]:
    """`after` with its grey levels remapped so that, over `valid`, its histogram is `before`'s."""
    import numpy as np

    a, b = after[valid], before[valid]
    if a.size == 0:
        return after.copy()
    lo = float(min(a.min(), b.min()))
    hi = float(max(a.max(), b.max()))
    if hi <= lo:
        return after.copy()
    scale = (_BINS - 1) / (hi - lo)
    ia, ib = _bin(a, lo, scale), _bin(b, lo, scale)
    cdf_a = np.cumsum(np.bincount(ia, minlength=_BINS)) / ia.size
    cdf_b = np.cumsum(np.bincount(ib, minlength=_BINS)) / ib.size
    centres = lo + (np.arange(_BINS) + 0.5) / scale
    # each after level goes to the before level of the same cumulative share (mid-bin of its share)
    share = cdf_a - np.bincount(ia, minlength=_BINS) / (2 * ia.size)
    lut = np.interp(share, cdf_b, centres).astype(np.float32)
    out = lut[_bin(after, lo, scale)]
    return np.where(valid, out, after).astype(np.float32)
