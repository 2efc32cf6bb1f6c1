"""Change maps: a global re-lighting reports no change; SSIM agrees with scikit-image's."""

from __future__ import annotations

import numpy as np
import pytest

from basewatch.imagery.change import ssim_map
from basewatch.imagery.compare import compare_arrays
from basewatch.imagery.radiometry import match_histogram
from basewatch.imagery.synthetic import SceneSpec, make_scene


@pytest.mark.parametrize(("gain", "offset", "gamma"), [(1.3, -20.0, 1.0), (0.7, 25.0, 0.8), (1.0, 0.0, 1.4)])
def test_global_brightness_change_is_no_change(gain: float, offset: float, gamma: float) -> None:
    scene = make_scene(SceneSpec(size=512, objects=8, removed=0, added=0, vehicles=0, gain=gain, offset=offset,
                                 gamma=gamma, seed=7))
    result, _, _ = compare_arrays(scene.before, scene.after, boxes=list(scene.before_boxes))
    assert result.changed_fraction < 0.001
    assert result.new_objects == ()
    assert [c.status for c in result.calls] == ["still_there"] * 8
    assert result.count is not None and result.count.estimate == 8


def test_histogram_matching_undoes_a_monotone_map() -> None:
    rng = np.random.default_rng(0)
    before = rng.uniform(0, 255, (200, 200)).astype(np.float32)
    after = (255 * (before / 255) ** 0.6 * 0.8 + 10).astype(np.float32)
    out = match_histogram(after, before, np.ones(before.shape, bool))
    assert float(np.abs(out - before).max()) < 0.5  # bin width of 4096 bins over 0..255 is 0.07


def test_ssim_map_matches_scikit_image() -> None:
    from skimage.metrics import structural_similarity

    scene = make_scene(SceneSpec(size=256, objects=3, removed=1, added=1, seed=9))
    ours = ssim_map(scene.before, scene.after, sigma=1.5, data_range=255.0)
    _, peer = structural_similarity(scene.before, scene.after, data_range=255.0, gaussian_weights=True, sigma=1.5,
                                    use_sample_covariance=False, full=True)
    inner = (slice(10, -10), slice(10, -10))  # borders differ by the padding each library uses
    assert float(np.abs(ours[inner] - peer[inner]).mean()) < 2e-3
