#!/usr/bin/env bash
# fmbench on Slurm: one array task per shard. Slurm sets SLURM_ARRAY_TASK_ID; the array must be
# 0-based and its size must equal --shards. Submit, then merge when all tasks are done:
#   sbatch deploy/slurm-array.sh
#   fmbench merge results/results.shard-*-of-16.jsonl --out results/merged
#SBATCH --job-name=fmbench-full
#SBATCH --array=0-15
#SBATCH --cpus-per-task=4
#SBATCH --mem=16G
#SBATCH --time=3-00:00:00
#SBATCH --output=fmbench-%A_%a.log
set -euo pipefail
SHARDS=16
cd "${FMBENCH_DIR:-$SLURM_SUBMIT_DIR}"
# A rerun of a failed task resumes: configurations already ok in its results file are skipped.
node dist/cli.js run --grid full --shards "$SHARDS" --workers "${SLURM_CPUS_PER_TASK:-4}" \
  --out "${FMBENCH_RESULTS:-results}" --timeout 86400
