"""Truth by construction on real texture: date_a of the Airbus pair against edited copies of itself.

Independent of date_b: a re-lit, shifted, re-noised copy must show every aircraft still there and
nothing new; erasing labelled aircraft (OpenCV inpainting) must make exactly those gone; pasting a
labelled aircraft onto the smoothest empty ground must be found as new.
"""

from __future__ import annotations

import ast
import csv

import cv2
import numpy as np
import pytest

from basewatch.imagery.compare import compare_arrays
from basewatch.imagery.objects import PixelBox
from basewatch.imagery.raster import read_raster, to_gray
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def date_a() -> tuple[np.ndarray, list[PixelBox]]:
    folder = shared_file("imagery/airbus_airport/annotations.csv").parent
    img = to_gray(read_raster(folder / "date_a.jpg"))
    boxes = []
    with (folder / "annotations.csv").open(newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if row["image"] == "date_a.jpg":
                pts = ast.literal_eval(row["geometry"])
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                boxes.append(PixelBox(str(i), min(xs), min(ys), max(xs), max(ys), row["class"]))
    return img[:1280, :1280].copy(), [b for b in boxes if b.x1 <= 1280 and b.y1 <= 1280]


def _relit(img: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    m = np.array([[1, 0, 1.6], [0, 1, -2.3]])
    out = cv2.warpAffine(img, m, img.shape[::-1], flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    out = 255 * (np.clip(out, 0, 255) / 255) ** 0.85 * 0.9 + 12 + rng.normal(0, 2, img.shape)
    return np.clip(out, 0, 255).astype(np.float32)


def test_relit_shifted_copy_keeps_every_aircraft(date_a: tuple[np.ndarray, list[PixelBox]]) -> None:
    img, boxes = date_a
    result, _, _ = compare_arrays(img, _relit(img, 1), boxes=boxes)
    assert result.registration.shift_px == pytest.approx((-1.6, 2.3), abs=0.3)
    assert [c.status for c in result.calls] == ["still_there"] * len(boxes)
    assert result.new_objects == ()


def test_erased_aircraft_are_gone(date_a: tuple[np.ndarray, list[PixelBox]]) -> None:
    img, boxes = date_a
    erased = {b.box_id for b in boxes[::3]}
    mask = np.zeros(img.shape, np.uint8)
    for b in boxes:
        if b.box_id in erased:
            mask[int(b.y0) - 4 : int(b.y1) + 4, int(b.x0) - 4 : int(b.x1) + 4] = 255
    edited = cv2.inpaint(img.astype(np.uint8), mask, 7, cv2.INPAINT_TELEA).astype(np.float32)
    result, _, _ = compare_arrays(img, _relit(edited, 2), boxes=boxes)
    calls = {c.box_id: c.status for c in result.calls}
    assert {k for k, v in calls.items() if v == "gone"} == erased
    assert all(v == "still_there" for k, v in calls.items() if k not in erased)


def test_pasted_aircraft_is_new(date_a: tuple[np.ndarray, list[PixelBox]]) -> None:
    img, boxes = date_a
    src = boxes[0]
    x0, y0, x1, y1 = (int(v) for v in (src.x0, src.y0, src.x1, src.y1))
    patch = img[y0:y1, x0:x1]
    h, w = patch.shape
    # the smoothest box-sized window of ground, away from every labelled box
    energy = cv2.boxFilter(np.abs(cv2.Laplacian(img, cv2.CV_32F)), -1, (w, h), normalize=True)
    taken = np.zeros(img.shape, bool)
    for b in boxes:
        taken[max(0, int(b.y0) - h) : int(b.y1) + h, max(0, int(b.x0) - w) : int(b.x1) + w] = True
    taken[: h, :] = taken[-h:, :] = taken[:, : w] = taken[:, -w:] = True
    energy[taken] = np.inf
    cy, cx = np.unravel_index(int(np.argmin(energy)), energy.shape)
    py, px = cy - h // 2, cx - w // 2
    edited = img.copy()
    edited[py : py + h, px : px + w] = patch
    result, _, _ = compare_arrays(img, _relit(edited, 3), boxes=boxes)
    pasted = PixelBox("p", px, py, px + w, py + h)
    assert any(PixelBox("n", n.x0, n.y0, n.x1, n.y1).iou(pasted) > 0.3 for n in result.new_objects)
    assert len(result.new_objects) == 1
    assert all(c.status == "still_there" for c in result.calls)
