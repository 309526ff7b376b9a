#!/usr/bin/env bash
# Per-column solver labels of Pascal Pons's Connect Four test sets, written once to
# benchmarks/connect4/labels/SET.txt (format: benchmarks/connect4/README.md).
# Resumable: positions already in a label file are kept, the next ones are appended one line at a
# time, so an interrupted run or a larger COUNT continues where the file ends.
#
# Usage: benchmarks/connect4/make-labels.sh [COUNT] [SET...]
#   COUNT: label the first COUNT positions of each set (default 200); SET: e.g. Test_L1_R3
#   (default all six, easiest first).
# Environment: DATA (default ../shared/data/connect4-pons from the repo root), SELFPLAY (the
#   binary, default .build/release/selfplay), TABLE (log2 of the solver's table entries, default 24),
#   OUTCOMES=1 (append each column's outcome, W, D or L, instead of its exact score: all a mistake
#   count needs; the check then compares the best outcome with the sign of the set's score).
# Prints, per position, its set, line, wall-clock seconds, nodes and the load average to standard
# error; at the end checks every label file against its set (the best column's score is the
# position's score).
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${DATA:-../shared/data/connect4-pons}
bin=${SELFPLAY:-.build/release/selfplay}
table=${TABLE:-24}
outcomes=()
[ "${OUTCOMES:-0}" = 1 ] && outcomes=(--outcomes)
count=${1:-200}
[ $# -gt 0 ] && shift
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(Test_L3_R1 Test_L2_R1 Test_L2_R2 Test_L1_R1 Test_L1_R2 Test_L1_R3)
[ -x "$bin" ] || { echo "error: no selfplay binary at $bin (swift build -c release)" >&2; exit 1; }
out_dir=benchmarks/connect4/labels
mkdir -p "$out_dir"

for set in "${sets[@]}"; do
    input=$data/$set
    [ -f "$input" ] || { echo "error: no test set $input" >&2; exit 1; }
    output=$out_dir/$set.txt
    touch "$output"
    done_count=$(wc -l < "$output")
    [ "$done_count" -lt "$count" ] || continue
    # Keep the lines already labelled only if they are the set's first ones, in order.
    if ! cmp -s <(cut -d' ' -f1 "$output") <(head -n "$done_count" "$input" | cut -d' ' -f1); then
        echo "error: $output does not start with the first $done_count positions of $input" >&2
        exit 1
    fi
    head -n "$count" "$input" | tail -n +"$((done_count + 1))" | cut -d' ' -f1 \
        | stdbuf -oL "$bin" solve --game connect4 --all-moves "${outcomes[@]}" --time --table "$table" 2>/dev/null \
        | while read -r moves s0 s1 s2 s3 s4 s5 s6 seconds nodes; do
            echo "$moves $s0 $s1 $s2 $s3 $s4 $s5 $s6" | sed 's/ x/ -/g' >> "$output"
            done_count=$((done_count + 1))
            echo "$set $done_count ${seconds}s $nodes nodes, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
        done
done

for set in "${sets[@]}"; do
    output=$out_dir/$set.txt
    paste -d' ' "$output" <(head -n "$(wc -l < "$output")" "$data/$set") | awk -v set="$set" '
        { best = -99; exact = 1
          for (i = 2; i <= 8; i++) {
              v = $i
              if (v == "W" || v == "D" || v == "L") { exact = 0; v = v == "W" ? 1 : v == "D" ? 0 : -1 }
              if (v != "-" && v + 0 > best) best = v + 0 }
          score = exact ? $10 : ($10 > 0) - ($10 < 0)
          if ($1 != $9 || best != score) { print "error: " set " line " NR ": labels disagree with the set"; bad++ } }
        END { print set ": " NR " positions labelled" (bad ? ", " bad " disagreeing" : ", all agree with the set")
              exit bad > 0 }'
done
