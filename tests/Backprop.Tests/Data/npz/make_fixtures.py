#!/usr/bin/python3
"""Writes the .npz fixtures of NpzTests and the values numpy and PyTorch computed from them (cases.json).

Regenerate: cd tests/Backprop.Tests/Data/npz && /usr/bin/python3 make_fixtures.py
(needs Debian's python3-numpy and python3-torch; the outputs are committed, so the tests do not need Python).

Import fixtures, each with inputs and the outputs the generating framework computed (full precision):
  torch_relu_softmax.npz  nn.Sequential(Linear(4,6), ReLU, Linear(6,5), ReLU, Linear(5,3), Softmax), float32, np.savez
  torch_sigmoid.npz       nn.Sequential(Linear(3,4), Sigmoid, Linear(4,2), Sigmoid), float64, np.savez_compressed
  torch_tanh_nobias.npz   nn.Sequential(Linear(5,4), Tanh, Linear(4,3, bias=False), Tanh, Linear(3,2)), float32
  notes.npz               the notes' weights_0_1 (3, 4), weights_1_2 (4, 1): relu hidden, no bias, float64
  notes_fortran.npz       the same arrays stored in Fortran (column-major) order
  notes_scaled.npz        notes.npz plus input_offset and input_scale, outputs computed with them
Export fixtures: for each committed Backprop model (flowers_f32.bpm, streetlights_f64.bpm, written by
'backprop train ... --save'), NAME.numpy.npz is np.savez of its numbers read from the model's JSON, named and
typed as docs/cli.md says; Backprop's export of the model must hold the same .npy bytes.
Bad fixtures, refused by name: bigendian.npz ('>f8'), float16.npz ('<f2'), int64.npz ('<i8'), batchnorm.npz (a
state_dict with BatchNorm1d), mismatch.npz (weights_1_2 (5, 1) after weights_0_1 (3, 4)).
"""
import json

import numpy as np
import torch

cases = []


def forward_torch(name, model, x, savez, options):
    """Saves model's state_dict as np.savez does, and the outputs torch computes for x."""
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    savez(name, **state)
    with torch.no_grad():
        y = model(x)
    cases.append({"file": name, **options, "inputs": x.double().tolist(), "outputs": y.double().tolist()})


torch.manual_seed(12)
x4 = torch.randn(5, 4)
forward_torch("torch_relu_softmax.npz",
              torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 5), torch.nn.ReLU(),
                                  torch.nn.Linear(5, 3), torch.nn.Softmax(dim=1)),
              x4, np.savez, {"activation": "relu", "output": "softmax", "precision": "f32"})

x3 = torch.randn(5, 3, dtype=torch.float64)
forward_torch("torch_sigmoid.npz",
              torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 2), torch.nn.Sigmoid()).double(),
              x3, np.savez_compressed, {"activation": "sigmoid", "output": "sigmoid", "precision": "f64"})

x5 = torch.randn(5, 5)
forward_torch("torch_tanh_nobias.npz",
              torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3, bias=False), torch.nn.Tanh(),
                                  torch.nn.Linear(3, 2)),
              x5, np.savez, {"activation": "tanh", "output": "identity", "precision": "f32"})

# The notes' network: weights drawn as 2 * np.random.random(shape) - 1, relu hidden layer, no bias.
np.random.seed(1)
weights_0_1 = 2 * np.random.random((3, 4)) - 1
weights_1_2 = 2 * np.random.random((4, 1)) - 1
streetlights = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1]], dtype=np.float64)


def relu(x):
    return (x > 0) * x


notes_options = {"activation": "relu", "output": "identity", "precision": "f64"}
np.savez("notes.npz", weights_0_1=weights_0_1, weights_1_2=weights_1_2)
cases.append({"file": "notes.npz", **notes_options, "inputs": streetlights.tolist(),
              "outputs": np.dot(relu(np.dot(streetlights, weights_0_1)), weights_1_2).tolist()})
np.savez("notes_fortran.npz", weights_0_1=np.asfortranarray(weights_0_1), weights_1_2=np.asfortranarray(weights_1_2))
assert np.load("notes_fortran.npz")["weights_0_1"].flags.f_contiguous
cases.append({"file": "notes_fortran.npz", **notes_options, "inputs": streetlights.tolist(),
              "outputs": np.dot(relu(np.dot(streetlights, weights_0_1)), weights_1_2).tolist()})
offset = np.array([0.5, -0.25, 1.0])
scale = np.array([2.0, 0.5, 4.0])
np.savez("notes_scaled.npz", input_offset=offset, input_scale=scale, weights_0_1=weights_0_1, weights_1_2=weights_1_2)
scaled = (streetlights - offset) / scale
cases.append({"file": "notes_scaled.npz", **notes_options, "inputs": streetlights.tolist(),
              "outputs": np.dot(relu(np.dot(scaled, weights_0_1)), weights_1_2).tolist()})


def numpy_export(model_path, npz_path):
    """np.savez of a Backprop model's numbers, named as 'backprop export' names them."""
    with open(model_path, encoding="utf-8") as f:
        f.readline()  # the header line
        m = json.loads(f.read())
    dtype = np.float32 if m["precision"] == "f32" else np.float64
    arrays = {"input_offset": np.array(m["normalization"]["offset"], dtype=np.float64),
              "input_scale": np.array(m["normalization"]["scale"], dtype=np.float64)}
    for k, layer in enumerate(m["layers"]):
        arrays[f"weights_{k}_{k + 1}"] = np.array(layer["weights"], dtype=dtype)
        if layer["bias"] is not None:
            arrays[f"bias_{k + 1}"] = np.array(layer["bias"], dtype=dtype)
    np.savez(npz_path, **arrays)


numpy_export("flowers_f32.bpm", "flowers_f32.numpy.npz")
numpy_export("streetlights_f64.bpm", "streetlights_f64.numpy.npz")

# Arrays Backprop refuses, each named in the error.
np.savez("bigendian.npz", weights_0_1=weights_0_1.astype(">f8"), weights_1_2=weights_1_2)
np.savez("float16.npz", weights_0_1=weights_0_1.astype(np.float16), weights_1_2=weights_1_2)
np.savez("int64.npz", weights_0_1=np.ones((3, 4), dtype=np.int64), weights_1_2=weights_1_2)
np.savez("mismatch.npz", weights_0_1=weights_0_1, weights_1_2=2 * np.random.random((5, 1)) - 1)
batchnorm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
np.savez("batchnorm.npz", **{k: v.numpy() for k, v in batchnorm.state_dict().items()})

with open("cases.json", "w", encoding="utf-8") as f:
    json.dump(cases, f, indent=1)
    f.write("\n")
