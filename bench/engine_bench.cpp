// Engine benchmarks on scenarios/bench/gigawatt.yaml: a 6 GW campus, 72
// cohorts, 2,000 reserved contracts, on-demand and spot, 6 years hourly.
// Run: cmake -S . -B build-bench -DGPUSIM_BUILD_BENCH=ON && cmake --build build-bench -j2
//      --target engine_bench && ./build-bench/bench/engine_bench
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/analysis/montecarlo.hpp"
#include "sim/analysis/sweep.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/solve.hpp"
#include "sim/engine/stages.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"

namespace {

const std::string kGigawatt = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/bench/gigawatt.yaml";

// Load, validate, run and summarize: what `gpusim run` does.
void BM_LoadAndRunGigawatt(benchmark::State& state) {
  for (auto _ : state) {
    const gpusim::LoadedScenario loaded = gpusim::load_scenario(kGigawatt);
    const gpusim::Results r = gpusim::run_scenario(loaded.spec);
    benchmark::DoNotOptimize(gpusim::summary_json(r));
  }
}
BENCHMARK(BM_LoadAndRunGigawatt)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// Reading and validating alone: file → document → ScenarioSpec.
void BM_LoadGigawatt(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::load_scenario(kGigawatt));
}
BENCHMARK(BM_LoadGigawatt)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// Its text into a document: the fast reader of plain YAML (what loading uses),
// then yaml-cpp's reader (what it used before, and uses for other YAML).
std::string gigawatt_text() {
  std::ifstream in(kGigawatt, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

using Reader = gpusim::DocNode (*)(const std::string&, const std::string&, gpusim::Diagnostics&, const gpusim::DocLimits&);

template <Reader read>
void BM_ParseGigawattWith(benchmark::State& state) {
  const std::string text = gigawatt_text();
  for (auto _ : state) {
    gpusim::Diagnostics diags;
    benchmark::DoNotOptimize(read(text, kGigawatt, diags, {}));
  }
}
BENCHMARK(BM_ParseGigawattWith<gpusim::parse_yaml_text>)->Name("BM_ParseGigawatt")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseGigawattWith<gpusim::parse_yaml_text_with_yaml_cpp>)
    ->Name("BM_ParseGigawattYamlCpp")
    ->Unit(benchmark::kMillisecond);

// The engine alone: the step engine (the default, with the per-step series),
// then the segment engine as `gpusim run` without --out calls it (the summary,
// no per-step series), and with the per-step series.
const gpusim::EngineOptions kSegment{0, gpusim::EngineKind::segment, false};
const gpusim::EngineOptions kSegmentSeries{0, gpusim::EngineKind::segment, true};

void BM_RunGigawatt(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kGigawatt);
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::run_scenario(loaded.spec));
}
BENCHMARK(BM_RunGigawatt)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_RunGigawattSegment(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kGigawatt);
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::run_scenario(loaded.spec, kSegment));
}
BENCHMARK(BM_RunGigawattSegment)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_RunGigawattSegmentSeries(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kGigawatt);
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::run_scenario(loaded.spec, kSegmentSeries));
}
BENCHMARK(BM_RunGigawattSegmentSeries)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// The engine at daily steps (what a Monte Carlo run of it costs).
void BM_RunGigawattDaily(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kGigawatt, {"time.step=1d"});
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::run_scenario(loaded.spec));
}
BENCHMARK(BM_RunGigawattDaily)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_RunGigawattDailySegment(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kGigawatt, {"time.step=1d"});
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::run_scenario(loaded.spec, kSegment));
}
BENCHMARK(BM_RunGigawattDailySegment)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// … and under a seed, as each run of `gpusim mc` runs it: failures drawn
// (Binomial per pool per day), the summary only (no per-step series).
const gpusim::EngineOptions kStepSummary{0, gpusim::EngineKind::step, false};

void BM_RunGigawattDailySeeded(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kGigawatt, {"time.step=1d", "seed=1"});
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::run_scenario(loaded.spec, kStepSummary));
}
BENCHMARK(BM_RunGigawattDailySeeded)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_RunGigawattDailySeededSegment(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kGigawatt, {"time.step=1d", "seed=1"});
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::run_scenario(loaded.spec, kSegment));
}
BENCHMARK(BM_RunGigawattDailySeededSegment)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// The fleet stage of that run alone: 72 pools' drawn failures, 2,192 daily draws each.
void BM_FleetGigawattDailySeeded(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kGigawatt, {"time.step=1d", "seed=1"});
  const gpusim::stages::Grid grid = gpusim::stages::make_grid(loaded.spec.time);
  for (auto _ : state) {
    gpusim::Results r;
    benchmark::DoNotOptimize(gpusim::stages::fleet_stage(loaded.spec, grid, kSegment, true, r));
  }
}
BENCHMARK(BM_FleetGigawattDailySeeded)->Unit(benchmark::kMillisecond);

// The CoreWeave 2024 scenario with its goal-seek.
void BM_SolveCoreweave(benchmark::State& state) {
  const gpusim::LoadedScenario loaded =
      gpusim::load_scenario(std::string(GPUSIM_SOURCE_DIR) + "/scenarios/articles/coreweave-2024-utilization.yaml");
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::run_document(loaded.document));
}
BENCHMARK(BM_SolveCoreweave)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// The parts of one goal-seek evaluation: re-reading the scenario with the trial
// value, running it, and summarizing it.
const std::string kCoreweave = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/articles/coreweave-2024-utilization.yaml";

void BM_ReadCoreweave(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kCoreweave);
  for (auto _ : state) {
    gpusim::DocNode doc = loaded.document;
    gpusim::Diagnostics diags;
    gpusim::apply_override(doc, "contracts.Others.gpus=21000", diags);
    benchmark::DoNotOptimize(gpusim::read_scenario(doc));
  }
}
BENCHMARK(BM_ReadCoreweave)->Unit(benchmark::kMicrosecond);

// The same trial's reading as a goal-seek does it now: only the changed contract
// is read again (ScenarioRereader), into a reused copy of the scenario as read.
void BM_RereadCoreweave(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kCoreweave);
  gpusim::ScenarioRereader reread(loaded.document, loaded.spec);
  const std::vector<std::string> assignments{"contracts.Others.gpus=21000", "solve=~"};
  gpusim::DocNode doc = loaded.document;
  gpusim::Diagnostics diags;
  for (const auto& a : assignments) gpusim::apply_override(doc, a, diags);
  for (auto _ : state) benchmark::DoNotOptimize(reread.read(doc, assignments)->spec().seed);
}
BENCHMARK(BM_RereadCoreweave)->Unit(benchmark::kMicrosecond);

void BM_RunCoreweave(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kCoreweave);
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::run_scenario(loaded.spec));
}
BENCHMARK(BM_RunCoreweave)->Unit(benchmark::kMicrosecond);

void BM_RunCoreweaveSegment(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kCoreweave);
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::run_scenario(loaded.spec, kSegment));
}
BENCHMARK(BM_RunCoreweaveSegment)->Unit(benchmark::kMicrosecond);

void BM_SummarizeCoreweave(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kCoreweave);
  const gpusim::Results r = gpusim::run_scenario(loaded.spec);
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::summary_json(r));
}
BENCHMARK(BM_SummarizeCoreweave)->Unit(benchmark::kMicrosecond);

// The gigawatt campus's summary (daily results; about 40,000 scalars: 2,000
// contracts, 72 pools, customers, …) as JSON and as the cells a Monte Carlo run
// keeps (no JSON); then a Monte Carlo's end over 1,000 such runs (each cell
// scaled by up to ±0.1 %, a fixed sequence): the statistics of every metric,
// and mc.json's text. The statistics on 1 and 2 threads.
gpusim::Results gigawatt_daily_results() {
  return gpusim::run_scenario(gpusim::load_scenario(kGigawatt, {"time.step=1d"}).spec, kSegment);
}

void BM_SummaryJsonGigawatt(benchmark::State& state) {
  const gpusim::Results r = gigawatt_daily_results();
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::summary_json(r));
}
BENCHMARK(BM_SummaryJsonGigawatt)->Unit(benchmark::kMillisecond);

void BM_SummaryCellsGigawatt(benchmark::State& state) {
  const gpusim::Results r = gigawatt_daily_results();
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::summary_cells(r));
}
BENCHMARK(BM_SummaryCellsGigawatt)->Unit(benchmark::kMillisecond);

// A Monte Carlo run after the first: its values alone, its names compared with run 0's.
void BM_SummaryValuesNamedAsGigawatt(benchmark::State& state) {
  const gpusim::Results r = gigawatt_daily_results();
  const gpusim::SummaryCells shape = gpusim::summary_cells(r);
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::summary_values_named_as(r, shape));
}
BENCHMARK(BM_SummaryValuesNamedAsGigawatt)->Unit(benchmark::kMillisecond);

gpusim::MonteCarloResult gigawatt_thousand_runs() {
  const gpusim::SummaryCells cells = gpusim::summary_cells(gigawatt_daily_results());
  gpusim::MonteCarloResult mc;
  mc.runs = 1000;
  for (std::size_t c = 0; c < cells.size(); ++c) mc.result_names.emplace_back(cells.name(c));
  std::uint64_t state = 1;
  for (std::size_t i = 0; i < mc.runs; ++i) {
    std::vector<double> row(cells.size());
    for (std::size_t c = 0; c < cells.size(); ++c) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;  // Knuth's MMIX LCG
      const double scale = 1.0 + 1e-3 * (static_cast<double>(state >> 11) * 0x1.0p-53 * 2.0 - 1.0);
      row[c] = cells.values[c] ? *cells.values[c] * scale : std::nan("");
    }
    mc.results.push_back(std::move(row));
  }
  return mc;
}

void BM_MonteCarloStatsGigawatt(benchmark::State& state) {
  const gpusim::MonteCarloResult mc = gigawatt_thousand_runs();
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::column_stats(mc.result_names, mc.results, threads));
}
BENCHMARK(BM_MonteCarloStatsGigawatt)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MonteCarloJsonGigawatt(benchmark::State& state) {
  gpusim::MonteCarloResult mc = gigawatt_thousand_runs();
  mc.metrics = gpusim::column_stats(mc.result_names, mc.results);
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::monte_carlo_json(mc).dump(2));
}
BENCHMARK(BM_MonteCarloJsonGigawatt)->Unit(benchmark::kMillisecond);

// ---- Per-point and per-run costs around the engine (issue 15: sweeps and Monte Carlo) ----

// Reading and validating the gigawatt document alone (already parsed and
// merged): what a Monte Carlo run re-reads after applying its draws.
void BM_ReadGigawattDocument(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kGigawatt, {"time.step=1d"});
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::read_scenario(loaded.document));
}
BENCHMARK(BM_ReadGigawattDocument)->Unit(benchmark::kMillisecond);

// A Monte Carlo run's reading of the campus with its draws (a site's PUE, two
// demand prices, the seed): only those items are read again.
void BM_RereadGigawattDraws(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kGigawatt, {"time.step=1d"});
  gpusim::ScenarioRereader reread(loaded.document, loaded.spec);
  const std::vector<std::string> assignments{"sites.campus.pue=1.15", "demand.spot-c00.price=1.2 USD/gpu-h",
                                             "demand.od-c00.price=3.1 USD/gpu-h", "seed=1"};
  gpusim::DocNode doc = loaded.document;
  gpusim::Diagnostics diags;
  for (const auto& a : assignments) gpusim::apply_override(doc, a, diags);
  for (auto _ : state) benchmark::DoNotOptimize(reread.read(doc, assignments)->spec().seed);
}
BENCHMARK(BM_RereadGigawattDraws)->Unit(benchmark::kMicrosecond);

// One point of the 10,000-point CoreWeave sweep (its goal-seek: ~13 trials),
// through the sweep's own path on one thread, with the segment engine.
void BM_SweepPointCoreweave(benchmark::State& state) {
  const gpusim::LoadedScenario loaded = gpusim::load_scenario(kCoreweave);
  const std::vector<std::vector<std::string>> point{{"contracts.Microsoft.price=2.5 USD/gpu-h"}};
  for (auto _ : state) benchmark::DoNotOptimize(gpusim::run_points(loaded.document, point, 1, {}, nullptr, kSegment));
}
BENCHMARK(BM_SweepPointCoreweave)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
