#!/usr/bin/env bash
# Mistake rates of a Connect Four agent on the six public solver test sets (Pascal Pons's
# Test_L{1,2,3}_R{1,2,3}, 1000 positions each), as AlphaZero.jl's tutorial reports them.
# Uses the committed labels (benchmarks/connect4/labels/SET.txt) when they cover LIMIT positions,
# so nothing is solved; else reads the set from ../shared/data/connect4-pons beside the repository
# (or $C4_TEST_SETS) and solves it; without either it says so and exits 0.
# Usage: scripts/eval-connect4.sh PLAYER_SPEC [LIMIT]    e.g. scripts/eval-connect4.sh net:runs/c4,sims=96 1000
set -euo pipefail
cd "$(dirname "$0")/.."
player=${1:?usage: scripts/eval-connect4.sh PLAYER_SPEC [LIMIT]}
limit=${2:-1000}
sets=${C4_TEST_SETS:-../shared/data/connect4-pons}
labels=benchmarks/connect4/labels
files=()
for name in Test_L1_R1 Test_L2_R1 Test_L3_R1 Test_L1_R2 Test_L2_R2 Test_L1_R3; do
    if [ -f "$labels/$name.txt" ] && [ "$(wc -l < "$labels/$name.txt")" -ge "$limit" ]; then
        files+=("$labels/$name.txt")
    elif [ -f "$sets/$name" ]; then
        files+=("$sets/$name")
    else
        echo "no labels covering $limit positions of $name and no test set at $sets; skipping it" \
            "(set C4_TEST_SETS to the sets' folder)"
    fi
done
[ ${#files[@]} -gt 0 ] || exit 0
bin=.build/release/selfplay
[ -x "$bin" ] || swift build -c release --product selfplay >/dev/null
exec "$bin" eval-positions --game connect4 --player "$player" --limit "$limit" --positions "${files[@]}"
