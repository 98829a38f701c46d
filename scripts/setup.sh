#!/usr/bin/env bash
# Installs what gpusim needs from Debian 12's packages (only what is missing),
# then configures and builds it in ./build (Release): everything, or only the
# targets named as arguments (scripts/main.sh builds just `gpusim`; `gpusim-mpi`
# is built when Open MPI is there). Needs root or sudo for
# apt-get when packages are missing. Used by scripts/main.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install_packages.sh cmake g++ make libeigen3-dev libyaml-cpp-dev libspdlog-dev libgtest-dev libgmock-dev \
  libcli11-dev nlohmann-json3-dev gnuplot-nox libbenchmark-dev libtcmalloc-minimal4 \
  pybind11-dev python3-dev python3-pandas python3-pytest python3-matplotlib dpkg-dev \
  openmpi-bin libopenmpi-dev  # Open MPI: gpusim-mpi and its tests (docs/cluster.md)

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DGPUSIM_BUILD_TESTS=ON ${GPUSIM_CMAKE_ARGS:-} >/dev/null
if [ $# -gt 0 ]; then
  cmake --build build -j"$jobs" --target "$@"
else
  cmake --build build -j"$jobs"
fi
