// Goal-seek: vary one scenario key until one result equals a target.
//
// The key is written back into the scenario document (as `--set` would) and the
// scenario re-read and re-run for each trial value. A trial is usable when the
// scenario runs there and the target is not null; the search finds a usable
// value, moves each end that is not usable to the boundary with those that are
// (bisecting on "usable"), brackets a root (the given low/high, or 0 to twice
// the current value, doubling up to 40 times), scans 16 sub-intervals for the
// first sign change (so non-monotone targets work), then narrows with Brent's
// method to 1e-9 relative. docs/model.md#goal-seek states every step.
#pragma once

#include <optional>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/engine/results.hpp"
#include "sim/scenario/document.hpp"

namespace gpusim {

struct SolveRequest {
  std::string vary;    // scenario key path
  std::string target;  // summary metric path
  double equals = 0.0;
  std::optional<std::string> equals_metric;  // when set, the target is this result's value
  std::optional<std::string> low, high;  // in the key's unit, as written
};

// Reads a goal's value: a number with or without a unit ("0", "62%", "1.5B USD")
// into `equals`, or a result path ("finance.revenue_usd") into `equals_metric`.
// Returns the message when it is neither, or when request.target is a share
// (at most 1) and the value a bare number above 1 (with share_hint's hint).
std::optional<std::string> set_solve_equals(SolveRequest& request, const std::string& value);

// Solves and returns the results of the final run, with `solve` filled in.
// Throws ModelError (path "solve.…") when the target cannot be reached.
// Every trial run draws from `options.run_index` (Monte Carlo run i solves with its own noise).
// `read`: read_scenario(document), when the caller has it (else it is read here).
Results solve_scenario(const DocNode& document, const SolveRequest& request, const EngineOptions& options = {},
                       const ScenarioSpec* read = nullptr);

// Runs the scenario document: solving it when it has a `solve:` block. The
// results are checked finite (check_finite_results) unless the caller checks
// them itself (check_finite false: a sweep checks the summary it keeps).
Results run_document(const DocNode& document, const EngineOptions& options = {}, bool check_finite = true);
// The same, with the document already read (read_scenario(document), e.g. a LoadedScenario's spec).
Results run_document(const DocNode& document, const ScenarioSpec& spec, const EngineOptions& options,
                     bool check_finite = true);

}  // namespace gpusim
