#!/usr/bin/env bash
# Mistake rates of a Connect Four agent on the six public solver test sets (Pascal Pons's
# Test_L{1,2,3}_R{1,2,3}, 1000 positions each), as AlphaZero.jl's tutorial reports them.
# Reads the sets from ../shared/data/connect4-pons beside the repository (or $C4_TEST_SETS);
# without them it says so and exits 0.
# Usage: scripts/eval-connect4.sh PLAYER_SPEC [LIMIT]    e.g. scripts/eval-connect4.sh net:runs/c4,sims=96 1000
set -euo pipefail
cd "$(dirname "$0")/.."
player=${1:?usage: scripts/eval-connect4.sh PLAYER_SPEC [LIMIT]}
limit=${2:-1000}
sets=${C4_TEST_SETS:-../shared/data/connect4-pons}
if [ ! -d "$sets" ]; then
  echo "no test sets at $sets; skipping (set C4_TEST_SETS to their folder)"
  exit 0
fi
bin=.build/release/selfplay
[ -x "$bin" ] || swift build -c release --product selfplay >/dev/null
files=()
for name in Test_L1_R1 Test_L2_R1 Test_L3_R1 Test_L1_R2 Test_L2_R2 Test_L1_R3; do files+=("$sets/$name"); done
exec "$bin" eval-positions --game connect4 --player "$player" --limit "$limit" --positions "${files[@]}"
