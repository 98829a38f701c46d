// The allocation stage's contract terms (sim/engine/allocation.cpp; model.md
// "Contract terms"): escalation, renewal and termination, each on a small
// inline scenario computed by hand, at 1 h and 1 d steps. Test GPU T1
// (tests/support/engine.hpp); no power costs; a 365-day year so that a year is
// 8,760 h.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace gpusim
