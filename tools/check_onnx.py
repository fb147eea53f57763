"""Checks a model exported by `backprop export` without ONNX Runtime: onnx's checker, then a numpy forward pass.

    /usr/bin/python3 tools/check_onnx.py MODEL.onnx DATA.csv PREDICTED.csv

DATA.csv holds the model's input columns (found by the names in the model's metadata), PREDICTED.csv what
`backprop predict MODEL DATA.csv --out PREDICTED.csv` wrote. The script runs the graph node by node with numpy
(the operators Backprop exports: Cast, Sub, Div, Gemm, MatMul, Add, Relu, Sigmoid, Tanh, Softmax) and prints the
largest difference from Backprop's predictions. Needs onnx (1.12 or later) and numpy: Debian's python3-onnx.
"""
import csv
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def numpy_type(tensor_type):
    """The numpy type of an ONNX element type (onnx 1.13 and later name it in helper; 1.12 in mapping)."""
    if hasattr(onnx.helper, "tensor_dtype_to_np_dtype"):
        return onnx.helper.tensor_dtype_to_np_dtype(tensor_type)
    return onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[tensor_type]


def run(model, x):
    """The graph's output for x, computed node by node with numpy."""
    values = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    values[model.graph.input[0].name] = x
    for node in model.graph.node:
        a = [values[name] for name in node.input]
        attributes = {attribute.name: onnx.helper.get_attribute_value(attribute) for attribute in node.attribute}
        if node.op_type == "Cast":
            y = a[0].astype(numpy_type(attributes["to"]))
        elif node.op_type == "Sub":
            y = a[0] - a[1]
        elif node.op_type == "Div":
            y = a[0] / a[1]
        elif node.op_type in ("Gemm", "MatMul"):
            y = a[0] @ a[1] + (a[2] if len(a) > 2 else 0)
        elif node.op_type == "Add":
            y = a[0] + a[1]
        elif node.op_type == "Relu":
            y = np.maximum(a[0], 0)
        elif node.op_type == "Sigmoid":
            y = 1 / (1 + np.exp(-a[0]))
        elif node.op_type == "Tanh":
            y = np.tanh(a[0])
        elif node.op_type == "Softmax":
            e = np.exp(a[0] - a[0].max(axis=-1, keepdims=True))
            y = e / e.sum(axis=-1, keepdims=True)
        else:
            sys.exit(f"{node.name}: operator {node.op_type} is not one Backprop exports")
        values[node.output[0]] = y.astype(a[0].dtype) if node.op_type != "Cast" else y
    return values[model.graph.output[0].name]


def main(model_path, data_path, predicted_path):
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)   # the structure, and shape inference over the whole graph
    metadata = {p.key: p.value for p in model.metadata_props}
    features = json.loads(metadata["backprop.features"])
    dtype = numpy_type(model.graph.input[0].type.tensor_type.elem_type)
    with open(data_path, newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(row[name]) for name in features] for row in rows], dtype=dtype)
    y = run(model, x).astype(np.float64)
    with open(predicted_path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        predicted = np.array([[float(v) for v, h in zip(row, header) if h != "class"] for row in reader])
    if "backprop.classes" in metadata and y.shape[1] == 1:
        predicted = predicted[:, 1:]   # a yes/no model's first column is the first class's probability, 1 - output
    difference = np.abs(y - predicted).max()
    print(f"{model_path}: onnx.checker passed; {len(rows)} rows; largest difference from backprop predict: {difference:.3g}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
