// Monte Carlo: run a scenario many times with its `uncertain:` inputs drawn
// once per run, and (under the seed) demand noise and failures drawn each step.
//
// Run i draws from streams derived from (seed, i) only, so results do not
// depend on the number of threads or the order runs finish in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/analysis/distribute.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/document.hpp"

namespace gpusim {

struct MetricStats {
  std::string name;
  std::size_t count = 0;  // runs where the metric was defined
  double mean = 0, sd = 0, p5 = 0, p50 = 0, p95 = 0;
};

// One monthly series of timeseries.csv across the runs: per calendar month,
// the 5th, 50th and 95th percentile of the runs' values. A flow (GPU-hours,
// kWh, USD) is its month's total ÷ the month's days, a per-day average, so
// that months of 28 and 31 days compare; a level (GPUs, MW), the cumulative
// cash and the price are the month's own value.
struct MonthlyBand {
  std::string name;  // the timeseries.csv column, e.g. revenue_usd
  SeriesKind kind = SeriesKind::flow;
  std::vector<std::string> months;  // "2024-01", …
  std::vector<double> p5, p50, p95;
};

// The monthly series the fan chart draws by default.
std::vector<std::string> default_fan_series();

struct MonteCarloResult {
  std::size_t runs = 0;
  std::uint64_t seed = 0;
  std::vector<MetricStats> metrics;  // every scalar of the summary, in summary order
  std::vector<std::vector<std::string>> drawn;  // per run: the uncertain inputs as written ("2.73 USD/gpu-h")
  std::vector<std::string> uncertain_names;
  // The uncertain inputs drawn: per input, its key path, the unit its values
  // are in (the key's bare-number unit: USD/gpu-h, gpus, y; "" for a ratio or
  // fraction) and the statistics of its draws (named by the input's name).
  std::vector<std::string> uncertain_paths, uncertain_units;
  std::vector<MetricStats> uncertain_stats;
  std::vector<std::vector<double>> drawn_values;  // per run, per input, in that unit
  // Every run's results: every scalar name met in any run, in summary order,
  // and per run its value for each (NaN: null or absent in that run).
  std::vector<std::string> result_names;
  std::vector<std::vector<double>> results;
  std::vector<MonthlyBand> monthly;  // the requested monthly series, in their order
};

// Percentile by linear interpolation between order statistics (q in [0, 1]).
double percentile(std::vector<double> values, double q);

// The statistics of each column of `rows` (per run, a value per name; NaN:
// null or absent) over the runs where it is a number, in names' order; a
// column NaN in every run has none. What mc.json's metrics are. On `threads`
// threads (0: as many as the hardware has); the same numbers on any.
std::vector<MetricStats> column_stats(const std::vector<std::string>& names,
                                      const std::vector<std::vector<double>>& rows, unsigned threads = 0);

// The most runs `gpusim mc --runs` takes (each run keeps its monthly series
// for the fan chart's bands).
inline constexpr std::size_t kMaxMonteCarloRuns = 1'000'000;

// The message when `runs` cannot be run (0), for every front end to say the same.
std::optional<std::string> check_runs(std::size_t runs);

// Throws ModelError with path "--fan" if a name is not a timeseries.csv column
// (the error run_monte_carlo gives for it).
void check_monthly_series(const std::vector<std::string>& names);

// Throws ScenarioError/ModelError as a run would (a run's error names the run).
// `monthly` names the timeseries.csv columns to band by month (an unknown one
// throws ModelError with path "--fan"); none: the runs keep no per-step series.
// With a distributor, runs 1..runs-1 run where it sends them (gpusim-mpi:
// across MPI ranks) and come back in run order; run 0 runs here first. Every
// run (and its goal-seek, if any) runs on `engine`.
MonteCarloResult run_monte_carlo(const DocNode& document, std::size_t runs, std::uint64_t seed, unsigned threads = 0,
                                 const std::function<void(std::size_t, std::size_t)>& progress = {},
                                 const std::vector<std::string>& monthly = default_fan_series(),
                                 const RunDistributor* distributor = nullptr, EngineKind engine = EngineKind::step);

// The results the table and runs.csv show when --metrics is not given.
std::vector<std::string> default_table_metrics(const MonteCarloResult& r);
std::vector<std::string> default_runs_csv_metrics();

Json monte_carlo_json(const MonteCarloResult& r);
// The statistics of `metrics` (default_table_metrics when empty), then of each
// uncertain input's draws.
std::string monte_carlo_table(const MonteCarloResult& r, const std::vector<std::string>& metrics = {});
// One row per run: each uncertain input's drawn value (a number in its unit,
// named in the header: `price (USD/gpu-h)`), then `metrics` of that run
// (default_runs_csv_metrics when empty).
std::string monte_carlo_runs_csv(const MonteCarloResult& r, const std::vector<std::string>& metrics = {});

}  // namespace gpusim
