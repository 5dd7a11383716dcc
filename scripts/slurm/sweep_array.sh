#!/usr/bin/env bash
# A mindset sweep as a Slurm job array: array task K of N runs shard K/N, and a last job merges
# the shards' runs into one summary. Runs already finished are skipped, so resubmitting (or a
# requeued task) resumes the sweep instead of starting over.
#
#   scripts/slurm/sweep_array.sh SWEEP.yaml DIR [overrides...]      # on the login node: submits
#   SHARDS=16 CPUS=4 TIME=04:00:00 scripts/slurm/sweep_array.sh ...  # sizes (defaults 8, 4, 02:00:00)
#
# DIR must be on a file system every node sees. MINDSET names the executable (default
# build/bin/mindset, absolute paths are safest); extra sbatch options go in SBATCH_ARGS.
#SBATCH --job-name=mindset-sweep
#SBATCH --output=slurm-%x-%A_%a.out
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 SWEEP.yaml DIR [key.path=value ...]" >&2
  exit 2
fi
mindset="${MINDSET:-build/bin/mindset}"
sweep="$1"
out="$2"
shift 2

if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
  # Submit: check the sweep here first (errors show now, not in N job logs), then the array and
  # a merge that runs once every task has ended, however it ended.
  "$mindset" sweep "$sweep" -o "$out" --list "$@" >/dev/null
  shards="${SHARDS:-8}"
  # shellcheck disable=SC2086
  jid=$(sbatch --parsable --array=1-"$shards" --cpus-per-task="${CPUS:-4}" --time="${TIME:-02:00:00}" \
        ${SBATCH_ARGS:-} "$0" "$sweep" "$out" "$@")
  # shellcheck disable=SC2086
  sbatch --parsable --dependency=afterany:"${jid%%;*}" --job-name=mindset-sweep-merge --time=00:10:00 \
    ${SBATCH_ARGS:-} --wrap "$(printf '%q ' "$mindset" sweep --merge "$out")"
  echo "submitted array job $jid ($shards shards) and its merge; results in $out/summary.csv"
  exit 0
fi

# One array task: its shard, one run per CPU Slurm gave it.
n="${SLURM_ARRAY_TASK_COUNT:?}"
k=$(( SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-1} + 1 ))
exec "$mindset" sweep "$sweep" -o "$out" --shard "$k/$n" --jobs "${SLURM_CPUS_PER_TASK:-1}" "$@"
