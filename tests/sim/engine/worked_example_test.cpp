// The worked example of docs/model.md ("A worked example"): runs
// scenarios/teaching/worked-example.yaml and checks every hand-computed figure
// that page states, to 1e-9 relative. The arithmetic is repeated in comments;
// change the scenario, docs/model.md and this test together.
//
// The scenario: 1,000 H100-SXM (tdp 700 W, idle 75 W, overhead 575 W, capex
// 30,000 USD, life 6y) at one site (PUE 1.25, 0.08 USD/kWh, colocation
// 150 USD/kW/month, no it_power_cap), afr 5% with 3 d repairs; Acme reserves
// 600 GPUs at 2.00 USD/gpu-h, 90% busy; on-demand demand ramps 0 → 300 GPUs
// over the year at 3.00 USD/gpu-h; staff 1.2M USD/y, a 50,000 USD one-off on
// 2025-03-01; a 20M USD bullet loan at 8%; tax 21%; discount 10%. 2025 as a
// 365-day year (year: 365d): 8,760 one-hour steps.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>

#include "sim/engine/solve.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"

namespace gpusim {
namespace {

const std::string kScenario = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/teaching/worked-example.yaml";

class WorkedExample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const LoadedScenario loaded = load_scenario(kScenario, {});
    summary_ = new Json(summary_json(run_document(loaded.document)));
  }
  static void TearDownTestSuite() {
    delete summary_;
    summary_ = nullptr;
  }

  static double metric(const std::string& path) {
    const std::optional<double> v = metric_value(*summary_, path);
    EXPECT_TRUE(v.has_value()) << path << " is not in the summary";
    return v.value_or(std::nan(""));
  }

  // |actual − expected| ≤ 1e-9 |expected| (or 1e-9 absolute for an expected 0).
  static void expect_close(const std::string& path, double expected) {
    const double actual = metric(path);
    const double tolerance = 1e-9 * std::max(std::fabs(expected), 1.0);
    EXPECT_NEAR(actual, expected, tolerance) << path;
  }

  static Json* summary_;
};

Json* WorkedExample::summary_ = nullptr;

constexpr double kHours = 8760.0;         // 2025-01-01 to 2026-01-01, year: 365d
constexpr double kDownShare = 0.05 * 72.0 / kHours;  // afr × repair ÷ year = 3.6 / 8,760

TEST_F(WorkedExample, TimeGrid) {
  expect_close("time.hours", 8760.0);
  expect_close("time.steps", 8760.0);
}

TEST_F(WorkedExample, UtilizationLadder) {
  // installed = 1,000 GPUs × 8,760 h = 8,760,000 GPU-h
  expect_close("gpus.gpu_hours_installed", 8760000.0);
  expect_close("gpus.installed_avg", 1000.0);
  expect_close("gpus.installed_end", 1000.0);
  // available = 8,760,000 × (1 − 3.6/8,760) = 8,760,000 − 3,600 = 8,756,400 GPU-h
  expect_close("gpus.gpu_hours_available", 8756400.0);
  // contracted = Acme's 600 GPUs × 8,760 h = 5,256,000 GPU-h
  expect_close("gpus.gpu_hours_contracted", 5256000.0);
  // billed = Acme 5,256,000 + market ½ × 300 × 8,760 = 1,314,000 → 6,570,000 GPU-h
  expect_close("gpus.gpu_hours_billed", 6570000.0);
  // busy = 5,256,000 × 90% = 4,730,400 + 1,314,000 = 6,044,400 GPU-h
  expect_close("gpus.gpu_hours_busy", 6044400.0);
  // Everything is served: 600 + at most 299.98 < 999.589 available.
  expect_close("gpus.shortfall_gpu_hours", 0.0);
  expect_close("gpus.unserved_gpu_hours", 0.0);
  // Shares of installed GPU-hours.
  expect_close("utilization.available", 1.0 - kDownShare);  // 0.999589…
  expect_close("utilization.contracted", 0.60);             // 5,256,000 / 8,760,000
  expect_close("utilization.billed", 0.75);                 // 6,570,000 / 8,760,000
  expect_close("utilization.busy", 0.69);                   // 6,044,400 / 8,760,000
}

TEST_F(WorkedExample, Customers) {
  expect_close("customers.Acme.gpu_hours", 5256000.0);
  expect_close("customers.Acme.revenue_usd", 10512000.0);   // 5,256,000 × 2.00
  expect_close("customers.market.gpu_hours", 1314000.0);
  expect_close("customers.market.revenue_usd", 3942000.0);  // 1,314,000 × 3.00
  expect_close("customers.Acme.revenue_share", 10512000.0 / 14454000.0);  // 72.7%
  expect_close("customers.market.revenue_share", 3942000.0 / 14454000.0); // 27.3%
  expect_close("contracts.Acme.busy_gpu_hours", 4730400.0);               // × 90%
}

TEST_F(WorkedExample, PowerAndEnergy) {
  // Linear curve: IT energy = available GPU-h × (idle + overhead) + busy GPU-h × (tdp − idle)
  //   = 8,756,400 × 650 + 6,044,400 × 625 = 5,691,660,000 + 3,777,750,000 Wh = 9,469,410 kWh
  expect_close("energy.it_kwh", 9469410.0);
  // The split: servers' overhead = available GPU-h × 575 W = 8,756,400 × 575 Wh = 5,034,930 kWh;
  // the GPUs = 8,756,400 × 75 + 6,044,400 × 625 Wh = 656,730 + 3,777,750 = 4,434,480 kWh.
  expect_close("energy.server_kwh", 5034930.0);
  expect_close("energy.gpu_kwh", 4434480.0);
  // facility = 9,469,410 × 1.25 = 11,836,762.5 kWh, of which cooling and losses 0.25 × IT = 2,367,352.5
  expect_close("energy.facility_kwh", 11836762.5);
  expect_close("energy.cooling_and_losses_kwh", 2367352.5);
  // cost = 11,836,762.5 kWh × 0.08 USD/kWh = 946,941 USD
  expect_close("energy.cost_usd", 946941.0);
  expect_close("finance.energy_cost_usd", 946941.0);
  // averages: energy ÷ 8,760 h
  expect_close("power.it_avg_mw", 9469410.0 / kHours / 1e3);            // 1.08098… MW
  expect_close("power.facility_avg_mw", 11836762.5 / kHours / 1e3);     // 1.35123… MW
  // peak: the last hour, available 1,000 × (1 − 3.6/8,760), busy 540 + 300 × 8,759.5/8,760
  const double available = 1000.0 * (1.0 - kDownShare);
  const double busy = 540.0 + 300.0 * 8759.5 / kHours;
  const double peak_w = available * 650.0 + busy * 625.0;  // 1,174,722.17 W
  expect_close("power.it_peak_mw", peak_w / 1e6);
  expect_close("power.facility_peak_mw", peak_w * 1.25 / 1e6);
}

TEST_F(WorkedExample, IncomeStatement) {
  // revenue = 10,512,000 + 3,942,000
  expect_close("finance.revenue_usd", 14454000.0);
  // colocation = 1,275 kW (1,000 × (700 + 575) W) × 150 USD × 8,760 h ÷ 730 h = 2,295,000
  expect_close("finance.colocation_usd", 2295000.0);
  // opex = staff 1.2M × 8,760 ÷ 8,760 + commissioning 50,000 = 1,250,000
  expect_close("finance.opex_usd", 1250000.0);
  // depreciation = 30,000,000 × 8,760 h ÷ (6 × 8,760 h) = 5,000,000
  expect_close("finance.depreciation_usd", 5000000.0);
  // operating income = 14,454,000 − 946,941 − 2,295,000 − 1,250,000 − 5,000,000 = 4,962,059
  expect_close("finance.operating_income_usd", 4962059.0);
  expect_close("finance.operating_margin", 4962059.0 / 14454000.0);  // 34.33%
  // EBITDA = operating income + depreciation = 9,962,059
  expect_close("finance.ebitda_usd", 9962059.0);
  // interest = 20,000,000 × 8% ÷ 8,760 per hour × 8,760 h = 1,600,000 (bullet: balance 20M all year)
  expect_close("finance.interest_usd", 1600000.0);
  expect_close("finance.other_usd", 0.0);
  // tax = 21% × (4,962,059 − 1,600,000) = 21% × 3,362,059 = 706,032.39
  expect_close("finance.tax_usd", 706032.39);
  // net income = 3,362,059 − 706,032.39 = 2,656,026.61
  expect_close("finance.net_income_usd", 2656026.61);
  expect_close("finance.net_margin", 2656026.61 / 14454000.0);  // 18.38%
}

TEST_F(WorkedExample, Cash) {
  // capex: 1,000 × 30,000 in the first hour; the loan drawn then, not repaid in the run.
  expect_close("finance.capex_usd", 30000000.0);
  expect_close("finance.debt_drawn_usd", 20000000.0);
  expect_close("finance.debt_repaid_usd", 0.0);
  // cash = 14,454,000 − 946,941 − 2,295,000 − 1,250,000 − 1,600,000 − 706,032.39
  //        − 30,000,000 + 20,000,000 = −2,343,973.39
  expect_close("finance.cash_flow_usd", -2343973.39);
  // Lowest cumulative cash: the end of the first hour, −30M + 20M + that hour's
  // revenue − energy − colocation − staff − interest. The ramp averages 300 × ½/8,760 GPUs.
  const double ramp0 = 300.0 * 0.5 / kHours;
  const double revenue0 = 600.0 * 2.0 + ramp0 * 3.0;
  const double it_wh0 = 1000.0 * (1.0 - kDownShare) * 650.0 + (540.0 + ramp0) * 625.0;
  const double energy0 = it_wh0 * 1.25 * 0.08 / 1e3;
  const double hour0 = revenue0 - energy0 - 1275.0 * 150.0 / 730.0 - 1.2e6 / kHours - 1.6e6 / kHours;
  expect_close("finance.min_cumulative_cash_usd", -10e6 + hour0);  // −9,999,480.29
  // Still negative at the end: no payback.
  EXPECT_FALSE(metric_value(*summary_, "finance.payback_years").has_value());
}

// Month m covering hours [a, b) of the run, h = b − a:
//   ramp GPU-h R = 300 (b² − a²) / (2 × 8,760)
//   revenue 1,200 h + 3 R; energy (650 × 1,000 h (1 − 3.6/8,760) + 625 (540 h + R)) × 1.25 × 0.08/1000
//   colocation 191,250 h / 730; staff 1.2M h / 8,760 (+ 50,000 in March); interest 1.6M h / 8,760
//   January: −30M capex + 20M loan; December: the tax 706,032.39.
// Discounted from mid-month: t = (a + b) / 2 / 8,760 years.
double monthly_npv(double rate) {
  const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  double a = 0.0, npv = 0.0;
  for (int m = 0; m < 12; ++m) {
    const double h = 24.0 * days[m], b = a + h;
    const double ramp = 300.0 * (b * b - a * a) / (2.0 * kHours);
    const double revenue = 1200.0 * h + 3.0 * ramp;
    const double it_wh = 650.0 * 1000.0 * h * (1.0 - kDownShare) + 625.0 * (540.0 * h + ramp);
    const double energy = it_wh * 1.25 * 0.08 / 1e3;
    const double colocation = 191250.0 * h / 730.0;
    const double opex = 1.2e6 * h / kHours + (m == 2 ? 50000.0 : 0.0);
    const double interest = 1.6e6 * h / kHours;
    double cash = revenue - energy - colocation - opex - interest;
    if (m == 0) cash += -30e6 + 20e6;
    if (m == 11) cash -= 706032.39;
    npv += cash * std::pow(1.0 + rate, -((a + b) / 2.0 / kHours));
    a = b;
  }
  return npv;
}

TEST_F(WorkedExample, NpvAndIrr) {
  // Σ_m CF_m × 1.1^(−t_m) = −2,687,563.55
  expect_close("finance.npv_usd", monthly_npv(0.10));
  EXPECT_NEAR(monthly_npv(0.10), -2687563.55, 0.01);
  // IRR ≈ −40.27%: the monthly flows' NPV at the engine's IRR is 0 (to the
  // bisection's 1e-12 in the rate, i.e. well under a dollar here).
  const double irr = metric("finance.irr");
  EXPECT_NEAR(irr, -0.4027, 1e-4);
  EXPECT_NEAR(monthly_npv(irr), 0.0, 1e-3);
}

}  // namespace
}  // namespace gpusim
