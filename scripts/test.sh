#!/usr/bin/env bash
# Build and run the whole test suite through ctest.
# Usage: scripts/test.sh [--sanitize] [ctest args...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

build_args=()
build_dir="${MINDSET_BUILD_DIR:-build}"
# MINDSET_MPI=ON builds MPI sweeps in (and so runs their test under mpirun); .ci/run sets it.
if [ "${MINDSET_MPI:-}" = ON ]; then build_args+=(-DMINDSET_MPI=ON); fi
if [ "${1:-}" = "--sanitize" ]; then
  shift; build_args+=(--sanitize); build_dir="${MINDSET_BUILD_DIR:-build-sanitize}"
fi

# Real data sets live beside the project; tests that need them look in data/.
shared="$(cd "$root/.." && pwd)/shared/datasets"
mkdir -p data
for d in catvnoncat titanic mnist_t10k; do
  if [ -d "$shared/$d" ] && [ ! -e "data/$d" ]; then ln -s "$shared/$d" "data/$d"; fi
done

./scripts/build.sh "${build_args[@]}"
cd "$build_dir"
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" "$@"
