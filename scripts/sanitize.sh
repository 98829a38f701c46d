#!/usr/bin/env bash
# The suite under AddressSanitizer and UndefinedBehaviorSanitizer: installs
# clang 14 and its runtimes (clang-14, libclang-rt-14-dev) when missing,
# configures ./build-sanitize with clang 14 at -O1 (GPUSIM_SANITIZE: ASan +
# UBSan with float-cast-overflow, every report fatal; GPUSIM_FUZZ: the libFuzzer
# harness), builds it and runs its ctest: every test (label `sanitize`), the
# corpus replay and a bounded libFuzzer run (label `fuzz`). Extra arguments go
# to ctest (e.g. -L fuzz). Called by scripts/test.sh.
#   GPUSIM_SANITIZE_CMAKE_ARGS  extra cmake arguments (e.g. the ccache launcher)
#   GPUSIM_FUZZ_SECONDS         the bounded fuzz run's length (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install_packages.sh clang-14 libclang-rt-14-dev

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Sanitize \
  -DCMAKE_CXX_COMPILER=clang++-14 \
  -DGPUSIM_BUILD_TESTS=ON -DGPUSIM_BUILD_PYTHON=OFF -DGPUSIM_SANITIZE=ON -DGPUSIM_FUZZ=ON \
  -DGPUSIM_FUZZ_SECONDS="${GPUSIM_FUZZ_SECONDS:-60}" ${GPUSIM_SANITIZE_CMAKE_ARGS:-} >/dev/null
cmake --build build-sanitize -j"$jobs"

# Any report ends the program with an error; leaks are reports too.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
ctest --test-dir build-sanitize --output-on-failure -j"$jobs" "$@"
