#!/usr/bin/env bash
# Load test of `backprop serve` on 127.0.0.1 only: wrk (Debian's package, installed when missing) drives POST /predict
# at 32 keep-alive connections for a bounded time while another client mixes in bad requests. Fails on any 5xx, any
# answer that is not the one checked against `backprop predict` for the same rows, any bad request not answered with
# its 4xx and one-line error, and a server that stopped (it must still answer /health, then stop cleanly on SIGTERM).
#
#   tests/serve-load.sh [--duration SECONDS] [--out FILE.json]
#
# --duration (default 10) bounds the wrk run; --out writes requests a second and latency percentiles as JSON (bench/run.sh
# uses it for docs/benchmarks.md). The model is tests/Backprop.Tests/Data/models/messy_f32_classweights.bpm (3 columns, one
# of text, missing values filled), the rows those of tests/Backprop.Tests/Data/csv/messy.csv.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

DURATION=10
OUT=""
while (($#)); do
  case "$1" in
    --duration) DURATION="${2:?--duration needs seconds}"; shift ;;
    --out) OUT="${2:?--out needs a file}"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "serve-load: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ $DURATION =~ ^[0-9]+$ ]] && ((DURATION >= 1 && DURATION <= 120)) || { echo "serve-load: --duration must be 1 to 120 seconds" >&2; exit 2; }

PY=/usr/bin/python3
if ! command -v wrk >/dev/null; then
  sudo=""; ((EUID == 0)) || sudo=sudo
  echo "serve-load: installing wrk (apt-get)"
  $sudo apt-get install -y -qq wrk >/dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk >/dev/null; }
fi
[[ -x $PY ]] || { echo "serve-load: needs $PY (apt-get install python3)" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER=""
cleanup() {
  if [[ -n $SERVER ]] && kill -0 "$SERVER" 2>/dev/null; then kill -KILL "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "serve-load: building the command line (Release)"
dotnet build src/Backprop.Cli -c Release -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
BACKPROP=(dotnet src/Backprop.Cli/bin/Release/net10.0/backprop.dll)
MODEL=tests/Backprop.Tests/Data/models/messy_f32_classweights.bpm
DATA=tests/Backprop.Tests/Data/csv/messy.csv

# What predict says for the same rows: the reference every answer is checked against.
"${BACKPROP[@]}" predict "$MODEL" "$DATA" --out "$WORK/expected.csv" >/dev/null

"${BACKPROP[@]}" serve "$MODEL" --port 0 >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER=$!
for _ in $(seq 600); do
  grep -q '^serve: http' "$WORK/server.out" 2>/dev/null && break
  kill -0 "$SERVER" 2>/dev/null || { echo "serve-load: the server did not start:" >&2; cat "$WORK/server.err" >&2; exit 1; }
  sleep 0.1
done
URL="$(sed -n 's/^serve: \(http:\/\/127\.0\.0\.1:[0-9]*\/\).*/\1/p' "$WORK/server.out")"
[[ -n $URL ]] || { echo "serve-load: no 127.0.0.1 address from the server: $(cat "$WORK/server.out")" >&2; exit 1; }
echo "serve-load: server at $URL (pid $SERVER)"

# The request bodies (all 20 rows; one row) and their answers, each checked number for number against predict's CSV.
"$PY" - "$DATA" "$WORK/expected.csv" "$URL" "$WORK" <<'PY'
import csv, json, sys, urllib.request
data, expected, url, work = sys.argv[1:5]
with open(data, encoding="utf-8") as f:
    rows = list(csv.DictReader(f, delimiter=";"))
def value(cell):
    if cell == "": return None
    try:
        float(cell); return json.loads(cell) if cell.lower() not in ("nan", "inf", "-inf", "infinity") else cell
    except ValueError: return cell
body_rows = [{k: value(v) for k, v in r.items() if k != "y"} for r in rows]
with open(expected, encoding="utf-8") as f:
    reader = csv.reader(f); header = next(reader); want = list(reader)
bodies = {"all": {"rows": body_rows}, "one": {"rows": [body_rows[4]]}}
for name, body in bodies.items():
    text = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url + "predict", data=text, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, response.status
        answer_bytes = response.read()
    answer = json.loads(answer_bytes)["predictions"]
    expect = want if name == "all" else [want[4]]
    assert len(answer) == len(expect), f"{name}: {len(answer)} predictions for {len(expect)} rows"
    for i, (got, row) in enumerate(zip(answer, expect)):
        assert got["class"] == row[0], f"{name} row {i + 1}: class {got['class']!r}, predict says {row[0]!r}"
        for column, number in zip(header[1:], row[1:]):
            assert got["probabilities"][column[2:]] == float(number), f"{name} row {i + 1}: {column} {got['probabilities'][column[2:]]!r}, predict says {number}"
    open(f"{work}/body-{name}.json", "wb").write(text)
    open(f"{work}/answer-{name}.json", "wb").write(answer_bytes)
print("serve-load: answers for the bodies agree with predict, number for number")
PY

# wrk: every answer must be one of the two checked answers, byte for byte.
cat >"$WORK/load.lua" <<LUA
local function read(path) local f = assert(io.open(path, "rb")); local s = f:read("*a"); f:close(); return s end
local bodies = { read("$WORK/body-all.json"), read("$WORK/body-one.json") }
local answers = { [read("$WORK/answer-all.json")] = true, [read("$WORK/answer-one.json")] = true }
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) wrong = 0; errors5xx = 0; other = 0; n = 0 end
function request()
  n = n + 1
  return wrk.format("POST", "/predict", { ["Content-Type"] = "application/json" }, bodies[(n % 2) + 1])
end
function response(status, headers, body)
  if status >= 500 then errors5xx = errors5xx + 1
  elseif status ~= 200 then other = other + 1
  elseif not answers[body] then wrong = wrong + 1 end
end
function done(summary, latency, requests)
  local wrong, e5, other = 0, 0, 0
  for _, t in ipairs(threads) do wrong = wrong + t:get("wrong"); e5 = e5 + t:get("errors5xx"); other = other + t:get("other") end
  io.write(string.format("CHECK requests=%d wrong=%d 5xx=%d other=%d socket_errors=%d\n", summary.requests, wrong, e5, other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("FIGURES rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
LUA

# The other client: bad requests, each of which must get its 4xx and a one-line {"error"}, while wrk runs.
"$PY" - "$URL" "$DURATION" >"$WORK/bad.out" 2>&1 <<'PY' &
import http.client, json, sys, time, urllib.parse
url, duration = sys.argv[1], float(sys.argv[2])
host = urllib.parse.urlparse(url)
row = {"x1": 1.5, "colour": "red", "x2": 0.25}
cases = [
    (b'{"rows": [', 400, "the body is not JSON"),
    (json.dumps({"rows": [row, {"x1": 1, "colour": "red"}]}).encode(), 400, "row 2: no value for column 'x2'"),
    (json.dumps({"rows": [dict(row, y=1)]}).encode(), 400, "row 1: no input column 'y'"),
    (json.dumps({"rows": [dict(row, x2="abc")]}).encode(), 400, "row 1: 'abc' in column 'x2' is not a number"),
    (json.dumps({"rows": [dict(row, colour="purple")]}).encode(), 400, "row 1: 'purple' in column 'colour' is not one of"),
    (json.dumps({"rows": [row] * 1001}).encode(), 413, "1001 rows are more than the 1000"),
    (b'{"rows": [], "pad": "' + b" " * (1 << 20) + b'"}', 413, "the body is larger than 1048576 bytes"),
]
sent = 0
end = time.monotonic() + duration
while time.monotonic() < end:
    for body, status, start in cases:
        c = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        try:
            c.request("POST", "/predict", body, {"Content-Type": "application/json"})
            r = c.getresponse()
            text = r.read()
        except (ConnectionError, http.client.HTTPException) as e:
            # A body past the limit may be cut off by the server once it has answered; the answer is what counts.
            if status == 413: continue
            raise
        finally:
            c.close()
        error = json.loads(text)["error"]
        assert r.status == status and error.startswith(start) and "\n" not in error, f"{start!r}: got {r.status} {error!r}"
        sent += 1
print(f"BAD sent={sent}")
PY
BAD=$!

echo "serve-load: wrk, 2 threads, 32 keep-alive connections, ${DURATION} s, with bad requests from another client"
timeout $((DURATION + 60)) wrk -t2 -c32 -d"${DURATION}s" --timeout 10s --latency -s "$WORK/load.lua" "$URL" | tee "$WORK/wrk.out"
BAD_OK=0
wait "$BAD" || BAD_OK=$?
cat "$WORK/bad.out"

fail=0
read -r requests wrong e5 other sockets < <(sed -n 's/^CHECK requests=\([0-9]*\) wrong=\([0-9]*\) 5xx=\([0-9]*\) other=\([0-9]*\) socket_errors=\([0-9]*\)/\1 \2 \3 \4 \5/p' "$WORK/wrk.out")
[[ -n ${requests:-} ]] || { echo "serve-load: FAIL: no summary from wrk" >&2; exit 1; }
((requests > 0)) || { echo "serve-load: FAIL: wrk made no requests" >&2; fail=1; }
((wrong == 0)) || { echo "serve-load: FAIL: $wrong answers differ from predict's" >&2; fail=1; }
((e5 == 0)) || { echo "serve-load: FAIL: $e5 responses were 5xx" >&2; fail=1; }
((other == 0)) || { echo "serve-load: FAIL: $other good requests were not answered 200" >&2; fail=1; }
((sockets == 0)) || { echo "serve-load: FAIL: $sockets socket errors (connect, read, write, timeout)" >&2; fail=1; }
((BAD_OK == 0)) && grep -q '^BAD sent=[1-9]' "$WORK/bad.out" || { echo "serve-load: FAIL: the bad-request client failed" >&2; fail=1; }
kill -0 "$SERVER" 2>/dev/null || { echo "serve-load: FAIL: the server stopped" >&2; exit 1; }
[[ "$(curl -s --max-time 10 "${URL}health")" == '{"status":"ok"}' ]] || { echo "serve-load: FAIL: /health does not answer after the load" >&2; fail=1; }

kill -TERM "$SERVER"
for _ in $(seq 300); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER" 2>/dev/null; then echo "serve-load: FAIL: the server did not stop on SIGTERM" >&2; fail=1
else
  code=0; wait "$SERVER" || code=$?
  ((code == 0)) && tail -n 1 "$WORK/server.out" | grep -qx 'serve: stopped' || { echo "serve-load: FAIL: SIGTERM: exit code $code, $(tail -n 1 "$WORK/server.out")" >&2; fail=1; }
  [[ ! -s $WORK/server.err ]] || { echo "serve-load: FAIL: the server wrote to standard error:" >&2; cat "$WORK/server.err" >&2; fail=1; }
fi
SERVER=""

read -r rps p50 p90 p99 max < <(sed -n 's/^FIGURES rps=\([0-9.]*\) p50_us=\([0-9]*\) p90_us=\([0-9]*\) p99_us=\([0-9]*\) max_us=\([0-9]*\)/\1 \2 \3 \4 \5/p' "$WORK/wrk.out")
echo "serve-load: $requests requests in ${DURATION} s, $rps a second; latency p50 ${p50} µs, p90 ${p90} µs, p99 ${p99} µs; $(sed -n 's/^BAD sent=//p' "$WORK/bad.out") bad requests answered with their 4xx"
if [[ -n $OUT ]]; then
  printf '{"command": "tests/serve-load.sh --duration %s", "connections": 32, "threads": 2, "duration_s": %s, "requests": %s, "rps": %s, "p50_us": %s, "p90_us": %s, "p99_us": %s, "max_us": %s, "bad_requests": %s, "cores": %s}\n' \
    "$DURATION" "$DURATION" "$requests" "$rps" "$p50" "$p90" "$p99" "$max" "$(sed -n 's/^BAD sent=//p' "$WORK/bad.out")" "$(nproc)" >"$OUT"
fi
((fail == 0)) && echo "serve-load: OK" || exit 1
