// Monte Carlo (sim/analysis/montecarlo.*, `gpusim mc`): the same seed gives
// byte-identical JSON (twice, and on 1 or 2 threads), another seed another
// result; percentiles by hand; the sample moments of each distribution drawn
// into a scenario key match the exact ones; draws are clamped at 0 (a PUE at 1);
// --out writes mc.json, runs.csv and fan.svg; --runs 0 is an error.
//
// Scenarios are one day at a 1 d step, so thousands of runs take about a second.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "sim/analysis/montecarlo.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/printer.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

const char* const kCatalog = R"(
catalog:
  T1: {tdp: 1000 W, idle: 200 W, overhead: 300 W, price: 10000 USD}
)";

DocNode document_of(const std::string& text) {
  Diagnostics diags;
  DocNode doc = parse_yaml_text(std::string(kCatalog) + text, "mc.yaml", diags);
  diags.throw_if_any();
  return doc;
}

using testing::CommandResult;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult gpusim(const TempDir& dir, const std::string& args) { return testing::run_gpusim(dir.path(), args); }

bool have_gnuplot() { return std::system("command -v gnuplot > /dev/null 2>&1") == 0; }

const MetricStats* find_metric(const MonteCarloResult& r, const std::string& name) {
  for (const auto& m : r.metrics)
    if (m.name == name) return &m;
  ADD_FAILURE() << name << " is not a metric";
  return nullptr;
}

// Entry k of every run's draws, read back through the loader (USD/gpu-h or a ratio).
std::vector<double> drawn_values(const MonteCarloResult& r, std::size_t k, UnitKind kind = UnitKind::gpu_hour_price) {
  std::vector<double> out;
  for (const auto& run : r.drawn) {
    const QuantityResult q = parse_quantity(run.at(k), kind, "x", "");
    EXPECT_TRUE(q.ok()) << run.at(k) << ": " << q.error;
    out.push_back(q.value);
  }
  return out;
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double sd_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

// ---------------------------------------------------------------------------
// percentile

TEST(Percentile, LinearBetweenOrderStatistics) {
  // pos = q × (n − 1); value = x[⌊pos⌋] + (pos − ⌊pos⌋) × (x[⌊pos⌋+1] − x[⌊pos⌋]), x sorted.
  EXPECT_EQ(percentile({3, 1, 2}, 0.5), 2.0);           // pos 1
  EXPECT_EQ(percentile({4, 1, 3, 2}, 0.5), 2.5);        // pos 1.5: 2 + 0.5 × 1
  EXPECT_DOUBLE_EQ(percentile({50, 10, 40, 20, 30}, 0.05), 12.0);  // pos 0.2: 10 + 0.2 × 10
  EXPECT_DOUBLE_EQ(percentile({50, 10, 40, 20, 30}, 0.95), 48.0);  // pos 3.8: 40 + 0.8 × 10
  EXPECT_EQ(percentile({5, -1, 7}, 0.0), -1.0);
  EXPECT_EQ(percentile({5, -1, 7}, 1.0), 7.0);
  EXPECT_EQ(percentile({42}, 0.05), 42.0);
  EXPECT_EQ(percentile({42}, 0.95), 42.0);
  EXPECT_TRUE(std::isnan(percentile({}, 0.5)));
  // 1..101: the p-th percentile is 1 + p.
  std::vector<double> v;
  for (int i = 101; i >= 1; --i) v.push_back(i);
  EXPECT_DOUBLE_EQ(percentile(v, 0.05), 6.0);
  EXPECT_DOUBLE_EQ(percentile(v, 0.50), 51.0);
  EXPECT_DOUBLE_EQ(percentile(v, 0.95), 96.0);
}

// The statistics of each column of the runs' rows, over the runs where it is a
// number. a: 3, 1, 2 → mean 2, sd √((1 + 1 + 0) ÷ 2) = 1; sorted 1, 2, 3:
// p5 at pos 0.1 → 1 + 0.1 × 1 = 1.1, p50 = 2, p95 at pos 1.9 → 2 + 0.9 × 1 = 2.9.
// b: 7 in every run → sd 0, percentiles 7. c: null in every run → no statistics.
TEST(ColumnStats, ByHand) {
  const double null = std::nan("");
  const std::vector<std::vector<double>> rows{{3, 7, null}, {1, 7, null}, {2, 7, null}, {null, 7, null}};
  const std::vector<MetricStats> stats = column_stats({"a", "b", "c"}, rows, 1);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].name, "a");
  EXPECT_EQ(stats[0].count, 3u);
  EXPECT_EQ(stats[0].mean, 2.0);
  EXPECT_EQ(stats[0].sd, 1.0);
  EXPECT_DOUBLE_EQ(stats[0].p5, 1.1);
  EXPECT_EQ(stats[0].p50, 2.0);
  EXPECT_DOUBLE_EQ(stats[0].p95, 2.9);
  EXPECT_EQ(stats[1].name, "b");
  EXPECT_EQ(stats[1].count, 4u);
  EXPECT_EQ(stats[1].sd, 0.0);
  EXPECT_EQ(stats[1].p5, 7.0);
  EXPECT_EQ(stats[1].p95, 7.0);
}

// The percentiles come from partial selections (nth_element), not a sort: the
// same numbers, to the bit, as interpolating a sorted copy — with ties, nulls,
// any number of runs — and the same on any number of threads.
TEST(ColumnStats, PercentilesAreThoseOfASortedCopy) {
  std::uint64_t state = 15;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (std::size_t runs : {1u, 2u, 3u, 7u, 20u, 101u, 1000u}) {
    SCOPED_TRACE(runs);
    const std::size_t columns = 70;  // more than one block of columns
    std::vector<std::string> names;
    for (std::size_t c = 0; c < columns; ++c) names.push_back("m" + std::to_string(c));
    std::vector<std::vector<double>> rows(runs, std::vector<double>(columns));
    for (auto& row : rows)
      for (std::size_t c = 0; c < columns; ++c) {
        // Column c draws from c % 5 + 2 values (ties), a null one time in 8.
        const double v = static_cast<double>(next() % (c % 5 + 2)) * 0.37 - 0.5;
        row[c] = next() % 8 == 0 ? std::nan("") : v;
      }
    const std::vector<MetricStats> stats = column_stats(names, rows, 1);
    const std::vector<MetricStats> on_two = column_stats(names, rows, 2);
    ASSERT_EQ(stats.size(), on_two.size());
    std::size_t at = 0;
    for (std::size_t c = 0; c < columns; ++c) {
      std::vector<double> sorted;
      for (const auto& row : rows)
        if (!std::isnan(row[c])) sorted.push_back(row[c]);
      if (sorted.empty()) continue;
      ASSERT_LT(at, stats.size());
      const MetricStats& m = stats[at];
      EXPECT_EQ(m.name, names[c]);
      EXPECT_EQ(m.count, sorted.size());
      std::sort(sorted.begin(), sorted.end());
      const auto by_sort = [&](double q) {
        const double pos = q * static_cast<double>(sorted.size() - 1);
        const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
        const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
        return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
      };
      if (m.sd != 0.0) {  // a column the runs do not move has its mean as percentiles
        EXPECT_EQ(m.p5, by_sort(0.05)) << m.name;
        EXPECT_EQ(m.p50, by_sort(0.50)) << m.name;
        EXPECT_EQ(m.p95, by_sort(0.95)) << m.name;
      }
      EXPECT_EQ(m.p5, on_two[at].p5);
      EXPECT_EQ(m.p50, on_two[at].p50);
      EXPECT_EQ(m.p95, on_two[at].p95);
      EXPECT_EQ(m.mean, on_two[at].mean);
      ++at;
    }
    EXPECT_EQ(at, stats.size());
  }
}

// ---------------------------------------------------------------------------
// Distributions, as drawn into a scenario key

// One contract of one GPU per distribution, each with its price drawn; a day of
// 24 h, so each contract's revenue is 24 × its drawn price.
const char* const kMoments = R"(name: moments
time: {start: 2024-01-01, end: 2024-01-02, step: 1d, year: 365d}
sites: [{name: s, electricity: 0 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 4}]
contracts:
  - {name: U, pool: p, gpus: 1, price: 1 USD/gpu-h}
  - {name: N, pool: p, gpus: 1, price: 1 USD/gpu-h}
  - {name: T, pool: p, gpus: 1, price: 1 USD/gpu-h}
  - {name: L, pool: p, gpus: 1, price: 1 USD/gpu-h}
uncertain:
  - {name: u, path: contracts.U.price, dist: uniform, low: 1 USD/gpu-h, high: 3 USD/gpu-h}
  - {name: n, path: contracts.N.price, dist: normal, mean: 5, sd: 1}
  - {name: t, path: contracts.T.price, dist: triangular, low: 1, mode: 2, high: 6}
  - {name: l, path: contracts.L.price, dist: lognormal, mean: 4 USD/gpu-h, sd: 2 USD/gpu-h}
)";

// The sample mean is within 5 standard errors sd/√n of the exact mean; the
// sample sd within 5 of its standard error, sd × √((κ − 1)/(4n)) with κ the
// distribution's kurtosis (E[(x−μ)⁴]/σ⁴), by the delta method on the variance.
void expect_moments(const std::vector<double>& x, double mean, double sd, double kurtosis, const char* what) {
  const double n = static_cast<double>(x.size());
  EXPECT_NEAR(mean_of(x), mean, 5 * sd / std::sqrt(n)) << what << " mean";
  EXPECT_NEAR(sd_of(x), sd, 5 * sd * std::sqrt((kurtosis - 1) / (4 * n))) << what << " sd";
}

TEST(MonteCarlo, SampleMomentsOfEachDistribution) {
  const std::size_t runs = 4000;
  const MonteCarloResult r = run_monte_carlo(document_of(kMoments), runs, 11, 2);
  ASSERT_EQ(r.drawn.size(), runs);
  EXPECT_EQ(r.uncertain_names, (std::vector<std::string>{"u", "n", "t", "l"}));
  // uniform(1, 3): mean (a + b)/2 = 2, sd (b − a)/√12 = 0.57735, kurtosis 9/5.
  expect_moments(drawn_values(r, 0), 2.0, 2.0 / std::sqrt(12.0), 1.8, "uniform");
  // normal(5, 1): kurtosis 3.
  expect_moments(drawn_values(r, 1), 5.0, 1.0, 3.0, "normal");
  // triangular(a 1, c 2, b 6): mean (a + b + c)/3 = 3;
  // variance (a² + b² + c² − ab − ac − bc)/18 = (1 + 36 + 4 − 6 − 2 − 12)/18 = 21/18; kurtosis 12/5.
  expect_moments(drawn_values(r, 2), 3.0, std::sqrt(21.0 / 18.0), 2.4, "triangular");
  // lognormal of mean 4, sd 2 (of the value): σ² = ln(1 + 4/16) = ln 1.25;
  // kurtosis e^{4σ²} + 2e^{3σ²} + 3e^{2σ²} − 3 = 1.25⁴ + 2 × 1.25³ + 3 × 1.25² − 3 = 8.0352.
  const double w = 1.25;
  expect_moments(drawn_values(r, 3), 4.0, 2.0, w * w * w * w + 2 * w * w * w + 3 * w * w - 3, "lognormal");
  // Every draw is positive and the lognormal's too.
  for (std::size_t k = 0; k < 4; ++k) {
    const auto v = drawn_values(r, k);
    EXPECT_GT(*std::min_element(v.begin(), v.end()), 0.0);
  }
  // The draws are what the runs used: each contract's revenue is 24 h × its price,
  // so the mean revenue is 24 × the mean draw.
  const char* names[] = {"U", "N", "T", "L"};
  for (std::size_t k = 0; k < 4; ++k) {
    const MetricStats* m = find_metric(r, std::string("customers.") + names[k] + ".revenue_usd");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->count, runs);
    const double expected = 24 * mean_of(drawn_values(r, k));
    EXPECT_NEAR(m->mean, expected, 1e-9 * expected) << names[k];
    auto v = drawn_values(r, k);
    EXPECT_NEAR(m->p50, 24 * percentile(v, 0.5), 1e-9 * m->p50) << names[k];
  }
}

// A price cannot be negative nor a PUE below 1: draws beyond are clamped there
// (normal(0.1, 1) puts Φ(−0.1) = 46.0% of the prices below 0, normal(1, 0.2)
// half the PUEs below 1).
TEST(MonteCarlo, DrawsAreClampedAtZeroAndAPueAtOne) {
  const std::size_t runs = 1000;
  const MonteCarloResult r = run_monte_carlo(document_of(R"(name: clamp
time: {start: 2024-01-01, end: 2024-01-02, step: 1d}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 1}]
contracts: [{name: C, pool: p, gpus: 1, price: 1 USD/gpu-h}]
uncertain:
  - {name: price, path: contracts.C.price, dist: normal, mean: 0.1, sd: 1}
  - {name: pue, path: sites.s.pue, dist: normal, mean: 1, sd: 0.2}
)"),
                                             runs, 3, 2);
  const auto price = drawn_values(r, 0);
  const auto pue = drawn_values(r, 1, UnitKind::ratio);
  EXPECT_EQ(*std::min_element(price.begin(), price.end()), 0.0);
  EXPECT_EQ(*std::min_element(pue.begin(), pue.end()), 1.0);
  const double zeros = static_cast<double>(std::count(price.begin(), price.end(), 0.0));
  const double ones = static_cast<double>(std::count(pue.begin(), pue.end(), 1.0));
  // Binomial counts: within 5 sd √(n p (1 − p)) of n p.
  const double n = static_cast<double>(runs), p = 0.46017;  // Φ(−0.1)
  EXPECT_NEAR(zeros, n * p, 5 * std::sqrt(n * p * (1 - p)));
  EXPECT_NEAR(ones, n * 0.5, 5 * std::sqrt(n * 0.25));
  // A clamped price earns nothing: revenue's 5th percentile is 0.
  EXPECT_EQ(find_metric(r, "finance.revenue_usd")->p5, 0.0);
}

// Termination risk: a date drawn uniformly between low and high, rounded to
// the hour. 10 GPUs at 1 USD/GPU-h from 2025-01-01 terminated at t bill
// 10 × (t − start) USD, so each run's revenue is its own draw's hours × 10, and
// over 200 runs the mean is near the middle: 10 × 4,381 h = 43,810 USD (the sd
// of the mean of a uniform over 8,760 h: 8,760 ÷ √12 × 10 ÷ √200 ≈ 1,788 USD;
// 5 sd). Daily steps bill the partial day of the termination exactly.
TEST(MonteCarlo, TerminationDatesAreDrawnUniformly) {
  const std::size_t runs = 200;
  const MonteCarloResult r = run_monte_carlo(document_of(R"(name: terminate
time: {start: 2025-01-01, duration: 2y, step: 1d}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 10}]
contracts: [{name: C, pool: p, gpus: 10, price: 1 USD/gpu-h, terminate: {at: 2025-06-01}}]
uncertain:
  - {name: end, path: contracts.C.terminate.at, dist: uniform, low: 2025-01-01T01:00, high: 2026-01-01T01:00}
)"),
                                             runs, 5, 2);
  const double start = static_cast<double>(to_hours({2025, 1, 1, 0}));
  double sum = 0;
  for (std::size_t i = 0; i < runs; ++i) {
    HourStamp at = 0;
    ASSERT_EQ(parse_date(r.drawn[i][0], at), "") << r.drawn[i][0];
    EXPECT_GE(at, start + 1);
    EXPECT_LE(at, start + 8761);
    sum += 10.0 * (static_cast<double>(at) - start);
  }
  EXPECT_NEAR(find_metric(r, "finance.revenue_usd")->mean, sum / runs, 1e-6 * sum / runs);
  EXPECT_NEAR(sum / runs, 43810.0, 5 * 1788.0);
}

// A contract and a demand may share a name (names are unique within a list):
// their cells share the name contracts.X.…, one column of the results, and its
// statistics count both in every run: 2 × 3 runs = 6.
TEST(MonteCarlo, AContractAndADemandOfOneNameShareAColumn) {
  const MonteCarloResult r = run_monte_carlo(document_of(R"(name: shared name
time: {start: 2024-01-01, end: 2024-01-02, step: 1d, year: 365d}
sites: [{name: s, electricity: 0 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 4}]
contracts: [{name: X, pool: p, gpus: 1, price: 1 USD/gpu-h}]
demand: [{name: X, pool: p, kind: spot, gpus: 1, price: 2 USD/gpu-h}]
uncertain:
  - {name: u, path: contracts.X.price, dist: uniform, low: 1 USD/gpu-h, high: 3 USD/gpu-h}
)"), 3, 5, 2);
  EXPECT_EQ(std::count(r.result_names.begin(), r.result_names.end(), "contracts.X.revenue_usd"), 1);
  const MetricStats* revenue = find_metric(r, "contracts.X.revenue_usd");
  ASSERT_NE(revenue, nullptr);
  EXPECT_EQ(revenue->count, 6u);
}

TEST(MonteCarlo, RunIStatisticsAreFromRunIOnly) {
  // The first 10 runs of 40 draw the same as the 10 runs of a 10-run study.
  const DocNode doc = document_of(kMoments);
  const MonteCarloResult a = run_monte_carlo(doc, 10, 5, 1);
  const MonteCarloResult b = run_monte_carlo(doc, 40, 5, 2);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(a.drawn[i], b.drawn[i]) << i;
  EXPECT_EQ(a.runs, 10u);
  EXPECT_EQ(a.seed, 5u);
}

// With a solve: block each run solves with its own noise and failures (run i
// draws stream i), so runs differ even without uncertain inputs.
TEST(MonteCarlo, RegressionSolvedScenarioDrawsEachRunsOwnNoise) {
  const MonteCarloResult r = run_monte_carlo(document_of(R"(name: solved noise
time: {start: 2024-01-01, end: 2024-01-31, step: 1d}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 1000, afr: 100%, repair: 2d}]
contracts: [{name: C, pool: p, gpus: 990, price: 1 USD/gpu-h}]
solve: {vary: contracts.C.price, target: finance.revenue_usd, equals: 1M}
)"),
                                             20, 9, 2);
  const MetricStats* available = find_metric(r, "gpus.gpu_hours_available");
  ASSERT_TRUE(available);
  EXPECT_GT(available->sd, 0.0);
  // Each run still hits its target.
  const MetricStats* revenue = find_metric(r, "finance.revenue_usd");
  EXPECT_NEAR(revenue->mean, 1e6, 1e-6 * 1e6);
}

// ---------------------------------------------------------------------------
// `gpusim mc`

// Failures, demand noise and two uncertain inputs.
const char* const kMcFile = R"(name: mc cli
time: {start: 2024-01-01, end: 2024-03-01, step: 1d}
catalog:
  T1: {tdp: 1000 W, idle: 200 W, overhead: 300 W, price: 10000 USD}
sites: [{name: s, electricity: 0.1 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 200, afr: 20%, repair: 3d}]
contracts: [{name: C, pool: p, gpus: 100, price: 2 USD/gpu-h}]
demand: [{name: od, pool: p, kind: on_demand, gpus: 50, price: 3 USD/gpu-h, noise: 30%}]
uncertain:
  - {name: price, path: contracts.C.price, dist: triangular, low: 1.5, mode: 2, high: 3}
  - {name: pue, path: sites.s.pue, dist: uniform, low: 1.1, high: 1.5}
)";

TEST(McCli, SameSeedSameBytesOnAnyThreadCount) {
  TempDir dir;
  const std::string file = dir.write("mc.yaml", kMcFile);
  const std::string args = "mc " + file + " --runs 40 --format json";
  const CommandResult a = gpusim(dir, args + " --seed 7 --threads 1");
  const CommandResult b = gpusim(dir, args + " --seed 7 --threads 2");
  const CommandResult c = gpusim(dir, args + " --seed 7 --threads 2");
  const CommandResult d = gpusim(dir, args + " --seed 8 --threads 2");
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(b.out, c.out);
  EXPECT_NE(a.out, d.out);
  const auto j = nlohmann::json::parse(a.out);
  EXPECT_EQ(j["runs"], 40);
  EXPECT_EQ(j["seed"], 7);
  // Noise, failures and draws all move: available GPU-hours (failures), billed
  // (noise), revenue (price), facility energy (PUE).
  for (const char* name : {"gpus.gpu_hours_available", "gpus.gpu_hours_billed", "finance.revenue_usd",
                           "energy.facility_kwh"}) {
    ASSERT_TRUE(j["metrics"].contains(name)) << name;
    EXPECT_GT(j["metrics"][name]["sd"].get<double>(), 0.0) << name;
    for (const char* key : {"mean", "sd", "p5", "p50", "p95"}) EXPECT_TRUE(j["metrics"][name].contains(key));
    EXPECT_LE(j["metrics"][name]["p5"].get<double>(), j["metrics"][name]["p50"].get<double>());
    EXPECT_LE(j["metrics"][name]["p50"].get<double>(), j["metrics"][name]["p95"].get<double>());
  }
  // Installed GPUs are not drawn: no spread.
  EXPECT_EQ(j["metrics"]["gpus.gpu_hours_installed"]["sd"].get<double>(), 0.0);
}

TEST(McCli, OutWritesMcJsonRunsCsvAndFanSvg) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  TempDir dir;
  const std::string file = dir.write("mc.yaml", kMcFile);
  const fs::path out = dir.path() / "out";
  const CommandResult r = gpusim(dir, "mc " + file + " --runs 20 --seed 4 --format json --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_file(out / "mc.json"), r.out);
  const std::string runs = read_file(out / "runs.csv");
  std::vector<std::string> lines;
  std::istringstream in(runs);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 21u);
  // The drawn inputs, then each run's headline results.
  EXPECT_EQ(lines[0],
            "run,price (USD/gpu-h),pue,utilization.billed,utilization.busy,finance.revenue_usd,"
            "finance.operating_income_usd,finance.net_income_usd,finance.npv_usd,finance.min_cumulative_cash_usd");
  EXPECT_EQ(lines[1].rfind("0,", 0), 0u) << lines[1];
  EXPECT_EQ(lines[20].rfind("19,", 0), 0u) << lines[20];
  const std::string svg = read_file(out / "fan.svg");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"fan.svg", "mc.json", "runs.csv"}));
  // The table form names the files.
  const CommandResult t = gpusim(dir, "mc " + file + " --runs 5 --out " + (dir.path() / "out2").string());
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_NE(t.out.find("5 runs, seed 1"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("Files: " + (dir.path() / "out2").string() + "/mc.json, runs.csv, fan.svg"), std::string::npos);
}

TEST(McCli, ZeroRunsExits2) {
  TempDir dir;
  const std::string file = dir.write("mc.yaml", kMcFile);
  const fs::path out = dir.path() / "out";
  const CommandResult r = gpusim(dir, "mc " + file + " --runs 0 --out " + out.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "gpusim mc: --runs must be from 1 to 1000000\n");
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// Counts drawn from a continuous distribution were written as 138399.33896989824
// GPUs: a count of GPUs is a whole number (rounded, then clamped as before).
TEST(MonteCarlo, RegressionDrawnCountsAreWholeNumbers) {
  const MonteCarloResult r = run_monte_carlo(document_of(R"(name: counts
time: {start: 2024-01-01, end: 2024-01-02, step: 1d}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts: [{name: C, pool: p, gpus: 10, price: 1 USD/gpu-h}]
uncertain:
  - {name: pool, path: fleet.p.count, dist: uniform, low: 60.5, high: 90.5}
  - {name: gpus, path: contracts.C.gpus, dist: normal, mean: 20, sd: 5}
)"),
                                             200, 2, 2);
  for (std::size_t k = 0; k < 2; ++k) {
    for (const auto& run : r.drawn) {
      const QuantityResult q = parse_quantity(run.at(k), UnitKind::count, "x", "");
      ASSERT_TRUE(q.ok()) << run.at(k);
      EXPECT_EQ(q.value, std::round(q.value)) << run.at(k);
      EXPECT_EQ(run.at(k).find('.'), std::string::npos) << run.at(k);
    }
  }
  // The drawn values, numbers in the key's unit, match the text.
  EXPECT_EQ(r.uncertain_units, (std::vector<std::string>{"gpus", "gpus"}));
  for (std::size_t i = 0; i < r.drawn.size(); ++i)
    EXPECT_EQ(format_number(r.drawn_values[i][0]) + " gpus", r.drawn[i][0]);
  // Revenue is 24 h × 1 USD × the GPUs drawn for C: a whole number of dollars.
  const MetricStats* revenue = find_metric(r, "finance.revenue_usd");
  EXPECT_EQ(revenue->p50, std::round(revenue->p50));
}

// A constant metric's sd is exactly 0 (docs/cli.md): the pool ramps from a
// drawn count N to 1,000 GPUs, so the GPUs bought (and the capex, 1,000 ×
// 10,000 USD = 10M USD) are the same in every run, but summed from purchases
// that differ by N they differed by rounding (sd 4.5e-15 relative).
TEST(MonteCarlo, RegressionConstantMetricHasSdExactlyZero) {
  const MonteCarloResult r = run_monte_carlo(document_of(R"(name: constant
time: {start: 2024-01-01, end: 2024-01-31, step: 1d}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, ramp: [{at: 2024-01-01, count: 300}, {at: 2024-01-31, count: 1000}]}]
contracts: [{name: C, pool: p, gpus: 10, price: 1 USD/gpu-h}]
uncertain:
  - {name: start, path: fleet.p.ramp.0.count, dist: uniform, low: 100, high: 900}
)"),
                                             50, 3, 2);
  const MetricStats* capex = find_metric(r, "finance.capex_usd");
  ASSERT_TRUE(capex);
  EXPECT_EQ(capex->sd, 0.0);
  EXPECT_NEAR(capex->mean, 1e7, 1e-9 * 1e7);
  EXPECT_EQ(capex->p5, capex->mean);
  EXPECT_EQ(capex->p95, capex->mean);
  // What the draws move keeps its spread.
  EXPECT_GT(find_metric(r, "gpus.gpu_hours_installed")->sd, 0.0);
}

// The fan chart plotted monthly totals, so February dipped: a flow is now its
// month's total per day. C rents 100 GPUs at 2 USD/gpu-h in January (31 days)
// and February (29 days in 2024): 100 × 24 × 2 = 4,800 USD a day in both
// (the totals, 148,800 and 139,200, differ). Levels (GPUs), the cumulative cash
// and the price are the month's own value.
TEST(MonteCarlo, RegressionFanSeriesArePerDayAverages) {
  const char* const months = R"(name: months
time: {start: 2024-01-01, end: 2024-03-01, step: 1d}
sites: [{name: s, electricity: 0 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 100, capex: 0 USD}]
contracts: [{name: C, pool: p, gpus: 100, price: 2 USD/gpu-h}]
)";
  const MonteCarloResult r = run_monte_carlo(document_of(months), 3, 1, 1, {},
                                             {"revenue_usd", "installed_gpus", "cumulative_cash_usd",
                                              "price_usd_per_gpu_hour"});
  ASSERT_EQ(r.monthly.size(), 4u);
  EXPECT_EQ(r.monthly[0].name, "revenue_usd");
  EXPECT_EQ(r.monthly[0].months, (std::vector<std::string>{"2024-01", "2024-02"}));
  EXPECT_DOUBLE_EQ(r.monthly[0].p50[0], 4800.0);
  EXPECT_DOUBLE_EQ(r.monthly[0].p50[1], 4800.0);
  EXPECT_DOUBLE_EQ(r.monthly[1].p50[1], 100.0);
  EXPECT_DOUBLE_EQ(r.monthly[2].p50[1], 4800.0 * 60);  // 60 days of cash by the end of February
  EXPECT_DOUBLE_EQ(r.monthly[3].p95[0], 2.0);
  // No monthly series asked for: no bands (the runs keep no per-step series); the same statistics.
  const MonteCarloResult bare = run_monte_carlo(document_of(months), 3, 1, 1, {}, {});
  EXPECT_TRUE(bare.monthly.empty());
  EXPECT_EQ(monte_carlo_json(bare).dump(), monte_carlo_json(r).dump());
  // A series timeseries.csv does not have.
  try {
    run_monte_carlo(document_of(months), 1, 1, 1, {}, {"revenue"});
    ADD_FAILURE() << "no error";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.path(), "--fan");
    EXPECT_EQ(std::string(e.what()).rfind("'revenue' is not a monthly series; did you mean 'revenue_usd'? (series: "
                                          "installed_gpus, available_gpus, ",
                                          0),
              0u)
        << e.what();
  }
}

// `--fan`, `--metrics` and the drawn inputs in the table and runs.csv.
TEST(McCli, RegressionFanMetricsAndDrawnInputs) {
  TempDir dir;
  const std::string file = dir.write("mc.yaml", kMcFile);
  const CommandResult t = gpusim(dir, "mc " + file + " --runs 10 --metrics finance.revenue_usd,gpus.gpu_hours_installed");
  ASSERT_EQ(t.status, 0) << t.err;
  const auto table = [&] {
    std::vector<std::string> lines;
    std::istringstream in(t.out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }();
  ASSERT_GE(table.size(), 10u) << t.out;
  EXPECT_EQ(table[3].rfind("finance.revenue_usd ", 0), 0u) << t.out;
  // 200 GPUs × 1,440 h (60 days) = 288,000 GPU-h installed in every run: sd 0.
  EXPECT_EQ(table[4], "gpus.gpu_hours_installed                    288000.0000         0.0000    288000.0000    "
                      "288000.0000    288000.0000");
  EXPECT_EQ(table[6].rfind("drawn (uncertain:)", 0), 0u) << t.out;
  EXPECT_EQ(table[7].rfind("price (USD/gpu-h) ", 0), 0u) << t.out;
  EXPECT_EQ(table[8].rfind("pue ", 0), 0u) << t.out;
  // runs.csv: the drawn values as numbers, then the chosen results.
  const fs::path out = dir.path() / "out";
  const CommandResult csv = gpusim(dir, "mc " + file + " --runs 3 --metrics finance.npv_usd --out " + out.string() +
                                            (have_gnuplot() ? "" : " --fan revenue_usd"));
  if (have_gnuplot()) {
    ASSERT_EQ(csv.status, 0) << csv.err;
    std::istringstream in(read_file(out / "runs.csv"));
    std::string header;
    std::getline(in, header);
    EXPECT_EQ(header, "run,price (USD/gpu-h),pue,finance.npv_usd");
  }
  // Errors: a result that does not exist; a series that does not; too many.
  const CommandResult bad = gpusim(dir, "mc " + file + " --runs 2 --metrics finance.npv");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "--metrics: error: 'finance.npv' is not a result; did you mean 'finance.npv_usd'? (results are "
                     "the JSON summary's paths, e.g. finance.npv_usd, utilization.billed)\n1 error; nothing was written\n");
  const CommandResult fan = gpusim(dir, "mc " + file + " --runs 2 --fan cash --out " + out.string());
  EXPECT_EQ(fan.status, 2);
  EXPECT_EQ(fan.err.rfind("--fan: error: 'cash' is not a monthly series; did you mean 'cash_flow_usd'? (series: "
                          "installed_gpus,",
                          0),
            0u)
      << fan.err;
  // Without --out no fan is drawn (the runs keep no monthly series), but a bad name is still an error.
  const CommandResult fan_no_out = gpusim(dir, "mc " + file + " --runs 2 --fan cash");
  EXPECT_EQ(fan_no_out.status, 2);
  EXPECT_EQ(fan_no_out.err, fan.err);
  const CommandResult four = gpusim(dir, "mc " + file + " --runs 2 --fan a,b,c,d");
  EXPECT_EQ(four.status, 2);
  EXPECT_EQ(four.err, "gpusim mc: --fan draws 1 to 3 monthly series, not 4\n");
}

// The fan chart: per-day panels, K/M/B ticks, and a caption that reproduces it.
TEST(McCli, RegressionFanChartCaptionAndPanels) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  TempDir dir;
  const std::string file = dir.write("mc.yaml", kMcFile);
  const fs::path out = dir.path() / "out";
  const std::string command = "mc " + file + " --runs 4 --seed 2 --set fleet.p.count=300 --fan revenue_usd,"
                                             "price_usd_per_gpu_hour --out " + out.string();
  const CommandResult r = gpusim(dir, command + " --threads 2");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string svg = read_file(out / "fan.svg");
  EXPECT_NE(svg.find(">Source: gpusim " + command + "<"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">Revenue per day (monthly average)<"), std::string::npos);
  EXPECT_NE(svg.find(">USD per day<"), std::string::npos);
  EXPECT_NE(svg.find(">Price (monthly)<"), std::string::npos);
  EXPECT_NE(svg.find(">mc cli: 4 Monte Carlo runs<"), std::string::npos);
}

}  // namespace
}  // namespace gpusim
