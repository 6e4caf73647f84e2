#!/usr/bin/env bash
# Submits fmbench's shards as one Slurm array of SHARDS tasks (default 16), and the merge
# job that runs once all of them succeeded. The array size is set here only; each task
# reads it back as SLURM_ARRAY_TASK_COUNT. CPUS_PER_TASK (default 4) and MEM (default 16G)
# size each task; fmbench uses SLURM_CPUS_PER_TASK workers. Prints the two job ids.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shards="${SHARDS:-16}"
array=$(sbatch --parsable --array="0-$((shards - 1))" --cpus-per-task="${CPUS_PER_TASK:-4}" --mem="${MEM:-16G}" \
  --export=ALL "$here/slurm-array.sh")
merge=$(sbatch --parsable --dependency="afterok:${array%%;*}" --mem="${MERGE_MEM:-4G}" --export=ALL "$here/slurm-merge.sh")
echo "array job ${array%%;*} (${shards} shards), merge job ${merge%%;*}"
