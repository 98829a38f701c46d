// The money stage's deal terms (sim/engine/money.cpp; model.md "Contract
// terms", "Capex and depreciation", "Other capital", "Warrants", "Terminal
// value"): prepayments, capex_total, residual, assets, warrants and the terminal
// value, each on a small inline scenario computed by hand. Test GPU T1 (full
// load 1,300 W; tests/support/engine.hpp); a 365-day year (8,760 h).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "sim/engine/results.hpp"
#include "tests/support/engine.hpp"

namespace gpusim {
namespace {

using testing::metric;
using testing::run_yaml;
using testing::for_each_step;
using testing::with_step;

std::string scenario(const std::string& years, const std::string& fleet, const std::string& rest) {
  return R"(
name: t
time: {start: 2025-01-01, duration: )" + years + R"(, step: STEP, year: 365d}
sites: [{name: s, pue: 1, electricity: 0 USD/kWh, it_power_cap: 2 MW}]
fleet:
  - )" + fleet + "\n" + rest;
}

const std::string kHundred = "{name: p, gpu: T1, site: s, count: 100, capex: 0 USD}";

// A 2-year contract, 100 GPUs at 2 USD: V = 2 × 100 × 17,520 = 3,504,000 USD; 20%
// prepaid, P = 700,800 USD, received at the start. In the 1-year run the bills
// are 1,752,000 USD of which 20% (350,400) come out of P: deferred revenue at the
// end 700,800 − 350,400 = 350,400; cash 1,752,000 − 350,400 + 700,800 =
// 2,102,400 USD; revenue and net income unchanged (1,752,000).
TEST(DealTerms, PrepaymentMovesCashNotRevenue) {
  for_each_step(scenario("1y", kHundred,
                 "contracts: [{name: C, pool: p, gpus: 100, price: 2 USD/gpu-h, term: 2y, prepayment: 20%}]\n"), [&](const Results& r) {
    EXPECT_REL(metric(r, "finance.revenue_usd"), 1752000.0);
    EXPECT_REL(metric(r, "finance.net_income_usd"), 1752000.0);
    EXPECT_REL(metric(r, "finance.prepayments_usd"), 700800.0);
    EXPECT_REL(metric(r, "contracts.C.prepayment_usd"), 700800.0);
    EXPECT_REL(metric(r, "finance.deferred_revenue_end_usd"), 350400.0);
    EXPECT_REL(metric(r, "finance.cash_flow_usd"), 2102400.0);
    // The balance at the end of hour 4,380 (step 4,379 at 1 h): 700,800 − 20% ×
    // 4,380 × 200 = 525,600.
    if (r.time.step_hours == 1) EXPECT_REL(r.series.deferred_revenue_usd[4379], 525600.0);
    // The first step's cash is P plus 80% of its bill.
    const double bill = 100 * 2.0 * r.time.step_hours;
    EXPECT_REL(r.series.cash_flow_usd()[0], 700800.0 + 0.8 * bill);
  });
}

// 438,000 USD prepaid on a 1-year contract worth 1,752,000 USD (25%), terminated
// on 2025-07-02 (4,368 h): bills 100 × 4,368 × 2 = 873,600 USD, of which 25% =
// 218,400 applied; 438,000 − 218,400 = 219,600 refunded then. Cash = revenue +
// fee: 873,600 + 10,000 = 883,600 USD.
TEST(DealTerms, PrepaymentLeftAtTerminationIsRefunded) {
  for_each_step(scenario("1y", kHundred,
                 "contracts: [{name: C, pool: p, gpus: 100, price: 2 USD/gpu-h, term: 1y, prepayment: 438000 USD,\n"
                 "             terminate: {at: 2025-07-02, fee: 10000 USD}}]\n"), [&](const Results& r) {
    EXPECT_REL(metric(r, "finance.revenue_usd"), 873600.0);
    EXPECT_REL(r.series.prepayment_refund_usd.sum(), 219600.0);
    EXPECT_REL(r.series.prepayment_applied_usd.sum(), 218400.0);
    EXPECT_EQ(metric(r, "finance.deferred_revenue_end_usd"), 0.0);
    EXPECT_REL(metric(r, "finance.cash_flow_usd"), 883600.0);
  });
}

// A contract ending with the run, billed for only half its GPU-hours (busy
// half the time, not take-or-pay): V = 2 × 100 × 8,760 = 1,752,000 USD, P = 25%
// = 438,000; bills 876,000 apply 219,000; the other 219,000 is refunded in the
// run's last step, not left as deferred revenue. Cash = revenue = 876,000 USD.
TEST(DealTerms, PrepaymentLeftWhenAContractEndsWithTheRunIsRefunded) {
  for_each_step(scenario("1y", kHundred,
                         "contracts: [{name: C, pool: p, gpus: 100, price: 2 USD/gpu-h, prepayment: 25%,\n"
                         "             activity: 50%, take_or_pay: false}]\n"),
                [&](const Results& r) {
                  EXPECT_REL(metric(r, "finance.revenue_usd"), 876000.0);
                  EXPECT_REL(r.series.prepayment_refund_usd[r.series.prepayment_refund_usd.size() - 1], 219000.0);
                  EXPECT_NEAR(metric(r, "finance.deferred_revenue_end_usd"), 0.0, 1e-6);
                  EXPECT_REL(metric(r, "finance.cash_flow_usd"), 876000.0);
                });
}

// A contract that started a year before the run: a third of its value was
// billed before the run, so that share of P was applied before it.
TEST(DealTerms, PrepaymentOfAContractStartedBeforeTheRun) {
  const Results r = run_yaml(with_step(
      scenario("1y", kHundred,
               "contracts: [{name: C, pool: p, gpus: 100, price: 2 USD/gpu-h, start: 2024-01-02, term: 3y,\n"
               "             prepayment: 20%}]\n"),
      "1d"));
  // Window 2024-01-02 .. +3y (26,280 h): V = 2 × 100 × 26,280 = 5,256,000; P =
  // 1,051,200. Before the run: 8,760 h billed → P × (1 − 8,760 ÷ 26,280) =
  // 700,800 left; the run applies 20% × 1,752,000 = 350,400: 350,400 at the end.
  EXPECT_EQ(metric(r, "finance.prepayments_usd"), 0.0);
  EXPECT_REL(metric(r, "finance.deferred_revenue_end_usd"), 350400.0);
  EXPECT_REL(metric(r, "finance.cash_flow_usd"), 1752000.0 - 350400.0);
}

// capex_total 1M USD over a pool that ramps 0 → 100 GPUs: 10,000 USD per GPU,
// all 1M paid in the run. Life 1 y, residual 20%: each GPU depreciates 8,000 USD
// over its year; the ramp takes 10 days (240 h), so in a 2-year run all of it:
// 800,000 USD; book value at the end 200,000 USD.
TEST(DealTerms, CapexTotalIsSpreadOverTheLargestCountWithResidual) {
  for_each_step(scenario("2y",
                 "{name: p, gpu: T1, site: s, ramp: [{at: 2025-01-01, count: 0}, {at: 2025-01-11, count: 100}],\n"
                 "     capex_total: 1M USD, life: 1y, residual: 20%}",
                 ""), [&](const Results& r) {
    EXPECT_REL(metric(r, "pools.p.capex_per_gpu_usd"), 10000.0);
    EXPECT_REL(metric(r, "finance.capex_usd"), 1e6);
    EXPECT_REL(metric(r, "finance.depreciation_usd"), 800000.0);
    EXPECT_REL(metric(r, "finance.book_value_end_usd"), 200000.0);
    EXPECT_EQ(metric(r, "finance.terminal_value_usd"), 0.0);  // terminal_value: none
  });
}

// terminal_value: book adds the 200,000 USD book value to the last month's cash
// for NPV only: the last month (Dec 2026) is centred 17,148 h after the start,
// t = 17,148 ÷ 8,760 y, so NPV rises by 200,000 × 1.1^(−t); cash flow does not.
TEST(DealTerms, TerminalValueCountsInNpvOnly) {
  const std::string fleet =
      "{name: p, gpu: T1, site: s, ramp: [{at: 2025-01-01, count: 0}, {at: 2025-01-11, count: 100}],\n"
      "     capex_total: 1M USD, life: 1y, residual: 20%}";
  const Results none = run_yaml(with_step(scenario("2y", fleet, ""), "1d"));
  const Results book = run_yaml(with_step(scenario("2y", fleet, "finance: {terminal_value: book}\n"), "1d"));
  EXPECT_REL(metric(book, "finance.terminal_value_usd"), 200000.0);
  EXPECT_REL(metric(book, "finance.npv_usd") - metric(none, "finance.npv_usd"),
             200000.0 * std::pow(1.1, -17148.0 / 8760.0));
  EXPECT_REL(metric(book, "finance.npv_without_terminal_value_usd"), metric(none, "finance.npv_usd"));
  EXPECT_EQ(metric(book, "finance.cash_flow_usd"), metric(none, "finance.cash_flow_usd"));
  EXPECT_EQ(metric(book, "finance.net_income_usd"), metric(none, "finance.net_income_usd"));
}

// A hall at 500,000 USD per MW of the site's 2 MW: 1M USD at the run start, 10 y
// life, 10% residual: 90,000 USD a year of depreciation; book value after a
// year 910,000 USD.
TEST(DealTerms, AssetPerMwDepreciatesToItsResidual) {
  for_each_step(scenario("1y", kHundred,
                 "finance:\n  assets: [{name: hall, per_mw: 500k USD/MW, site: s, at: 2025-01-01, life: 10y, "
                 "residual: 10%}]\n"), [&](const Results& r) {
    EXPECT_REL(metric(r, "assets.hall.cost_usd"), 1e6);
    EXPECT_REL(metric(r, "finance.capex_usd"), 1e6);
    EXPECT_REL(metric(r, "finance.depreciation_usd"), 90000.0);
    EXPECT_REL(metric(r, "assets.hall.book_value_end_usd"), 910000.0);
  });
}

// 1M USD spread over a ramp 0 → 2 units in 96 h: each unit depreciates over its
// own year from its entry τ, so in the 1-year run a unit entering at τ is
// (8,760 − τ) ÷ 8,760 depreciated; on average 1 − 48 ÷ 8,760:
// 1M × (1 − 48/8,760) = 994,520.547945… USD.
TEST(DealTerms, AssetOverARampIsPaidAsItEntersService) {
  for_each_step(scenario("1y", kHundred,
                 "finance:\n  assets: [{name: net, amount: 1M USD, ramp: [{at: 2025-01-01, count: 0}, "
                 "{at: 2025-01-05, count: 2}], life: 1y}]\n"), [&](const Results& r) {
    EXPECT_REL(metric(r, "finance.capex_usd"), 1e6);
    EXPECT_REL(metric(r, "finance.depreciation_usd"), 1e6 * (1 - 48.0 / 8760.0));
    // Half is paid in the first 48 h.
    double first_two_days = 0;
    for (Eigen::Index k = 0; k < r.series.capex_usd.size() && r.step_start(k) < r.time.start + 48; ++k)
      first_two_days += r.series.capex_usd[k];
    EXPECT_REL(first_two_days, 500000.0);
  });
}

// 1,000 GPUs ramping in over 10 days (1.3 MW at full load): tranches at 0.65 MW
// and 1.3 MW vest (100 shares each at 11 − 1 = 10 USD: 1,000 USD each); the
// 2.6 MW one never does. Warrants 2,000 USD of other income; capex 10M USD
// (1,000 × 10,000) less 2,000 = 9,998,000 USD net.
TEST(DealTerms, WarrantsVestAsInstalledPowerReachesMilestones) {
  for_each_step(scenario("1y", "{name: p, gpu: T1, site: s, ramp: [{at: 2025-01-01, count: 0}, {at: 2025-01-11, count: 1000}]}",
                 "finance:\n  warrants:\n    - {name: W, shares: 300, strike: 1 USD, share_price: 11 USD, site: s,\n"
                 "       vest: [{at_power: 0.65 MW, shares: 100}, {at_power: 1.3 MW, shares: 100},\n"
                 "              {at_power: 2.6 MW, shares: 100}]}\n"), [&](const Results& r) {
    EXPECT_REL(metric(r, "finance.warrants_usd"), 2000.0);
    EXPECT_REL(metric(r, "warrants.W.vested_shares"), 200.0);
    EXPECT_REL(metric(r, "finance.other_usd"), 2000.0);
    EXPECT_REL(metric(r, "finance.capex_net_of_warrants_usd"), 1e7 - 2000.0);
    // The 0.65 MW tranche vests in the first step averaging 500 GPUs: at 1 d the
    // step [day 5, day 6) averages 550 (≥ 500); the day before 450.
    if (r.time.step_hours == 24) EXPECT_REL(r.series.other_usd[5], 1000.0);
  });
}

// A prepayment larger than the contract's value at full delivery, with a price:
// V = 2 × 100 × 8,760 = 1,752,000 USD < 2M USD.
TEST(DealTerms, PrepaymentAboveTheValueFromAPriceIsAModelError) {
  try {
    run_yaml(with_step(scenario("1y", kHundred,
                                "contracts: [{name: C, pool: p, gpus: 100, price: 2 USD/gpu-h, prepayment: 2M USD}]\n"),
                       "1d"));
    FAIL() << "expected a ModelError";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.path(), "contracts.C.prepayment");
    EXPECT_STREQ(e.what(),
                 "the prepayment (2000000 USD) is more than the contract's value at full delivery (1752000 USD: "
                 "price × contracted GPU-hours)");
  }
}

}  // namespace
}  // namespace gpusim
