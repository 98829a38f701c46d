#!/usr/bin/env bash
# Fuzzes gpusim with libFuzzer for SECONDS (default 600): YAML scenarios (with
# `#set PATH=VALUE` and `#vary PATH=SPEC` comment lines) through parse, --set,
# read, a run on a capped grid, the table, the JSON summary and the CSVs
# (tests/fuzz/fuzz_entry.cpp). Seeds: the shipped scenarios/, tests/fuzz/seeds/
# and the regression corpus tests/fuzz/regressions/. A crash, a sanitizer
# report, a timeout (20 s) or running out of memory (2 GB) stops the run and
# writes the input to tests/fuzz/regressions/ (crash-*, timeout-*, oom-*):
# fix the bug, rename the file after it, commit both — `ctest -L fuzz` replays it.
#   bash scripts/fuzz.sh 3600              # an hour
#   bash scripts/fuzz.sh 600 -jobs=2       # more libFuzzer options after the seconds
# Builds the harness in ./build-sanitize (clang 14) unless GPUSIM_FUZZER names it;
# new interesting inputs collect in GPUSIM_FUZZ_CORPUS (default build-sanitize/fuzz-corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
[ $# -gt 0 ] && shift
case "$seconds" in ''|*[!0-9]*) echo "usage: bash scripts/fuzz.sh [SECONDS] [LIBFUZZER_OPTION...]" >&2; exit 2 ;; esac

fuzzer=${GPUSIM_FUZZER:-}
if [ -z "$fuzzer" ]; then
  bash scripts/install_packages.sh clang-14 libclang-rt-14-dev
  cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Sanitize \
    -DCMAKE_CXX_COMPILER=clang++-14 \
    -DGPUSIM_BUILD_TESTS=ON -DGPUSIM_BUILD_PYTHON=OFF -DGPUSIM_SANITIZE=ON -DGPUSIM_FUZZ=ON ${GPUSIM_SANITIZE_CMAKE_ARGS:-} >/dev/null
  cmake --build build-sanitize -j"$(nproc 2>/dev/null || echo 2)" --target scenario_fuzz
  fuzzer=build-sanitize/tests/scenario_fuzz
fi
corpus=${GPUSIM_FUZZ_CORPUS:-build-sanitize/fuzz-corpus}
mkdir -p "$corpus" tests/fuzz/regressions
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}"
# -seed=1: the bounded run in the suite explores the same way on every machine.
exec "$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=16384 -seed=1 \
  -dict=tests/fuzz/scenario.dict -artifact_prefix=tests/fuzz/regressions/ -print_final_stats=1 "$@" \
  "$corpus" tests/fuzz/seeds tests/fuzz/regressions scenarios
