// The discrete-time engine: runs a validated scenario over its time grid.
//
// Each step: installed GPUs per pool (exact averages of their schedules),
// available after repairs, allocation to reserved contracts in file order, then
// on-demand, then spot; busy GPU-hours drive power; power × PUE × time is
// energy; then money. docs/model.md states every equation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "models/scenario.hpp"
#include "sim/engine/results.hpp"

namespace gpusim {

namespace stages {
struct Grid;  // sim/engine/stages.hpp
}

// How allocation is worked out (docs/model.md "The segment engine"): step by
// step (the reference), or on runs of steps between events, with the same results.
enum class EngineKind { step, segment };

struct EngineOptions {
  // Which random stream to draw from when the scenario has a seed: Monte Carlo
  // run i uses run_index i, so its draws do not depend on thread count.
  std::uint64_t run_index = 0;
  EngineKind engine = EngineKind::step;
  // Whether to fill Results::series (the per-step series): --out, --every,
  // charts, explain and the page need it; a summary does not (docs/model.md
  // "The segment engine": the segment engine then builds no per-step array).
  bool series = true;
  // Whether to find the IRR (a bisection on NPV, the summary's dearest scalar):
  // a goal-seek's trials whose target is not the IRR skip it and keep its
  // flows in Results::irr_flows for complete_irr.
  bool irr = true;
  // A time grid already made (time_grid) that runs of the same time span share
  // (a goal-seek's trials, a Monte Carlo's runs); a run whose span differs
  // makes its own.
  std::shared_ptr<const stages::Grid> grid;
};

// The time grid of `time` (its steps' calendar), made once for runs that share it.
std::shared_ptr<const stages::Grid> time_grid(const TimeSpec& time);

// Finds the IRR of a run made without it (EngineOptions::irr false): the same
// value the run would have found.
void complete_irr(Results& r);

// Runs the scenario (without its `solve:` block; see sim/engine/solve.hpp).
// Without a seed every quantity is its expected value; with `seed:` failures
// (from afr) and demand noise are drawn. Throws ModelError when the scenario
// cannot run as written.
Results run_scenario(const ScenarioSpec& spec, const EngineOptions& options = {});

}  // namespace gpusim
