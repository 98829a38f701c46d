// Bad values of the deal terms (sim/scenario/loader.cpp; contracts[] prepayment,
// escalation, renewal, terminate; fleet[] capex_total, residual; finance.assets[],
// finance.warrants[]): every error in one pass, each with its file:line:col and
// key, and a scenario that uses every term as the press reports a deal loads.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

using testing::TempDir;

const char* const kBad = R"(name: bad deal terms
time: {start: 2026-01-01, duration: 2y, step: 1d}
sites:
  - {name: s, pue: 1.2}
fleet:
  - {name: a, gpu: H100-SXM, site: s, count: 100, capex: 5.8B USD}
  - {name: b, gpu: H100-SXM, site: s, count: 100, capex: 30000 USD, capex_total: 3M USD}
  - {name: c, gpu: H100-SXM, site: s, count: 100, residual: 100%}
contracts:
  - {name: P, pool: a, gpus: 10, value: 1M USD, prepayment: 2M USD}
  - {name: Q, pool: a, gpus: 10, price: 2 USD/gpu-h, prepayment: 120%}
  - {name: E, pool: a, gpus: 10, price: 2 USD/gpu-h, escalation: -3%/y}
  - {name: F, pool: a, gpus: 10, price: 2 USD/gpu-h, escalation: 3%/y, price_decline: 10%}
  - {name: R, pool: a, gpus: 10, price: 2 USD/gpu-h, term: 1y, renewal: {term: 1y, probability: 150%}}
  - {name: T, pool: a, gpus: 10, price: 2 USD/gpu-h, start: 2026-06-01, terminate: {at: 2026-01-15}}
  - {name: U, pool: a, gpus: 10, price: 2 USD/gpu-h, term: 1y, terminate: {at: 2027-06-01, fee: 1M USD}}
finance:
  assets:
    - {name: hall, amount: 1B USD, at: 2026-01-01, residual: 120%}
    - {name: power, per_mw: 2M USD/MW, site: s, at: 2026-01-01}
  warrants:
    - {name: W, shares: 160M, strike: 0.01 USD, share_price: 200 USD, site: s,
       vest: [{at_power: 2 GW, shares: 80M}, {at_power: 1 GW, shares: 80M}]}
)";

TEST(DealTermsValidation, EveryBadValueIsReportedInOnePass) {
  TempDir dir;
  const std::vector<std::string> expected{
      "s.yaml:6:58: error: fleet.a.capex: capex is per GPU, and 5.8B USD per GPU is more than 1M USD (the most expensive accelerator costs a few tens of thousands of dollars); did you mean capex_total?",
      "s.yaml:7:82: error: fleet.b.capex_total: give capex (per GPU) or capex_total (the whole pool), not both",
      "s.yaml:8:61: error: fleet.c.residual: a residual of 100% or more leaves nothing to depreciate (expected 0 to less than 100%)",
      "s.yaml:10:61: error: contracts.P.prepayment: the prepayment 2M USD is more than the contract's value 1M USD",
      "s.yaml:11:66: error: contracts.Q.prepayment: '120%' is out of range (expected a share from 0 to 100% of the contract's value, or an amount in USD)",
      "s.yaml:12:66: error: contracts.E.escalation: a negative escalation is a falling price: write price_decline: 3%/y",
      "s.yaml:13:66: error: contracts.F.escalation: escalation and price_decline together: give one (a price that rises, or one that falls)",
      "s.yaml:14:97: error: contracts.R.renewal.probability: '150%' is out of range (expected 0 to 100%)",
      "s.yaml:15:89: error: contracts.T.terminate.at: termination on 2026-01-15 is not after the contract's start (2026-06-01)",
      "s.yaml:16:80: error: contracts.U.terminate.at: termination on 2027-06-01 is after the contract's end (2027-01-01)",
      "s.yaml:19:62: error: finance.assets.hall.residual: '120%' is out of range (expected 0 to less than 100%)",
      "s.yaml:20:29: error: finance.assets.power.per_mw: per_mw is per MW of the site's it_power_cap, and site 's' has none",
      "s.yaml:23:57: error: finance.warrants.W.vest[1].at_power: vesting milestones must increase: this one is not above the one before it",
  };
  EXPECT_EQ(testing::load_errors(dir, dir.write("s.yaml", kBad)), expected);
}

// The journalist's case: capex: 5.8B USD was read as 5.8B USD per GPU.
TEST(DealTermsValidation, PerGpuCapexAboveAMillionAsksForCapexTotal) {
  TempDir dir;
  const std::string error = testing::first_error(dir, R"(name: t
time: {start: 2026-01-01, duration: 1y}
sites: [{name: s}]
fleet:
  - {name: gb, gpu: B300, site: s, count: 100k, capex: 5.8B USD}
)");
  EXPECT_EQ(error,
            "s.yaml:5:56: error: fleet.gb.capex: capex is per GPU, and 5.8B USD per GPU is more than 1M USD (the "
            "most expensive accelerator costs a few tens of thousands of dollars); did you mean capex_total?");
}

// A termination date is drawn uniformly; any other distribution is an error.
TEST(DealTermsValidation, ATerminationDateIsDrawnUniformOnly) {
  TempDir dir;
  const std::string error = testing::first_error(dir, R"(name: t
time: {start: 2026-01-01, duration: 2y}
sites: [{name: s}]
fleet: [{name: p, gpu: B300, site: s, count: 10}]
contracts: [{name: C, pool: p, gpus: 10, price: 2 USD/gpu-h, terminate: {at: 2026-06-01}}]
uncertain:
  - {name: end, path: contracts.C.terminate.at, dist: normal, mean: 2026-06-01, sd: 10d}
)");
  EXPECT_EQ(error,
            "s.yaml:7:55: error: uncertain.end.dist: a date is drawn uniform between low and high (dates as "
            "YYYY-MM-DD)");
}

// A prepayment above the value a price implies is found by the engine and
// placed at the key: exit 2, nothing written.
TEST(DealTermsValidation, PrepaymentAboveAPricedValueIsPlacedAtItsKey) {
  TempDir dir;
  const std::string file = dir.write("s.yaml", R"(name: t
time: {start: 2026-01-01, duration: 365d, year: 365d, step: 1d}
sites: [{name: s}]
fleet: [{name: p, gpu: B300, site: s, count: 100}]
contracts:
  - {name: C, pool: p, gpus: 100, price: 2 USD/gpu-h, prepayment: 2M USD}
)");
  const std::string out = (dir.path() / "out").string();
  const testing::CommandResult r = testing::run_gpusim(dir.path(), "run " + file + " --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(dir.strip(r.err),
            "s.yaml:6:67: error: contracts.C.prepayment: the prepayment (2000000 USD) is more than the contract's "
            "value at full delivery (1752000 USD: price × contracted GPU-hours)\n1 error; nothing was written\n");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

// Microsoft–IREN as reported: 9.7B USD over 5 years, 20% prepaid, 5.8B USD of
// equipment, phased through 2026 — every key as the press gives it.
TEST(DealTermsValidation, TheIrenDealAsReportedLoads) {
  const LoadedScenario s = load_scenario(std::string(GPUSIM_SOURCE_DIR) + "/scenarios/deals/microsoft-iren.yaml");
  ASSERT_EQ(s.spec.contracts.size(), 1u);
  const ContractSpec& c = s.spec.contracts[0];
  EXPECT_DOUBLE_EQ(c.value->value, 9.7e9);
  ASSERT_TRUE(c.prepayment && c.prepayment->share);
  EXPECT_DOUBLE_EQ(*c.prepayment->share, 0.2);
  ASSERT_TRUE(s.spec.fleet[0].capex_total);
  EXPECT_DOUBLE_EQ(s.spec.fleet[0].capex_total->value, 5.8e9);
}

}  // namespace
}  // namespace gpusim
