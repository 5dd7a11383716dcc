#!/usr/bin/env bash
# Build, then train an experiment. Usage: scripts/run.sh [CONFIG] [mindset train args...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
config="configs/default.yaml"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then config="$1"; shift; fi
./scripts/build.sh >&2
exec build/bin/mindset train "$config" "$@"
