#!/usr/bin/env bash
# Connect Four solver on Pascal Pons's public test sets: checks every score and reports
# per-set mean/max solve time and nodes, then mistake rates of the random and perfect players.
#
# Usage: benchmarks/solver/run.sh [RESULTS_FILE]   (default: print only)
# Environment: DATA (default ../shared/data/connect4-pons from the repo root),
#   SCRATCH (build directory, default .build), L1_SAMPLE (lines of each L1 set solved, default 100),
#   EVAL_L1_LIMIT (positions of each L1 set in the mistake-rate runs, default 10).
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${DATA:-../shared/data/connect4-pons}
scratch=${SCRATCH:-.build}
l1_sample=${L1_SAMPLE:-100}
eval_l1_limit=${EVAL_L1_LIMIT:-10}
results=${1:-/dev/null}

if [ ! -f "$data/Test_L3_R1" ]; then
    echo "skipping: no Connect Four test sets in $data (see its README: Pascal Pons's Test_L*_R* files)"
    exit 0
fi

swift build -c release --scratch-path "$scratch" 2>&1 | grep -v -E '^\[[0-9]+/[0-9]+\]' || true
bin=$scratch/release/selfplay
test -x "$bin" || { echo "error: build failed" >&2; exit 1; }

{
echo "# Connect Four solver benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# one solver per set (table 2^23 entries, kept across the set's positions); times are wall clock per position"
echo
printf '%-10s %6s %9s %12s %12s %12s %12s %10s\n' set lines wrong mean_s max_s mean_nodes max_nodes total_s
for set in L3_R1 L2_R1 L2_R2 L1_R1 L1_R2 L1_R3; do
    file=$data/Test_$set
    lines=1000
    case $set in L1_*) lines=$l1_sample ;; esac
    head -n "$lines" "$file" > "${TMPDIR:-/tmp}/solver_bench_input"
    "$bin" solve --game connect4 --time "${TMPDIR:-/tmp}/solver_bench_input" 2>/dev/null \
        | paste -d' ' - "${TMPDIR:-/tmp}/solver_bench_input" \
        | awk -v set="$set" '
            # fields: moves score seconds nodes | moves expected
            { n++; if ($2 != $6 || $1 != $5) wrong++; t += $3; if ($3 > tmax) tmax = $3; k += $4; if ($4 > kmax) kmax = $4 }
            END { printf "%-10s %6d %9d %12.6f %12.6f %12.0f %12d %10.2f\n", set, n, wrong, t / n, tmax, k / n, kmax, t }'
done
rm -f "${TMPDIR:-/tmp}/solver_bench_input"
echo
echo "# mistake rates (a move is a mistake if another move has a better win/draw/loss value)"
"$bin" eval-positions --game connect4 --player random --seed 1 \
    --positions "$data/Test_L3_R1" "$data/Test_L2_R1" "$data/Test_L2_R2"
"$bin" eval-positions --game connect4 --player perfect --seed 1 \
    --positions "$data/Test_L3_R1" "$data/Test_L2_R1" "$data/Test_L2_R2"
echo "# L1 sets: first $eval_l1_limit positions each"
"$bin" eval-positions --game connect4 --player random --seed 1 --limit "$eval_l1_limit" \
    --positions "$data/Test_L1_R1" "$data/Test_L1_R2" "$data/Test_L1_R3"
} 2>&1 | tee "$results"
