#!/bin/bash
# Runs the Slurm recipes for real on this one machine: starts a single-node Slurm (Debian's
# slurm-wlm and munge, installed if missing), submits a learner and 2 workers with submit.sh on
# a small tic-tac-toe run, kills one worker with SIGKILL half-way, and checks that the run
# finishes, the workers stop by themselves and no consumed shard is left. Run as root.
#   scripts/cluster/slurm/local-test.sh [path/to/selfplay]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
selfplay=$(realpath "${1:-$root/.build/release/selfplay}")
test -x "$selfplay" || { echo "error: no selfplay executable at $selfplay (swift build -c release)" >&2; exit 1; }
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

work=$(mktemp -d /tmp/selfplay-slurm-XXXXXX)
node=$(hostname -s)
mkdir -p "$work/state" "$work/spool" "$work/jobs"
cat > "$work/slurm.conf" <<CONF
ClusterName=selfplay-test
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
NodeName=$node CPUs=8 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf

started_munge=0
if ! pgrep -x munged >/dev/null; then
  test -s /etc/munge/munge.key || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null;
                                    chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  mkdir -p /run/munge && chown munge:munge /run/munge
  runuser -u munge -- /usr/sbin/munged
  started_munge=1
fi
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
cleanup() {
  scancel --quiet --user=root 2>/dev/null || true
  kill "$(cat "$work/slurmd.pid" 2>/dev/null)" "$(cat "$work/slurmctld.pid" 2>/dev/null)" 2>/dev/null || true
  if [ "$started_munge" = 1 ]; then pkill -x munged || true; fi
}
trap cleanup EXIT
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo -h -o %T | grep -q idle || { echo "error: the Slurm node did not come up; see $work/*.log" >&2; exit 1; }

run=$work/run
cd "$work/jobs"
export RUN=$run SELFPLAY=$selfplay GAME=tictactoe GENERATIONS=6 WORKERS=2 WAIT=120
EXTRA="--seed 7 --set selfPlay.games=48 --set selfPlay.concurrentGames=24 --set search.simulations=16"
EXTRA+=" --set training.steps=20 --set evaluation.games=4 --set evaluation.references=[\"random\"] --set arena.games=4"
export EXTRA
submitted=$("$here/submit.sh")
echo "$submitted"
array=$(echo "$submitted" | sed -n 's/.*worker array \([0-9]*\).*/\1/p')

# Kill worker 1 with SIGKILL once the run has two generations.
for _ in $(seq 300); do [ -d "$run/generations/0002" ] && break; sleep 0.2; done
scancel --signal=KILL "${array}_1" && echo "killed worker 1 (job ${array}_1) with SIGKILL"

for _ in $(seq 600); do [ -z "$(squeue -h)" ] && break; sleep 0.5; done
[ -z "$(squeue -h)" ] || { echo "error: jobs still queued or running:" >&2; squeue >&2; exit 1; }

echo "--- learner"; tail -4 selfplay-learner-*.out
echo "--- worker 0"; tail -2 selfplay-worker-*_0.out
generations=$(ls "$run/generations" | grep -c '^[0-9]\{4\}$')
[ "$generations" -eq 7 ] || { echo "error: $generations generations, expected 0-6" >&2; exit 1; }
[ -f "$run/finished.json" ] || { echo "error: the learner did not finish" >&2; exit 1; }
grep -q "stopped: the learner has finished the run" selfplay-worker-*_0.out ||
  { echo "error: worker 0 did not stop by itself" >&2; exit 1; }
consumed=$(grep -o '"consumedShards":\[[^]]*\]' "$run/metrics.jsonl" | grep -o 'w[0-9-]*g[0-9]*' | sort)
[ -z "$(echo "$consumed" | uniq -d)" ] || { echo "error: a shard was consumed twice" >&2; exit 1; }
for shard in $consumed; do
  [ ! -e "$run/shards/$shard.samples" ] || { echo "error: consumed shard $shard left behind" >&2; exit 1; }
done
echo "slurm test passed: 7 generations from $(echo "$consumed" | wc -l) shards of 2 workers (one killed), in $work"
