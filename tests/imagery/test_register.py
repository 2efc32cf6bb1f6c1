"""Registration against shifts and rotations applied by hand (truth known by construction) and skimage."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from basewatch.imagery.register import register
from basewatch.imagery.synthetic import SceneSpec, make_scene


@pytest.mark.parametrize("shift", [(3.4, -2.7), (-0.6, 0.25), (12.0, 7.5)])
def test_known_shift_is_found_within_a_pixel(shift: tuple[float, float]) -> None:
    scene = make_scene(SceneSpec(size=512, objects=6, removed=0, added=0, shift=shift, seed=3))
    reg = register(scene.before, scene.after)
    # after(x, y) = before(x - dx, y - dy): mapping after onto before subtracts the shift
    assert reg.shift_px[0] == pytest.approx(-shift[0], abs=1.0)
    assert reg.shift_px[1] == pytest.approx(-shift[1], abs=1.0)
    assert abs(reg.shift_px[0] + shift[0]) < 0.25 and abs(reg.shift_px[1] + shift[1]) < 0.25
    assert reg.residual_px < 0.5


def test_shift_agrees_with_scikit_image() -> None:
    from skimage.registration import phase_cross_correlation

    scene = make_scene(SceneSpec(size=512, objects=6, removed=0, added=0, shift=(5.3, -4.1), seed=4))
    reg = register(scene.before, scene.after, method="phase")
    peer, _, _ = phase_cross_correlation(scene.before, scene.after, upsample_factor=20)
    # skimage returns the (row, col) shift that registers the moving picture onto the reference
    assert reg.shift_px[0] == pytest.approx(peer[1], abs=0.2)
    assert reg.shift_px[1] == pytest.approx(peer[0], abs=0.2)


def test_rotation_and_scale_go_to_features_and_ecc() -> None:
    scene = make_scene(SceneSpec(size=768, objects=10, removed=0, added=0, seed=5))
    centre = (384.0, 384.0)
    m = cv2.getRotationMatrix2D(centre, 3.0, 1.02)  # after = before rotated 3 degrees, scaled 2 %
    after = cv2.warpAffine(scene.before, m, (768, 768), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    reg = register(scene.before, after)
    assert reg.method == "orb+ecc"
    # the registration maps after onto before: the inverse rotation and scale
    assert reg.rotation_deg == pytest.approx(3.0, abs=0.05)  # cv2's angle is counter-clockwise in image axes
    assert reg.scale == pytest.approx(1 / 1.02, abs=0.002)
    inv = cv2.invertAffineTransform(m)
    for x, y in [(100.0, 100.0), (600.0, 300.0), (384.0, 700.0)]:
        want = inv @ np.array([x, y, 1.0])
        got = np.array(reg.matrix) @ np.array([x, y, 1.0])
        assert np.hypot(*(got - want)) < 1.0
