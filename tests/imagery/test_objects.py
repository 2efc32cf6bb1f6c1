"""Per-box calls and new objects on synthetic scenes whose truth is known by construction."""

from __future__ import annotations

import pytest

from basewatch.imagery.compare import compare_arrays
from basewatch.imagery.objects import PixelBox
from basewatch.imagery.synthetic import SceneSpec, make_scene


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_removed_objects_are_gone_and_added_ones_found(seed: int) -> None:
    spec = SceneSpec(size=1024, objects=10, removed=3, added=2, shift=(1.7, -2.2), gain=1.1, gamma=0.9,
                     sun_deg_after=160.0, noise=4.0, seed=seed)
    scene = make_scene(spec)
    result, _, _ = compare_arrays(scene.before, scene.after, boxes=list(scene.before_boxes))
    calls = {c.box_id: c.status for c in result.calls}
    for box in scene.before_boxes:
        assert calls[box.box_id] == ("still_there" if box.box_id in scene.kept else "gone"), box.box_id
    found = [PixelBox("n", n.x0, n.y0, n.x1, n.y1) for n in result.new_objects]
    for added in scene.added_boxes:
        assert max((added.iou(f) for f in found), default=0.0) > 0.3
    assert result.count is not None
    assert result.count.still_there == 7 and result.count.gone == 3
    assert 9 <= result.count.estimate <= 10  # truth 9; at most one false new object


def test_one_added_one_removed() -> None:
    scene = make_scene(SceneSpec(size=768, objects=5, removed=1, added=1, seed=21))
    result, _, _ = compare_arrays(scene.before, scene.after, boxes=list(scene.before_boxes))
    assert result.count is not None
    assert (result.count.still_there, result.count.gone, result.count.new) == (4, 1, 1)
    assert result.count.estimate == 5 and result.count.direction == "same"


def test_regions_confine_the_count() -> None:
    from basewatch.imagery.compare import Region

    scene = make_scene(SceneSpec(size=768, objects=4, removed=0, added=2, seed=23))
    half = [b for b in scene.added_boxes if (b.x0 + b.x1) / 2 < 384]
    left = Region("left half", (((0.0, 0.0), (384.0, 0.0), (384.0, 768.0), (0.0, 768.0)),))
    result, _, _ = compare_arrays(scene.before, scene.after, boxes=list(scene.before_boxes), regions=[left])
    assert result.count is not None
    assert result.count.new == len(half) and result.count.new_outside_regions == 2 - len(half)
    assert result.regions[0].new_objects == len(half)
