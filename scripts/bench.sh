#!/usr/bin/env bash
# Performance figures for docs/performance.md: the Google Benchmark programs and
# wall-clock timings of the commands the targets are stated for. Run on an idle
# machine; prints one line per figure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null   # packages (Google Benchmark among them)
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DGPUSIM_BUILD_TESTS=OFF -DGPUSIM_BUILD_BENCH=ON >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
gpusim=./build-bench/sim/gpusim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

timed() {  # timed LABEL COMMAND...: wall seconds and peak memory of one run
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null
  read -r secs kb <"$out/time"
  printf '%-58s %8.2f s  %8.0f MB\n' "$label" "$secs" "$((kb / 1024))"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -m)"
./build-bench/bench/engine_bench --benchmark_format=console 2>/dev/null | grep -E "^BM_"
timed "gpusim run scenarios/bench/gigawatt.yaml (6 y hourly)" $gpusim run scenarios/bench/gigawatt.yaml
timed "gpusim run gigawatt.yaml --engine segment" $gpusim run scenarios/bench/gigawatt.yaml --engine segment
timed "gpusim sweep coreweave-2024 10,000 points (hourly, solved)" \
  $gpusim sweep scenarios/articles/coreweave-2024-utilization.yaml \
  --vary contracts.Microsoft.price=1:3.49975:0.00025 --out "$out/sweep"
timed "gpusim mc gigawatt.yaml 1,000 runs (daily steps)" \
  $gpusim mc scenarios/bench/gigawatt.yaml --set time.step=1d --runs 1000 --seed 1 --format json
