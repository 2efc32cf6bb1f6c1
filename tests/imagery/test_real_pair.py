"""The Airbus airport pair: date_a's 30 labelled aircraft given, date_b's 23 used only as truth.

Held-out: the thresholds were set on the synthetic scenes (basewatch.imagery.synthetic), not on this
pair. A date_a box counts as "still there" in truth when a date_b box overlaps it (IoU >= 0.3).
"""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

from basewatch.imagery.compare import CompareResult, compare_arrays
from basewatch.imagery.objects import PixelBox
from basewatch.imagery.raster import read_raster, to_gray
from tests.conftest import shared_file


def _boxes(csv_path: Path, image: str) -> list[PixelBox]:
    out = []
    with csv_path.open(newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if row["image"] == image:
                pts = ast.literal_eval(row["geometry"])
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                out.append(PixelBox(str(i), min(xs), min(ys), max(xs), max(ys), row["class"]))
    return out


@pytest.fixture(scope="module")
def pair() -> tuple[CompareResult, list[PixelBox], list[PixelBox]]:
    folder = shared_file("imagery/airbus_airport/annotations.csv").parent
    a = to_gray(read_raster(folder / "date_a.jpg"))
    b = to_gray(read_raster(folder / "date_b.jpg"))
    boxes_a = _boxes(folder / "annotations.csv", "date_a.jpg")
    boxes_b = _boxes(folder / "annotations.csv", "date_b.jpg")
    result, _, _ = compare_arrays(a, b, boxes=boxes_a)
    return result, boxes_a, boxes_b


def test_label_counts_are_the_readme_facts(pair: tuple[CompareResult, list[PixelBox], list[PixelBox]]) -> None:
    _, boxes_a, boxes_b = pair
    assert (len(boxes_a), len(boxes_b)) == (30, 23)


def test_registration_is_within_the_stated_few_pixels(
    pair: tuple[CompareResult, list[PixelBox], list[PixelBox]],
) -> None:
    result, _, _ = pair
    dx, dy = result.registration.shift_px
    assert abs(dx) <= 3.5 and abs(dy) <= 3.5  # README: co-registered within 2-3 px
    assert result.registration.residual_px < 1.0


def test_per_box_calls_against_truth(pair: tuple[CompareResult, list[PixelBox], list[PixelBox]]) -> None:
    result, boxes_a, boxes_b = pair
    truth = {b.box_id: max(b.iou(t) for t in boxes_b) >= 0.3 for b in boxes_a}
    decided = [c for c in result.calls if c.status != "uncertain"]
    wrong = [c.box_id for c in decided if (c.status == "still_there") != truth[c.box_id]]
    assert len(decided) >= 24  # at most a fifth left uncertain
    assert wrong == []


def test_count_goes_the_right_way(pair: tuple[CompareResult, list[PixelBox], list[PixelBox]]) -> None:
    result, _, _ = pair
    assert result.count is not None
    assert result.count.estimate < 30  # truth 30 -> 23: the point estimate falls


def test_count_within_twenty_percent(pair: tuple[CompareResult, list[PixelBox], list[PixelBox]]) -> None:
    result, _, _ = pair
    assert result.count is not None
    assert abs(result.count.estimate - 23) <= 0.2 * 23
    assert result.count.direction == "decrease"  # the whole range is below 30


def test_new_objects_are_mostly_aircraft_that_arrived(
    pair: tuple[CompareResult, list[PixelBox], list[PixelBox]],
) -> None:
    result, boxes_a, boxes_b = pair
    arrived = [t for t in boxes_b if max(t.iou(b) for b in boxes_a) < 0.3]  # truth: 17 of date_b's 23
    found = [PixelBox("n", n.x0, n.y0, n.x1, n.y1) for n in result.new_objects]
    hits = sum(max(f.iou(t) for t in arrived) >= 0.3 for f in found)
    assert hits >= 0.8 * len(arrived)          # recall
    assert hits >= 0.7 * len(found)            # precision
