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

#include "sim/output/summary.hpp"
#include "sim/scenario/document.hpp"

namespace gpusim {

struct MetricStats {
  std::string name;
  std::size_t count = 0;  // runs where the metric was defined
  double mean = 0, sd = 0, p5 = 0, p50 = 0, p95 = 0;
};

struct MonthlyBand {
  std::vector<std::string> months;  // "2024-01", …
  std::vector<double> p5, p50, p95;
};

struct MonteCarloResult {
  std::size_t runs = 0;
  std::uint64_t seed = 0;
  std::vector<MetricStats> metrics;  // every scalar of the summary, in summary order
  std::vector<std::vector<std::string>> drawn;  // per run: the uncertain inputs as written ("2.73 USD/gpu-h")
  std::vector<std::string> uncertain_names;
  // Per run, the headline results (for runs.csv): names, then one row per run (NaN: null).
  std::vector<std::string> result_names;
  std::vector<std::vector<double>> results;
  MonthlyBand revenue, net_income, cumulative_cash;  // USD per month / cumulative
};

// Percentile by linear interpolation between order statistics (q in [0, 1]).
double percentile(std::vector<double> values, double q);

// The message when `runs` cannot be run (0), for every front end to say the same.
std::optional<std::string> check_runs(std::size_t runs);

// Throws ScenarioError/ModelError as a run would.
MonteCarloResult run_monte_carlo(const DocNode& document, std::size_t runs, std::uint64_t seed, unsigned threads = 0,
                                 const std::function<void(std::size_t, std::size_t)>& progress = {});

Json monte_carlo_json(const MonteCarloResult& r);
std::string monte_carlo_table(const MonteCarloResult& r);
// One row per run: the uncertain inputs drawn, as written into the scenario,
// then the headline results of that run.
std::string monte_carlo_runs_csv(const MonteCarloResult& r);

}  // namespace gpusim
