#!/usr/bin/env bash
# Measures a Connect Four run's final network as benchmarks/README.md reports it: against
# `mcts:rollouts=1000` (200 games from random 2-move openings and 200 from the empty board), with
# search and raw (sims=1: the policy's most probable legal move), then its mistakes on the committed
# solver labels of the six public test sets. Prints the load average before, between and after.
# Usage: benchmarks/connect4/measure-run.sh RUN [SIMS] [LIMIT]
#   SIMS simulations per move with search (default 128, the run's evaluation setting);
#   LIMIT positions per test set (default 200, the first of each file).
set -euo pipefail
cd "$(dirname "$0")/../.."
run=${1:?usage: benchmarks/connect4/measure-run.sh RUN [SIMS] [LIMIT]}
sims=${2:-128}
limit=${3:-200}
bin=.build/release/selfplay
[ -x "$bin" ] || swift build -c release --product selfplay >/dev/null
load() { echo "load $1: $(cut -d' ' -f1-3 /proc/loadavg)"; }

echo "== net:$run against mcts:rollouts=1000, 200 games each"
load start
for player in "sims$sims:net:$run,sims=$sims" "raw:net:$run,sims=1"; do
    for openings in 2 0; do
        result=$("$bin" arena --game connect4 "${player#*:}" mcts:rollouts=1000 --games 200 \
            --opening-moves "$openings" --concurrent 64 | grep 'A overall')
        echo "${player%%:*} open$openings: $result"
    done
done
load mid
labels=(benchmarks/connect4/labels/Test_{L1_R1,L1_R2,L1_R3,L2_R1,L2_R2,L3_R1}.txt)
for player in "sims$sims:net:$run,sims=$sims" "raw:net:$run,sims=1"; do
    echo "== ${player%%:*}: mistakes on the first $limit labelled positions of each set"
    "$bin" eval-positions --game connect4 --player "${player#*:}" --limit "$limit" --positions "${labels[@]}"
done
load end
