// The figure registry (scenarios/figures.yaml): every article figure with its
// scenario, the result path that reproduces it, the published value and a
// tolerance. Published values live only here; the engine never reads them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/output/summary.hpp"

namespace gpusim {

struct FigureSpec {
  std::string id;        // from articles.md: A1, B4, …
  std::string title;
  std::string source;    // the article
  std::string scenario;  // path, resolved against the registry's folder
  std::vector<std::string> set;  // PATH=VALUE overrides for this figure
  std::string metric;    // JSON summary path
  // Published value in the summary's units (shares as fractions, energy in kWh,
  // power in MW, money in USD), or a published range; none: shown, not checked.
  std::optional<double> published;
  std::optional<double> published_low, published_high;
  std::string published_text;  // as written: "22%", "2.19B gpu-h", "millions"
  double display_scale = 1.0;  // summary units per display unit of published_text
  std::string display_suffix;  // e.g. "B gpu-h", "%"
  double tolerance = 0.01;     // relative (of published), unless absolute
  bool tolerance_absolute = false;
  bool tolerance_given = false;  // false: the default (1% for values, 1e-9 relative for ranges)
  std::string note;
  std::string label;  // short name for charts; default: the id
  // How much a check means: "computed" (the default: the engine computes it from
  // the inputs), "target" (the scenario goal-seeks it, so the check tests the
  // solver), "calibrated" (inputs were tuned to reach it, so it is a consistency
  // check).
  std::string basis = "computed";
};

struct FigureResult {
  FigureSpec spec;
  double reproduced = 0.0;
  std::optional<double> difference;  // relative to published (or absolute when the tolerance is)
  bool ok = true;
  bool checked = false;  // false: no published value to check against
};

// Reads and validates the registry; throws ScenarioError with every problem.
std::vector<FigureSpec> load_registry(const std::string& path);

// Runs the figures (all, or those whose id is in `only`), scenarios in parallel,
// on `engine`. Throws ScenarioError for an unknown id or a scenario error,
// ModelError for a metric that is not in a scenario's results.
std::vector<FigureResult> run_figures(const std::vector<FigureSpec>& specs, const std::vector<std::string>& only,
                                      unsigned threads = 0, const EngineOptions& engine = {});

std::string figures_table(const std::vector<FigureResult>& results);
Json figures_json(const std::vector<FigureResult>& results);
std::string figures_csv(const std::vector<FigureResult>& results);
// Reproduced − published: "+0.43%" relative, "+0.39 pp" in percentage points,
// or in the published unit for an absolute tolerance.
std::string difference_text(const FigureResult& r);
// A value in the figure's display unit ("22.1%", "2.19B gpu-h").
std::string display_value(const FigureSpec& spec, double summary_value);

}  // namespace gpusim
