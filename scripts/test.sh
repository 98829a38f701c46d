#!/usr/bin/env bash
# The whole test suite: install what is missing, build gpusim, gpusim-mpi, the
# Python module and the browser page, run every test (labels quick, slow,
# python, mpi, browser); then
# the same suite built with clang's AddressSanitizer and UndefinedBehaviorSanitizer
# in ./build-sanitize, the fuzz corpus replay and a 60 s libFuzzer run
# (scripts/sanitize.sh). Arguments go to both ctest runs (e.g. -R Loader).
# GPUSIM_SKIP_SANITIZE=1 runs only the first part (a quick local check; CI runs both).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/web.sh build   # the browser page (ctest label browser)
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir build --output-on-failure -j"$jobs" "$@"
if [ "${GPUSIM_SKIP_SANITIZE:-0}" != 1 ]; then
  bash scripts/sanitize.sh "$@"
fi
