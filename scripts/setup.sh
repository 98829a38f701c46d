#!/usr/bin/env bash
# Installs what gpusim needs from Debian 12's packages (only what is missing),
# then configures and builds it in ./build (Release): everything, or only the
# targets named as arguments (scripts/main.sh builds just `gpusim`). Needs root or sudo for
# apt-get when packages are missing. Used by scripts/main.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make libeigen3-dev libyaml-cpp-dev libspdlog-dev libgtest-dev libgmock-dev
          libcli11-dev nlohmann-json3-dev gnuplot-nox libbenchmark-dev
          pybind11-dev python3-dev python3-pandas python3-pytest python3-matplotlib dpkg-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "gpusim setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DGPUSIM_BUILD_TESTS=ON ${GPUSIM_CMAKE_ARGS:-} >/dev/null
if [ $# -gt 0 ]; then
  cmake --build build -j"$jobs" --target "$@"
else
  cmake --build build -j"$jobs"
fi
