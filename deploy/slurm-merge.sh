#!/usr/bin/env bash
# Merges the shards in FMBENCH_RESULTS into FMBENCH_RESULTS/merged (results.jsonl, manifest.json and
# the reports). deploy/slurm-submit.sh submits it with --dependency=afterok on the array job.
#SBATCH --job-name=fmbench-merge
#SBATCH --cpus-per-task=1
#SBATCH --time=01:00:00
#SBATCH --output=fmbench-merge-%j.log
set -euo pipefail
cd "${FMBENCH_DIR:-$SLURM_SUBMIT_DIR}"
results="${FMBENCH_RESULTS:-results}"
node dist/cli.js merge "$results" --out "$results/merged" --strict
