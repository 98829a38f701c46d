// The teaching exercises (docs/teaching/exercise-*.md): runs each scenario in
// scenarios/teaching/exercise-*.yaml with the commands its page gives
// (`gpusim run`, `--set`, `gpusim solve`) and checks every number the page
// states against the page's hand arithmetic, repeated here in comments.
// Exact arithmetic is checked to 1e-9 relative; a goal-seek's answer to 1e-8
// (Brent stops at 1e-9 relative in the varied key); the page's paper
// approximations (NPV with yearly flows) to the tolerance the page claims.
// Change a scenario, its page and this test together.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "sim/engine/solve.hpp"
#include "sim/explain/explain.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

std::string scenario(const std::string& file) {
  return std::string(GPUSIM_SOURCE_DIR) + "/scenarios/teaching/" + file;
}

// `gpusim run FILE --set ...`
Json run(const std::string& file, const std::vector<std::string>& sets = {}) {
  const LoadedScenario loaded = load_scenario(scenario(file), sets);
  return summary_json(run_document(loaded.document));
}

// `gpusim solve FILE --vary VARY --target TARGET=EQUALS --set ...`
Json solve(const std::string& file, const std::string& vary, const std::string& target, double equals,
           const std::vector<std::string>& sets = {}, std::optional<std::string> low = std::nullopt,
           std::optional<std::string> high = std::nullopt) {
  const LoadedScenario loaded = load_scenario(scenario(file), sets);
  SolveRequest request;
  request.vary = vary;
  request.target = target;
  request.equals = equals;
  request.low = std::move(low);
  request.high = std::move(high);
  return summary_json(solve_scenario(loaded.document, request));
}

double metric(const Json& summary, const std::string& path) {
  const std::optional<double> v = metric_value(summary, path);
  EXPECT_TRUE(v.has_value()) << path << " is not in the summary";
  return v.value_or(std::nan(""));
}

// |actual − expected| ≤ rel × max(|expected|, 1).
void expect_close(const Json& summary, const std::string& path, double expected, double rel = 1e-9) {
  EXPECT_NEAR(metric(summary, path), expected, rel * std::max(std::fabs(expected), 1.0)) << path;
}

constexpr double kYear = 8760.0;  // every exercise uses year: 365d

// ---------------------------------------------------------------- exercise 1
// 100 H100s, afr 10%, repair 3 d; Lab reserves 50 at 2.00 (activity 60%),
// market on-demand 30 at 3.00.
const std::string kEx1 = "exercise-1-utilization-ladder.yaml";

TEST(TeachingExercise1, TheLadder) {
  const Json s = run(kEx1);
  // installed = 100 × 8,760 = 876,000
  expect_close(s, "gpus.gpu_hours_installed", 876000.0);
  // available = 876,000 × (1 − 10% × 72 / 8,760) = 876,000 − 720 = 875,280
  expect_close(s, "gpus.gpu_hours_available", 875280.0);
  expect_close(s, "utilization.available", 875280.0 / 876000.0);
  // contracted = 50 × 8,760 = 438,000 (50%)
  expect_close(s, "gpus.gpu_hours_contracted", 438000.0);
  expect_close(s, "utilization.contracted", 0.5);
  // billed = 438,000 + 30 × 8,760 = 700,800 (80%)
  expect_close(s, "gpus.gpu_hours_billed", 700800.0);
  expect_close(s, "utilization.billed", 0.8);
  // busy = 438,000 × 60% + 262,800 = 525,600 (60%)
  expect_close(s, "gpus.gpu_hours_busy", 525600.0);
  expect_close(s, "utilization.busy", 0.6);
  expect_close(s, "gpus.shortfall_gpu_hours", 0.0);
  // available GPUs on average: 875,280 / 8,760 = 99.918 ("99.9 available")
  EXPECT_NEAR(875280.0 / kYear, 99.9, 0.05);
  // revenue = 438,000 × 2 + 262,800 × 3 = 876,000 + 788,400 = 1,664,400
  expect_close(s, "customers.Lab.revenue_usd", 876000.0);
  expect_close(s, "customers.market.revenue_usd", 788400.0);
  expect_close(s, "finance.revenue_usd", 1664400.0);
  // IT energy = 875,280 × 650 Wh + 525,600 × 625 Wh = 897,432 kWh
  expect_close(s, "energy.it_kwh", (875280.0 * 650.0 + 525600.0 * 625.0) / 1000.0);
  expect_close(s, "energy.it_kwh", 897432.0);
}

// Exercise 1 defined installed as "deployed and powered", but a GPU down for
// repair counts as installed and draws nothing. The model: installed 876,000
// GPU-h includes the 720 GPU-h down; IT energy is available × (idle + overhead)
// + busy × (tdp − idle) = 875,280 × 650 + 525,600 × 625 Wh = 897,432 kWh, so
// the 720 GPU-h down draw nothing. The page must say the same.
TEST(TeachingExercise1, RegressionInstalledIncludesGpusDownForRepair) {
  const Json j = run("exercise-1-utilization-ladder.yaml");
  expect_close(j, "gpus.gpu_hours_installed", 100 * kYear);
  expect_close(j, "gpus.gpu_hours_available", 100 * kYear - 720);
  expect_close(j, "energy.it_kwh", ((100 * kYear - 720) * 650 + 525600 * 625) / 1000);
  const std::string page = testing::read_file(std::string(GPUSIM_SOURCE_DIR) +
                                              "/docs/teaching/exercise-1-utilization-ladder.md");
  EXPECT_EQ(page.find("deployed and powered"), std::string::npos);
  EXPECT_NE(page.find("| installed | GPUs deployed in the fleet, running or down for repair |"), std::string::npos);
  EXPECT_NE(page.find("| available | installed minus GPUs down for repair: the powered ones |"), std::string::npos);
}

TEST(TeachingExercise1, WhatIfNotTakeOrPay) {
  const Json s = run(kEx1, {"contracts.Lab.take_or_pay=false"});
  expect_close(s, "gpus.gpu_hours_installed", 876000.0);
  expect_close(s, "gpus.gpu_hours_available", 875280.0);
  expect_close(s, "gpus.gpu_hours_contracted", 438000.0);
  // billed = Lab 438,000 × 60% + market 262,800 = 525,600 (60%) = busy
  expect_close(s, "gpus.gpu_hours_billed", 525600.0);
  expect_close(s, "utilization.billed", 0.6);
  expect_close(s, "utilization.busy", 0.6);
  // revenue = 262,800 × 2 + 788,400 = 1,314,000
  expect_close(s, "finance.revenue_usd", 1314000.0);
}

// ---------------------------------------------------------------- exercise 2
// 1,000 H100s (700 W tdp, 575 W overhead), all busy, one hour, PUE 1.3,
// 0.08 USD/kWh.
const std::string kEx2 = "exercise-2-power-and-energy.yaml";

TEST(TeachingExercise2, OneHourAtFullLoad) {
  const Json s = run(kEx2);
  expect_close(s, "time.hours", 1.0);
  // IT = 1,000 × (700 + 575) W = 1.275 MW; facility × 1.3 = 1.6575 MW
  expect_close(s, "power.it_avg_mw", 1.275);
  expect_close(s, "power.it_peak_mw", 1.275);
  expect_close(s, "power.facility_avg_mw", 1.6575);
  expect_close(s, "power.facility_peak_mw", 1.6575);
  // one hour: 1,275 kWh IT, 1,657.5 kWh facility, × 0.08 = 132.60 USD
  expect_close(s, "energy.it_kwh", 1275.0);
  expect_close(s, "energy.facility_kwh", 1657.5);
  expect_close(s, "energy.cost_usd", 132.6);
  // the page's table: overhead 1,275 − 700 = 575; PUE share 1,657.5 − 1,275 = 382.5
  EXPECT_NEAR(metric(s, "energy.facility_kwh") - metric(s, "energy.it_kwh"), 382.5, 1e-9);
}

TEST(TeachingExercise2, TheGpusAlone) {
  const Json s = run(kEx2, {"catalog.H100-SXM.overhead=0 W"});
  // 1,000 × 700 W × 1 h = 700 kWh; × 1.3 = 910 kWh
  expect_close(s, "energy.it_kwh", 700.0);
  expect_close(s, "energy.facility_kwh", 910.0);
}

TEST(TeachingExercise2, AYear) {
  const Json s = run(kEx2, {"time.duration=365d"});
  // 1,275 × 8,760 = 11,169,000 kWh; × 1.3 = 14,519,700; × 0.08 = 1,161,576
  expect_close(s, "energy.it_kwh", 11169000.0);
  expect_close(s, "energy.facility_kwh", 14519700.0);
  expect_close(s, "energy.cost_usd", 1161576.0);
}

TEST(TeachingExercise2, WhatIfSixGigawatts) {
  const Json s = run(kEx2, {"sites.dc.power_cap=6 GW", "fleet.h100.count=fit"});
  // 6e9 W ÷ (1,275 W × 1.3) = 3,619,909.5 → 3,619,909 whole GPUs
  const double fitted = std::floor(6e9 / (1275.0 * 1.3));
  EXPECT_EQ(fitted, 3619909.0);
  expect_close(s, "pools.h100.fitted_count", 3619909.0);
  // 3,619,909 × 1,657.5 Wh = 5,999,999.1675 kWh; × 0.08 = 479,999.9334 USD
  expect_close(s, "energy.facility_kwh", 3619909.0 * 1657.5 / 1000.0);
  expect_close(s, "energy.facility_kwh", 5999999.1675);
  expect_close(s, "energy.cost_usd", 5999999.1675 * 0.08);
  // a better PUE: still (just under) 6 million kWh, more GPUs
  const Json better = run(kEx2, {"sites.dc.power_cap=6 GW", "fleet.h100.count=fit", "sites.dc.pue=1.1"});
  expect_close(better, "pools.h100.fitted_count", std::floor(6e9 / (1275.0 * 1.1)));
  EXPECT_GT(metric(better, "pools.h100.fitted_count"), fitted);
  EXPECT_NEAR(metric(better, "energy.facility_kwh"), 6e6, 2.0);
}

// ---------------------------------------------------------------- exercise 3
// 1,000 GPUs, BigCo 1.2M GPU-h, everyone at 2.50; solve the others' GPUs so
// BigCo is 62% of revenue.
const std::string kEx3 = "exercise-3-twenty-two-percent.yaml";
constexpr double kBig = 1.2e6;
constexpr double kSolved = 1e-8;

Json solve_share(const std::vector<std::string>& sets = {}) {
  return solve(kEx3, "contracts.Others.gpus", "customers.BigCo.revenue_share", 0.62, sets);
}

TEST(TeachingExercise3, TwentyTwoPercent) {
  const Json s = solve_share();
  // billed = 1.2M ÷ 62% = 1,935,483.87; ÷ 8,760,000 = 0.220946
  const double billed = kBig / 0.62;
  expect_close(s, "gpus.gpu_hours_installed", 8.76e6);
  expect_close(s, "gpus.gpu_hours_billed", billed, kSolved);
  expect_close(s, "utilization.billed", billed / 8.76e6, kSolved);
  EXPECT_NEAR(billed / 8.76e6, 0.220946, 5e-7);
  // others = 735,483.87 GPU-h = 83.959 GPUs
  expect_close(s, "solve.value", (billed - kBig) / kYear, kSolved);
  EXPECT_NEAR((billed - kBig) / kYear, 83.959346, 5e-7);
  expect_close(s, "customers.BigCo.gpu_hours", kBig);
  expect_close(s, "customers.BigCo.revenue_usd", kBig * 2.5);
  expect_close(s, "customers.Others.gpu_hours", billed - kBig, kSolved);
  expect_close(s, "customers.Others.revenue_usd", (billed - kBig) * 2.5, kSolved);
  expect_close(s, "customers.BigCo.revenue_share", 0.62, kSolved);
}

TEST(TeachingExercise3, RampingFleet) {
  const Json s = solve_share(
      {"fleet.gpus.count=~", "fleet.gpus.ramp=[{at: 2025-01-01, count: 400}, {at: 2026-01-01, count: 1000}]"});
  // installed = ½ (400 + 1,000) × 8,760 = 6,132,000; billed unchanged
  const double billed = kBig / 0.62;
  expect_close(s, "gpus.installed_avg", 700.0);
  expect_close(s, "gpus.gpu_hours_installed", 6.132e6);
  expect_close(s, "gpus.shortfall_gpu_hours", 0.0);
  expect_close(s, "solve.value", (billed - kBig) / kYear, kSolved);
  expect_close(s, "gpus.gpu_hours_billed", billed, kSolved);
  expect_close(s, "utilization.billed", billed / 6.132e6, kSolved);
  EXPECT_NEAR(billed / 6.132e6, 0.315637, 5e-7);
}

TEST(TeachingExercise3, BigCoPaysLess) {
  const Json s = solve_share({"contracts.BigCo.price=2.00 USD/gpu-h"});
  // others' revenue = 2.4M × 38/62 = 1,470,967.74; ÷ 2.50 = 588,387.10 GPU-h
  const double others = kBig * 2.0 * (0.38 / 0.62) / 2.5;
  EXPECT_NEAR(others, 588387.10, 0.01);
  expect_close(s, "customers.Others.gpu_hours", others, kSolved);
  expect_close(s, "solve.value", others / kYear, kSolved);
  EXPECT_NEAR(others / kYear, 67.167, 5e-4);
  expect_close(s, "gpus.gpu_hours_billed", kBig + others, kSolved);
  // 1,788,387.10 ÷ 8,760,000 = 0.204154
  expect_close(s, "utilization.billed", (kBig + others) / 8.76e6, kSolved);
  EXPECT_NEAR((kBig + others) / 8.76e6, 0.204154, 5e-7);
  // the general formula: H × (1 + (1 − s)/s × p_big/p_others)
  EXPECT_NEAR(kBig * (1.0 + 0.38 / 0.62 * 2.0 / 2.5), kBig + others, 1e-6);
}

TEST(TeachingExercise3, WhatIfNormalCloud) {
  const Json s = solve(kEx3, "contracts.Others.gpus", "utilization.billed", 0.5);
  // billed = 4,380,000; others 3,180,000 GPU-h = 363.014 GPUs; share 1.2 / 4.38
  expect_close(s, "gpus.gpu_hours_billed", 4.38e6, kSolved);
  expect_close(s, "solve.value", 3.18e6 / kYear, kSolved);
  EXPECT_NEAR(3.18e6 / kYear, 363.014, 5e-4);
  expect_close(s, "customers.BigCo.revenue_share", kBig / 4.38e6, kSolved);
  EXPECT_NEAR(kBig / 4.38e6, 0.273973, 5e-7);
}

// ---------------------------------------------------------------- exercise 4
// 1,000 H100s at 40,000 USD, life 5 y, all rented at 2.00 for 5 × 8,760 h;
// PUE 1.3, 0.08 USD/kWh, 150 USD/kW/month (730 h months); NPV at 10%.
const std::string kEx4 = "exercise-4-cohort-economics.yaml";
constexpr double kHours4 = 5 * kYear;                        // 43,800
constexpr double kEnergyPerGpuH = 1.275 * 1.3 * 0.08;         // 0.1326 USD
constexpr double kColoPerGpuH = 1.275 * 150.0 / 730.0;        // 0.261986 USD
constexpr double kCapex = 1000 * 40000.0;                     // 40M USD

// The cohort's cash flows summed by calendar month, as model.md's NPV does:
// month m covers hours [a, b) of the run (2025-01-01 to 2029-12-31, the last
// month 30 days; a run starting on 1 January of another year: first_year), its flow c × (b − a) with c the cash per hour, minus the
// capex in January, discounted from mid-month: t = (a + b)/2 ÷ 8,760.
struct Month {
  double a, b;
};
std::vector<Month> months_of_run(double run_hours, int first_year = 2025) {
  std::vector<Month> out;
  double a = 0.0;
  for (int year = first_year; a < run_hours; ++year) {
    for (int m = 0; m < 12 && a < run_hours; ++m) {
      static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
      const double h = 24.0 * (days[m] + (m == 1 && leap ? 1 : 0));
      const double b = std::min(a + h, run_hours);
      out.push_back({a, b});
      a = b;
    }
  }
  return out;
}
double npv(double cash_per_hour, double rate, double run_hours = kHours4) {
  double sum = 0.0;
  bool first = true;
  for (const Month& m : months_of_run(run_hours)) {
    const double cf = cash_per_hour * (m.b - m.a) - (first ? kCapex : 0.0);
    sum += cf * std::pow(1.0 + rate, -((m.a + m.b) / 2.0) / kYear);
    first = false;
  }
  return sum;
}
double cash_per_hour(double price) { return 1000.0 * (price - kEnergyPerGpuH - kColoPerGpuH); }

TEST(TeachingExercise4, AtTwoDollars) {
  const Json s = run(kEx4);
  expect_close(s, "time.hours", kHours4);
  // revenue = 1,000 × 43,800 × 2.00 = 87,600,000
  expect_close(s, "finance.revenue_usd", 87.6e6);
  // energy = 1,000 × 1.275 kW × 1.3 × 43,800 h = 72,598,500 kWh × 0.08 = 5,807,880
  expect_close(s, "energy.facility_kwh", 72598500.0);
  expect_close(s, "finance.energy_cost_usd", 5807880.0);
  // colocation = 1,275 kW × 150 × 12 × 5 = 11,475,000
  expect_close(s, "finance.colocation_usd", 11475000.0);
  // depreciation = 1,000 × 40,000 (life = run) = 40,000,000
  expect_close(s, "finance.depreciation_usd", 40e6);
  expect_close(s, "finance.capex_usd", 40e6);
  // operating income = 87.6M − 5,807,880 − 11,475,000 − 40M = 30,317,120 (34.6%)
  expect_close(s, "finance.operating_income_usd", 30317120.0);
  expect_close(s, "finance.operating_margin", 30317120.0 / 87.6e6);
  EXPECT_NEAR(30317120.0 / 87.6e6, 0.346, 5e-4);
  expect_close(s, "finance.ebitda_usd", 70317120.0);
  expect_close(s, "finance.cash_flow_usd", 30317120.0);
  // per GPU-hour: 0.1326 + 0.261986 = 0.394586 of costs, so 1,605.41 USD/h of cash
  EXPECT_NEAR(cash_per_hour(2.0), 1605.41, 0.005);
  // payback = 40M ÷ 1,605.41 USD/h ÷ 8,760 = 2.844 years (exact: linear within each month)
  expect_close(s, "finance.payback_years", kCapex / cash_per_hour(2.0) / kYear);
  EXPECT_NEAR(kCapex / cash_per_hour(2.0), 24915.7, 0.05);
  EXPECT_NEAR(kCapex / cash_per_hour(2.0) / kYear, 2.844, 5e-4);
  // NPV at 10% on the monthly flows: 16,096,099.67
  expect_close(s, "finance.npv_usd", npv(cash_per_hour(2.0), 0.10));
  EXPECT_NEAR(npv(cash_per_hour(2.0), 0.10), 16096099.67, 0.01);
  // the page's paper version: yearly flows 14,063,424 at mid-year, capex at mid-January
  double annuity = 0.0;
  for (int y = 1; y <= 5; ++y) annuity += std::pow(1.1, -(y - 0.5));
  EXPECT_NEAR(cash_per_hour(2.0) * kYear, 14063424.0, 1e-6);
  EXPECT_NEAR(annuity, 3.975811, 5e-7);
  EXPECT_NEAR(kCapex * std::pow(1.1, -372.0 / kYear), 39838430.0, 1.0);
  const double paper = cash_per_hour(2.0) * kYear * annuity - kCapex * std::pow(1.1, -372.0 / kYear);
  EXPECT_NEAR(paper, 16.08e6, 0.005e6);
  EXPECT_LT(std::fabs(paper / metric(s, "finance.npv_usd") - 1.0), 0.002);  // "within 0.2%"
  // IRR: the rate at which the monthly NPV is 0 (bisection), 29.3%
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2.0;
    (npv(cash_per_hour(2.0), mid) > 0.0 ? lo : hi) = mid;
  }
  expect_close(s, "finance.irr", lo);
  EXPECT_NEAR(lo, 0.293318, 5e-7);
}

TEST(TeachingExercise4, AccountingBreakEven) {
  const Json s = solve(kEx4, "contracts.renters.price", "finance.operating_income_usd", 0.0);
  // price = 0.1326 + 0.261986 + 40,000 ÷ 43,800 (0.913242) = 1.307828
  //       = (5,807,880 + 11,475,000 + 40,000,000) ÷ 43,800,000
  const double price = kEnergyPerGpuH + kColoPerGpuH + 40000.0 / kHours4;
  EXPECT_NEAR(price, 57282880.0 / 43.8e6, 1e-15);
  EXPECT_NEAR(price, 1.307828, 5e-7);
  expect_close(s, "solve.value", price, kSolved);
  // operating income 0, and so the run's cash (capex = depreciation): IRR 0, payback 5 y
  EXPECT_NEAR(metric(s, "finance.operating_income_usd"), 0.0, 1e-3);
  EXPECT_NEAR(metric(s, "finance.cash_flow_usd"), 0.0, 1e-3);
  EXPECT_NEAR(metric(s, "finance.irr"), 0.0, 1e-9);
  expect_close(s, "finance.payback_years", 5.0, kSolved);
  // NPV at 10%: the cash per hour is now the depreciation, 913.24 USD/h: −8.02M
  expect_close(s, "finance.npv_usd", npv(cash_per_hour(price), 0.10), kSolved);
  EXPECT_NEAR(npv(cash_per_hour(price), 0.10), -8.02e6, 0.005e6);
}

TEST(TeachingExercise4, NpvBreakEven) {
  const Json s = solve(kEx4, "contracts.renters.price", "finance.npv_usd", 0.0);
  // NPV = c × Σ h_m d_m − 40M × d_Jan = 0  →  c = 40M d_Jan ÷ Σ h_m d_m
  double weighted_hours = 0.0, d_jan = 0.0;
  for (const Month& m : months_of_run(kHours4)) {
    const double d = std::pow(1.1, -((m.a + m.b) / 2.0) / kYear);
    if (m.a == 0.0) d_jan = d;
    weighted_hours += (m.b - m.a) * d;
  }
  const double price = (kCapex * d_jan / weighted_hours) / 1000.0 + kEnergyPerGpuH + kColoPerGpuH;
  EXPECT_NEAR(price, 1.538015, 5e-7);
  expect_close(s, "solve.value", price, kSolved);
  expect_close(s, "finance.irr", 0.10, kSolved);
  // payback = 40M ÷ c ÷ 8,760 = 3.99 years
  expect_close(s, "finance.payback_years", kCapex / cash_per_hour(price) / kYear, kSolved);
  EXPECT_NEAR(kCapex / cash_per_hour(price) / kYear, 3.99, 0.005);
}

TEST(TeachingExercise4, WhatIfThreeYearLife) {
  const Json s = solve(kEx4, "contracts.renters.price", "finance.operating_income_usd", 0.0,
                       {"time.duration=3y", "fleet.cohort.life=3y"});
  // 40,000 ÷ 26,280 = 1.522070; + 0.1326 + 0.261986 = 1.916656
  EXPECT_NEAR(40000.0 / (3 * kYear), 1.522070, 5e-7);
  const double price = kEnergyPerGpuH + kColoPerGpuH + 40000.0 / (3 * kYear);
  EXPECT_NEAR(price, 1.916656, 5e-7);
  expect_close(s, "solve.value", price, kSolved);
}

// ---------------------------------------------------------------- exercise 5
// A 4-year (35,040 h) lease of every GPU of a 10,000-H100 pool for 1.3B USD;
// PUE 1.3, 0.08 USD/kWh; catalog capex 30,000 USD, life 6 y.
const std::string kEx5 = "exercise-5-reading-a-deal.yaml";
constexpr double kHours5 = 4 * kYear;  // 35,040

TEST(TeachingExercise5, ReadAsGpus) {
  const Json s = run(kEx5);
  // 10,000 × 35,040 = 350,400,000 GPU-h; 1.3B ÷ that = 3.710046 USD/GPU-h
  expect_close(s, "contracts.Nvidia.billed_gpu_hours", 350.4e6);
  expect_close(s, "contracts.Nvidia.price_usd_per_gpu_hour", 1.3e9 / 350.4e6);
  EXPECT_NEAR(1.3e9 / 350.4e6, 3.710046, 5e-7);
  expect_close(s, "finance.revenue_per_gpu_hour_usd", 1.3e9 / 350.4e6);
  expect_close(s, "contracts.Nvidia.revenue_usd", 1.3e9);
  // 10,000 × 1,275 W = 12.75 MW
  expect_close(s, "power.it_peak_mw", 12.75);
  // 10,000 × 1.275 kW × 1.3 × 35,040 h = 580,788,000 kWh; × 0.08 = 46,463,040
  expect_close(s, "energy.facility_kwh", 580788000.0);
  expect_close(s, "finance.energy_cost_usd", 46463040.0);
  expect_close(s, "finance.energy_cost_usd", 350.4e6 * 0.1326);
  // depreciation = 10,000 × 30,000 × 4/6 = 200M; operating income 1,053,536,960
  expect_close(s, "finance.depreciation_usd", 200e6);
  expect_close(s, "finance.operating_income_usd", 1.3e9 - 46463040.0 - 200e6);
  expect_close(s, "finance.operating_income_usd", 1053536960.0);
}

TEST(TeachingExercise5, ReadAsServers) {
  // As the page runs it: 10,000 servers × 8 GPUs (H100-SXM's gpus_per_server) = 80,000 GPUs.
  const Json s = run(kEx5, {"fleet.lease.count=10000 servers"});
  // 80,000 × 35,040 = 2,803,200,000 GPU-h; 1.3B ÷ that = 0.463756 (= 3.710046 ÷ 8)
  expect_close(s, "contracts.Nvidia.billed_gpu_hours", 2803.2e6);
  expect_close(s, "contracts.Nvidia.price_usd_per_gpu_hour", 1.3e9 / 2803.2e6);
  EXPECT_NEAR(1.3e9 / 2803.2e6, 0.463756, 5e-7);
  expect_close(s, "contracts.Nvidia.price_usd_per_gpu_hour", 1.3e9 / 350.4e6 / 8.0);
  expect_close(s, "contracts.Nvidia.revenue_usd", 1.3e9);
  expect_close(s, "power.it_peak_mw", 102.0);
  // electricity × 8 = 371,704,320 (29% of the deal); depreciation × 8 = 1.6B
  expect_close(s, "finance.energy_cost_usd", 371704320.0);
  EXPECT_NEAR(371704320.0 / 1.3e9, 0.29, 0.005);
  expect_close(s, "finance.depreciation_usd", 1.6e9);
  // operating income = 1.3B − 371,704,320 − 1.6B = −671,704,320
  expect_close(s, "finance.operating_income_usd", -671704320.0);
}

TEST(TeachingExercise5, WhatIfFiveYearTerm) {
  const Json s = run(kEx5, {"contracts.Nvidia.term=5y"});
  // 1.3B ÷ (10,000 × 43,800) = 2.968037; inside the 4-year run: 350.4M × that = 1.04B
  expect_close(s, "contracts.Nvidia.price_usd_per_gpu_hour", 1.3e9 / (10000.0 * 5 * kYear));
  EXPECT_NEAR(1.3e9 / (10000.0 * 5 * kYear), 2.968037, 5e-7);
  expect_close(s, "finance.revenue_usd", 1.3e9 * 4.0 / 5.0);
  expect_close(s, "contracts.Nvidia.billed_gpu_hours", 10000.0 * kHours5);
}

// `gpusim explain FILE PATH --set ...`: the tree the pages show.
explain::Node explained(const std::string& file, const std::string& path, const std::vector<std::string>& sets = {}) {
  const explain::Context ctx = explain::make_context(scenario(file), sets);
  explain::Node root = explain::explain_path(ctx, path);
  EXPECT_TRUE(explain::check_tree(root).empty()) << path;
  return root;
}
const explain::Node* find_node(const explain::Node& n, const std::string& path) {
  if (n.path == path) return &n;
  for (const auto& c : n.children)
    if (const explain::Node* f = find_node(c, path)) return f;
  return nullptr;
}
// The tree has a node PATH whose source names LOCATION (file:line:col, as the page shows it).
void expect_written_at(const explain::Node& tree, const std::string& path, const std::string& location) {
  const explain::Node* n = find_node(tree, path);
  ASSERT_NE(n, nullptr) << path;
  EXPECT_NE(n->source.find(location), std::string::npos) << path << ": " << n->source;
}

// ---------------------------------------------------------------- exercise 6
// C1: 10,000 GPUs, 4 y, 1.3B USD; C2: 8,000 GPUs, 200M USD, term solved to C1's price.
const std::string kEx6 = "exercise-6-two-leases.yaml";

TEST(TeachingExercise6, TwoLeasesAsGpus) {
  const Json s = run(kEx6);
  // C1: 1.3B ÷ (10,000 × 4 × 8,760 = 350,400,000 GPU-h) = 3.710046 USD/GPU-h
  expect_close(s, "contracts.C1.price_usd_per_gpu_hour", 1.3e9 / 350.4e6);
  // C2's term T: 200M ÷ (8,000 × T) = 1.3B ÷ (10,000 × 35,040 h)
  //   T = 200/1,300 × 10,000/8,000 × 4 y = 10/13 y = 0.769231 y (6,738.46 h, about 281 days)
  expect_close(s, "solve.value", 10.0 / 13.0, 1e-8);
  expect_close(s, "contracts.C2.price_usd_per_gpu_hour", 1.3e9 / 350.4e6, 1e-8);
  // C2 bills 8,000 × 6,738.46 h = 53,907,692 GPU-h, all inside the run: 200M USD
  expect_close(s, "contracts.C2.billed_gpu_hours", 8000.0 * 10.0 / 13.0 * kYear, 1e-8);
  expect_close(s, "contracts.C2.revenue_usd", 200e6, 1e-8);
  // The working: p₀ = V ÷ (N × term), the term solved.
  const explain::Node price = explained(kEx6, "contracts.C2.price_usd_per_gpu_hour");
  EXPECT_EQ(price.op, explain::Op::quotient);
  const explain::Node* term = find_node(price, "contracts.C2.term");
  ASSERT_NE(term, nullptr);
  EXPECT_NEAR(*term->value, 10.0 / 13.0 * kYear, 1e-4);
  ASSERT_FALSE(term->notes.empty());
  EXPECT_EQ(term->notes[0].rfind("solved: contracts.C2.term = ", 0), 0u) << term->notes[0];
}

TEST(TeachingExercise6, TwoLeasesAsServers) {
  const Json s = run(kEx6, {"fleet.c1.count=80000", "fleet.c2.count=64000"});
  // 80,000 GPUs: 1.3B ÷ 2,803,200,000 = 0.463756 (= 3.710046 ÷ 8)
  expect_close(s, "contracts.C1.price_usd_per_gpu_hour", 1.3e9 / 2803.2e6);
  // the term does not move: 200/1,300 × 80,000/64,000 × 4 y = 10/13 y again
  expect_close(s, "solve.value", 10.0 / 13.0, 1e-8);
}

// ---------------------------------------------------------------- exercise 7
// 1,000 H100s at 40,000 USD, rented at 2.20 for 3 × 8,760 = 26,280 h; staff 2M/y; tax 21%.
const std::string kEx7 = "exercise-7-useful-life.yaml";
constexpr double kHours7 = 3 * kYear;

TEST(TeachingExercise7, ThreeLives) {
  // revenue 1,000 × 26,280 × 2.20 = 57,816,000; energy 1,000 × 1.275 kW × 26,280 h × 1.3 × 0.08 = 3,484,728
  const double revenue = 1000.0 * kHours7 * 2.2, energy = 1000.0 * 1.275 * kHours7 * 1.3 * 0.08, staff = 6e6;
  EXPECT_NEAR(revenue, 57816000.0, 1e-6);
  EXPECT_NEAR(energy, 3484728.0, 1e-6);
  // depreciation over the 3 years: 40M × 3 ÷ life = 20M (6 y), 26,666,666.67 (4.5 y), 40M (3 y)
  const std::pair<const char*, double> lives[] = {{"6y", 6.0}, {"4.5y", 4.5}, {"3y", 3.0}};
  std::vector<Json> runs;
  for (const auto& [life, years] : lives) {
    const Json s = run(kEx7, {std::string("fleet.gpus.life=") + life});
    const double depreciation = 40e6 * 3.0 / years;
    const double operating = revenue - energy - staff - depreciation;  // 28,331,272 / 21,664,605.33 / 8,331,272
    expect_close(s, "finance.revenue_usd", revenue);
    expect_close(s, "finance.energy_cost_usd", energy);
    expect_close(s, "finance.capex_usd", 40e6);
    expect_close(s, "finance.depreciation_usd", depreciation);
    expect_close(s, "finance.operating_income_usd", operating);
    // each calendar year earns a third, all positive: tax 21%, net income 79%
    expect_close(s, "finance.tax_usd", 0.21 * operating);
    expect_close(s, "finance.net_income_usd", 0.79 * operating);
    // cash = revenue − energy − staff − tax − capex: the life enters only through tax
    expect_close(s, "finance.cash_flow_usd", revenue - energy - staff - 0.21 * operating - 40e6);
    // EBITDA does not depend on the life: 57,816,000 − 3,484,728 − 6,000,000 = 48,331,272
    expect_close(s, "finance.ebitda_usd", 48331272.0);
    runs.push_back(s);
  }
  // 6 y → 3 y: depreciation +20M, net income −20M × 79% = −15.8M, cash +20M × 21% = +4.2M (H3's 3.9B → ~3B)
  EXPECT_NEAR(metric(runs[0], "finance.net_income_usd") - metric(runs[2], "finance.net_income_usd"), 15.8e6, 1e-3);
  EXPECT_NEAR(metric(runs[2], "finance.cash_flow_usd") - metric(runs[0], "finance.cash_flow_usd"), 4.2e6, 1e-3);
  // NPV rises as the life shortens (less tax, sooner): −2.75M, −1.59M, +0.74M
  EXPECT_LT(metric(runs[0], "finance.npv_usd"), metric(runs[1], "finance.npv_usd"));
  EXPECT_LT(metric(runs[1], "finance.npv_usd"), metric(runs[2], "finance.npv_usd"));
  EXPECT_NEAR(metric(runs[0], "finance.npv_usd"), -2.75e6, 0.01e6);
  EXPECT_NEAR(metric(runs[2], "finance.npv_usd"), 0.74e6, 0.01e6);
  // The working: depreciation = N × C × (hours of the life inside the run ÷ L)
  const explain::Node dep = explained(kEx7, "finance.depreciation_usd", {"fleet.gpus.life=4.5y"});
  const explain::Node* life = find_node(dep, "fleet.gpus.life");
  ASSERT_NE(life, nullptr);
  EXPECT_EQ(*life->value, 4.5 * kYear);  // 39,420 h
  EXPECT_EQ(life->source, "--set fleet.gpus.life");
}

// The monthly time series' column NAME (`--out DIR --every month`, timeseries.csv):
// (the row's first field, the month, and the column's value) for every row.
std::vector<std::pair<std::string, double>> timeseries_column(const Results& r, const std::string& name) {
  std::istringstream lines(timeseries_csv(r, Period::month));
  std::string line;
  std::getline(lines, line);  // the header: find the column by name
  std::size_t column = 0;
  for (std::size_t at = 0, i = 0;; ++i) {
    const std::size_t comma = line.find(',', at);
    if (line.substr(at, comma - at) == name) {
      column = i;
      break;
    }
    if (comma == std::string::npos) {
      ADD_FAILURE() << "no " << name << " column";
      return {};
    }
    at = comma + 1;
  }
  std::vector<std::pair<std::string, double>> out;
  while (std::getline(lines, line)) {
    std::size_t at = 0;
    for (std::size_t i = 0; i < column; ++i) at = line.find(',', at) + 1;
    out.emplace_back(line.substr(0, line.find(',')), std::stod(line.substr(at, line.find(',', at) - at)));
  }
  return out;
}

// ---------------------------------------------------------------- exercise 8
// 10,000 H100s, 400M USD loan (10%, 5 y, linear); Big 6,200 GPUs, Others 3,800, at 2.50; staff 10M/y.
const std::string kEx8 = "exercise-8-concentration.yaml";
// Per 8,760-h year: Big 135,780,000 revenue, Others 83,220,000; energy with Big
// 10,000 × 1.275 kW × 8,760 × 1.3 × 0.08 = 11,615,760, without it
// (3,800 × 1,275 + 6,200 × 650) W × 8,760 × 1.3 × 0.08 = 8,085,480. Interest on the
// linearly falling balance: 36M, 28M, 20M, 12M, 4M; principal 80M a year.
constexpr double kBigYear = 135780000.0, kOthersYear = 83220000.0, kEnergyWith = 11615760.0, kEnergyWithout = 8085480.0;

TEST(TeachingExercise8, BigLeavesAfterTwoYears) {
  const Json s = run(kEx8);
  expect_close(s, "finance.revenue_usd", 2 * kBigYear + 5 * kOthersYear);  // 687,660,000
  // while both run Big is 6,200 ÷ 10,000 = 62% of revenue; over the 5 years 271.56M ÷ 687.66M = 39.5%
  expect_close(s, "customers.Big.revenue_share", 2 * kBigYear / (2 * kBigYear + 5 * kOthersYear));
  expect_close(s, "finance.energy_cost_usd", 2 * kEnergyWith + 3 * kEnergyWithout);  // 47,487,960
  expect_close(s, "finance.interest_usd", 100e6);
  // years 1–2: 219M − 11,615,760 − 10M − 36M (28M) − 80M = +81,384,240 (+89,384,240)
  // years 3–5: 83,220,000 − 8,085,480 − 10M − 20M (12M, 4M) − 80M = −34,865,480 (−26,865,480, −18,865,480)
  expect_close(s, "finance.cash_flow_usd", 90172040.0);
  expect_close(s, "finance.min_cumulative_cash_usd", 0.0);  // never below 0
  const Json run_rs = run(kEx8, {"contracts.Big.term=5y"});
  expect_close(run_rs, "customers.Big.revenue_share", 0.62);
}

TEST(TeachingExercise8, BigLeavesAfterOneYearCashRunsOutInNovember2028) {
  const LoadedScenario loaded = load_scenario(scenario(kEx8), {"contracts.Big.term=1y"});
  const Results r = run_document(loaded.document);
  const Json s = summary_json(r);
  // 81,384,240 − 42,865,480 − 34,865,480 − 26,865,480 − 18,865,480 = −42,077,680, the lowest point
  expect_close(s, "finance.cash_flow_usd", -42077680.0);
  expect_close(s, "finance.min_cumulative_cash_usd", -42077680.0);
  // After 3 years the cumulative cash is 81,384,240 − 42,865,480 − 34,865,480 = 3,653,280; in year 4
  // (2028) it falls by 26,865,480, through −20M (the equity buffer) after about
  // 23,653,280 ÷ 26,865,480 × 365 ≈ 321 days: November 2028. The monthly time series says which month.
  std::string first_below;
  for (const auto& [month, cumulative] : timeseries_column(r, "cumulative_cash_usd")) {
    if (cumulative < -20e6) {
      first_below = month;
      break;
    }
  }
  EXPECT_EQ(first_below, "2028-11-01");
}

TEST(TeachingExercise8, TheEarliestExitTheBufferSurvives) {
  // The lowest cumulative cash is at the run's end once Big has left:
  //   90,172,040 − (2 y − T) × (135,780,000 − (11,615,760 − 8,085,480)) = −20,000,000
  //   2 y − T = 110,172,040 ÷ 132,249,720 → T = 1.16694 y (about 14 months)
  // gpusim solve FILE --vary contracts.Big.term --target finance.min_cumulative_cash_usd=-20M --low 0.25y --high 2y
  const Json s = solve(kEx8, "contracts.Big.term", "finance.min_cumulative_cash_usd", -20e6, {}, "0.25y", "2y");
  expect_close(s, "finance.min_cumulative_cash_usd", -20e6, 1e-6);
  const double t = 2.0 - 110172040.0 / 132249720.0;
  EXPECT_NEAR(metric(s, "contracts.Big.billed_gpu_hours"), 6200.0 * t * kYear, 1e-6 * 6200.0 * t * kYear);
}

// ---------------------------------------------------------------- exercise 9
// 6 GW (facility) ÷ PUE 1.08 ÷ (1,400 + 575) W per MI355X = 2,812,939.5 → 2,812,939 GPUs.
const std::string kEx9 = "exercise-9-fragile-arithmetic.yaml";
constexpr double kHours9 = 5 * kYear;  // 43,800

TEST(TeachingExercise9, ThePricePerGpuHourAndWhatItHangsOn) {
  const struct {
    std::vector<std::string> sets;
    double gpus;  // ⌊cap ÷ PUE ÷ (tdp + overhead)⌋
  } readings[] = {
      {{}, 2812939.0},                                                          // 6e9 ÷ 1.08 ÷ 1,975
      {{"sites.campus.pue=1.3"}, 2336903.0},                                    // 6e9 ÷ 1.3 ÷ 1,975
      {{"sites.campus.power_cap=~", "sites.campus.it_power_cap=6 GW"}, 3037974.0},  // 6e9 ÷ 1,975
      {{"fleet.instinct.gpu=H100-SXM"}, 4357298.0},                             // 6e9 ÷ 1.08 ÷ 1,275
  };
  for (const auto& reading : readings) {
    const Json s = run(kEx9, reading.sets);
    expect_close(s, "pools.instinct.fitted_count", reading.gpus);
    // 60B ÷ (N × 43,800 h): 0.4870, 0.5862, 0.4509, 0.3144 USD/GPU-h
    expect_close(s, "contracts.Meta.price_usd_per_gpu_hour", 60e9 / (reading.gpus * kHours9));
  }
  EXPECT_NEAR(60e9 / (2812939.0 * kHours9), 0.4870, 5e-5);
  // The GPUs alone cost more than the contract: 2,812,939 × 30,000 = 84,388,170,000 USD
  const Json base = run(kEx9);
  expect_close(base, "finance.capex_usd", 2812939.0 * 30000.0);
  // The working: p₀ = V ÷ (N_fit × term), N_fit from the cap, PUE, tdp and overhead.
  const explain::Node price = explained(kEx9, "contracts.Meta.price_usd_per_gpu_hour");
  ASSERT_NE(find_node(price, "pools.instinct.fitted_count"), nullptr);
  ASSERT_NE(find_node(price, "sites.campus.power_cap"), nullptr);
  ASSERT_NE(find_node(price, "catalog.MI355X.tdp"), nullptr);
}

// ---------------------------------------------------------------- exercise 10
// 2,812,939 MI355X (1,400 W busy, 280 W idle, 575 W overhead), PUE 1.08, 8,760 h, 0.06 USD/kWh.
const std::string kEx10 = "exercise-10-energy-bill.yaml";

TEST(TeachingExercise10, AYearAtFullLoad) {
  const Json s = run(kEx10);
  // IT = 2,812,939 × 1,975 W = 5,555,554,525 W; facility × 1.08 = 5,999,998,887 W ≈ 6 GW
  expect_close(s, "power.it_avg_mw", 5555.554525);
  expect_close(s, "power.facility_avg_mw", 5999.998887);
  // one hour ≈ 6,000,000 kWh (B4); a year 5,999,998.887 kWh × 8,760 = 52,559,990,250 kWh
  expect_close(s, "energy.facility_kwh", 5999998.887 * kYear);
  // bill × 0.06 = 3,153,599,415 USD
  expect_close(s, "energy.cost_usd", 5999998.887 * kYear * 0.06);
  // cooling and losses = (1.08 − 1) × IT: 8% ÷ 108% = 7.4% of the facility's energy
  expect_close(s, "energy.cooling_and_losses_kwh", 0.08 * 5555554.525 * kYear);
  // the servers' overhead: 2,812,939 × 575 W × 8,760 h = 14,168,773,743 kWh
  expect_close(s, "energy.server_kwh", 2812939.0 * 575.0 * kYear / 1000.0);
  const explain::Node bill = explained(kEx10, "energy.cost_usd");
  ASSERT_NE(find_node(bill, "sites.campus.electricity"), nullptr);
  ASSERT_NE(find_node(bill, "sites.campus.pue"), nullptr);
}

TEST(TeachingExercise10, BusySixtyPercentOfTheTime) {
  const Json s = run(kEx10, {"contracts.Meta.activity=60%"});
  // IT = N × (280 + 575) + 60% × N × (1,400 − 280) = N × 1,527 W = 4,295,357,853 W
  expect_close(s, "power.it_avg_mw", 2812939.0 * 1527.0 / 1e6);
  // bill = 4,295,357.853 kW × 1.08 × 8,760 h × 0.06 = 2,438,251,294.54 USD: 22.7% less (1 − 1,527 ÷ 1,975), not 40%
  expect_close(s, "energy.cost_usd", 2812939.0 * 1.527 * 1.08 * kYear * 0.06);
  EXPECT_NEAR(1.0 - 1527.0 / 1975.0, 0.227, 0.0005);
  // the contract still bills every GPU-hour (take-or-pay): revenue unchanged
  expect_close(s, "finance.revenue_usd", 2812939.0 * kYear * 2.0);
}

// ---------------------------------------------------------------- exercise 11
// 120,000 GB300s (1,400 + 266.7 W) bought for 5.8B USD on day one, life 5 y; Microsoft rents them all for
// 5 × 365 days (43,800 h, 1,825 days, 2026-01-01 to 2030-12-31) for V = 9.7B USD, 20% prepaid; PUE 1.3,
// 0.086 USD/kWh, 21% tax, NPV at 10%. Without the prepayment: --set contracts.Microsoft.prepayment=0%.
const std::string kEx11 = "exercise-11-prepayment.yaml";
const std::vector<std::string> kNoPrepayment = {"contracts.Microsoft.prepayment=0%"};
constexpr double kValue11 = 9.7e9, kPrepaid11 = 0.2 * kValue11, kCapex11 = 5.8e9, kDays11 = 1825.0;
// energy = 120,000 × 1.6667 kW × 1.3 × 43,800 h × 0.086 = 979,387,587.36 USD
constexpr double kEnergy11 = 120000.0 * 1.6667 * 1.3 * 5 * kYear * 0.086;
// pre-tax income = 9.7B − 979,387,587.36 − 5.8B depreciation = 2,920,612,412.64; each calendar year is
// profitable, so tax = 21% of it = 613,328,606.65 and net income 2,307,283,805.99
constexpr double kPreTax11 = kValue11 - kEnergy11 - kCapex11;

TEST(TeachingExercise11, RevenueNetIncomeAndTaxDoNotMove) {
  EXPECT_NEAR(kEnergy11, 979387587.36, 0.005);
  for (const auto& sets : {std::vector<std::string>{}, kNoPrepayment}) {
    const Json s = run(kEx11, sets);
    // price = 9.7B ÷ (120,000 × 43,800 h) = 1.84551 USD/GPU-h
    expect_close(s, "contracts.Microsoft.price_usd_per_gpu_hour", kValue11 / (120000.0 * 5 * kYear));
    expect_close(s, "finance.revenue_usd", kValue11);
    expect_close(s, "finance.energy_cost_usd", kEnergy11);
    expect_close(s, "finance.tax_usd", 0.21 * kPreTax11);
    expect_close(s, "finance.net_income_usd", 0.79 * kPreTax11);
    // over the whole contract the prepayment is all applied: cash flow = net income (capex = depreciation)
    expect_close(s, "finance.cash_flow_usd", 0.79 * kPreTax11);
    expect_close(s, "finance.deferred_revenue_end_usd", 0.0);
  }
  EXPECT_NEAR(0.21 * kPreTax11, 613328606.65, 0.01);
  // the page's working: price 1.84551; a day's revenue 5,315,068.49 (1,063,013.70 from P), energy 536,650.73,
  // depreciation 3,178,082.19, pre-tax income 1,600,335.57, tax 336,070.47; a year's energy 195.88M, tax 122.67M
  EXPECT_NEAR(kValue11 / (120000.0 * 5 * kYear), 1.84551, 5e-6);
  EXPECT_NEAR(kValue11 / kDays11, 5315068.49, 0.005);
  EXPECT_NEAR(0.2 * kValue11 / kDays11, 1063013.70, 0.005);
  EXPECT_NEAR(kEnergy11 / kDays11, 536650.73, 0.005);
  EXPECT_NEAR(kCapex11 / kDays11, 3178082.19, 0.005);
  EXPECT_NEAR(kPreTax11 / kDays11, 1600335.57, 0.005);
  EXPECT_NEAR(0.21 * kPreTax11 / kDays11, 336070.47, 0.005);
  EXPECT_NEAR(kEnergy11 / 5, 195.88e6, 0.005e6);
  EXPECT_NEAR(0.21 * kPreTax11 / 5, 122.67e6, 0.005e6);
  EXPECT_NEAR(0.79 * kPreTax11, 2307283805.99, 0.01);
  expect_close(run(kEx11), "finance.prepayments_usd", kPrepaid11);  // 20% × 9.7B = 1.94B
  expect_close(run(kEx11, kNoPrepayment), "finance.prepayments_usd", 0.0);
}

TEST(TeachingExercise11, TheCashComesForward) {
  const Json with = run(kEx11), without = run(kEx11, kNoPrepayment);
  // The lowest cumulative cash is the end of day one: −5.8B + 5,315,068.49 − 536,650.73 = −5,795,221,582.24
  // without; with P: + 1,940,000,000 − 20% × 5,315,068.49 = −3,856,284,595.94 (1,938,936,986.30 higher)
  const double day_revenue = kValue11 / kDays11, day_energy = kEnergy11 / kDays11;
  expect_close(without, "finance.min_cumulative_cash_usd", -kCapex11 + day_revenue - day_energy);
  expect_close(with, "finance.min_cumulative_cash_usd", -kCapex11 + day_revenue - day_energy + kPrepaid11 - 0.2 * day_revenue);
  EXPECT_NEAR(-kCapex11 + day_revenue - day_energy, -5795221582.24, 0.005);
  EXPECT_NEAR(kPrepaid11 - 0.2 * day_revenue, 1938936986.30, 0.005);
  // Payback: a day's cash before tax 4,778,417.76; the tax, 21% × 1,600,335.57 = 336,070.47 a day, is paid
  // each 31 December. At the end of 2028 (1,096 days): −5.8B + 1,096 × (4,778,417.76 − 336,070.47)
  // = −931,187,369; 931,187,369 ÷ 4,778,417.76 = 194.87 days into 2029 → (1,096 + 194.87) ÷ 365 = 3.5366 y.
  // With P the day's cash is 4,778,417.76 − 1,063,013.70 = 3,715,404.06: −3.86B + 1,096 × 3,379,333.59
  // = −156,250,383 → 42.05 days → (1,096 + 42.05) ÷ 365 = 3.1180 y.
  const double day_cash = day_revenue - day_energy, day_tax = 0.21 * kPreTax11 / kDays11;
  const auto payback = [&](double prepaid) {
    const double cash = day_cash - prepaid / kDays11;  // each day's bill pays P ÷ V of itself from P
    const double end_2028 = -kCapex11 + prepaid + 1096.0 * (cash - day_tax);
    return (1096.0 - end_2028 / cash) / 365.0;
  };
  expect_close(without, "finance.payback_years", payback(0.0));
  expect_close(with, "finance.payback_years", payback(kPrepaid11));
  EXPECT_NEAR(payback(0.0), 3.54, 0.005);
  EXPECT_NEAR(-kCapex11 + 1096.0 * (day_cash - day_tax), -931187369.0, 1.0);
  EXPECT_NEAR((kCapex11 - 1096.0 * (day_cash - day_tax)) / day_cash, 194.87, 0.005);
  EXPECT_NEAR(day_cash, 4778417.76, 0.005);
  EXPECT_NEAR(day_cash - kPrepaid11 / kDays11, 3715404.06, 0.005);
  EXPECT_NEAR(day_cash - kPrepaid11 / kDays11 - day_tax, 3379333.59, 0.005);
  EXPECT_NEAR(-kCapex11 + kPrepaid11 + 1096.0 * (day_cash - kPrepaid11 / kDays11 - day_tax), -156250383.0, 1.0);
  EXPECT_NEAR(payback(kPrepaid11), 3.12, 0.005);
  // The paper shortcut: 5.8B ÷ 1.621B = 3.58 y and (5.8B − 1.94B) ÷ (1.621B − 0.388B) = 3.13 y, within 0.05 y
  const double year_cash = kValue11 / 5 - kEnergy11 / 5 - 0.21 * kPreTax11 / 5;  // 1.94B − 195.88M − 122.67M
  EXPECT_NEAR(year_cash, 1.621e9, 0.0005e9);
  EXPECT_NEAR(kCapex11 / year_cash, payback(0.0), 0.05);
  EXPECT_NEAR((kCapex11 - kPrepaid11) / (year_cash - kPrepaid11 / 5), payback(kPrepaid11), 0.05);
  // NPV: the two runs' monthly flows differ by +P in January 2026 and −P × (hours of the month) ÷ 43,800
  // each month, discounted from mid-month at 10%: +388,969,440 USD (1,082,431,222 against 693,461,783).
  double prepaid_npv = 0.0;
  bool first = true;
  for (const Month& m : months_of_run(5 * kYear, 2026)) {
    const double flow = (first ? kPrepaid11 : 0.0) - kPrepaid11 * (m.b - m.a) / (5 * kYear);
    prepaid_npv += flow * std::pow(1.1, -((m.a + m.b) / 2.0) / kYear);
    first = false;
  }
  EXPECT_NEAR(metric(with, "finance.npv_usd") - metric(without, "finance.npv_usd"), prepaid_npv, 1e-8 * kPrepaid11);
  EXPECT_NEAR(prepaid_npv, 388969440.0, 1.0);
  EXPECT_NEAR(metric(with, "finance.npv_usd"), 1082431222.0, 1.0);
  EXPECT_NEAR(metric(without, "finance.npv_usd"), 693461783.0, 1.0);
  // On paper: P × (1.1^(−15.5/365) − (1 − 1.1^−5) ÷ (5 ln 1.1)) = 1.94B × (0.995961 − 0.795463) = 389.0M
  const double paper = kPrepaid11 * (std::pow(1.1, -15.5 / 365.0) - (1.0 - std::pow(1.1, -5.0)) / (5.0 * std::log(1.1)));
  EXPECT_NEAR(paper, 389.0e6, 0.05e6);
  EXPECT_NEAR(paper, prepaid_npv, 1e-3 * prepaid_npv);
  EXPECT_NEAR(metric(without, "finance.irr"), 0.159, 0.0005);
  EXPECT_NEAR(metric(with, "finance.irr"), 0.238, 0.0005);
}

TEST(TeachingExercise11, AfterOneYear) {
  const Json with = run(kEx11, {"time.duration=1y"});
  const Json without = run(kEx11, {"time.duration=1y", "contracts.Microsoft.prepayment=0%"});
  // one year of five: revenue 1.94B; net income (1.94B − 195,877,517.47 − 1.16B) × 79% = 461,456,761.20
  for (const Json* s : {&with, &without}) {
    expect_close(*s, "finance.revenue_usd", kValue11 / 5);
    expect_close(*s, "finance.net_income_usd", 0.79 * kPreTax11 / 5);
  }
  EXPECT_NEAR(0.79 * kPreTax11 / 5, 461456761.20, 0.005);
  // P × (1 − 1/5) = 1,552,000,000 received, not yet earned; the cash flow is that much higher:
  // −5.8B + 1.94B − 195,877,517.47 − 122,665,721.33 = −4,178,543,238.80 without, −2,626,543,238.80 with
  expect_close(with, "finance.deferred_revenue_end_usd", 0.8 * kPrepaid11);
  expect_close(without, "finance.deferred_revenue_end_usd", 0.0);
  const double cash_without = -kCapex11 + (kValue11 - kEnergy11 - 0.21 * kPreTax11) / 5;
  expect_close(without, "finance.cash_flow_usd", cash_without);
  expect_close(with, "finance.cash_flow_usd", cash_without + 0.8 * kPrepaid11);
  EXPECT_NEAR(cash_without, -4178543238.80, 0.005);
}

TEST(TeachingExercise11, TheWorking) {
  // explain finance.prepayments_usd: P = q × V from the file's line 28
  const explain::Node prepaid = explained(kEx11, "finance.prepayments_usd");
  EXPECT_EQ(*prepaid.value, kPrepaid11);
  expect_written_at(prepaid, "contracts.Microsoft.prepayment", "exercise-11-prepayment.yaml:28:102");
  expect_written_at(prepaid, "contracts.Microsoft.value", "exercise-11-prepayment.yaml:28:80");
  // a year in, the cash flow's prepayment term is the deferred revenue: 1.94B − 388M = 1,552,000,000
  const explain::Node deferred = explained(kEx11, "finance.deferred_revenue_end_usd", {"time.duration=1y"});
  EXPECT_NEAR(*deferred.value, 0.8 * kPrepaid11, 1e-9 * kPrepaid11);
  ASSERT_NE(find_node(deferred, "finance.prepayments_usd"), nullptr);
  const explain::Node cash = explained(kEx11, "finance.cash_flow_usd", {"time.duration=1y"});
  ASSERT_NE(find_node(cash, "finance.deferred_revenue_end_usd"), nullptr);
  EXPECT_EQ(*cash.value, metric(run(kEx11, {"time.duration=1y"}), "finance.cash_flow_usd"));
}

// ---------------------------------------------------------------- exercise 12
// Exercise 10's campus (2,812,939 MI355X at 1,975 W, PUE 1.08, 8,760 h, 0.06 USD/kWh) at 0.366 kg CO2/kWh,
// 50% of its energy under a solar PPA at 0.0568 USD/kWh with 0 kg/kWh.
const std::string kEx12 = "exercise-12-carbon.yaml";
// E = 2,812,939 × 1.975 kW × 1.08 × 8,760 h = 52,559,990,250.12 kWh
constexpr double kEnergy12 = 2812939.0 * 1.975 * 1.08 * kYear;

TEST(TeachingExercise12, GridOnly) {
  const Json s = run(kEx12, {"sites.campus.ppa=~"});
  expect_close(s, "energy.facility_kwh", kEnergy12);
  // CO2 = E × 0.366 kg = 19,236,956,431.5 kg = 19,236,956 t ≈ 19.2 Mt
  expect_close(s, "energy.co2_tonnes", kEnergy12 * 0.366 / 1000.0);
  EXPECT_NEAR(kEnergy12 * 0.366 / 1000.0, 19236956.0, 0.5);
  // per GPU-hour: 1.975 kW × 1.08 × 0.366 = 0.780678 kg (every GPU-hour billed: 2,812,939 × 8,760)
  expect_close(s, "energy.co2_kg_per_gpu_hour", 1.975 * 1.08 * 0.366);
  expect_close(s, "gpus.gpu_hours_billed", 24641345640.0);  // 2,812,939 × 8,760
  EXPECT_NEAR(1.975 * 1.08 * 0.366, 0.780678, 1e-12);
  // bill E × 0.06 = 3,153,599,415 USD, as in exercise 10
  expect_close(s, "energy.cost_usd", kEnergy12 * 0.06);
  expect_close(s, "energy.grid_cost_usd", kEnergy12 * 0.06);
  expect_close(s, "energy.ppa_cost_usd", 0.0);
}

TEST(TeachingExercise12, HalfUnderASolarPpa) {
  const Json s = run(kEx12);
  // grid 50% × 0.366 + PPA 50% × 0 = 0.183 kg/kWh: 9,618,478 t, 0.390339 kg per GPU-hour
  expect_close(s, "energy.co2_tonnes", kEnergy12 * 0.183 / 1000.0);
  EXPECT_NEAR(kEnergy12 * 0.183 / 1000.0, 9618478.0, 0.5);
  expect_close(s, "energy.co2_kg_per_gpu_hour", 1.975 * 1.08 * 0.183);
  // bill = E × (50% × 0.06 + 50% × 0.0568) = E × 0.0584 = 3,069,503,430.61: grid 1,576,799,707.50, PPA
  // 1,492,703,723.10; saving E × 50% × 0.0032 = 84,095,984.40 (2.7%)
  expect_close(s, "energy.cost_usd", kEnergy12 * 0.0584);
  expect_close(s, "energy.grid_cost_usd", kEnergy12 * 0.03);
  expect_close(s, "energy.ppa_cost_usd", kEnergy12 * 0.0284);
  EXPECT_NEAR(kEnergy12 * 0.03, 1576799708.0, 0.5);
  EXPECT_NEAR(kEnergy12 * 0.0284, 1492703723.0, 0.5);
  expect_close(s, "energy.ppa_kwh", kEnergy12 / 2);
  expect_close(s, "energy.grid_kwh", kEnergy12 / 2);
  EXPECT_NEAR(kEnergy12 * 0.0584, 3069503431.0, 0.5);
  EXPECT_NEAR(kEnergy12 * 0.5 * 0.0032, 84095984.0, 0.5);
  EXPECT_NEAR(0.0032 / 0.06 / 2, 0.027, 0.0005);
  // all of it under the PPA: 0 t, E × 0.0568 = 2,985,407,446 USD
  const Json all = run(kEx12, {"sites.campus.ppa.share=100%"});
  expect_close(all, "energy.co2_tonnes", 0.0);
  expect_close(all, "energy.cost_usd", kEnergy12 * 0.0568);
  EXPECT_NEAR(kEnergy12 * 0.0568, 2985407446.0, 0.5);
  // 10 points more (60%): E × 10% × 0.366 kg = 1,923,696 t less, E × 10% × 0.0032 = 16,819,197 USD less
  const Json sixty = run(kEx12, {"sites.campus.ppa.share=60%"});
  EXPECT_NEAR(metric(s, "energy.co2_tonnes") - metric(sixty, "energy.co2_tonnes"), kEnergy12 * 0.1 * 0.366 / 1000.0,
              1e-9 * kEnergy12);
  EXPECT_NEAR(metric(s, "energy.cost_usd") - metric(sixty, "energy.cost_usd"), kEnergy12 * 0.1 * 0.0032, 1e-9 * kEnergy12);
  EXPECT_NEAR(kEnergy12 * 0.1 * 0.366 / 1000.0, 1923696.0, 0.5);
  EXPECT_NEAR(kEnergy12 * 0.1 * 0.0032, 16819197.0, 0.5);
}

TEST(TeachingExercise12, TheWorking) {
  const explain::Node co2 = explained(kEx12, "energy.co2_tonnes");
  EXPECT_EQ(*co2.value, metric(run(kEx12), "energy.co2_tonnes"));
  // the PUE from exercise 10's file, the intensity and the PPA's share from this one
  expect_written_at(co2, "sites.campus.pue", "exercise-10-energy-bill.yaml:20:42");
  expect_written_at(co2, "sites.campus.carbon", "exercise-12-carbon.yaml:26:13");
  expect_written_at(co2, "sites.campus.ppa.share", "exercise-12-carbon.yaml:27:18");
  const explain::Node bill = explained(kEx12, "energy.cost_usd");
  ASSERT_NE(find_node(bill, "sites.campus.ppa.price"), nullptr);
  ASSERT_NE(find_node(bill, "sites.campus.grid_cost_usd"), nullptr);
}

// ------------------------------------------------- the what-ifs of pages 6–12
TEST(TeachingExercise6, WhatIfTwentyPercentDiscount) {
  // C2 at 2.968037 (≈ 0.8 × C1's price): T = 200M ÷ (8,000 × 2.968037) h = 8,423.08 h = 0.961538 y (≈ 10/13 ÷ 0.8)
  const Json s = solve(kEx6, "contracts.C2.term", "contracts.C2.price_usd_per_gpu_hour", 2.968037, {}, "0.05y", "4y");
  expect_close(s, "solve.value", 200e6 / (8000.0 * 2.968037) / kYear, 1e-8);
  EXPECT_NEAR(200e6 / (8000.0 * 2.968037) / kYear, 10.0 / 13.0 / 0.8, 1e-6);
  // servers: C2 bills 64,000 × 6,738.46 h = 431,261,538 GPU-h
  const Json servers = run(kEx6, {"fleet.c1.count=80000", "fleet.c2.count=64000"});
  expect_close(servers, "contracts.C2.billed_gpu_hours", 64000.0 * 10.0 / 13.0 * kYear, 1e-8);
}

TEST(TeachingExercise7, WhatIfTwoYearLife) {
  const Json s = run(kEx7, {"fleet.gpus.life=2y"});
  // 48,331,272 ÷ 3 = 16,110,424 a year before depreciation; years 1–2 lose 3,889,576, year 3 pays
  // 21% × 16,110,424 = 3,383,189.04; net = 8,331,272 − 3,383,189.04 = 4,948,082.96
  expect_close(s, "finance.depreciation_usd", 40e6);
  expect_close(s, "finance.tax_usd", 0.21 * 48331272.0 / 3.0);
  expect_close(s, "finance.net_income_usd", 8331272.0 - 0.21 * 48331272.0 / 3.0);
  EXPECT_NEAR(0.21 * 48331272.0 / 3.0, 3383189.04, 1e-6);
}

TEST(TeachingExercise8, WhatIfBulletLoan) {
  // bullet: interest 400M × 10% × 5 = 200M (100M more), all principal at the end
  const Json s = run(kEx8, {"contracts.Big.term=1y", "finance.debt.loan.amortization=bullet"});
  expect_close(s, "finance.interest_usd", 200e6);
  expect_close(s, "finance.min_cumulative_cash_usd", -142077680.0);
}

TEST(TeachingExercise9, WhatIfPhasedIn) {
  // a ramp 0 → 2,812,939 over the run averages half: the price doubles, 2 × 0.486986 = 0.973973
  const Json s = run(kEx9, {"fleet.instinct.count=~",
                            "fleet.instinct.ramp=[{at: 2026-07-01, count: 0}, {at: 2031-06-30, count: 2812939}]"});
  expect_close(s, "contracts.Meta.price_usd_per_gpu_hour", 2.0 * 60e9 / (2812939.0 * kHours9));
}

TEST(TeachingExercise10, WhatIfPue13) {
  const Json base = run(kEx10);
  const Json s = run(kEx10, {"sites.campus.pue=1.3"});
  // ⌊6e9 ÷ 1.3 ÷ 1,975⌋ = 2,336,903 GPUs; the grid draw stays ≈ 6 GW, so the bill barely moves
  expect_close(s, "pools.instinct.fitted_count", 2336903.0);
  EXPECT_NEAR(metric(s, "energy.cost_usd"), metric(base, "energy.cost_usd"), 1e-6 * 3.1536e9);
  // cooling and losses: 0.3 ÷ 1.3 = 23.1% of the facility's energy
  expect_close(s, "energy.cooling_and_losses_kwh", 0.3 / 1.3 * metric(s, "energy.facility_kwh"));
}

TEST(TeachingExercise11, WhatIfTerminatedAfterTwoYears) {
  const LoadedScenario loaded = load_scenario(scenario(kEx11), {"contracts.Microsoft.terminate.at=2028-01-01"});
  const Results r = run_document(loaded.document);
  const Json s = summary_json(r);
  // billing stops after 730 of 1,825 days: revenue 9.7B × 2/5 = 3,880,000,000
  expect_close(s, "finance.revenue_usd", kValue11 * 2 / 5);
  // the GPUs stand idle (280 + 266.7 W each) for the last 1,095 days; depreciation runs on:
  // pre-tax 2026 and 2027 = 2 × 365 × 1,600,335.57 each year profitable, then losses (no tax):
  // net income = 2 × 79% × 584,122,482.53 − 1,095 × (3,178,082.19 + idle energy per day)
  const double idle_energy_day = 120000.0 * (0.280 + 0.2667) * 1.3 * 24.0 * 0.086;
  expect_close(s, "finance.net_income_usd",
               0.79 * 2 * kPreTax11 / 5 - 1095.0 * (kCapex11 / kDays11 + idle_energy_day));
  EXPECT_NEAR(metric(s, "finance.net_income_usd"), -2749837852.0, 0.5);
  // the deferred revenue ends December 2027 at 1.94B × 3/5 = 1,164,000,000, refunded in January 2028
  std::map<std::string, double> deferred, refund;
  for (const auto& [month, value] : timeseries_column(r, "deferred_revenue_usd")) deferred[month] = value;
  for (const auto& [month, value] : timeseries_column(r, "prepayment_refund_usd")) refund[month] = value;
  EXPECT_NEAR(deferred["2027-12-01"], 0.6 * kPrepaid11, 1e-9 * kPrepaid11);
  EXPECT_NEAR(refund["2028-01-01"], 0.6 * kPrepaid11, 1e-9 * kPrepaid11);
  EXPECT_EQ(deferred["2028-01-01"], 0.0);
  expect_close(s, "finance.deferred_revenue_end_usd", 0.0);
}

TEST(TeachingExercise12, WhatIfIndustrialTariffAndLighterLoad) {
  // at 0.0806 USD/kWh: grid only E × 0.0806 = 4,236,335,214; half PPA E × (0.0403 + 0.0284) = 3,610,871,330;
  // the PPA saves E × 50% × (0.0806 − 0.0568) = 625,463,884 USD
  const Json grid = run(kEx12, {"sites.campus.electricity=0.0806 USD/kWh", "sites.campus.ppa=~"});
  const Json half = run(kEx12, {"sites.campus.electricity=0.0806 USD/kWh"});
  expect_close(grid, "energy.cost_usd", kEnergy12 * 0.0806);
  expect_close(half, "energy.cost_usd", kEnergy12 * 0.0687);
  expect_close(half, "energy.co2_tonnes", kEnergy12 * 0.183 / 1000.0);
  EXPECT_NEAR(kEnergy12 * 0.0806, 4236335214.0, 0.5);
  EXPECT_NEAR(kEnergy12 * 0.0687, 3610871330.0, 0.5);
  EXPECT_NEAR(kEnergy12 * 0.5 * 0.0238, 625463884.0, 0.5);
  // busy 60%: N × 1,527 W instead of 1,975 (exercise 10): 9,618,478 t × 1,527 ÷ 1,975 = 7,436,666 t;
  // billed GPU-hours unchanged (take-or-pay): 1.527 × 1.08 × 0.183 = 0.30179628 kg per GPU-hour
  const Json light = run(kEx12, {"contracts.Meta.activity=60%"});
  expect_close(light, "energy.co2_tonnes", 2812939.0 * 1.527 * 1.08 * kYear * 0.183 / 1000.0);
  expect_close(light, "energy.co2_kg_per_gpu_hour", 1.527 * 1.08 * 0.183);
  EXPECT_NEAR(2812939.0 * 1.527 * 1.08 * kYear * 0.183 / 1000.0, 7436666.0, 0.5);
  EXPECT_NEAR(1.527 * 1.08 * 0.183, 0.301796, 5e-7);
}

// ------------------------------------------- the working (explain) of pages 1–5
TEST(TeachingExplain, PagesOneToFive) {
  // 1: busy 525,600 ÷ 876,000 = 60%; the Lab's activity written at line 25, the market's a default
  const explain::Node busy = explained(kEx1, "utilization.busy");
  EXPECT_NEAR(*busy.value, 0.6, 1e-12);
  const explain::Node* lab = find_node(busy, "contracts.Lab.activity");
  ASSERT_NE(lab, nullptr);
  EXPECT_NE(lab->source.find("exercise-1-utilization-ladder.yaml:25:"), std::string::npos) << lab->source;
  const explain::Node* market = find_node(busy, "demand.market.activity");
  ASSERT_NE(market, nullptr);
  EXPECT_EQ(market->source, "default: 100% (docs/scenario-format.md)");
  // 2: 1,657.5 kWh × 0.08 = 132.60 USD, the watts from the catalog
  const explain::Node bill = explained(kEx2, "energy.cost_usd");
  EXPECT_NEAR(*bill.value, 132.6, 1e-9);
  ASSERT_NE(find_node(bill, "catalog.H100-SXM.overhead"), nullptr);
  // 3: the solved GPUs: 1.2M ÷ (1.2M + 8,760 N) = 62%, utilization (1.2M + 8,760 N) ÷ 8.76M = 22.09%
  const explain::Node u = explained(kEx3, "utilization.billed",
                                    {"solve.vary=contracts.Others.gpus", "solve.target=customers.BigCo.revenue_share",
                                     "solve.equals=62%"});
  EXPECT_NEAR(*u.value, 1.2e6 / 0.62 / 8.76e6, 1e-8);
  const explain::Node* others = find_node(u, "contracts.Others.gpus");
  ASSERT_NE(others, nullptr);
  ASSERT_FALSE(others->notes.empty());
  EXPECT_EQ(others->notes[0].rfind("solved: contracts.Others.gpus = ", 0), 0u);
  // 4 and 5: the roots are the run's numbers
  const explain::Node op = explained(kEx4, "finance.operating_income_usd");
  EXPECT_EQ(*op.value, metric(run(kEx4), "finance.operating_income_usd"));
  const explain::Node price = explained(kEx5, "contracts.Nvidia.price_usd_per_gpu_hour");
  EXPECT_NEAR(*price.value, 1.3e9 / 350.4e6, 1e-12);
  ASSERT_NE(find_node(price, "fleet.lease.count"), nullptr);
}

}  // namespace
}  // namespace gpusim
