"""Imagery compare: two 2560 x 2560 pictures, 10 regions, 30 labelled boxes; against scikit-image.

`python benchmarks/run.py imagery`. The pair is the shared Airbus airport pair (../shared/data/imagery)
with date_a's 30 labelled aircraft, or, without it, a synthetic 2560 x 2560 scene with 30 objects
(basewatch.imagery.synthetic). Cases, each in its own process (start-up and reading included):
- `read pictures`: decode both JPEGs to grey, the floor any comparison pays;
- `skimage register + SSIM`: scikit-image's phase_cross_correlation (1/10 px) and
  structural_similarity (Gaussian, full map) on the same grey pair: the peer;
- `basewatch compare`: registration (ORB + ECC / phase correlation), histogram matching, difference +
  SSIM, threshold, components, 10 regions, 30 per-box calls and new objects.
Each child prints the wall and CPU seconds of its own work (after reading) to stderr: on a shared
machine wall time varies two- to three-fold between runs, CPU time much less. Target: compare under 5 s.
"""

from __future__ import annotations

import ast
import csv
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import SHARED, measure, report  # noqa: E402

PAIR = SHARED / "imagery" / "airbus_airport"


def _pair() -> tuple[object, object, list[object]]:
    from basewatch.imagery.objects import PixelBox
    from basewatch.imagery.raster import read_raster, to_gray

    if (PAIR / "date_a.jpg").exists():
        a = to_gray(read_raster(PAIR / "date_a.jpg"))
        b = to_gray(read_raster(PAIR / "date_b.jpg"))
        boxes = []
        with (PAIR / "annotations.csv").open(newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh)):
                if row["image"] == "date_a.jpg":
                    pts = ast.literal_eval(row["geometry"])
                    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                    boxes.append(PixelBox(str(i), min(xs), min(ys), max(xs), max(ys), row["class"]))
        return a, b, boxes
    from basewatch.imagery.synthetic import SceneSpec, make_scene

    scene = make_scene(SceneSpec(size=2560, objects=30, removed=7, added=0, shift=(2.4, -1.3), seed=1))
    return scene.before, scene.after, list(scene.before_boxes)


def _regions() -> list[object]:
    from basewatch.imagery.compare import Region

    out = []
    for i in range(10):  # ten 1000 x 500 px strips, like parking rows
        x0, y0 = (i % 2) * 1280 + 100, (i // 2) * 500 + 20
        out.append(Region(f"row {i + 1}", (((x0, y0), (x0 + 1000, y0), (x0 + 1000, y0 + 480), (x0, y0 + 480)),)))
    return out


def child(case: str) -> None:
    a, b, boxes = _pair()
    start, cpu = time.perf_counter(), time.process_time()
    if case == "compare":
        from basewatch.imagery.compare import compare_arrays

        result, _, _ = compare_arrays(a, b, boxes=boxes, regions=_regions())  # type: ignore[arg-type]
        what = f"{len(result.calls)} boxes, {len(result.regions)} regions, count {result.count}"
    elif case == "skimage":
        from skimage.metrics import structural_similarity
        from skimage.registration import phase_cross_correlation

        shift, _, _ = phase_cross_correlation(a, b, upsample_factor=10)
        score, _ = structural_similarity(a, b, data_range=255.0, gaussian_weights=True, sigma=1.5,
                                         use_sample_covariance=False, full=True)
        what = f"shift {shift}, mean SSIM {score:.3f}"
    else:
        what = "read only"
    print(f"  [{case}] {time.perf_counter() - start:.2f} s wall, {time.process_time() - cpu:.2f} s CPU (all threads) "
          f"after reading; {what}", file=sys.stderr)


def main() -> None:
    env = {"PYTHONPATH": os.pathsep.join([str(HERE.parent / "src"), str(HERE)])}
    source = "Airbus airport pair" if (PAIR / "date_a.jpg").exists() else "synthetic 2560 x 2560 scene"
    print(f"\n## imagery: measuring compare on the {source} in child processes", flush=True)
    px = 2560 * 2560  # items: pixels of the before picture compared
    rows = [
        measure("read pictures", [sys.executable, __file__, "--child", "read"], px, env),
        measure("skimage register + SSIM", [sys.executable, __file__, "--child", "skimage"], px, env),
        measure("basewatch compare", [sys.executable, __file__, "--child", "compare"], px, env),
    ]
    report("imagery: one 2560 x 2560 pair, 10 regions, 30 boxes (pixels/s, process incl. start-up)", rows,
           "skimage register + SSIM")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
