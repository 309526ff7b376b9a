#!/bin/bash
# Submits one learner and WORKERS self-play workers (a job array) for the run in RUN.
#   RUN=/shared/runs/c4 GAME=connect4 BUDGET=24h WORKERS=64 scripts/cluster/slurm/submit.sh
# Other variables: SELFPLAY (the executable, default: selfplay on PATH), EXTRA (options of a new
# run, e.g. "--set selfPlay.games=2048"), WAIT (seconds workers wait for the run, default 3600),
# and any sbatch option through SBATCH_* environment variables (e.g. SBATCH_PARTITION).
set -euo pipefail
: "${RUN:?set RUN to the run folder on the shared filesystem}"
here=$(cd "$(dirname "$0")" && pwd)
workers=${WORKERS:-8}
learner=$(sbatch --parsable --export=ALL "$here/learner.sbatch")
array=$(sbatch --parsable --export=ALL --array=0-$((workers - 1)) "$here/worker.sbatch")
echo "learner job $learner, worker array $array (workers 0-$((workers - 1))) on $RUN"
