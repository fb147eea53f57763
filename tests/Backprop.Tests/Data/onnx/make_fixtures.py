"""Makes the ONNX import fixtures of tests/Backprop.Tests/OnnxImportTests.cs.

Run from this folder with Debian's python3 (python3-torch 1.13, python3-onnx 1.12, numpy):

    /usr/bin/python3 make_fixtures.py

Each .onnx file is a small network written by torch.onnx.export (an nn.Sequential of Linear layers and
activations) or built with onnx.helper (MatMul + Add, and graphs Backprop must refuse). cases.json holds, for each
network Backprop imports, the inputs and the outputs the generating framework computed for them (torch's forward
pass, or numpy's for the onnx.helper graphs), as float64 numbers that read back exactly; and for each refused
graph, the words the one-line error must hold.
"""
import json

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

torch.manual_seed(12)
rng = np.random.default_rng(12)
cases = []


def export_torch(name, model, inputs, dtype):
    """Exports model (eval mode) to NAME.onnx with a dynamic batch and records torch's outputs for inputs."""
    model = model.to(dtype).eval()
    x = torch.tensor(inputs, dtype=dtype)
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, x, f"{name}.onnx", input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
    onnx.checker.check_model(onnx.load(f"{name}.onnx"))
    cases.append({"file": f"{name}.onnx", "source": f"torch {torch.__version__}: {model}".replace("\n", " "),
                  "precision": "f32" if dtype == torch.float32 else "f64",
                  "inputs": x.double().tolist(), "outputs": y.double().tolist()})


def inputs(rows, columns):
    return rng.normal(0.0, 1.5, size=(rows, columns)).round(3).tolist()


nn = torch.nn
export_torch("relu_softmax", nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3), nn.Softmax(dim=1)),
             inputs(6, 4), torch.float32)
export_torch("tanh_sigmoid", nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid()),
             inputs(6, 3), torch.float32)
export_torch("sigmoid_identity_f64", nn.Sequential(nn.Linear(2, 6), nn.Sigmoid(), nn.Linear(6, 2)),
             inputs(6, 2), torch.float64)
export_torch("relu_nobias", nn.Sequential(nn.Linear(3, 4, bias=False), nn.ReLU(), nn.Linear(4, 2, bias=False)),
             inputs(6, 3), torch.float32)
export_torch("linear_only_f64", nn.Sequential(nn.Linear(3, 2)), inputs(4, 3), torch.float64)


def matmul_add():
    """A float64 relu network written as MatMul + Add by onnx.helper; its outputs computed with numpy."""
    w1, b1 = rng.normal(size=(3, 5)), rng.normal(size=5)
    w2, b2 = rng.normal(size=(5, 3)), rng.normal(size=3)
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h1"], name="fc1"),
        helper.make_node("Add", ["h1", "b1"], ["a1"], name="fc1_bias"),
        helper.make_node("Relu", ["a1"], ["r1"], name="act1"),
        helper.make_node("MatMul", ["r1", "w2"], ["h2"], name="fc2"),
        helper.make_node("Add", ["b2", "h2"], ["a2"], name="fc2_bias"),   # the bias first: Add commutes
        helper.make_node("Softmax", ["a2"], ["probabilities"], name="out", axis=1),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2")]]
    graph = helper.make_graph(nodes, "matmul_add",
                              [helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["n", 3])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.DOUBLE, ["n", 3])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, "matmul_add_f64.onnx")
    x = np.array(inputs(5, 3))
    z = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    cases.append({"file": "matmul_add_f64.onnx", "source": "onnx.helper MatMul+Add, numpy forward pass", "precision": "f64",
                  "inputs": x.tolist(), "outputs": (e / e.sum(axis=1, keepdims=True)).tolist()})


matmul_add()

# Graphs Backprop refuses, with the words its one-line error must hold.
refused = []
torch.onnx.export(nn.Sequential(nn.Linear(3, 4), nn.LeakyReLU(), nn.Linear(4, 1)).eval(), torch.zeros(1, 3),
                  "leaky_relu.onnx", input_names=["input"], output_names=["output"], opset_version=13)
leaky = onnx.load("leaky_relu.onnx")
refused.append({"file": "leaky_relu.onnx", "phrases": ["LeakyRelu", leaky.graph.node[1].name, "not supported"]})

w = numpy_helper.from_array(rng.normal(size=(3, 3)).astype(np.float32), "w")
residual = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["h"], name="fc"), helper.make_node("Add", ["h", "x"], ["y"], name="skip")],
    "residual", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 3])], [w])
model = helper.make_model(residual, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.save(model, "residual.onnx")
refused.append({"file": "residual.onnx", "phrases": ["node 'fc' (MatMul)", "not a plain chain"]})

external = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")], "external",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 3])], [w])
model = helper.make_model(external, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
tensor = model.graph.initializer[0]
tensor.ClearField("raw_data")
tensor.data_location = TensorProto.EXTERNAL
entry = tensor.external_data.add()
entry.key, entry.value = "location", "weights.bin"
onnx.save(model, "external.onnx")
refused.append({"file": "external.onnx", "phrases": ["initializer 'w'", "external file"]})

mixed = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["h"], name="fc1"), helper.make_node("Relu", ["h"], ["r"], name="a1"),
     helper.make_node("MatMul", ["r", "w"], ["h2"], name="fc2"), helper.make_node("Tanh", ["h2"], ["r2"], name="a2"),
     helper.make_node("MatMul", ["r2", "w"], ["y"], name="fc3")], "mixed",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 3])], [w])
model = helper.make_model(mixed, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.save(model, "mixed_activations.onnx")
refused.append({"file": "mixed_activations.onnx", "phrases": ["node 'a2' (Tanh)", "relu and tanh"]})

with open("cases.json", "w") as f:
    json.dump({"imported": cases, "refused": refused}, f, indent=1)
    f.write("\n")
