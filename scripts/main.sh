#!/usr/bin/env bash
# gpusim's main job: install what is missing, build, then check and print every
# article scenario as gpusim reads it (the figures themselves come with the
# figure registry).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
./build/sim/gpusim validate scenarios/articles/*.yaml
for f in scenarios/articles/*.yaml; do
  ./build/sim/gpusim validate --print "$f"
done
