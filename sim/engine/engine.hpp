// The discrete-time engine: runs a validated scenario over its time grid.
//
// Each step: installed GPUs per pool (exact averages of their schedules),
// available after repairs, allocation to reserved contracts in file order, then
// on-demand, then spot; busy GPU-hours drive power; power × PUE × time is
// energy; then money. docs/model.md states every equation.
#pragma once

#include "models/scenario.hpp"
#include "sim/engine/results.hpp"

namespace gpusim {

// Runs the scenario (without its `solve:` block; see sim/engine/solve.hpp).
// Throws ModelError when the scenario cannot run as written.
Results run_scenario(const ScenarioSpec& spec);

}  // namespace gpusim
