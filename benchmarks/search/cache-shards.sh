#!/bin/sh
# Self-play CPU time with and without the search's evaluation cache: plays one worker shard of
# GAMES games with the best network of generation GEN of RUN, once with binary BEFORE (no cache)
# and once with AFTER, on two branches of RUN (RUN is only read), and says whether the two
# shards' samples are identical.
# usage: benchmarks/search/cache-shards.sh BEFORE AFTER RUN GEN [GAMES]
set -eu
[ $# -ge 4 ] || { echo "usage: $0 BEFORE AFTER RUN GEN [GAMES]" >&2; exit 2; }
before=$1 after=$2 run=$3 gen=$4 games=${5:-256}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for side in before after; do
    eval binary=\$$side
    "$after" branch "$run" "$work/$side" --at "$gen" > /dev/null
    /usr/bin/time -f "$side: user %U s, system %S s, wall %e s" \
        "$binary" worker --run "$work/$side" --max-shards 1 --shard-games "$games" 2>&1 | grep -v '^worker'
done
if cmp -s "$work"/before/shards/*.samples "$work"/after/shards/*.samples; then
    echo "samples: identical"
else
    echo "samples: different"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
