// The discrete-time engine: runs a validated scenario over its time grid.
//
// Each step: installed GPUs per pool (exact averages of their schedules),
// available after repairs, allocation to reserved contracts in file order, then
// on-demand, then spot; busy GPU-hours drive power; power × PUE × time is
// energy; then money. docs/model.md states every equation.
#pragma once

#include <cstdint>

#include "models/scenario.hpp"
#include "sim/engine/results.hpp"

namespace gpusim {

struct EngineOptions {
  // Which random stream to draw from when the scenario has a seed: Monte Carlo
  // run i uses run_index i, so its draws do not depend on thread count.
  std::uint64_t run_index = 0;
};

// Runs the scenario (without its `solve:` block; see sim/engine/solve.hpp).
// Without a seed every quantity is its expected value; with `seed:` failures
// (from afr) and demand noise are drawn. Throws ModelError when the scenario
// cannot run as written.
Results run_scenario(const ScenarioSpec& spec, const EngineOptions& options = {});

}  // namespace gpusim
