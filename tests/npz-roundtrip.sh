#!/usr/bin/env bash
# .npz export checked by numpy and PyTorch themselves (needs /usr/bin/python3 with numpy and torch; not part of
# `dotnet test`, which needs no Python):
#  1. `backprop export` each committed test model; np.load(allow_pickle=False) reads it, numpy's forward pass in the
#     model's precision (docs/npz.md) predicts the flowers / streetlights, and the
#     probabilities must match `backprop predict` (float32: within 1e-6; float64: within 1e-12).
#  2. A PyTorch state_dict (tests/Backprop.Tests/Data/npz/torch_relu_softmax.npz) goes through `backprop import`
#     and `backprop export`; torch loads the exported weights (transposed back) into a fresh nn.Sequential, which
#     must compute what the original computed (cases.json).
#   tests/npz-roundtrip.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -v quiet -nologo src/Backprop.Cli >/dev/null
backprop() { dotnet src/Backprop.Cli/bin/Debug/net10.0/backprop.dll "$@"; }
data=tests/Backprop.Tests/Data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check_numpy() {   # MODEL CSV TARGET
  local model=$1 csv=$2 target=$3 name
  name=$(basename "$model" .bpm)
  backprop export "$model" "$work/$name.npz"
  backprop predict "$model" "$csv" --out "$work/$name.predicted.csv" >/dev/null
  /usr/bin/python3 - "$work/$name.npz" "$csv" "$target" "$work/$name.predicted.csv" "$model" <<'EOF'
import json, sys
import numpy as np
npz, csv, target, predicted, model = sys.argv[1:]
z = np.load(npz, allow_pickle=False)
with open(model, encoding="utf-8") as f:
    f.readline()
    m = json.loads(f.read())
header = open(csv).readline().strip().split(",")
x = np.genfromtxt(csv, delimiter=",", skip_header=1, usecols=[i for i, h in enumerate(header) if h != target])
acts = {"identity": lambda a: a, "relu": lambda a: np.maximum(a, 0), "tanh": np.tanh, "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
        "softmax": lambda a: np.exp(a - a.max(1, keepdims=True)) / np.exp(a - a.max(1, keepdims=True)).sum(1, keepdims=True)}
hidden, output = acts[m["architecture"]["hidden_activation"]], acts[m["architecture"]["output_activation"]]
# docs/npz.md, "The model in numpy", verbatim:
a = ((x - z["input_offset"]) / z["input_scale"]).astype(z["weights_0_1"].dtype)
for k in range(sum(f.startswith("weights_") for f in z.files)):
    a = a @ z[f"weights_{k}_{k+1}"] + (z[f"bias_{k+1}"] if f"bias_{k+1}" in z.files else 0)
    a = (output if f"weights_{k+1}_{k+2}" not in z.files else hidden)(a)
ours = np.genfromtxt(predicted, delimiter=",", skip_header=1)
ours = ours[:, 1:] if m["classes"] else ours.reshape(len(x), -1)   # the class column, then one column a class
if m["classes"] and a.shape[1] == 1: a = np.hstack([1 - a, a])
diff = np.abs(ours - a).max()
tolerance = 1e-6 if z["weights_0_1"].dtype == np.float32 else 1e-12
print(f"{model}: {', '.join(f'{k} {z[k].dtype}{z[k].shape}' for k in z.files)}; numpy and backprop predict differ by at most {diff:.3g} on {len(x)} rows")
sys.exit(0 if diff <= tolerance else 1)
EOF
}

check_numpy $data/npz/flowers_f32.bpm $data/csv/flowers.csv species
check_numpy $data/npz/streetlights_f64.bpm $data/csv/streetlights.csv walk

backprop import $data/npz/torch_relu_softmax.npz --save "$work/torch.bpm" --output softmax >/dev/null
backprop export "$work/torch.bpm" "$work/torch.npz" >/dev/null
/usr/bin/python3 - "$work/torch.npz" $data/npz/cases.json <<'EOF'
import json, sys
import numpy as np
import torch
z = np.load(sys.argv[1], allow_pickle=False)
case = next(c for c in json.load(open(sys.argv[2])) if c["file"] == "torch_relu_softmax.npz")
net = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3), torch.nn.Softmax(dim=1))
net.load_state_dict({f"{2 * k}.{p}": torch.from_numpy(np.ascontiguousarray(z[f"weights_{k}_{k + 1}"].T if p == "weight" else z[f"bias_{k + 1}"]))
                     for k in range(3) for p in ("weight", "bias")})
with torch.no_grad():
    y = net(torch.tensor(case["inputs"], dtype=torch.float32)).double().numpy()
diff = np.abs(y - np.array(case["outputs"])).max()
print(f"torch -> import -> export -> torch: outputs differ from the original's by {diff:.3g}")
sys.exit(0 if diff == 0 else 1)
EOF
echo "npz round trip: ok"
