// Randomness inside a run (sim/engine/fleet.cpp and allocation.cpp, design.md "Randomness"):
// without `seed:` every quantity is its expected value (noise and failure draws
// ignored); with a seed, failures are drawn per step from afr and demand gets its
// noise, and over many run_index values the draws average out to the expected
// values, within tolerances from their variances. The same seed and run_index
// give identical Results; another run_index (or seed) other ones.
//
// Every scenario uses 1 d steps and `year: 365d` (8,760 h a year).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"

namespace gpusim {
namespace {

ScenarioSpec spec_of(const std::string& text) {
  Diagnostics diags;
  const DocNode doc = parse_yaml_text(R"(
catalog:
  T1: {tdp: 1000 W, idle: 200 W, overhead: 300 W, price: 10000 USD}
)" + text, "random.yaml", diags);
  diags.throw_if_any();
  return read_scenario(doc);
}

Results run(const ScenarioSpec& spec, std::uint64_t run_index = 0) { return run_scenario(spec, EngineOptions{run_index}); }

std::string dump(const Results& r) { return summary_json(r).dump(); }

bool same_series(const Results& a, const Results& b) {
  const StepSeries &x = a.series, &y = b.series;
  return (x.available_gpus == y.available_gpus).all() && (x.billed_gpu_hours == y.billed_gpu_hours).all() &&
         (x.unserved_gpu_hours == y.unserved_gpu_hours).all() && (x.revenue_usd == y.revenue_usd).all() &&
         (x.facility_power_w == y.facility_power_w).all();
}

// 1,000 GPUs failing at 50% a year, down 3 days; on-demand demand of 100 GPUs
// with 20% noise; 60 days. SEED is replaced by a seed line (or nothing).
const std::string kNoisy = R"(name: noisy
time: {start: 2024-01-01, duration: 60d, step: 1d, year: 365d}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 1000, afr: 50%, repair: REPAIR}]
demand: [{name: od, pool: p, kind: on_demand, gpus: 100, price: 2 USD/gpu-h, noise: 20%}]
)";

std::string noisy(const std::string& repair, const std::string& extra = "") {
  std::string text = kNoisy;
  text.replace(text.find("REPAIR"), 6, repair);
  return text + extra;
}

TEST(Randomness, WithoutASeedThereIsNoNoise) {
  const ScenarioSpec spec = spec_of(noisy("3d"));
  ASSERT_FALSE(spec.seed);
  const Results a = run(spec), b = run(spec), c = run(spec, 17);
  EXPECT_EQ(dump(a), dump(b));
  EXPECT_EQ(dump(a), dump(c));
  EXPECT_TRUE(same_series(a, b));
  EXPECT_TRUE(same_series(a, c));
  // Noise ignored: the same as without it, and demand is served exactly:
  // 100 GPUs × 1,440 h = 144,000 GPU-h.
  std::string quiet_text = noisy("3d");
  quiet_text.replace(quiet_text.find(", noise: 20%"), 12, "");
  const Results quiet = run(spec_of(quiet_text));
  EXPECT_EQ(dump(a), dump(quiet));
  EXPECT_EQ(a.summary.gpu_hours_billed, 100.0 * 1440);
  // Failures are their expected share: afr × repair ÷ year = 0.5 × 72 / 8,760.
  const double installed = 1000.0 * 1440;
  EXPECT_NEAR(a.summary.gpu_hours_available, installed * (1 - 0.5 * 72 / 8760), 1e-9 * installed);
  for (Eigen::Index k = 0; k < a.series.available_gpus.size(); ++k)
    EXPECT_NEAR(a.series.available_gpus[k], 1000 * (1 - 0.5 * 72 / 8760), 1e-9 * 1000);
}

// Repair of one step: every GPU is back at each step's start, so each step
// draws Binomial(N, p) failures, p = afr × 24 h / 8,760 h, independently:
//   down GPU-hours D = 24 Σ_k f_k over S = 60 steps,
//   E[D] = 24 S N p            (= the expected-value run's installed − available)
//   Var[D] = 24² S N p (1 − p).
// Over M runs the mean of D is within 5 √(Var[D]/M) of E[D], and the sample
// variance within 5 standard errors, Var[D] √(2/M) (D is close to normal).
TEST(Randomness, DrawnFailuresAverageToTheExpectedDownShare) {
  const ScenarioSpec seeded = spec_of(noisy("1d", "seed: 42\n"));
  const ScenarioSpec expected_run = spec_of(noisy("1d"));
  const double N = 1000, S = 60, p = 0.5 * 24 / 8760, M = 400;
  const double installed = N * S * 24;
  const double expected_down = 24 * S * N * p;
  const Results e = run(expected_run);
  EXPECT_NEAR(installed - e.summary.gpu_hours_available, expected_down, 1e-9 * installed);
  std::vector<double> down;
  for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(M); ++i) {
    const Results r = run(seeded, i);
    EXPECT_EQ(r.summary.gpu_hours_installed, installed);
    // Whole GPUs fail: each step's available count is a whole number.
    for (Eigen::Index k = 0; k < r.series.available_gpus.size(); ++k)
      ASSERT_EQ(r.series.available_gpus[k], std::floor(r.series.available_gpus[k]));
    down.push_back(installed - r.summary.gpu_hours_available);
  }
  double mean = 0;
  for (double d : down) mean += d / M;
  double var = 0;
  for (double d : down) var += (d - mean) * (d - mean) / (M - 1);
  const double var_d = 24.0 * 24 * S * N * p * (1 - p);
  EXPECT_NEAR(mean, expected_down, 5 * std::sqrt(var_d / M));
  EXPECT_NEAR(var, var_d, 5 * var_d * std::sqrt(2 / M));
}

// Repair of R = 3 steps: a GPU failing at step k is down for steps k, k+1, k+2.
// In steady state (from step R − 1 on) each step draws Binomial(N − d', p) where
// d' are the GPUs still down from the previous R − 1 steps, so the mean failures
// per step f̄ = p (N − (R − 1) f̄), i.e. f̄ = N p / (1 + (R − 1) p), and the mean
// down count R f̄ — within (R − 1) p = 0.3% of the expected-value run's
// N × afr × repair ÷ year = R N p. The first step has only its own failures: N p.
TEST(Randomness, DrawnFailuresWithALongerRepair) {
  const ScenarioSpec seeded = spec_of(noisy("3d", "seed: 7\n"));
  const double N = 1000, p = 0.5 * 24 / 8760, R = 3, M = 200;
  const Eigen::Index S = 60, first = 2;
  double steady = 0, step0 = 0;
  for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(M); ++i) {
    const Results r = run(seeded, i);
    const auto& a = r.series.available_gpus;
    step0 += (N - a[0]) / M;
    for (Eigen::Index k = first; k < S; ++k) steady += (N - a[k]) / (M * static_cast<double>(S - first));
  }
  // Standard errors: step 0 is Binomial(N, p) per run; the steady mean over
  // S' = 58 steps averages each step's failures about R times, so its variance
  // per run is at most R² N p / S'.
  const double f_bar = N * p / (1 + (R - 1) * p);
  EXPECT_NEAR(step0, N * p, 5 * std::sqrt(N * p * (1 - p) / M));
  EXPECT_NEAR(steady, R * f_bar, 5 * std::sqrt(R * R * N * p / static_cast<double>(S - first) / M));
  EXPECT_NEAR(steady, R * N * p, 0.05 * R * N * p);
}

// A repair that is not a whole number of steps (12 h, 36 h at 1 d steps) keeps
// failed GPUs down for that time — not rounded to whole steps, which at 1 d made
// a 12 h repair count as 24 h and a 36 h one as 48 h. With R = repair ÷ step:
// GPUs failing at a step's start are down all of it when R ≥ 1 and R of it when
// less, and the share R − ⌈R⌉ + 1 of their last step. So in steady state the mean
// down count is R f̄ with f̄ = N p / (1 + (⌈R⌉ − 1) p) (failures drawn from the GPUs
// up), matching the expected-value run's R N p within (⌈R⌉ − 1) p = 0.1%.
TEST(Randomness, RegressionRepairShorterOrLongerThanWholeSteps) {
  const double N = 1000, p = 0.5 * 24 / 8760, M = 200;
  const Eigen::Index S = 60;
  for (const auto& [repair, R] : {std::pair<std::string, double>{"12h", 0.5}, {"36h", 1.5}}) {
    const ScenarioSpec seeded = spec_of(noisy(repair, "seed: 11\n"));
    const Results expected = run(spec_of(noisy(repair)));
    // The expected-value run: N × afr × repair ÷ year down each step.
    EXPECT_NEAR(N - expected.series.available_gpus[5], R * N * p, 1e-9 * N) << repair;
    double steady = 0;
    for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(M); ++i) {
      const Results r = run(seeded, i);
      for (Eigen::Index k = 1; k < S; ++k) steady += (N - r.series.available_gpus[k]) / (M * static_cast<double>(S - 1));
    }
    const double f_bar = N * p / (1 + (std::ceil(R) - 1) * p);
    // Each step's failures count in at most ⌈R⌉ = 2 steps' means: variance per run ≤ (2R)² N p / (S − 1).
    EXPECT_NEAR(steady, R * f_bar, 5 * std::sqrt(4 * R * R * N * p / static_cast<double>(S - 1) / M)) << repair;
  }
}

// Demand noise: each step wants 100 × max(0, 1 + 0.2 z) GPUs, z ~ N(0, 1) (the
// clamp at 0 needs z < −5: negligible). With no failures and room for all of it,
// billed = wanted: per step mean 100 GPUs, sd 20; over S steps and M runs the
// mean billed GPU-hours per run is within 5 × 20 × 24 × √(S/M) of 100 × 24 × S,
// and the per-step sd within 5 × 20/√(2 S M) of 20.
TEST(Randomness, DemandNoiseAveragesOutToTheExpectedDemand) {
  const ScenarioSpec spec = spec_of(R"(name: demand noise
time: {start: 2024-01-01, duration: 60d, step: 1d, year: 365d}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 1000}]
demand: [{name: od, pool: p, kind: on_demand, gpus: 100, price: 2 USD/gpu-h, noise: 20%}]
seed: 2024
)");
  const double S = 60, M = 100;
  double mean_billed = 0, sum = 0, sum_sq = 0;
  for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(M); ++i) {
    const Results r = run(spec, i);
    mean_billed += r.summary.gpu_hours_billed / M;
    EXPECT_EQ(r.summary.unserved_gpu_hours, 0.0);
    // Revenue follows what is billed.
    EXPECT_NEAR(r.summary.revenue_usd, 2 * r.summary.gpu_hours_billed, 1e-9 * r.summary.revenue_usd);
    for (Eigen::Index k = 0; k < r.series.billed_gpu_hours.size(); ++k) {
      const double gpus = r.series.billed_gpu_hours[k] / 24;
      sum += gpus;
      sum_sq += gpus * gpus;
    }
  }
  EXPECT_NEAR(mean_billed, 100 * 24 * S, 5 * 20 * 24 * std::sqrt(S / M));
  const double n = S * M, m = sum / n;
  const double sd = std::sqrt((sum_sq - n * m * m) / (n - 1));
  EXPECT_NEAR(sd, 20, 5 * 20 / std::sqrt(2 * n));
}

// Noise that cannot be served (demand above the pool) is unserved, not billed.
TEST(Randomness, NoisyDemandAboveThePoolIsUnserved) {
  const Results r = run(spec_of(R"(name: demand over
time: {start: 2024-01-01, duration: 30d, step: 1d, year: 365d}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
demand: [{name: od, pool: p, kind: on_demand, gpus: 100, price: 2 USD/gpu-h, noise: 50%}]
seed: 1
)"));
  EXPECT_LE(r.summary.gpu_hours_billed, 100.0 * 720);
  EXPECT_GT(r.summary.unserved_gpu_hours, 0.0);
  for (Eigen::Index k = 0; k < r.series.billed_gpu_hours.size(); ++k) EXPECT_LE(r.series.billed_gpu_hours[k], 100.0 * 24);
}

TEST(Randomness, SameSeedAndRunIndexGiveIdenticalResults) {
  const ScenarioSpec spec = spec_of(noisy("3d", "seed: 99\n"));
  const Results a = run(spec, 3), b = run(spec, 3);
  EXPECT_EQ(dump(a), dump(b));
  EXPECT_TRUE(same_series(a, b));
  // Another run index, or another seed: other draws.
  const Results c = run(spec, 4);
  EXPECT_NE(dump(a), dump(c));
  EXPECT_FALSE((a.series.available_gpus == c.series.available_gpus).all());
  EXPECT_FALSE((a.series.billed_gpu_hours == c.series.billed_gpu_hours).all());
  const Results d = run(spec_of(noisy("3d", "seed: 100\n")), 3);
  EXPECT_NE(dump(a), dump(d));
  // Seed 0 is a seed like any other: draws, not expected values.
  const Results zero = run(spec_of(noisy("3d", "seed: 0\n")));
  EXPECT_NE(dump(zero), dump(run(spec_of(noisy("3d")))));
}

// Two identical pools (and two identical demands) draw from their own streams.
TEST(Randomness, EachPoolAndDemandHasItsOwnStream) {
  const Results r = run(spec_of(R"(name: two pools
time: {start: 2024-01-01, duration: 60d, step: 1d, year: 365d}
sites: [{name: s}]
fleet:
  - {name: a, gpu: T1, site: s, count: 1000, afr: 50%, repair: 1d}
  - {name: b, gpu: T1, site: s, count: 1000, afr: 50%, repair: 1d}
demand:
  - {name: x, pool: a, kind: on_demand, gpus: 100, price: 2 USD/gpu-h, noise: 20%}
  - {name: y, pool: b, kind: on_demand, gpus: 100, price: 2 USD/gpu-h, noise: 20%}
seed: 5
)"));
  ASSERT_EQ(r.pools.size(), 2u);
  EXPECT_NE(r.pools[0].gpu_hours_available, r.pools[1].gpu_hours_available);
  ASSERT_EQ(r.contracts.size(), 2u);
  EXPECT_NE(r.contracts[0].billed_gpu_hours, r.contracts[1].billed_gpu_hours);
}

}  // namespace
}  // namespace gpusim
