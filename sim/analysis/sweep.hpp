// Running a scenario at many points: the machinery of `gpusim sweep`, the
// figure registry and Monte Carlo. A point is a list of `--set` overrides on
// the scenario document; points run on worker threads and come back in order,
// so output does not depend on the thread count.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/output/summary.hpp"
#include "sim/scenario/document.hpp"
#include "sim/scenario/schema.hpp"

namespace gpusim {

// One varied key: "PATH=FROM:TO:STEP" (inclusive of TO when it falls on a step)
// or "PATH=V1,V2,...". Values are in the key's unit (a bare number in its
// default unit).
struct VaryAxis {
  std::string path;
  std::vector<std::string> texts;  // each value as written into the scenario
  std::vector<double> values;      // each value in the key's base unit
};
// Throws ScenarioError (located at "--vary") on a bad path, value or range.
VaryAxis parse_vary(const DocNode& document, const std::string& spec);

// The grid of all combinations, the first axis varying slowest.
std::vector<std::vector<std::string>> grid_overrides(const std::vector<VaryAxis>& axes);

// Runs each point (the document with that point's overrides, solved when the
// scenario has `solve:`) and returns each summary, in point order. `threads`
// 0 means the machine's hardware threads. Throws the first error in point order.
std::vector<Json> run_points(const DocNode& document, const std::vector<std::vector<std::string>>& points,
                             unsigned threads = 0,
                             const std::function<void(std::size_t done, std::size_t total)>& progress = {});

// Runs `count` independent jobs on up to `threads` threads; job(i) writes its own slot.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& job,
                  const std::function<void(std::size_t done, std::size_t total)>& progress = {});

}  // namespace gpusim
