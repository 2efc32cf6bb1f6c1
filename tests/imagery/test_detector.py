"""The ONNX loading path, real: a tiny model built here with `onnx`, run by onnxruntime."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from basewatch.errors import BasewatchError
from basewatch.imagery.detector import detect


def _model(path: Path) -> None:
    """boxes = two constant boxes; scores = [max of the picture, 0.1]; classes = [1, 0]."""
    boxes = helper.make_tensor("b", TensorProto.FLOAT, [2, 4], [2, 3, 10, 12, 0, 0, 4, 4])
    nodes = [
        helper.make_node("Constant", [], ["boxes"], value=boxes),
        helper.make_node("ReduceMax", ["images"], ["m"], keepdims=0),
        helper.make_node("Constant", [], ["low"], value=helper.make_tensor("l", TensorProto.FLOAT, [], [0.1])),
        helper.make_node("Unsqueeze", ["m", "ax"], ["m1"]),
        helper.make_node("Unsqueeze", ["low", "ax"], ["l1"]),
        helper.make_node("Constant", [], ["ax"], value=helper.make_tensor("a", TensorProto.INT64, [1], [0])),
        helper.make_node("Concat", ["m1", "l1"], ["scores"], axis=0),
        helper.make_node("Constant", [], ["classes"], value=helper.make_tensor("c", TensorProto.INT64, [2], [1, 0])),
    ]
    nodes = [nodes[0], nodes[1], nodes[2], nodes[5], nodes[3], nodes[4], nodes[6], nodes[7]]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [2, 4]),
         helper.make_tensor_value_info("scores", TensorProto.FLOAT, [2]),
         helper.make_tensor_value_info("classes", TensorProto.INT64, [2])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def test_tiny_model_detections_scaled_to_the_picture(tmp_path: Path) -> None:
    path = tmp_path / "tiny.onnx"
    _model(path)
    pixels = np.zeros((32, 48, 3), dtype=np.uint8)
    pixels[4, 4] = (204, 0, 0)  # 204 / 255 = 0.8; area resizing 48 x 32 -> 16 x 16 averages 3 x 2 blocks
    found = detect(path, pixels, class_names=("car", "aircraft"), min_score=0.05)
    assert [d.label for d in found] == ["aircraft", "car"]
    # the picture is resized to the model's 16 x 16: boxes scale back by 48/16 in x and 32/16 in y
    assert (found[0].x0, found[0].y0, found[0].x1, found[0].y1) == (6.0, 6.0, 30.0, 24.0)
    assert found[0].score == pytest.approx(0.8 / 6, rel=1e-3) and found[1].score == pytest.approx(0.1)
    assert [d.label for d in detect(path, pixels, class_names=("car", "aircraft"), min_score=0.12)] == ["aircraft"]


def test_not_a_model(tmp_path: Path) -> None:
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not onnx")
    with pytest.raises(BasewatchError, match="not a loadable ONNX model"):
        detect(bad, np.zeros((4, 4, 3), np.uint8))


def test_observation_counted_by_the_detector(tmp_path: Path) -> None:
    import datetime as dt
    import json

    from PIL import Image

    from basewatch.workspace.core import Workspace

    model = tmp_path / "tiny.onnx"
    _model(model)
    pixels = np.zeros((32, 48, 3), dtype=np.uint8)
    pixels[4, 4] = (204, 0, 0)
    Image.fromarray(pixels).save(tmp_path / "p.png")
    with Workspace(tmp_path / "ws.duckdb") as ws:
        added = ws.add_observation(tmp_path / "p.png", site="khmeimim", acquired_at=dt.date(2024, 12, 10),
                                   detector=model, detector_classes=("car", "aircraft"), min_score=0.12)
        assert added.counts == {"aircraft": 1} and added.labels == 1
        row = ws.imagery().to_pylist()[0]
    item = json.loads(row["item"])
    assert item["properties"]["label:methods"] == ["automated"]
    ring = json.loads(row["labels"])["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == [6.0, 6.0] and ring[2] == [30.0, 24.0]
