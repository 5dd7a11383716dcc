#!/usr/bin/env bash
# Build and run the Google Benchmark suite (bench/), e.g.
#   scripts/bench.sh                                  # everything
#   scripts/bench.sh --benchmark_filter='Gemm|Blas'   # Google Benchmark options pass through
# Installs Debian's libbenchmark-dev when missing (as root). For mindset against numpy and
# PyTorch on whole runs, see scripts/bench_compare.py.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if ! dpkg-query -W -f='${Status}' libbenchmark-dev 2>/dev/null | grep -q "install ok installed"; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q libbenchmark-dev >/dev/null
  else
    echo "bench.sh: run: sudo apt-get install libbenchmark-dev" >&2; exit 2
  fi
fi
./scripts/build.sh -DMINDSET_BUILD_BENCHMARKS=ON >/dev/null
exec "${MINDSET_BUILD_DIR:-build}/bin/mindset_bench" "$@"
