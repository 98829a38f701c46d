// Running a scenario at many points: the machinery of `gpusim sweep`, the
// figure registry and Monte Carlo. A point is a list of `--set` overrides on
// the scenario document; points run on worker threads and come back in order,
// so output does not depend on the thread count.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/analysis/distribute.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/document.hpp"
#include "sim/scenario/printer.hpp"
#include "sim/scenario/schema.hpp"

namespace gpusim {

// One varied key: "PATH=FROM:TO:STEP" (inclusive of TO when it falls on a step)
// or "PATH=V1,V2,...". Values are in the key's unit (a bare number in its
// default unit).
struct VaryAxis {
  std::string path;
  std::vector<std::string> texts;  // each value as written into the scenario
  std::vector<double> values;      // each value in the key's base unit
  // The unit a bare number of this key is read in ("USD/kWh" for electricity),
  // and how many base units one of it is: CSV columns and chart axes show
  // values / display_factor, which read back as bare numbers.
  std::string display_unit;
  double display_factor = 1.0;
  double display(std::size_t i) const { return round_decimal_noise(values[i] / display_factor); }
};
// Throws ScenarioError (located at "--vary") on a bad path, value or range.
VaryAxis parse_vary(const DocNode& document, const std::string& spec);

// The most points a sweep runs (each keeps its JSON summary): the product of
// the axes' lengths, refused before anything runs.
inline constexpr std::size_t kMaxSweepPoints = 100'000;
// The number of points of the grid of `axes`; throws ScenarioError (located at
// "--vary") when it is over kMaxSweepPoints, saying its size.
std::size_t grid_size(const std::vector<VaryAxis>& axes);

// The grid of all combinations, the first axis varying slowest (checked by grid_size).
std::vector<std::vector<std::string>> grid_overrides(const std::vector<VaryAxis>& axes);

// Runs each point (the document with that point's overrides, solved when the
// scenario has `solve:`) and returns each summary, in point order. `threads`
// 0 means the machine's hardware threads. Throws the first error in point order.
// With a distributor, the points run where it sends them (gpusim-mpi: across
// MPI ranks) and come back in the same order. Every point runs on `engine`.
std::vector<Json> run_points(const DocNode& document, const std::vector<std::vector<std::string>>& points,
                             unsigned threads = 0,
                             const std::function<void(std::size_t done, std::size_t total)>& progress = {},
                             const RunDistributor* distributor = nullptr, const EngineOptions& engine = {});

// The sweep table (sweep.csv): the varied paths (shown in their bare-number
// unit), then every scalar of the summary (null ones too, as empty cells),
// one row per point in grid order.
std::string sweep_csv(const std::vector<VaryAxis>& axes, const std::vector<Json>& summaries);

// A sweep file: a YAML map {sweep: {scenario: REL_PATH, set: [PATH=VALUE…],
// vary: [PATH=…], plot: {metric, contour, title, x_label, y_label}}}.
struct SweepPlan {
  DocNode document;           // the scenario, with `set` and extra overrides applied
  std::vector<std::string> vary;
  std::string plot;           // metric(s) to chart, comma-separated
  std::optional<double> contour;
  std::string title, x_label, y_label;
};
bool is_sweep_file(const DocNode& doc);
// Reads a sweep file already parsed as `doc`; throws ScenarioError (the sweep
// file's or its scenario's errors), and checks every `vary` entry.
SweepPlan read_sweep_file(const std::string& file, const DocNode& doc, const std::vector<std::string>& overrides);

// The most worker threads a command accepts (`--threads`).
inline constexpr unsigned kMaxThreads = 1024;

}  // namespace gpusim
