#!/usr/bin/env bash
# gpusim's main job: install what is missing, build, then regenerate every
# article figure from its scenario, beside the published value, with the charts.
# Writes docs/figures.md (the page), docs/figures/figures.csv and the SVG charts.
# Exits 1 if a figure is out of tolerance.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh gpusim
./build/sim/gpusim figures --out docs/figures --markdown docs/figures.md
echo
echo "Table: docs/figures/figures.csv    Page with charts: docs/figures.md    Charts: docs/figures/*.svg"
