#!/usr/bin/env bash
# Fuzz mindset's input readers with libFuzzer (clang, ASan + UBSan).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#   SECONDS  how long to run each target (default 60)
#   TARGET   config, csv, hdf5, sweep, results (default: all five, one after the other)
# Builds the targets into build-fuzz/ (or $MINDSET_FUZZ_BUILD_DIR) and runs each on its seed corpus
# fuzz/corpus/<target>/ plus the inputs it found before (build-fuzz/corpus/<target>/, not
# committed). A crash, leak, sanitizer report, timeout or out-of-memory is saved under
# build-fuzz/crashes/<target>/ and makes the script exit 1: reproduce it with
#   build-fuzz/bin/fuzz_<target> build-fuzz/crashes/<target>/crash-...
# then fix the bug and commit the input under fuzz/regressions/<target>/ (tests/test_fuzz_corpus.cpp
# replays it in the normal suite). See docs/reliability.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

seconds="${1:-60}"
[ $# -gt 0 ] && shift
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, found '$seconds'" >&2; exit 2 ;; esac
all=(config csv hdf5 sweep results)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for t in "${targets[@]}"; do
  case " ${all[*]} " in *" $t "*) ;; *) echo "fuzz.sh: unknown target '$t' (known: ${all[*]})" >&2; exit 2 ;; esac
done

cxx="$(command -v clang++-14 || command -v clang++ || true)"
cc="$(command -v clang-14 || command -v clang || true)"
if [ -z "$cxx" ] || [ -z "$cc" ]; then
  [ "$(id -u)" = 0 ] || { echo "fuzz.sh: needs clang (sudo apt-get install clang libclang-rt-dev)" >&2; exit 2; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang libclang-rt-dev >/dev/null
  cxx="$(command -v clang++)"; cc="$(command -v clang)"
fi

build="${MINDSET_FUZZ_BUILD_DIR:-build-fuzz}"
# The other build prerequisites (yaml-cpp, HDF5, ...) are what scripts/build.sh installs.
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMINDSET_FUZZ=ON -DMINDSET_BUILD_TESTS=OFF \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" >/dev/null
else
  cmake -S . -B "$build" >/dev/null  # new targets: make does not know them before this
fi
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]/#/fuzz_}" -- --no-print-directory >/dev/null

# A UBSan report is a crash (the build uses -fno-sanitize-recover). Leaks are reported, except
# libhdf5's own on malformed files (fuzz/lsan.supp).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/fuzz/lsan.supp:print_suppressions=0}"
# Failures saved so far (crash-, leak-, oom-, timeout-; libFuzzer's slow-unit- notes are not).
failures() { ls "$build/crashes/$1" | grep -vc '^slow-unit-' || true; }
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/crashes/$t" "$build/logs"
  log="$build/logs/$t.log"
  extra=()
  [ -f "fuzz/dict/$t.dict" ] && extra+=(-dict="fuzz/dict/$t.dict")
  # The HDF5 targets (hdf5: data files; results: results files and sweep summaries).
  h5=0; case "$t" in hdf5|results) h5=1 ;; esac
  if [ $h5 = 1 ]; then
    # libhdf5 1.10 crashes, or loops forever, on some damaged files (mindset contains that: it reads
    # HDF5 input in a child process it kills after a while). Fuzz at full speed in process, keep
    # going after crashes and timeouts, then triage them.
    # Their inputs take milliseconds: a libhdf5 loop is cut short after 10 s. The inputs in
    # fuzz/regressions/ crash or hang libhdf5, which would stall every job: the suite replays them.
    extra+=(-fork=1 -ignore_crashes=1 -ignore_ooms=0 -ignore_timeouts=1)
    export MINDSET_FUZZ_PRESCREEN=0
    timeout=10; corpora=("$build/corpus/$t" "fuzz/corpus/$t")
  else
    timeout=25; corpora=("$build/corpus/$t" "fuzz/corpus/$t" $(ls -d "fuzz/regressions/$t" 2>/dev/null || true))
  fi
  before="$(failures "$t")"
  # -timeout: one input may take at most 25 s (a 100000-run sweep plan takes a few under ASan);
  # -rss_limit_mb: inputs are refused before big allocations, so 2.5 GB is a bug.
  set +e
  "$build/bin/fuzz_$t" -max_total_time="$seconds" -timeout=$timeout -rss_limit_mb=2560 -malloc_limit_mb=2560 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/crashes/$t/" "${extra[@]}" "${corpora[@]}" >"$log" 2>&1
  rc=$?
  set -e
  unset MINDSET_FUZZ_PRESCREEN
  contained=0
  if [ $h5 = 1 ]; then
    # A saved crash or timeout passes when replayed with the prescreen on only if it is libhdf5's
    # and mindset turns it into an error message; those move to $build/libhdf5-crashes/<target>/.
    mkdir -p "$build/libhdf5-crashes/$t" "$build/triage"
    for f in "$build/crashes/$t"/crash-* "$build/crashes/$t"/timeout-*; do
      [ -e "$f" ] || continue
      if "$build/bin/fuzz_$t" -artifact_prefix="$build/triage/" "$f" >"$build/logs/triage.log" 2>&1; then
        mv "$f" "$build/libhdf5-crashes/$t/"; contained=$((contained + 1))
      fi
    done
    # Ignored crashes make libFuzzer's exit code non-zero: what decides is what is left.
    if [ "$(failures "$t")" -gt "$before" ]; then rc=1
    elif grep -q "^INFO: exiting:" "$log"; then rc=0; fi
  fi
  if [ $rc = 0 ]; then
    runs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+|^#[0-9]+' "$log" | grep -oE '[0-9]+$' | sort -n | tail -1)"
    cov="$(grep -oE 'cov: [0-9]+' "$log" | grep -oE '[0-9]+' | sort -n | tail -1)"
    note=""
    [ $contained -gt 0 ] && note="; $contained libhdf5 crash(es) or hang(s) on damaged files, contained (in $build/libhdf5-crashes/$t/)"
    echo "fuzz $t: ok (${seconds}s, ${runs:-?} inputs, coverage ${cov:-?} edges$note)"
  else
    status=1
    echo "fuzz $t: FAILED — see $log; the input is in $build/crashes/$t/:" >&2
    grep -E "^(==[0-9]+==ERROR|SUMMARY|mindset fuzz: property failed|.*runtime error)" "$log" | head -5 >&2 || true
    ls -t "$build/crashes/$t" | head -3 | sed "s#^#  $build/crashes/$t/#" >&2
  fi
done
exit $status
