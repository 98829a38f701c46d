#!/usr/bin/env bash
# Builds the Debian package build/packages/gpusim_VERSION_ARCH.deb: the command,
# its man page and bash completion, the Python module (import gpusim), the
# shipped scenarios and the docs (cmake/install.cmake), with its Depends on
# Debian's runtime packages. Install it with `apt install ./build/packages/gpusim_*.deb`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh gpusim _gpusim gpusim_man
cpack -G DEB --config build/CPackConfig.cmake -B build/packages >/dev/null
ls build/packages/gpusim_*.deb
