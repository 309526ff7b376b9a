#!/usr/bin/env bash
# Usage: benchmarks/games/final_matches.sh BIN GAME RUN OUT
# A run's final network against random, against its generation 0 and (Go) against GNU Go level 1 (that
# match in parallel, into OUT.gnugo); every match is recorded into the run, so its report lists it.
set -u
bin=$1; game=$2; run=$3; out=$4
cd "$(dirname "$0")/../.."
GNUGO="gtp:gnugo --mode gtp --level 1 --chinese-rules --capture-all-dead"
if [ "${game#go}" != "$game" ]; then
  { echo "== gnugo start $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"
    $bin arena --game $game net:$run,sims=64 "$GNUGO" --games 40 --record $run | tail -n 4
    echo "end $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"; } > $out.gnugo 2>&1 &
fi
{
echo "== $game net:$run  load: $(cut -d' ' -f1-3 /proc/loadavg)  $(date -u +%H:%M:%S)"
$bin arena --game $game net:$run,sims=64 random --games 200 --opening-moves 2 --record $run | tail -n 4
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
$bin arena --game $game net:$run,sims=64 net:$run,sims=64,gen=0 --games 40 --opening-moves 2 --record $run | tail -n 4
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
wait
$bin report --run $run | tail -n 3
echo "end $(date -u +%H:%M:%S)"
} > $out 2>&1
