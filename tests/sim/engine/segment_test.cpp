// The segment engine (sim/engine/segment_allocation.cpp) against the step
// engine, the reference: every shipped scenario (as written and under a seed)
// and 300 random ones (deal terms, windows at any hour, seeds; at 1 h and 1 d
// steps) give the same results to 1e-9 relative: every summary scalar, each
// contract's totals and every per-step series. Both are exact within a step
// (a demand crossing what is left inside a step is split at the crossing,
// docs/model.md "Allocation"), and shipped and random scenarios have such
// crossings. Drawn failures and demand noise run on segments too (their pools
// kept per step). Plus a hand-computed crossing inside a run, hand sums over a
// drawn pool (fits, takes everything, mixed), and the summary path
// (EngineOptions::series off): no per-step series, the same summary.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/engine/solve.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/engine.hpp"
#include "tests/support/random_scenario.hpp"

namespace gpusim {
namespace {

const EngineOptions kStep{0, EngineKind::step};
const EngineOptions kSegment{0, EngineKind::segment};
const EngineOptions kSegmentSummary{0, EngineKind::segment, false};

// |a − b| ≤ 1e-9 × max(|a|, |b|, floor): floor absorbs rounding of results
// that should be 0 (GPU-hours, USD and kWh far below anything shown).
bool close(double a, double b, double floor) {
  return std::fabs(a - b) <= 1e-9 * std::max({std::fabs(a), std::fabs(b), floor});
}

// Each step within 1e-9 of the largest step of any series in the same unit:
// a refund that is 0 up to rounding (P − Σ applied, both near P) compares with
// the prepayment, not with itself.
void expect_same_series(const char* name, const Eigen::ArrayXd& step, const Eigen::ArrayXd& segment, double scale) {
  ASSERT_EQ(step.size(), segment.size()) << name;
  for (Eigen::Index k = 0; k < step.size(); ++k)
    if (!close(step[k], segment[k], scale)) {
      ADD_FAILURE() << name << "[" << k << "]: step " << step[k] << ", segment " << segment[k];
      return;
    }
}

// The unit of a result's name: its last word (hours, usd, kwh, wh, gpus, …).
std::string unit_of(const std::string& name) { return name.substr(name.find_last_of("._") + 1); }

// The summary (every scalar of the JSON, with contracts, pools and sites), the
// contracts' intermediates and every per-step series.
void expect_same_results(const Results& step, const Results& segment) {
  const auto a = flatten_all(summary_json(step)), b = flatten_all(summary_json(segment));
  ASSERT_EQ(a.size(), b.size());
  // Each scalar within 1e-9 of itself or of the largest scalar in its unit
  // (the name's last word: hours, usd, kwh, …): a shortfall that is 0 in one
  // engine may be 1e-6 GPU-hours in the other out of 1e9.
  std::map<std::string, double> largest;
  for (const auto& [name, v] : a)
    if (v) largest[unit_of(name)] = std::max(largest[unit_of(name)], std::fabs(*v));
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].first, b[i].first);
    // The goal-seek's count of evaluations may differ with the last digits of its trials.
    if (a[i].first == "solve.evaluations") continue;
    ASSERT_EQ(a[i].second.has_value(), b[i].second.has_value()) << a[i].first;
    if (a[i].second) {
      EXPECT_TRUE(close(*a[i].second, *b[i].second, largest[unit_of(a[i].first)]))
          << a[i].first << ": step " << *a[i].second << ", segment " << *b[i].second;
    }
  }
  ASSERT_EQ(step.contracts.size(), segment.contracts.size());
  for (std::size_t i = 0; i < step.contracts.size(); ++i) {
    const ContractResult &x = step.contracts[i], &y = segment.contracts[i];
    SCOPED_TRACE(x.name);
    const double hours = std::max({x.contracted_gpu_hours, x.billed_gpu_hours, 1.0});
    for (auto [p, q] : {std::pair{x.contracted_gpu_hours, y.contracted_gpu_hours}, {x.billed_gpu_hours, y.billed_gpu_hours},
                        {x.busy_gpu_hours, y.busy_gpu_hours}, {x.shortfall_gpu_hours, y.shortfall_gpu_hours},
                        {x.renewed_gpu_hours, y.renewed_gpu_hours}})
      EXPECT_TRUE(close(p, q, hours)) << p << " vs " << q;
    const double money = std::max({std::fabs(x.value_usd), std::fabs(x.revenue_usd), 1.0});
    for (auto [p, q] : {std::pair{x.value_usd, y.value_usd}, {x.revenue_usd, y.revenue_usd},
                        {x.termination_fee_usd, y.termination_fee_usd}})
      EXPECT_TRUE(close(p, q, money)) << p << " vs " << q;
  }
  const StepSeries &s = step.series, &t = segment.series;
  const std::pair<const char*, Eigen::ArrayXd StepSeries::*> series[] = {
      {"installed_gpus", &StepSeries::installed_gpus}, {"available_gpus", &StepSeries::available_gpus},
      {"contracted_gpus", &StepSeries::contracted_gpus}, {"billed_gpu_hours", &StepSeries::billed_gpu_hours},
      {"busy_gpu_hours", &StepSeries::busy_gpu_hours}, {"shortfall_gpu_hours", &StepSeries::shortfall_gpu_hours},
      {"unserved_gpu_hours", &StepSeries::unserved_gpu_hours}, {"it_power_w", &StepSeries::it_power_w},
      {"facility_power_w", &StepSeries::facility_power_w}, {"it_energy_wh", &StepSeries::it_energy_wh},
      {"facility_energy_wh", &StepSeries::facility_energy_wh}, {"revenue_usd", &StepSeries::revenue_usd},
      {"energy_cost_usd", &StepSeries::energy_cost_usd}, {"colocation_usd", &StepSeries::colocation_usd},
      {"opex_usd", &StepSeries::opex_usd}, {"depreciation_usd", &StepSeries::depreciation_usd},
      {"interest_usd", &StepSeries::interest_usd}, {"other_usd", &StepSeries::other_usd},
      {"tax_usd", &StepSeries::tax_usd}, {"capex_usd", &StepSeries::capex_usd},
      {"debt_drawn_usd", &StepSeries::debt_drawn_usd}, {"debt_repaid_usd", &StepSeries::debt_repaid_usd},
      {"prepayment_usd", &StepSeries::prepayment_usd}, {"prepayment_applied_usd", &StepSeries::prepayment_applied_usd},
      {"prepayment_refund_usd", &StepSeries::prepayment_refund_usd},
      {"deferred_revenue_usd", &StepSeries::deferred_revenue_usd}, {"ppa_energy_wh", &StepSeries::ppa_energy_wh},
      {"energy_cost_ppa_usd", &StepSeries::energy_cost_ppa_usd},
      {"energy_cost_grid_usd", &StepSeries::energy_cost_grid_usd}, {"co2_kg", &StepSeries::co2_kg}};
  std::map<std::string, double> largest_step;
  for (const auto& [name, member] : series)
    if ((s.*member).size() > 0) largest_step[unit_of(name)] = std::max(largest_step[unit_of(name)], (s.*member).abs().maxCoeff());
  for (const auto& [name, member] : series) expect_same_series(name, s.*member, t.*member, largest_step[unit_of(name)]);
  EXPECT_EQ(s.co2_known, t.co2_known);
}

// Runs the document with both engines and compares; returns whether the
// segment engine ran.
bool compare_engines(const DocNode& doc) {
  const Results step = run_document(doc, kStep);
  const Results segment = run_document(doc, kSegment);
  EXPECT_FALSE(step.segment_engine);
  expect_same_results(step, segment);
  // The summary path (no per-step series) gives the same summary, to the bit.
  const Results summary_only = run_document(doc, kSegmentSummary);
  EXPECT_EQ(summary_only.series.revenue_usd.size(), 0);
  EXPECT_EQ(summary_json(summary_only).dump(), summary_json(segment).dump());
  return segment.segment_engine;
}

TEST(SegmentEngine, EveryShippedScenarioGivesTheStepEnginesResults) {
  const auto files = testing::shipped_scenarios();
  ASSERT_GE(files.size(), 35u);
  int on_segments = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const LoadedScenario loaded = load_scenario(file.string());
    on_segments += compare_engines(loaded.document);
  }
  EXPECT_EQ(on_segments, static_cast<int>(files.size()));
}

// Under a seed failures (afr) are drawn and demand noise too: the segment
// engine keeps those pools per step and still gives the step engine's results.
TEST(SegmentEngine, EveryShippedScenarioUnderASeedGivesTheStepEnginesResults) {
  int drawn = 0;
  for (const auto& file : testing::shipped_scenarios()) {
    SCOPED_TRACE(file.string());
    const LoadedScenario loaded = load_scenario(file.string(), {"seed=20261130"});
    EXPECT_TRUE(compare_engines(loaded.document));
    for (const FleetSpec& f : loaded.spec.fleet) drawn += f.afr > 0;
  }
  // Pools with drawn failures among them: two outside the benchmark campus,
  // whose 72 cohorts the sanitized build leaves out (tests/support/engine.hpp).
  EXPECT_GE(drawn, 2);
}

TEST(SegmentEngine, ThreeHundredRandomScenariosGiveTheStepEnginesResults) {
  testing::SplitMix64 rng(15);
  int compared = 0, on_segments = 0, seeded_on_segments = 0, drawn_on_segments = 0;
  for (int i = 0; i < 300; ++i) {
    testing::GenerateOptions opts;
    opts.deal_terms = true;
    opts.any_hour = i % 2 == 1;
    opts.seed = i % 3 == 0;
    opts.drawn = true;  // drawn failures and demand noise under the seed
    const testing::Generated g = testing::generate(rng, opts);
    for (const char* step : {"1h", "1d"}) {
      SCOPED_TRACE("scenario " + std::to_string(i) + " at " + step + ":\n" + g.yaml);
      Diagnostics diags;
      const DocNode doc = parse_yaml_text(testing::with_step(g.yaml, step), "random.yaml", diags);
      ASSERT_TRUE(diags.empty());
      const ScenarioSpec spec = read_scenario(doc);
      try {
        run_document(doc, kStep);
      } catch (const ModelError&) {
        continue;  // a `value` with no GPU-hours in the run: both engines refuse it (same stage)
      }
      ++compared;
      const bool segments = compare_engines(doc);
      on_segments += segments;
      seeded_on_segments += segments && spec.seed;
      bool drawn = false;  // failures drawn or demand noisy: pools kept per step
      for (const FleetSpec& f : spec.fleet) drawn = drawn || (spec.seed && f.afr > 0);
      for (const ContractSpec& c : spec.demand) drawn = drawn || (spec.seed && c.noise > 0);
      drawn_on_segments += segments && drawn;
      if (::testing::Test::HasFailure()) return;
    }
  }
  // All ran on segments, a good share of them under a seed with drawn failures or noise.
  EXPECT_GE(compared, 500);
  EXPECT_EQ(on_segments, compared);
  EXPECT_GE(seeded_on_segments, 150);
  EXPECT_GE(drawn_on_segments, 100);
}

// 100 GPUs for nine days at 1 h steps; a reserved ramp from 0 at the start to
// RAMP GPUs 200 h later, when it ends; then a spot demand of SPOT GPUs.
std::string ramp_then_spot(const std::string& ramp, const std::string& spot) {
  return R"(
name: crossing
time: {start: 2025-01-01, end: 2025-01-10, step: 1h, year: 365d}
sites: [{name: s, pue: 1.0, electricity: 0 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts:
  - {name: ramp, pool: p, gpus: [{at: 2025-01-01, count: 0}, {at: 2025-01-09T08:00, count: )" + ramp + R"(}], end: 2025-01-09T08:00, price: 1 USD/gpu-h}
demand:
  - {name: spot, kind: spot, pool: p, gpus: )" + spot + R"(, price: 1 USD/gpu-h}
)";
}

// A pool of 100 GPUs and a ramp from 0 to 200 GPUs over 200 hours, at 1 h
// steps: step k asks for its average, k + 0.5 GPUs. It gets all of it up to
// step 99 (99.5 ≤ 100), then the 100 left: the run splits at the crossing.
//   billed = Σ_{k=0}^{99} (k + 0.5) + 100 × 100 = 5,000 + 10,000 = 15,000 GPU-h
//   contracted = Σ_{k=0}^{199} (k + 0.5) = 20,000 GPU-h; shortfall = 5,000 GPU-h
//   then a spot demand of 50 GPUs gets 100 − (k + 0.5) for k < 100 and nothing after:
//   min(50, 99.5 − k): 50 for k ≤ 49, 99.5 − k for 50 ≤ k ≤ 99 → 2,500 + Σ_{j=0}^{49}(49.5 − j) = 2,500 + 1,250 = 3,750
TEST(SegmentEngine, ARampCrossingWhatIsLeftSplitsItsRunAtTheCrossing) {
  const std::string text = ramp_then_spot("200", "50");
  for (const EngineOptions& options : {kStep, kSegment}) {
    const Results r = testing::run_yaml(text, options);
    EXPECT_EQ(r.segment_engine, options.engine == EngineKind::segment);
    EXPECT_NEAR(r.contracts[0].billed_gpu_hours, 15000.0, 1e-6);
    EXPECT_NEAR(r.contracts[0].contracted_gpu_hours, 20000.0, 1e-6);
    EXPECT_NEAR(r.contracts[0].shortfall_gpu_hours, 5000.0, 1e-6);
    // The spot demand: 3,750 GPU-h while the ramp runs, then 50 GPUs for 9 × 24 − 200 = 16 hours (800).
    EXPECT_NEAR(r.contracts[1].billed_gpu_hours, 3750.0 + 800.0, 1e-6);
    EXPECT_NEAR(r.series.billed_gpu_hours[99], 99.5 + 0.5, 1e-9);  // the ramp's 99.5 and spot's 0.5
    EXPECT_NEAR(r.series.billed_gpu_hours[100], 100.0, 1e-9);
  }
}

// A crossing inside an hour, in the middle of a run: 100 GPUs; a ramp from 0
// to 300 GPUs over 200 h, want(t) = 1.5 t, crosses 100 at t = 200/3 h, inside
// step 66 [66, 67):
//   got = ∫₀^{200/3} 1.5 t dt + 100 × (200 − 200/3) = 0.75 × (200/3)² + 40,000/3
//       = 10,000/3 + 40,000/3 = 50,000/3 GPU-h (min of the hours' averages: 16,666.75)
//   contracted = 0.75 × 200² = 30,000; shortfall = 30,000 − 50,000/3 = 40,000/3 GPU-h
//   step 66: ∫₆₆^{200/3} 1.5 t dt + 100 × 1/3 = 0.75 × (40,000 − 39,204)/9 + 100/3 = 199/3 + 100/3 = 299/3
// A spot demand of 0.5 GPUs then meets what is left, 100 − 1.5 t, kinked to 0
// at 200/3 inside step 66; it crosses 0.5 at t = 199/3 h, inside the same step:
//   during the ramp: 0.5 × 199/3 + (200/3 − 199/3) × 0.5 ÷ 2 = 199/6 + 1/12 = 399/12 = 33.25 GPU-h
//   after it (200 h to 216 h): 0.5 × 16 = 8; total 41.25, unserved 0.5 × 216 − 41.25 = 66.75
//   step 66: 0.5 × 1/3 + 1/12 = 0.25, so billed in step 66 = 299/3 + 1/4
TEST(SegmentEngine, ACrossingInsideAnHourSplitsThatHourInBothEngines) {
  const std::string text = ramp_then_spot("300", "0.5");
  for (const EngineOptions& options : {kStep, kSegment}) {
    SCOPED_TRACE(options.engine == EngineKind::segment ? "segment" : "step");
    const Results r = testing::run_yaml(text, options);
    EXPECT_NEAR(r.contracts[0].billed_gpu_hours, 50000.0 / 3.0, 1e-8);
    EXPECT_NEAR(r.contracts[0].contracted_gpu_hours, 30000.0, 1e-8);
    EXPECT_NEAR(r.contracts[0].shortfall_gpu_hours, 40000.0 / 3.0, 1e-8);
    EXPECT_NEAR(r.contracts[1].billed_gpu_hours, 41.25, 1e-9);
    EXPECT_NEAR(r.contracts[1].shortfall_gpu_hours, 66.75, 1e-9);
    EXPECT_NEAR(r.series.billed_gpu_hours[66], 299.0 / 3.0 + 0.25, 1e-9);
    EXPECT_NEAR(r.series.billed_gpu_hours[65], 1.5 * 65.5 + 0.5, 1e-9);  // both fit: 98.25 + 0.5
    EXPECT_NEAR(r.series.billed_gpu_hours[67], 100.0, 1e-9);            // the ramp takes all
  }
}

TEST(SegmentEngine, DrawnFailuresAndDemandNoiseRunOnSegmentsAndGiveTheStepEnginesResults) {
  const std::string base = R"(
name: seeded
seed: 3
time: {start: 2025-01-01, end: 2025-02-01, step: 1h}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100AFR}]
contracts: [{name: r, pool: p, gpus: [{at: 2025-01-01, count: 10}, {at: 2025-01-20T06:00, count: 90}], price: 3 USD/gpu-h}]
demand: [{name: d, pool: p, gpus: 80, price: 2 USD/gpu-h NOISE}, {name: spot, kind: spot, pool: p, gpus: 30, price: 1 USD/gpu-h}]
)";
  auto scenario = [&](const std::string& afr, const std::string& noise) {
    std::string t = base;
    t.replace(t.find("AFR"), 3, afr);
    t.replace(t.find("NOISE"), 5, noise);
    return std::string(testing::kTestCatalog) + t;
  };
  for (const auto& [afr, noise] : std::vector<std::pair<std::string, std::string>>{
           {", afr: 1000%, repair: 1d", ""}, {"", ", noise: 20%"}, {", afr: 500%, repair: 30h", ", noise: 40%"}}) {
    SCOPED_TRACE(afr + noise);
    const DocNode doc = testing::document_of(scenario(afr, noise));
    EXPECT_TRUE(compare_engines(doc));
    // Drawn: the unseeded run differs.
    DocNode unseeded = testing::document_of(scenario(afr, noise).replace(scenario(afr, noise).find("seed: 3"), 7, ""));
    EXPECT_NE(run_document(unseeded, kSegment).contracts[1].billed_gpu_hours,
              run_document(doc, kSegment).contracts[1].billed_gpu_hours);
  }

  // The command runs it on segments without a note.
  testing::TempDir dir;
  const std::string file = dir.write("seeded.yaml", scenario(", afr: 1000%", ", noise: 20%"));
  const auto segment = testing::run_gpusim(dir.path(), "run " + testing::shell_quote(file) + " --engine segment --format json");
  ASSERT_EQ(segment.status, 0) << segment.err;
  EXPECT_EQ(segment.err, "");
}

// A pool of 100 GPUs whose failures are drawn (afr 1000%/y, 3-day repairs,
// daily steps over 2025): about 100 × 10 × 72 ÷ 8,760 ≈ 8 GPUs down, so the
// drawn available a_k moves around 92 from day to day. Three contracts in
// allocation order:
//   fits    50 GPUs reserved: a_k ≥ 50 every day, so it gets 50 every day:
//           50 × 24 × 365 = 438,000 GPU-h, and leaves a_k − 50
//   mixed   40 GPUs reserved: gets min(40, a_k − 50), all 40 on days a_k ≥ 90,
//           what is left on the others (its run splits where a_k crosses 90)
//   all     spot of 1,000 GPUs: takes everything left, a_k − 50 − min(40, a_k − 50)
//           = max(0, a_k − 90), every day
// So the three together get Σ a_k × 24: every available GPU-hour is billed.
// The sums over the drawn a_k (the run's available_gpus series) by hand, in
// the test, against both engines.
TEST(SegmentEngine, APoolWithDrawnFailuresGivesEachContractItsHandSum) {
  const std::string text = R"(
name: drawn
seed: 11
time: {start: 2025-01-01, end: 2026-01-01, step: 1d}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100, afr: 1000%, repair: 3d}]
contracts:
  - {name: fits, pool: p, gpus: 50, price: 1 USD/gpu-h}
  - {name: mixed, pool: p, gpus: 40, price: 1 USD/gpu-h}
demand: [{name: all, kind: spot, pool: p, gpus: 1000, price: 1 USD/gpu-h}]
)";
  const Results step = testing::run_yaml(text, kStep);
  const Eigen::ArrayXd& a = step.series.available_gpus;
  ASSERT_EQ(a.size(), 365);
  // The drawn series crosses 90 both ways (mixed), stays above 50 (fits).
  EXPECT_GE(a.minCoeff(), 50.0);
  EXPECT_LT(a.minCoeff(), 90.0);
  EXPECT_GT(a.maxCoeff(), 90.0);
  double mixed = 0.0, all = 0.0;
  for (Eigen::Index k = 0; k < a.size(); ++k) {
    mixed += std::min(40.0, a[k] - 50.0) * 24.0;
    all += std::max(0.0, a[k] - 90.0) * 24.0;
  }
  for (const EngineOptions& options : {kStep, kSegment, kSegmentSummary}) {
    SCOPED_TRACE(options.engine == EngineKind::segment ? "segment" : "step");
    const Results r = testing::run_yaml(text, options);
    EXPECT_EQ(r.segment_engine, options.engine == EngineKind::segment);
    EXPECT_NEAR(r.contracts[0].billed_gpu_hours, 438000.0, 1e-6);
    EXPECT_NEAR(r.contracts[1].billed_gpu_hours, mixed, 1e-6);
    EXPECT_NEAR(r.contracts[1].shortfall_gpu_hours, 40.0 * 24 * 365 - mixed, 1e-6);
    EXPECT_NEAR(r.contracts[2].billed_gpu_hours, all, 1e-6);
    EXPECT_NEAR(r.contracts[2].shortfall_gpu_hours, 1000.0 * 24 * 365 - all, 1e-6);
    EXPECT_NEAR(r.summary.gpu_hours_available, 438000.0 + mixed + all, 1e-6);
    if (options.series) {
      // Day by day: a_k, all of it billed.
      for (Eigen::Index k = 0; k < a.size(); ++k) EXPECT_NEAR(r.series.billed_gpu_hours[k], a[k] * 24.0, 1e-9) << k;
    }
  }
}

// Without EngineOptions::series the run fills no per-step series (the segment
// engine builds none: its stages work on segments), and its summary is the
// same as with them.
TEST(SegmentEngine, ASummaryWithoutSeriesLeavesThePerStepSeriesEmpty) {
  const std::string file = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/articles/coreweave-2024-financials.yaml";
  const LoadedScenario loaded = load_scenario(file);
  for (const EngineKind kind : {EngineKind::step, EngineKind::segment}) {
    const Results with = run_scenario(loaded.spec, {0, kind, true});
    const Results without = run_scenario(loaded.spec, {0, kind, false});
    EXPECT_EQ(without.segment_engine, kind == EngineKind::segment);
    const StepSeries& s = without.series;
    for (const Eigen::ArrayXd* a :
         {&s.installed_gpus, &s.available_gpus, &s.contracted_gpus, &s.billed_gpu_hours, &s.busy_gpu_hours,
          &s.shortfall_gpu_hours, &s.unserved_gpu_hours, &s.it_power_w, &s.facility_power_w, &s.it_energy_wh,
          &s.facility_energy_wh, &s.revenue_usd, &s.energy_cost_usd, &s.colocation_usd, &s.opex_usd,
          &s.depreciation_usd, &s.interest_usd, &s.other_usd, &s.tax_usd, &s.capex_usd, &s.debt_drawn_usd,
          &s.debt_repaid_usd, &s.prepayment_usd, &s.prepayment_applied_usd, &s.prepayment_refund_usd,
          &s.deferred_revenue_usd, &s.ppa_energy_wh, &s.energy_cost_ppa_usd, &s.energy_cost_grid_usd, &s.co2_kg})
      EXPECT_EQ(a->size(), 0);
    EXPECT_EQ(with.series.revenue_usd.size(), 8784);  // 2024, a leap year, hourly
    EXPECT_EQ(summary_json(without).dump(), summary_json(with).dump());
  }
}

TEST(SegmentEngine, TheEngineOptionTakesStepOrSegment) {
  testing::TempDir dir;
  const std::string file = dir.write("s.yaml", std::string(testing::kTestCatalog) + R"(
name: s
time: {start: 2025-01-01, end: 2025-02-01, step: 1h}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
demand: [{name: d, pool: p, gpus: 80, price: 2 USD/gpu-h}]
)");
  const auto step = testing::run_gpusim(dir.path(), "run " + testing::shell_quote(file) + " --engine step --format json");
  const auto segment = testing::run_gpusim(dir.path(), "run " + testing::shell_quote(file) + " --engine segment --format json");
  ASSERT_EQ(segment.status, 0) << segment.err;
  EXPECT_EQ(segment.err, "");
  // The same results to 1e-9 (sums over 744 steps or over a few segments round differently).
  const auto a = flatten_all(Json::parse(step.out)), b = flatten_all(Json::parse(segment.out));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].first, b[i].first);
    ASSERT_EQ(a[i].second.has_value(), b[i].second.has_value()) << a[i].first;
    if (a[i].second) {
      EXPECT_TRUE(close(*a[i].second, *b[i].second, 1.0)) << a[i].first;
    }
  }
  const auto bad = testing::run_gpusim(dir.path(), "run " + testing::shell_quote(file) + " --engine steps");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--engine: steps not in {step,segment}"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace gpusim
