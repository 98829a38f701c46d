// `gpusim solve` end to end (sim/engine/solve.*, sim/cli/commands.cpp run_solve):
// a monotone target against its hand formula; a non-monotone one whose range
// ends do not bracket the root (found by the scan); an unreachable target (exit
// 2, the range tried named, with and without --high); a result that does not
// exist (did you mean); `equals` given as another result's path; bounds of a
// duration in years or hours. (engine_test.cpp's SolveMonotoneAndUnreachable
// covers the in-file solve: block.)
//
// All scenarios: 10 days at 1 d steps, `year: 365d` (8,760 h), the test GPU T1
// (tdp 1,000 W, idle 200 W, overhead 300 W).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "sim/scenario/printer.hpp"
#include "sim/scenario/schema.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

using testing::TempDir;

using testing::CommandResult;

CommandResult gpusim(const TempDir& dir, const std::string& args) { return testing::run_gpusim(dir.path(), args); }

const std::string kHeader = R"(time: {start: 2024-01-01, end: 2024-01-11, step: 1d, year: 365d}
catalog:
  T1: {tdp: 1000 W, idle: 200 W, overhead: 300 W, price: 10000 USD}
)";

// Break-even: 100 GPUs, all rented by C and busy, 240 h.
//   energy:       100 × (1,000 + 300) W × 1.3 PUE × 240 h = 40,560 kWh × 0.1 USD = 4,056 USD
//   depreciation: 100 × 8,760 USD over 1 y (8,760 h), for 240 h          = 24,000 USD
//   opex:         87,600 USD/y × 240/8,760                                =  2,400 USD
// Net income 0 at price × 100 × 240 = 30,456 USD: price = 1.269 USD/gpu-h.
const std::string kBreakEven = "name: break-even\n" + kHeader + R"(sites: [{name: s, pue: 1.3, electricity: 0.1 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 100, capex: 8760 USD, life: 1y}]
contracts: [{name: C, pool: p, gpus: 100, price: 5 USD/gpu-h}]
finance: {opex: [{name: staff, amount: 87.6k USD/y}]}
)";

// A hump: C rents 50 GPUs at 3 USD/gpu-h; each GPU costs 1 USD/h of
// depreciation (8,760 USD over 8,760 h); no energy cost. Over 240 h, with c GPUs:
//   net(c) = 240 × (3 × min(c, 50) − c) = 480 c for c ≤ 50, 36,000 − 240 c above,
// rising to 24,000 at c = 50, then falling. Net income 10,000 at c = 10,000/480 =
// 20.833… (and again at 108.33…); over 0..200 both ends are below it.
const std::string kHump = "name: hump\n" + kHeader + R"(sites: [{name: s, electricity: 0 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 200, capex: 8760 USD, life: 1y}]
contracts: [{name: C, pool: p, gpus: 50, price: 3 USD/gpu-h}]
)";

nlohmann::json solved(const CommandResult& r) {
  EXPECT_EQ(r.status, 0) << r.err;
  if (r.status != 0) return nlohmann::json::object();
  return nlohmann::json::parse(r.out);
}

TEST(SolveCli, MonotoneTargetMatchesTheHandFormula) {
  TempDir dir;
  const std::string file = dir.write("break-even.yaml", kBreakEven);
  const auto j = solved(gpusim(dir, "solve " + file + " --vary contracts.C.price --target finance.net_income_usd=0 --format json"));
  ASSERT_TRUE(j.contains("solve"));
  EXPECT_EQ(j["solve"]["vary"], "contracts.C.price");
  EXPECT_EQ(j["solve"]["target"], "finance.net_income_usd");
  EXPECT_NEAR(j["solve"]["value"].get<double>(), 30456.0 / 24000, 1e-8);
  EXPECT_NEAR(j["solve"]["achieved"].get<double>(), 0.0, 1e-6);
  // The printed results are the final run's, at that price.
  EXPECT_NEAR(j["finance"]["net_income_usd"].get<double>(), 0.0, 1e-6);
  EXPECT_NEAR(j["finance"]["energy_cost_usd"].get<double>(), 4056, 1e-9 * 4056);
  EXPECT_NEAR(j["finance"]["depreciation_usd"].get<double>(), 24000, 1e-9 * 24000);
  EXPECT_NEAR(j["finance"]["opex_usd"].get<double>(), 2400, 1e-9 * 2400);
  EXPECT_NEAR(j["finance"]["revenue_usd"].get<double>(), 30456, 1e-8 * 30456);
  // A target in units, and the table form.
  const auto k = solved(gpusim(dir, "solve " + file + " --vary contracts.C.price --target finance.revenue_usd=48k --format json"));
  EXPECT_NEAR(k["solve"]["value"].get<double>(), 2.0, 1e-8);  // 48,000 / 24,000 GPU-h
  const CommandResult t = gpusim(dir, "solve " + file + " --vary contracts.C.price --target finance.net_income_usd=0");
  EXPECT_EQ(t.status, 0) << t.err;
  EXPECT_NE(t.out.find("contracts.C.price"), std::string::npos) << t.out;
}

TEST(SolveCli, NonMonotoneTargetFoundWhenTheEndsDoNotBracket) {
  TempDir dir;
  const std::string file = dir.write("hump.yaml", kHump);
  // net(0) − 10,000 = −10,000 and net(200) − 10,000 = −22,000: the same sign. The
  // scan of 16 sub-intervals (steps of 12.5) sees −4,000 at 12.5 and +2,000 at 25.
  const auto j = solved(gpusim(dir, "solve " + file +
                                        " --vary fleet.p.count --target finance.net_income_usd=10000 --low 0 --high 200 --format json"));
  EXPECT_NEAR(j["solve"]["value"].get<double>(), 10000.0 / 480, 1e-8 * 10000 / 480);
  EXPECT_NEAR(j["finance"]["net_income_usd"].get<double>(), 10000, 1e-6);
  // From 50 up only the falling side is in range: the root there is (36,000 − 10,000)/240.
  const auto k = solved(gpusim(dir, "solve " + file +
                                        " --vary fleet.p.count --target finance.net_income_usd=10000 --low 50 --high 200 --format json"));
  EXPECT_NEAR(k["solve"]["value"].get<double>(), 26000.0 / 240, 1e-8 * 26000 / 240);
}

TEST(SolveCli, UnreachableTargetExits2NamingTheRange) {
  TempDir dir;
  const std::string file = dir.write("hump.yaml", kHump);
  // The hump peaks at 24,000: 30,000 is out of reach. Over 0..200 the scanned
  // differences run from net(200) − 30,000 = −42,000 to net(50) − 30,000 = −6,000.
  const CommandResult high = gpusim(dir, "solve " + file + " --vary fleet.p.count --target finance.net_income_usd=30000 --high 200");
  EXPECT_EQ(high.status, 2);
  EXPECT_EQ(high.out, "");
  EXPECT_EQ(high.err,
            "--target: error: no value of fleet.p.count from 0 gpus to 200 gpus makes finance.net_income_usd equal 30000 "
            "(finance.net_income_usd is 0 at 0 gpus and -12000 at 200 gpus; over that range the difference goes from "
            "-42000 to -6000); give solve.low/high (or --low/--high) to search elsewhere\n1 error; nothing was written\n");
  // Without --high the range is widened from 2 × 200 by doubling, up to where
  // the count is no longer accepted (above 1T): 400 × 2³¹ = 858,993,459,200
  // runs, 400 × 2³² does not, and the search bisects between the two for the
  // most the key takes, 1T (to 10⁻⁷). There net(c) = 36,000 − 240 c ≈ −2.4e14.
  const CommandResult wide = gpusim(dir, "solve " + file + " --vary fleet.p.count --target finance.net_income_usd=30000");
  EXPECT_EQ(wide.status, 2);
  EXPECT_EQ(wide.err,
            "--target: error: no value of fleet.p.count from 0 gpus to 1e+12 gpus makes finance.net_income_usd equal "
            "30000 (finance.net_income_usd is 0 at 0 gpus and -240000000000000 at 1e+12 gpus; over that range the "
            "difference goes from -240000000000000 to -30000); above 1e+12 gpus the scenario cannot run (fleet.p.count: '1000000051200 "
            "gpus' is out of range (expected at most 1T)); give solve.low/high (or --low/--high) to search "
            "elsewhere\n1 error; nothing was written\n");
  // An empty range.
  const CommandResult empty = gpusim(dir, "solve " + file + " --vary fleet.p.count --target finance.net_income_usd=0 --low 10 --high 5");
  EXPECT_EQ(empty.status, 2);
  EXPECT_EQ(empty.err, "--high: error: the search range is empty (high must be more than low)\n1 error; nothing was written\n");
}

TEST(SolveCli, AResultThatDoesNotExist) {
  TempDir dir;
  const std::string file = dir.write("hump.yaml", kHump);
  const std::string tail =
      " (results are the JSON summary's paths, e.g. finance.net_income_usd, utilization.billed, "
      "customers.NAME.revenue_share)\n1 error; nothing was written\n";
  const CommandResult r = gpusim(dir, "solve " + file + " --vary fleet.p.count --target finance.net_incom_usd=0");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "--target: error: 'finance.net_incom_usd' is not a result; did you mean 'finance.net_income_usd'?" + tail);
  // The same for a result named as the value to equal.
  const CommandResult e = gpusim(dir, "solve " + file + " --vary fleet.p.count --target finance.net_income_usd=customers.Z.revenue_usd");
  EXPECT_EQ(e.status, 2);
  EXPECT_EQ(e.err, "--target: error: 'customers.Z.revenue_usd' is not a result; did you mean 'customers.C.revenue_usd'?" + tail);
  // A key that does not exist, and a --target without a value.
  const CommandResult v = gpusim(dir, "solve " + file + " --vary fleet.p.cnt --target finance.net_income_usd=0");
  EXPECT_EQ(v.status, 2);
  EXPECT_EQ(v.err.rfind("--vary: error: 'fleet.p.cnt': a fleet pool has no key 'cnt'; did you mean 'count'? (keys: ", 0), 0u)
      << v.err;
  const CommandResult t = gpusim(dir, "solve " + file + " --vary fleet.p.count --target finance.net_income_usd");
  EXPECT_EQ(t.status, 2);
  EXPECT_EQ(t.err, "gpusim solve: --target must be METRIC=VALUE, e.g. finance.net_income_usd=0\n");
}

// equals: another result. A (30 GPUs) and B (60 GPUs at 2 USD/gpu-h) share a
// pool; A's revenue equals B's, 60 × 240 × 2 = 28,800 USD, at A's price
// 28,800 / (30 × 240) = 4 USD/gpu-h.
TEST(SolveCli, EqualsAnotherResultsPath) {
  TempDir dir;
  const std::string file = dir.write("two.yaml", "name: two\n" + kHeader + R"(sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts:
  - {name: A, pool: p, gpus: 30, price: 1 USD/gpu-h}
  - {name: B, pool: p, gpus: 60, price: 2 USD/gpu-h}
)");
  const auto j = solved(gpusim(dir, "solve " + file +
                                        " --vary contracts.A.price --target customers.A.revenue_usd=customers.B.revenue_usd --format json"));
  EXPECT_NEAR(j["solve"]["value"].get<double>(), 4.0, 1e-8);
  EXPECT_NEAR(j["solve"]["achieved"].get<double>(), 28800, 1e-6);
  // The same as a scenario's solve: block, run with `gpusim run`.
  const std::string in_file = dir.write("two-solve.yaml", "name: two\n" + kHeader + R"(sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts:
  - {name: A, pool: p, gpus: 30, price: 1 USD/gpu-h}
  - {name: B, pool: p, gpus: 60, price: 2 USD/gpu-h}
solve: {vary: contracts.A.price, target: customers.A.revenue_share, equals: customers.B.revenue_share}
)");
  const auto k = solved(gpusim(dir, "run " + in_file + " --format json"));
  EXPECT_NEAR(k["solve"]["value"].get<double>(), 4.0, 1e-8);
  EXPECT_NEAR(k["solve"]["achieved"].get<double>(), 0.5, 1e-9);
}

// A duration is in years or hours by how it is written; the bounds may use
// either as long as they agree with the key's value. Depreciation of 200 GPUs ×
// 8,760 USD over 240 h is 24,000 USD at a life of 2 y (17,520 h).
TEST(SolveCli, RegressionDurationBoundsInYearsOrHours) {
  TempDir dir;
  const std::string file = dir.write("hump.yaml", kHump);
  const auto years = solved(gpusim(dir, "solve " + file +
                                            " --vary fleet.p.life --target finance.depreciation_usd=24000 --low 0.5y --high 3y --format json"));
  EXPECT_NEAR(years["solve"]["value"].get<double>(), 2.0, 1e-8);
  const auto hours = solved(gpusim(dir, "solve " + file + " --set fleet.p.life=8760h --vary fleet.p.life "
                                            "--target finance.depreciation_usd=24000 --low 100h --high 30000h --format json"));
  EXPECT_NEAR(hours["solve"]["value"].get<double>(), 17520.0, 1e-8 * 17520);
  // Hours against a value in years read 4,000 as years: refused.
  const CommandResult mixed = gpusim(dir, "solve " + file +
                                              " --vary fleet.p.life --target finance.depreciation_usd=24000 --low 4000h --high 3y");
  EXPECT_EQ(mixed.status, 2);
  EXPECT_EQ(mixed.err,
            "--low: error: '4000h': the value and bounds of fleet.p.life must all be in years (y) or all in h, d or "
            "w\n1 error; nothing was written\n");
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// A run's length must be whole steps: a goal-seek on time.duration rounds its
// trial runs to whole days here. C rents 100 GPUs for 240 h at 5 USD/gpu-h
// (gpu_hours: 24,000 spread over the run): revenue is 120,000 USD whatever the
// length. Depreciation of 100 GPUs at 1 USD/h each is 100 USD/h, so operating
// income (with no energy cost) is 120,000 − 100 × hours: 0 at 1,200 h = 50 days.
TEST(SolveDuration, RoundsToWholeSteps) {
  testing::TempDir dir;
  const std::string file = dir.write("d.yaml", R"(name: duration
time: {start: 2024-01-01, duration: 10d, step: 1d, year: 365d}
catalog:
  T1: {tdp: 1000 W, idle: 200 W, overhead: 300 W, price: 10000 USD}
sites: [{name: s, electricity: 0 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 100, capex: 8760 USD, life: 1y}]
contracts: [{name: C, pool: p, gpu_hours: 24000, price: 5 USD/gpu-h}]
)");
  const testing::CommandResult r = testing::run_gpusim(
      dir.path(), "solve " + file + " --vary time.duration --target finance.operating_income_usd=0 --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_DOUBLE_EQ(j["solve"]["value"].get<double>(), 1200.0);  // hours, whole days
  EXPECT_NEAR(j["solve"]["achieved"].get<double>(), 0.0, 1e-6);
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// A deal on a 200 MW site (issue 8): a pool `gb300` of a GPU defined here
// (tdp 1,600 W, idle 400 W, overhead 400 W: 2,000 W at full load, so the
// site's 200 MW holds 100,000 GPUs), all rented at P USD/gpu-h, each bought
// for 60,000 USD at the run start; no energy cost, no discounting, and a
// fixed 100M USD/y of opex over one 365-day year. With c GPUs:
//   NPV(c) = c × (8,760 × P − 60,000) − 100,000,000 USD.
std::string deal(const std::string& price, int count) {
  return R"(name: deal on a 200 MW site
time: {start: 2025-01-01, duration: 365d, step: 1d, year: 365d}
catalog:
  GB300-test: {tdp: 1600 W, idle: 400 W, overhead: 400 W, price: 60000 USD}
sites: [{name: dc, it_power_cap: 200 MW, pue: 1.2, electricity: 0 USD/kWh}]
fleet: [{name: gb300, gpu: GB300-test, site: dc, count: )" +
         std::to_string(count) + R"(, capex: 60000 USD, life: 5y}]
contracts: [{name: Microsoft, pool: gb300, gpus: all, price: )" +
         price + R"(}]
finance: {discount_rate: 0%, opex: [{name: halls, amount: 100M USD/y}]}
)";
}

// The first high end, 2 × 60,000 = 120,000 GPUs, is over the site's cap: the
// search used to double it 40 times and fail with "--set fleet.gb300.count:
// '1.67e+17 gpus' is out of range". Now it bisects between 0 (runs) and
// 120,000 (does not) for the most the site holds, and solves below it:
// at 10 USD/gpu-h, NPV = 0 at c = 100,000,000 / (87,600 − 60,000) = 3,623.188… GPUs.
TEST(SolveCli, RegressionFirstHighEndThatCannotRunIsBisectedOnRuns) {
  TempDir dir;
  const std::string file = dir.write("deal.yaml", deal("10 USD/gpu-h", 60000));
  const auto j = solved(gpusim(dir, "solve " + file + " --vary fleet.gb300.count --target finance.npv_usd=0 --format json"));
  EXPECT_NEAR(j["solve"]["value"].get<double>(), 1e8 / 27600, 1e-6 * 1e8 / 27600);
  EXPECT_NEAR(j["finance"]["npv_usd"].get<double>(), 0.0, 1e-3);
}

// At 5 USD/gpu-h each GPU loses 60,000 − 43,800 = 16,200 USD: NPV is
// −100,000,000 at 0 GPUs and about −16,200 × 100,000 − 100,000,000 =
// −1,720,000,000 at the site's 100,000. No answer: the error names the range
// that runs, the target at its ends and why the search stopped above it.
TEST(SolveCli, RegressionNoAnswerNamesTheRangeThatRuns) {
  TempDir dir;
  const std::string file = dir.write("deal.yaml", deal("5 USD/gpu-h", 60000));
  const CommandResult r = gpusim(dir, "solve " + file + " --vary fleet.gb300.count --target finance.npv_usd=0");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("--target: error: no value of fleet.gb300.count from 0 gpus to 100000 gpus makes "
                        "finance.npv_usd equal 0 (finance.npv_usd is -100000000 at 0 gpus and -1720000000 at 100000 "
                        "gpus; over that range the difference goes from -1720000000 to -100000000)",
                        0),
            0u)
      << r.err;
  EXPECT_NE(r.err.find("); above 100000 gpus the scenario cannot run (sites.dc.it_power_cap: site 'dc': the fleet's "
                       "full-load IT power 200.000 MW exceeds it_power_cap 200.000 MW by 0.000 MW on 2025-01-01; it "
                       "holds 100000 GB300-test GPUs at full load (2.000 kW each), or give count: fit)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("; give solve.low/high (or --low/--high) to search elsewhere\n1 error; nothing was written\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("--set"), std::string::npos) << r.err;  // the user wrote no --set
}

// Targets null at some trials (issue 8): 1,000 GPUs bought for 60,000 USD each
// (60M USD at the run start), all rented at p USD/gpu-h for 5 years of 365 days,
// no other cost. At p = 0 the payback and the IRR are null ("not reached"): the
// search goes on above it.
std::string payback_deal() {
  return R"(name: payback
time: {start: 2025-01-01, duration: 5y, step: 1d, year: 365d}
catalog:
  GB300-test: {tdp: 1600 W, idle: 400 W, overhead: 400 W, price: 60000 USD}
sites: [{name: dc, electricity: 0 USD/kWh}]
fleet: [{name: gb300, gpu: GB300-test, site: dc, count: 1000, capex: 60000 USD, life: 5y}]
contracts: [{name: Microsoft, pool: gb300, gpus: all, price: 2 USD/gpu-h}]
)";
}

TEST(SolveCli, RegressionPaybackTargetNullAtTheLowEnd) {
  TempDir dir;
  const std::string file = dir.write("payback.yaml", payback_deal());
  // Cash accrues evenly by the hour, so the payback interpolated inside its
  // month is exact: 1,000 × p × t_h = 60,000,000 at t_h = 3 × 8,760 h:
  // p = 60,000 / 26,280 = 2.283105… USD/gpu-h.
  const auto j = solved(gpusim(dir, "solve " + file + " --vary contracts.Microsoft.price --target finance.payback_years=3 --format json"));
  EXPECT_NEAR(j["solve"]["value"].get<double>(), 60000.0 / 26280, 1e-7);
  EXPECT_NEAR(j["finance"]["payback_years"].get<double>(), 3.0, 1e-7);
}

TEST(SolveCli, RegressionIrrTargetNullAtTheLowEnd) {
  TempDir dir;
  const std::string file = dir.write("payback.yaml", payback_deal());
  // IRR 15%: the flows are monthly, discounted from each month's middle. In
  // continuous terms 60M × 1.15^(−t₁) = 8.76M × p × (1 − 1.15^(−5)) / ln 1.15,
  // with t₁ = 372 h / 8,760 h = 0.042466 y (the capex falls in January, whose
  // middle is 15.5 days in): (1 − 0.497177) / 0.139762 = 3.597676 and
  // 1.15^(−0.042466) = 0.994083, so p = 60 × 0.994083 / (8.76 × 3.597676) =
  // 1.892538 USD/gpu-h; the midpoint rule over months errs by about 10⁻⁵.
  const auto j = solved(gpusim(dir, "solve " + file + " --vary contracts.Microsoft.price --target finance.irr=15% --format json"));
  EXPECT_NEAR(j["solve"]["value"].get<double>(), 1.892538, 1e-4 * 1.892538);
  EXPECT_NEAR(j["finance"]["irr"].get<double>(), 0.15, 1e-9);
}

// A message never suggests the name the user already wrote: a result that
// exists but is null everywhere is "not reached", not "did you mean" itself.
TEST(SolveCli, RegressionNeverSuggestsTheNameWritten) {
  TempDir dir;
  const std::string file = dir.write("payback.yaml", payback_deal());
  // The price is never reached for this high end: with --high 1 USD/gpu-h the
  // cash is 8.76M × 5 = 43.8M < 60M, so the payback is null everywhere.
  const CommandResult r = gpusim(dir, "solve " + file +
                                          " --vary contracts.Microsoft.price --target finance.payback_years=3 --high 1");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.find("did you mean"), std::string::npos) << r.err;
  EXPECT_EQ(r.err, "--target: error: no value of contracts.Microsoft.price tried from 0 USD/gpu-h to 1 USD/gpu-h "
                   "gives finance.payback_years a value: at 1 USD/gpu-h finance.payback_years is null (not reached); "
                   "give solve.low/high (or --low/--high) to search elsewhere\n1 error; nothing was written\n");
  EXPECT_EQ(did_you_mean("finance.payback_years", {"finance.payback_years", "finance.payback_year"}), "");
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// kBreakEven with C given by its value, 120,000 USD for 100 GPUs × 240 h =
// 24,000 GPU-h (5 USD/gpu-h). Net income 0 needs revenue 30,456 USD
// (energy 4,056 + depreciation 24,000 + opex 2,400): a price of 1.269 USD/gpu-h.
std::string value_break_even() {
  std::string text = kBreakEven;
  const std::string price = "price: 5 USD/gpu-h";
  text.replace(text.find(price), price.size(), "value: 120000 USD");
  return text;
}

// `--vary contracts.C.price` on a contract given by value failed with "give
// price or value, not both" pointing at the file: the varied price replaces it.
TEST(SolveCli, RegressionVaryPriceOfAValueContract) {
  TempDir dir;
  const std::string file = dir.write("value.yaml", value_break_even());
  const auto j = solved(gpusim(dir, "solve " + file + " --vary contracts.C.price --target finance.net_income_usd=0 --format json"));
  EXPECT_NEAR(j["solve"]["value"].get<double>(), 30456.0 / 24000, 1e-8);
  EXPECT_EQ(j["contracts"][0]["price_derived_from_value"], false);
}

// `--vary contracts.C.value` reports the price it derives: 30,456 USD over
// 24,000 GPU-h is 1.269 USD/gpu-h.
TEST(SolveCli, RegressionVaryValueReportsTheDerivedPrice) {
  TempDir dir;
  const std::string file = dir.write("value.yaml", value_break_even());
  const auto j = solved(gpusim(dir, "solve " + file + " --vary contracts.C.value --target finance.net_income_usd=0 --format json"));
  EXPECT_NEAR(j["solve"]["value"].get<double>(), 30456.0, 1e-8 * 30456);
  EXPECT_NEAR(j["solve"]["price_usd_per_gpu_hour"].get<double>(), 1.269, 1e-9);
  const CommandResult t = gpusim(dir, "solve " + file + " --vary contracts.C.value --target finance.net_income_usd=0");
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_NE(t.out.find("  contracts.C.price                                 1.269  USD/gpu-h, derived from value\n"),
            std::string::npos)
      << t.out;
  // The value as written back: the shortest text that reads back as the solved value.
  const auto written = t.out.find("as written: ");
  ASSERT_NE(written, std::string::npos);
  const std::string text = t.out.substr(written + 12, t.out.find(" USD\n", written) - written - 12);
  EXPECT_EQ(std::strtod(text.c_str(), nullptr), j["solve"]["value"].get<double>());
  EXPECT_EQ(text, format_number(j["solve"]["value"].get<double>()));
}

// A share written as a bare number above 1 can never be reached: a hint.
TEST(SolveCli, RegressionShareAboveOneGetsAHint) {
  TempDir dir;
  const std::string file = dir.write("hump.yaml", kHump);
  const CommandResult r = gpusim(dir, "solve " + file + " --vary contracts.C.price --target customers.C.revenue_share=62");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "gpusim solve: --target 'customers.C.revenue_share=62': customers.C.revenue_share is a share, at most 1; "
            "shares are fractions: write 0.62 or 62%\n");
  const CommandResult u = gpusim(dir, "solve " + file + " --vary fleet.p.count --target utilization.billed=2");
  EXPECT_EQ(u.err, "gpusim solve: --target 'utilization.billed=2': utilization.billed is a share, at most 1; shares "
                   "are fractions: write 0.02 or 2%\n");
  // In a file's solve: block, at the place it is written.
  const std::string in_file = dir.write("share.yaml", kHump + "solve: {vary: fleet.p.count, target: utilization.billed, equals: 62}\n");
  const CommandResult f = gpusim(dir, "run " + in_file);
  EXPECT_EQ(f.status, 2);
  EXPECT_EQ(dir.strip(f.err),
            "share.yaml:8:66: error: solve.equals: '62': utilization.billed is a share, at most 1; shares are "
            "fractions: write 0.62 or 62%\n1 error; nothing was run\n");
  // 62% and 0.62 are fine: 62 GPUs busy of 200 … the hump rents 50 at most, so
  // 25% of 200 is the most billed: 0.2 is reached at 40 GPUs of 200.
  const auto ok = solved(gpusim(dir, "solve " + file + " --vary contracts.C.gpus --target utilization.billed=20% --format json"));
  EXPECT_NEAR(ok["solve"]["value"].get<double>(), 40.0, 1e-7);
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// A scenario that cannot run whatever the varied value (60,000 GPUs on a 1 MW
// site) reports that error at the key the user wrote, as a plain run does, not
// at a trial value the search wrote.
TEST(SolveCli, ScenarioThatCannotRunAtAnyValueReportsItsOwnError) {
  TempDir dir;
  const std::string file = dir.write("deal.yaml", deal("10 USD/gpu-h", 60000));
  const CommandResult r = gpusim(dir, "solve " + file + " --set 'sites.dc.it_power_cap=1 MW' --vary "
                                      "contracts.Microsoft.price --target finance.npv_usd=0");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("--set sites.dc.it_power_cap: error: sites.dc.it_power_cap: site 'dc': the fleet's full-load IT "
                        "power 120.000 MW exceeds it_power_cap 1.000 MW",
                        0),
            0u)
      << r.err;
}

}  // namespace
}  // namespace gpusim
