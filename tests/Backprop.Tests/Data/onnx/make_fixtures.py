"""Makes the ONNX import fixtures of tests/Backprop.Tests/OnnxImportTests.cs.

Run from this folder with Debian's python3 (python3-torch 1.13, python3-onnx 1.12, numpy):

    /usr/bin/python3 make_fixtures.py                                      # every fixture
    /usr/bin/python3 make_fixtures.py batchnorm_relu.onnx constant_node.onnx   # only these

torch's float32 outputs differ in their last bits from one machine's BLAS to another's, so a new fixture is made by
naming it: the files named are written and their cases.json entries replaced or added, everything else staying as
committed, byte for byte.

Each .onnx file is a small network written by torch.onnx.export (an nn.Sequential of Linear layers and
activations) or built with onnx.helper (MatMul + Add, and graphs Backprop must refuse). cases.json holds, for each
network Backprop imports, the inputs and the outputs the generating framework computed for them (torch's forward
pass, or numpy's for the onnx.helper graphs), as float64 numbers that read back exactly; and for each refused
graph, the words the one-line error must hold.
"""
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

here = os.path.dirname(os.path.abspath(__file__))
chosen = sys.argv[1:]
if chosen:   # made aside, then only the chosen files copied here
    os.chdir(tempfile.mkdtemp())
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

# BatchNormalization (issue 24), with seeds of their own so that these fixtures do not depend on those above. torch
# 1.13 does not fold BatchNorm1d into the Linear before it in eval mode (not with do_constant_folding either): it
# writes a BatchNormalization node, and Identity copies for parameters that hold equal values.
torch.manual_seed(24)
rng24 = np.random.default_rng(24)


def inputs24(rows, columns, offset=0.0):
    return (rng24.normal(offset, 1.5, size=(rows, columns))).round(3).tolist()


def trained(model, columns, dtype, offset):
    """model after 25 SGD steps in training mode on inputs around offset, its BatchNorm1d layers' weight and bias first
    drawn at random: running means and variances, weights and biases unlike a fresh layer's (0, 1, 1, 0)."""
    model = model.to(dtype)
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, nn.BatchNorm1d):
                layer.weight.uniform_(0.5, 2.0)
                layer.bias.normal_(0.0, 0.5)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(25):
        x = torch.randn(16, columns, dtype=dtype) * 2 + offset
        loss = (model(x) - 1).square().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


# The network, trained: Gemm, BatchNormalization, Relu, Gemm.
export_torch("batchnorm_relu", trained(nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3)), 4, torch.float32, 1.0),
             inputs24(6, 4, 1.0), torch.float32)
# The same network fresh: its BatchNormalization reads Identity copies of its weight and bias as running_var and running_mean.
export_torch("batchnorm_fresh", nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3)), inputs24(6, 4), torch.float32)
# On the input, folded into the first layer (a yes/no classifier).
export_torch("batchnorm_input_f64", trained(nn.Sequential(nn.BatchNorm1d(3), nn.Linear(3, 5), nn.Sigmoid(), nn.Linear(5, 1), nn.Sigmoid()), 3, torch.float64, 3.0),
             inputs24(6, 3, 3.0), torch.float64)
# Without biases (MatMul, then BatchNormalization), and two after an activation, folded into the layer that follows.
export_torch("batchnorm_nobias_f64",
             trained(nn.Sequential(nn.Linear(3, 5, bias=False), nn.BatchNorm1d(5), nn.Tanh(), nn.BatchNorm1d(5), nn.BatchNorm1d(5),
                                   nn.Linear(5, 4, bias=False), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, 2), nn.Softmax(dim=1)), 3, torch.float64, -1.0),
             inputs24(6, 3, -1.0), torch.float64)


def batchnorm_helper():
    """A float64 network as another exporter might write it, by onnx.helper at opset 15: MatMul + Add, a
    BatchNormalization with training_mode 0 and Keras's epsilon and momentum, Relu, Gemm (transB 0), a
    BatchNormalization with no attributes (epsilon 1e-5), Softmax. Its outputs computed with numpy, with epsilon the
    float32 value the file holds."""
    w1, b1 = rng24.normal(size=(3, 4)), rng24.normal(size=4)
    w2, b2 = rng24.normal(size=(4, 3)), rng24.normal(size=3)
    bn1 = [rng24.uniform(0.5, 2, size=4), rng24.normal(size=4), rng24.normal(size=4), rng24.uniform(0.2, 3, size=4)]
    bn2 = [rng24.uniform(0.5, 2, size=3), rng24.normal(size=3), rng24.normal(size=3), rng24.uniform(0.2, 3, size=3)]
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h1"], name="fc1"),
        helper.make_node("Add", ["h1", "b1"], ["a1"], name="fc1_bias"),
        helper.make_node("BatchNormalization", ["a1", "gamma1", "beta1", "mean1", "var1"], ["n1"], name="bn1",
                         epsilon=1e-3, momentum=0.99, training_mode=0),
        helper.make_node("Relu", ["n1"], ["r1"], name="act1"),
        helper.make_node("Gemm", ["r1", "w2", "b2"], ["h2"], name="fc2"),
        helper.make_node("BatchNormalization", ["h2", "gamma2", "beta2", "mean2", "var2"], ["n2"], name="bn2"),
        helper.make_node("Softmax", ["n2"], ["probabilities"], name="out", axis=-1),
    ]
    named = [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2")] + list(zip(bn1, ["gamma1", "beta1", "mean1", "var1"])) \
        + list(zip(bn2, ["gamma2", "beta2", "mean2", "var2"]))
    graph = helper.make_graph(nodes, "batchnorm_helper",
                              [helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["n", 3])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.DOUBLE, ["n", 3])],
                              [numpy_helper.from_array(a, n) for a, n in named])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, "batchnorm_helper_f64.onnx")

    def batchnorm(h, gamma, beta, mean, var, epsilon):
        return (h - mean) / np.sqrt(var + float(np.float32(epsilon))) * gamma + beta

    x = np.array(inputs24(5, 3))
    z = batchnorm(np.maximum(batchnorm(x @ w1 + b1, *bn1, 1e-3), 0) @ w2 + b2, *bn2, 1e-5)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    cases.append({"file": "batchnorm_helper_f64.onnx", "source": "onnx.helper MatMul+Add, BatchNormalization, Gemm, numpy forward pass",
                  "precision": "f64", "inputs": x.tolist(), "outputs": (e / e.sum(axis=1, keepdims=True)).tolist()})


batchnorm_helper()

# BatchNormalizations Backprop cannot fold, and a Constant node, which breaks the chain.
torch.onnx.export(nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 1)).train(), torch.zeros(2, 3),
                  "batchnorm_training.onnx", input_names=["input"], output_names=["output"], opset_version=13,
                  training=torch.onnx.TrainingMode.TRAINING)
training = onnx.load("batchnorm_training.onnx")
refused.append({"file": "batchnorm_training.onnx",
                "phrases": [f"node '{training.graph.node[1].name}' (BatchNormalization)", "5 outputs", "training mode", "model.eval()"]})

torch.onnx.export(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.BatchNorm1d(4)).eval(), torch.zeros(2, 3),
                  "batchnorm_last.onnx", input_names=["input"], output_names=["output"], opset_version=13)
last = onnx.load("batchnorm_last.onnx")
bn_node = next(n for n in last.graph.node if n.op_type == "BatchNormalization")
relu_node = next(n for n in last.graph.node if n.op_type == "Relu")
refused.append({"file": "batchnorm_last.onnx",
                "phrases": [f"node '{bn_node.name}' (BatchNormalization)", f"after node '{relu_node.name}' (Relu)",
                            "cannot be folded into a dense layer", "no Gemm or MatMul follows it"]})


def helper_graph(file, nodes, inits, opset=15):
    """A float32 graph from x (n, 3) to y, written to file (not checked: some of these are wrong on purpose)."""
    graph = helper.make_graph(nodes, file, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 4])],
                              [numpy_helper.from_array(np.asarray(a, dtype=np.float32), n) for a, n in inits])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.save(model, file)


w34 = rng24.normal(size=(3, 4))
helper_graph("batchnorm_training_mode.onnx",
             [helper.make_node("MatMul", ["x", "w"], ["h"], name="fc"),
              helper.make_node("BatchNormalization", ["h", "s", "b", "m", "v"], ["y"], name="bn", training_mode=1)],
             [(w34, "w"), (np.ones(4), "s"), (np.zeros(4), "b"), (np.zeros(4), "m"), (np.ones(4), "v")])
refused.append({"file": "batchnorm_training_mode.onnx", "phrases": ["node 'bn' (BatchNormalization)", "training_mode is 1", "inference mode"]})

helper_graph("batchnorm_shape.onnx",
             [helper.make_node("Gemm", ["x", "w"], ["h"], name="fc"),
              helper.make_node("BatchNormalization", ["h", "s", "b", "m", "v"], ["y"], name="bn")],
             [(w34, "w"), (np.ones(5), "s"), (np.zeros(5), "b"), (np.zeros(5), "m"), (np.ones(5), "v")])
refused.append({"file": "batchnorm_shape.onnx",
                "phrases": ["node 'bn' (BatchNormalization)", "scale 's' has shape [5]", "the 4 outputs of node 'fc' (Gemm)", "[4]"]})

helper_graph("batchnorm_negative_var.onnx",
             [helper.make_node("MatMul", ["x", "w"], ["h"], name="fc"),
              helper.make_node("BatchNormalization", ["h", "s", "b", "m", "v"], ["y"], name="bn")],
             [(w34, "w"), (np.ones(4), "s"), (np.zeros(4), "b"), (np.zeros(4), "m"), ([1, 1, -1, 1], "v")])
refused.append({"file": "batchnorm_negative_var.onnx", "phrases": ["node 'bn' (BatchNormalization)", "input_var 'v'", "feature 3", "positive"]})

# float32 weights of 3e30 over a standard deviation of 1e-15 (variance 1e-30, epsilon 0): the folded weights are
# beyond float32's range.
helper_graph("batchnorm_overflow.onnx",
             [helper.make_node("MatMul", ["x", "w"], ["h"], name="fc"),
              helper.make_node("BatchNormalization", ["h", "s", "b", "m", "v"], ["y"], name="bn", epsilon=0.0)],
             [(np.full((3, 4), 3e30), "w"), (np.ones(4), "s"), (np.zeros(4), "b"), (np.zeros(4), "m"), (np.full(4, 1e-30), "v")])
refused.append({"file": "batchnorm_overflow.onnx",
                "phrases": ["node 'bn' (BatchNormalization)", "folded into node 'fc' (MatMul)", "beyond float32's range"]})

helper_graph("batchnorm_inputs.onnx",
             [helper.make_node("MatMul", ["x", "w"], ["h"], name="fc"),
              helper.make_node("BatchNormalization", ["h", "s", "b"], ["y"], name="bn")],
             [(w34, "w"), (np.ones(4), "s"), (np.zeros(4), "b")])
refused.append({"file": "batchnorm_inputs.onnx",
                "phrases": ["node 'bn' (BatchNormalization)", "X (the previous node's output), then scale, B, input_mean and input_var", "it has 3"]})

helper_graph("constant_node.onnx",
             [helper.make_node("Constant", [], ["w"], name="weights", value=numpy_helper.from_array(w34.astype(np.float32))),
              helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")], [])
refused.append({"file": "constant_node.onnx",
                "phrases": ["node 'weights' (Constant)", "not a plain chain", "does not read the value 'x' (the graph's input)", "node 'fc' (MatMul) reads"]})

if not chosen:
    with open("cases.json", "w") as f:
        json.dump({"imported": cases, "refused": refused}, f, indent=1)
        f.write("\n")
else:
    # The chosen fixtures' files, and their entries replacing (or added after) those in the committed cases.json.
    with open(os.path.join(here, "cases.json")) as f:
        committed = json.load(f)
    for kind, made in (("imported", cases), ("refused", refused)):
        new = {c["file"]: c for c in made if c["file"] in chosen}
        committed[kind] = [new.pop(c["file"], c) for c in committed[kind]] + list(new.values())
    for file in chosen:
        if not os.path.exists(file):
            sys.exit(f"make_fixtures.py: no fixture is named {file}")
        shutil.copyfile(file, os.path.join(here, file))
    with open(os.path.join(here, "cases.json"), "w") as f:
        json.dump(committed, f, indent=1)
        f.write("\n")
