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
#include <optional>
#include <string>
#include <vector>

#include "sim/engine/solve.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"

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
           const std::vector<std::string>& sets = {}) {
  const LoadedScenario loaded = load_scenario(scenario(file), sets);
  SolveRequest request;
  request.vary = vary;
  request.target = target;
  request.equals = equals;
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
// month 30 days), its flow c × (b − a) with c the cash per hour, minus the
// capex in January, discounted from mid-month: t = (a + b)/2 ÷ 8,760.
struct Month {
  double a, b;
};
std::vector<Month> months_of_run(double run_hours) {
  std::vector<Month> out;
  double a = 0.0;
  for (int year = 2025; a < run_hours; ++year) {
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

}  // namespace
}  // namespace gpusim
