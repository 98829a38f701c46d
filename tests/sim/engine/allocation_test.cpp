// The allocation stage's contract terms (sim/engine/allocation.cpp; model.md
// "Contract terms"): escalation, renewal and termination, each on a small
// inline scenario computed by hand, at 1 h and 1 d steps. And allocation split
// at a crossing inside a step (model.md "Allocation"), in both engines. Test GPU T1
// (tests/support/engine.hpp); no power costs; a 365-day year so that a year is
// 8,760 h.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "tests/support/engine.hpp"

namespace gpusim {
namespace {

using testing::metric;
using testing::run_yaml;
using testing::for_each_step;
using testing::with_step;

std::string contract_scenario(const std::string& years, const std::string& contract) {
  return R"(
name: t
time: {start: 2025-01-01, duration: )" + years + R"(, step: STEP, year: 365d}
sites: [{name: s, pue: 1, electricity: 0 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 10, capex: 0 USD}]
contracts:
  - )" + contract + "\n";
}

// 10 GPUs at 1 USD/GPU-h rising 10% on each anniversary, for 3 years:
// 10 × 8,760 × (1 + 1.1 + 1.21) = 87,600 × 3.31 = 289,956 USD.
TEST(ContractTerms, EscalationStepsUpOnEachAnniversary) {
  for_each_step(contract_scenario("3y", "{name: C, pool: p, gpus: 10, price: 1 USD/gpu-h, escalation: 10%/y}"), [&](const Results& r) {
    EXPECT_REL(metric(r, "finance.revenue_usd"), 289956.0);
    // Year 2 alone: 87,600 × 1.1 = 96,360 USD.
    double year2 = 0;
    for (Eigen::Index k = 0; k < r.series.revenue_usd.size(); ++k)
      if (r.step_start(k) >= r.time.start + 8760 && r.step_start(k) < r.time.start + 2 * 8760)
        year2 += r.series.revenue_usd[k];
    EXPECT_REL(year2, 96360.0);
  });
}

// With value, the first-year price makes the total at full delivery the value:
// 289,956 USD ÷ (87,600 × 3.31) GPU-h = 1 USD/GPU-h in year 1.
TEST(ContractTerms, EscalationWithValueDerivesTheFirstYearPrice) {
  for_each_step(contract_scenario("3y", "{name: C, pool: p, gpus: 10, value: 289956 USD, escalation: 10%/y}"), [&](const Results& r) {
    EXPECT_REL(metric(r, "contracts.C.price_usd_per_gpu_hour"), 1.0);
    EXPECT_REL(metric(r, "finance.revenue_usd"), 289956.0);
  });
}

// A 1-year contract at 2 USD renews for a year at −25% (1.50 USD) with 60%:
// 10 × 8,760 × 2 + 60% × 10 × 8,760 × 1.5 = 175,200 + 78,840 = 254,040 USD;
// renewed GPU-hours 60% × 87,600 = 52,560.
TEST(ContractTerms, RenewalCountsWithItsProbability) {
  for_each_step(contract_scenario("2y", "{name: C, pool: p, gpus: 10, price: 2 USD/gpu-h, term: 1y, "
                                "renewal: {term: 1y, price_change: -25%, probability: 60%}}"), [&](const Results& r) {
    EXPECT_REL(metric(r, "finance.revenue_usd"), 254040.0);
    EXPECT_REL(metric(r, "contracts.C.renewed_gpu_hours"), 52560.0);
    EXPECT_REL(metric(r, "gpus.gpu_hours_contracted"), 87600.0 + 52560.0);
  });
}

// Renewed at the price in force at the end: 1 USD escalating 10% for 2 years,
// then a year at 1.10 USD: 87,600 × (1 + 1.1 + 1.1) = 280,320 USD.
TEST(ContractTerms, RenewalKeepsThePriceInForceAtTheEnd) {
  const Results r = run_yaml(with_step(
      contract_scenario("3y", "{name: C, pool: p, gpus: 10, price: 1 USD/gpu-h, term: 2y, escalation: 10%/y, "
                              "renewal: {term: 1y}}"),
      "1d"));
  EXPECT_REL(metric(r, "finance.revenue_usd"), 280320.0);
}

// Under a seed the renewal is drawn per run: all (175,200 + 131,400 = 306,600)
// or nothing (175,200), and over 40 runs at 60% both happen.
TEST(ContractTerms, RenewalIsDrawnUnderASeed) {
  std::set<double> outcomes;
  for (std::uint64_t i = 0; i < 40; ++i) {
    const Results r = run_yaml(with_step(contract_scenario("2y", "{name: C, pool: p, gpus: 10, price: 2 USD/gpu-h, "
                                                                 "term: 1y, renewal: {term: 1y, price_change: -25%, "
                                                                 "probability: 60%}}") +
                                             "seed: 7\n",
                                         "1d"),
                               EngineOptions{i});
    const double revenue = metric(r, "finance.revenue_usd");
    EXPECT_TRUE(std::fabs(revenue - 175200.0) < 1e-6 || std::fabs(revenue - 306600.0) < 1e-6) << revenue;
    outcomes.insert(std::round(revenue));
  }
  EXPECT_EQ(outcomes.size(), 2u);
}

// Terminated on 2025-07-02 (day 182, 4,368 h): billing stops then, the fee is
// other income then: 10 × 4,368 × 2 = 87,360 USD revenue, 5,000 USD other; the
// renewal is dropped.
TEST(ContractTerms, TerminationStopsBillingAndBooksTheFee) {
  for_each_step(contract_scenario("2y", "{name: C, pool: p, gpus: 10, price: 2 USD/gpu-h, term: 1y, "
                                "renewal: {term: 1y}, terminate: {at: 2025-07-02, fee: 5000 USD}}"), [&](const Results& r) {
    EXPECT_REL(metric(r, "finance.revenue_usd"), 87360.0);
    EXPECT_REL(metric(r, "gpus.gpu_hours_billed"), 43680.0);
    EXPECT_REL(metric(r, "finance.other_usd"), 5000.0);
    EXPECT_REL(metric(r, "finance.termination_fees_usd"), 5000.0);
    EXPECT_REL(metric(r, "contracts.C.termination_fee_usd"), 5000.0);
    EXPECT_EQ(metric(r, "contracts.C.renewed_gpu_hours"), 0.0);
  });
}

// A pool of 100 GPUs for one day; a contract ramping from 0 to 200 GPUs over
// the day, want(t) = 200 t ÷ 24 (t in hours). It crosses the 100 GPUs at
// t = 12 h, inside the day's step at 1 d steps and on an hour boundary at 1 h:
//   got = ∫₀²⁴ min(200 t ÷ 24, 100) dt = (200 ÷ 24) × 12² ÷ 2 + 100 × 12 = 600 + 1,200 = 1,800 GPU-h
//   contracted = ∫₀²⁴ 200 t ÷ 24 dt = 2,400 GPU-h; shortfall = 2,400 − 1,800 = 600 GPU-h
// (min of the day's averages, min(100, 100) × 24 = 2,400 GPU-h, would have no shortfall).
// Then a spot demand of 50 GPUs meets what is left, 100 − 200 t ÷ 24 until 12 h
// and 0 after, a kinked shape within the day: it crosses 50 at t = 6 h:
//   spot got = 50 × 6 + (12 − 6) × 50 ÷ 2 = 300 + 150 = 450 GPU-h, unserved 50 × 24 − 450 = 750 GPU-h.
// Totals are the same at 1 h and 1 d steps, in both engines.
const std::string kCrossingDay = R"(
name: crossing
time: {start: 2025-01-01, end: 2025-01-02, step: STEP, year: 365d}
sites: [{name: s, pue: 1.0, electricity: 0 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 100, capex: 0 USD}]
contracts:
  - {name: ramp, pool: p, gpus: [{at: 2025-01-01, count: 0}, {at: 2025-01-02, count: 200}], price: 1 USD/gpu-h}
demand:
  - {name: spot, kind: spot, pool: p, gpus: 50, price: 1 USD/gpu-h}
)";

// The crossing day at 1 h and 1 d steps, in the step and the segment engine.
void for_each_step_and_engine(const std::function<void(const Results&)>& check) {
  for (const char* step : {"1h", "1d"})
    for (EngineKind engine : {EngineKind::step, EngineKind::segment}) {
      SCOPED_TRACE(std::string(step) + (engine == EngineKind::step ? " step engine" : " segment engine"));
      check(run_yaml(with_step(kCrossingDay, step), EngineOptions{0, engine}));
    }
}

TEST(ExactAllocation, ARampCrossingWhatIsLeftInsideADayIsSplitAtTheCrossing) {
  for_each_step_and_engine([](const Results& r) {
    EXPECT_REL(r.contracts[0].billed_gpu_hours, 1800.0);
    EXPECT_REL(r.contracts[0].contracted_gpu_hours, 2400.0);
    EXPECT_REL(r.contracts[0].shortfall_gpu_hours, 600.0);
    EXPECT_REL(r.contracts[0].revenue_usd, 1800.0);  // × 1 USD/GPU-h
  });
}

TEST(ExactAllocation, ASecondContractCrossesTheKinkedLeftInTheSameStep) {
  for_each_step_and_engine([](const Results& r) {
    EXPECT_REL(r.contracts[1].billed_gpu_hours, 450.0);
    EXPECT_REL(r.contracts[1].shortfall_gpu_hours, 750.0);  // its unserved demand
    // Busy: 1,800 + 450 = 2,250 of the pool's 2,400 GPU-h.
    EXPECT_REL(r.pools[0].gpu_hours_busy, 2250.0);
  });
}

}  // namespace
}  // namespace gpusim
