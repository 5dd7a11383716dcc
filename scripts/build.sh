#!/usr/bin/env bash
# Build mindset into build/ (or $MINDSET_BUILD_DIR). Idempotent.
# Missing Debian packages are installed with apt-get when run as root; otherwise the exact
# `sudo apt-get install ...` line is printed and the script exits 2.
# Usage: scripts/build.sh [--sanitize] [extra cmake -D options...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

build_dir="${MINDSET_BUILD_DIR:-build}"
cmake_args=()
for a in "$@"; do
  case "$a" in
    --sanitize) build_dir="${MINDSET_BUILD_DIR:-build-sanitize}"; cmake_args+=("-DMINDSET_SANITIZE=address,undefined") ;;
    -D*) cmake_args+=("$a") ;;
    *) echo "build.sh: unknown argument '$a' (allowed: --sanitize, -DNAME=VALUE)" >&2; exit 2 ;;
  esac
done

# Packages needed to build and test. Python ones serve the analysis scripts and the tests that
# read results back with h5py.
pkgs=(cmake g++ make pkg-config libxtensor-dev libxtensor-blas-dev libyaml-cpp-dev libhdf5-dev
      libboost-test-dev libopenblas-dev libcli11-dev
      python3 python3-h5py python3-numpy python3-yaml python3-jsonschema python3-pandas
      python3-xarray python3-h5netcdf python3-matplotlib)
# MPI sweeps (optional): Debian's OpenMPI when configured with -DMINDSET_MPI=ON.
for a in "${cmake_args[@]}"; do
  case "$a" in -DMINDSET_MPI=ON|-DMINDSET_MPI=on|-DMINDSET_MPI=1|-DMINDSET_MPI=TRUE) pkgs+=(libopenmpi-dev openmpi-bin) ;; esac
done
[ -n "${MINDSET_EXTRA_PKGS:-}" ] && read -r -a extra <<<"$MINDSET_EXTRA_PKGS" && pkgs+=("${extra[@]}")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "build.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${missing[@]}" >/dev/null; } \
      || { echo "build.sh: apt-get install ${missing[*]} failed" >&2; exit 2; }
  else
    echo "build.sh: missing packages; run: sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
fi

jobs="$(nproc 2>/dev/null || echo 2)"
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}" >/dev/null
elif [ ${#cmake_args[@]} -gt 0 ]; then
  cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
fi
cmake --build "$build_dir" -j "$jobs" -- --no-print-directory
