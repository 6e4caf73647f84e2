#!/usr/bin/env bash
# fmbench on Slurm: one array task per shard. The shard count is the array's size
# (SLURM_ARRAY_TASK_COUNT) and the shard index SLURM_ARRAY_TASK_ID, so the two cannot
# disagree. Submit it with its merge job through deploy/slurm-submit.sh, which sets the
# array size in one place:
#   SHARDS=16 deploy/slurm-submit.sh
# Environment: FMBENCH_DIR (checkout with `npm ci` done; default the submit directory),
# FMBENCH_RESULTS (shared output folder, default results), FMBENCH_GRID (default full),
# FMBENCH_ARGS (more `fmbench run` options, e.g. "--train-size 10000").
#SBATCH --job-name=fmbench-shard
#SBATCH --time=3-00:00:00
#SBATCH --output=fmbench-%A_%a.log
set -euo pipefail
: "${SLURM_ARRAY_TASK_COUNT:?submit as an array job: deploy/slurm-submit.sh}"
cd "${FMBENCH_DIR:-$SLURM_SUBMIT_DIR}"
# A rerun of a failed task resumes: configurations already ok in its results file are skipped.
# shellcheck disable=SC2086
node dist/cli.js run --grid "${FMBENCH_GRID:-full}" --shards "$SLURM_ARRAY_TASK_COUNT" \
  --workers "${SLURM_CPUS_PER_TASK:-1}" --out "${FMBENCH_RESULTS:-results}" ${FMBENCH_ARGS:-}
