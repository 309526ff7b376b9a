#!/bin/bash
# Self-play throughput of a scaled-out Connect Four run on this machine: one process (`train`),
# then a learner with 1 and with 2 workers (`learn` + `worker`), each for the same generations.
# Prints positions per second of wall-clock time between generation 1 and the last one (the
# steady state), the learner's share of the time, and the load average beside every figure.
#   benchmarks/scaleout/run.sh [path/to/selfplay] [generations]
set -euo pipefail
selfplay=$(realpath "${1:-.build/release/selfplay}")
generations=${2:-6}
work=$(mktemp -d /tmp/selfplay-scaleout-XXXXXX)
trap 'pkill -P $$ 2>/dev/null || true' EXIT
# Evaluation only at generation 0, so that the figure is self-play and training.
settings=(--game connect4 --seed 1 --set evaluation.everyGenerations=1000)

steady_rate() {  # positions/s between generation 1 and the last, from the manifests
  python3 - "$1" <<'PY'
import json, sys, glob, datetime
run = sys.argv[1]
manifests = [json.load(open(f)) for f in sorted(glob.glob(run + "/generations/[0-9]*/manifest.json"))]
first, last = manifests[1], manifests[-1]
t = lambda m: datetime.datetime.fromisoformat(m["createdAt"].replace("Z", "+00:00")).timestamp()
positions = sum(m["metrics"].get("selfPlayPositions", 0) for m in manifests[2:])
training = sum(m["timings"].get("training", 0) for m in manifests[2:])
seconds = t(last) - t(first)
print(f"{positions / seconds:9.0f} positions/s over {len(manifests) - 2} generations ({seconds:.0f} s), "
      f"learner training {100 * training / seconds:.0f}% of the time")
PY
}

echo "selfplay $("$selfplay" --help >/dev/null && echo ok), $(nproc) cores, generations 1-$generations"
echo "train (one process):    $(uptime | sed 's/.*load/load/')"
"$selfplay" train --run "$work/train" --generations "$generations" "${settings[@]}" > "$work/train.log"
echo "  $(steady_rate "$work/train")   $(uptime | sed 's/.*load/load/')"
for workers in 1 2; do
  run=$work/learn-$workers
  echo "learn + $workers worker(s):  $(uptime | sed 's/.*load/load/')"
  pids=()
  for ((k = 0; k < workers; k++)); do
    "$selfplay" worker --run "$run" --worker "$k" --wait 120 > "$work/worker-$workers-$k.log" 2>&1 &
    pids+=($!)
  done
  "$selfplay" learn --run "$run" --generations "$generations" "${settings[@]}" > "$work/learn-$workers.log"
  wait "${pids[@]}"
  echo "  $(steady_rate "$run")   $(uptime | sed 's/.*load/load/')"
done
du -sh "$work"/learn-2/games | sed 's/^/samples on disk (2 workers): /'
echo "logs and runs in $work"
