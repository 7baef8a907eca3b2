"""A tiny ONNX object detector the tests build themselves (nothing fetched): "red things".

Input `images` 1x3x64x64 (RGB, 0-1). The picture is cut into an 8x8 grid; each cell is one candidate box
(centre and size in input pixels) whose score for class 0 is how red the cell is (mean of
relu(R - (G + B) / 2), scaled), and for class 1 how blue. The output is (1, 4 + 2, 64), the layout
YOLOv8-family exports use, so the detector's real loading, inference and decoding code runs on it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SIZE = 64
GRID = 8
CELL = SIZE // GRID


def build(path: Path, scale: float = 4.0) -> Path:
    def const(name: str, array: np.ndarray) -> onnx.TensorProto:
        return numpy_helper.from_array(array, name)

    centres = (np.arange(GRID, dtype=np.float32) + 0.5) * CELL
    cy, cx = np.meshgrid(centres, centres, indexing="ij")  # row-major cells, as the pooled scores
    boxes = np.stack(
        [
            cx.ravel(),
            cy.ravel(),
            np.full(GRID * GRID, CELL, np.float32),
            np.full(GRID * GRID, CELL, np.float32),
        ]
    )[None].astype(np.float32)  # 1x4x64
    inits = [
        const("boxes", boxes),
        const("half", np.array(0.5, np.float32)),
        const("scale", np.array(scale, np.float32)),
        const("shape", np.array([1, 1, GRID * GRID], np.int64)),
        *(const(f"s{i}", np.array([i], np.int64)) for i in range(4)),
        const("axis1", np.array([1], np.int64)),
    ]
    nodes = [
        helper.make_node("Slice", ["images", "s0", "s1", "axis1"], ["r"]),
        helper.make_node("Slice", ["images", "s1", "s2", "axis1"], ["g"]),
        helper.make_node("Slice", ["images", "s2", "s3", "axis1"], ["b"]),
        helper.make_node("Add", ["g", "b"], ["gb"]),
        helper.make_node("Mul", ["gb", "half"], ["gb2"]),
        helper.make_node("Sub", ["r", "gb2"], ["red_raw"]),
        helper.make_node("Relu", ["red_raw"], ["red"]),
        helper.make_node("Add", ["r", "g"], ["rg"]),
        helper.make_node("Mul", ["rg", "half"], ["rg2"]),
        helper.make_node("Sub", ["b", "rg2"], ["blue_raw"]),
        helper.make_node("Relu", ["blue_raw"], ["blue"]),
        helper.make_node("Concat", ["red", "blue"], ["colours"], axis=1),  # 1x2x64x64
        helper.make_node(
            "AveragePool", ["colours"], ["pooled"], kernel_shape=[CELL, CELL], strides=[CELL, CELL]
        ),
        helper.make_node("Mul", ["pooled", "scale"], ["scaled"]),
        helper.make_node("Reshape", ["scaled", "shape2"], ["scores"]),
        helper.make_node("Concat", ["boxes", "scores"], ["output0"], axis=1),
    ]
    inits.append(const("shape2", np.array([1, 2, GRID * GRID], np.int64)))
    graph = helper.make_graph(
        nodes,
        "red_things",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 6, GRID * GRID])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path
