"""Optional object detector: a user-supplied ONNX model run by onnxruntime (nothing is downloaded).

Contract of the model (documented in the README):
- one input, float32, shape [1, C, H, W], values 0..1 (C = 1 grey or 3 RGB, as the model declares; H, W
  the picture's size, or fixed sizes the picture is resized to);
- three outputs, named `boxes` float32 [N, 4] (x0, y0, x1, y1 in input pixels), `scores` float32 [N]
  (0..1) and `classes` int64 [N] (indices into the class names given with the model).
Detections below `min_score` are dropped; boxes are scaled back to the picture's pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from basewatch.errors import BasewatchError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class Detection:
    x0: float
    y0: float
    x1: float
    y1: float
    score: float
    label: str


def detect(
    model: Path, pixels: npt.NDArray[np.generic], *, class_names: tuple[str, ...] = ("object",),
    min_score: float = 0.5,
) -> list[Detection]:
    """Run the model on a picture (rows, cols, bands) and return its detections in picture pixels."""
    import cv2
    import numpy as np

    try:
        import onnxruntime as ort
    except ModuleNotFoundError:
        raise BasewatchError("the ONNX detector needs onnxruntime: pip install 'basewatch[detector]'") from None
    if not model.is_file():
        raise BasewatchError(f"{model}: no such ONNX model")
    try:
        session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors for a bad file
        raise BasewatchError(f"{model}: not a loadable ONNX model: {exc}") from exc
    inputs = session.get_inputs()
    names = {o.name for o in session.get_outputs()}
    if len(inputs) != 1 or not {"boxes", "scores", "classes"} <= names:
        raise BasewatchError(f"{model}: want one input and outputs boxes, scores, classes (got {sorted(names)})")
    shape = inputs[0].shape
    want_c = shape[1] if isinstance(shape[1], int) else 3
    h, w = pixels.shape[:2]
    th = shape[2] if isinstance(shape[2], int) else h
    tw = shape[3] if isinstance(shape[3], int) else w
    img = pixels.astype(np.float32)
    scale = 255.0 if float(img.max()) > 1.0 else 1.0
    img = img / scale
    if img.shape[2] >= 3 and want_c == 1:
        img = (0.299 * img[:, :, 0] + 0.587 * img[:, :, 1] + 0.114 * img[:, :, 2])[:, :, None]
    elif img.shape[2] == 1 and want_c == 3:
        img = np.repeat(img, 3, axis=2)
    else:
        img = img[:, :, :want_c]
    if (th, tw) != (h, w):
        img = cv2.resize(img, (tw, th), interpolation=cv2.INTER_AREA).reshape(th, tw, want_c)
    batch = np.ascontiguousarray(np.moveaxis(img, -1, 0)[None])
    boxes, scores, classes = session.run(["boxes", "scores", "classes"], {inputs[0].name: batch})
    fx, fy = w / tw, h / th
    out = []
    for (x0, y0, x1, y1), s, c in zip(np.asarray(boxes).reshape(-1, 4), np.ravel(scores), np.ravel(classes),
                                       strict=True):
        if float(s) < min_score:
            continue
        label = class_names[int(c)] if 0 <= int(c) < len(class_names) else f"class {int(c)}"
        out.append(Detection(float(x0) * fx, float(y0) * fy, float(x1) * fx, float(y1) * fy, float(s), label))
    return out
