#!/usr/bin/env bash
# The network benchmarks: `selfplay bench gemm` and `selfplay bench nn` for the default
# Connect Four network, with a malloc counter preloaded so that the allocation check is exact.
# If OPENBLAS_CORETYPE is set in the environment, the benches run once more without it
# (for this run only) to show what OpenBLAS's own CPU detection picks.
#
# Usage: benchmarks/nn/run.sh [PATH_TO_SELFPLAY] [extra `bench nn` options...]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-.build/release/selfplay}
shift || true
test -x "$bin" || { echo "error: $bin not found; build with: swift build -c release" >&2; exit 1; }

counter=$(mktemp -d)/libmalloc_count.so
cc -O2 -shared -fPIC -o "$counter" benchmarks/nn/malloc_count.c -ldl

run() {
    echo "== uptime: $(cut -d' ' -f1-3 /proc/loadavg) (load average: other jobs on the machine skew the figures)"
    "$@" "$bin" bench gemm --game connect4
    echo
    LD_PRELOAD="$counter" "$@" "$bin" bench nn --game connect4 "${extra[@]}"
}
extra=("$@")
run env
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
    echo; echo "== again without OPENBLAS_CORETYPE (was $OPENBLAS_CORETYPE)"
    run env -u OPENBLAS_CORETYPE
fi
rm -f "$counter"
