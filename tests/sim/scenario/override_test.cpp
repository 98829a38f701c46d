// Tests for `--set PATH=VALUE` (apply_override) and numeric_key_type: the paths
// that name list items by name, bracketed segments, values read as YAML, and
// errors that name "--set PATH" as their place.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/scenario/document.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"

namespace gpusim {
namespace {

using testing::TempDir;
using testing::load_errors;

const std::string kScenario =
    "name: test\n"
    "time: {start: 2024-01-01, duration: 365d}\n"
    "sites:\n"
    "  - {name: us, pue: 1.3}\n"
    "fleet:\n"
    "  - {name: h100, gpu: H100-SXM, site: us, count: 1000}\n"
    "contracts:\n"
    "  - {name: Microsoft, pool: h100, gpus: 100, price: 2.5 USD/gpu-h}\n"
    "  - {name: Others, pool: h100, gpus: 200, price: 2.5 USD/gpu-h}\n"
    "finance:\n"
    "  opex:\n"
    "    - {name: staff v2.1, amount: 10M USD/y}\n";

class Override : public ::testing::Test {
 protected:
  TempDir dir;
  std::string file = dir.write("s.yaml", kScenario);
  ScenarioSpec load(const std::vector<std::string>& sets) { return load_scenario(file, sets).spec; }
  std::vector<std::string> errors(const std::vector<std::string>& sets) { return load_errors(dir, file, sets); }
};

TEST_F(Override, Scalar) {
  const ScenarioSpec s = load({"time.duration=30d"});
  EXPECT_EQ(s.time.end - s.time.start, 720);  // 30 × 24 h
  EXPECT_EQ(load({"name=other"}).name, "other");
}

TEST_F(Override, ListItemByName) {
  const ScenarioSpec s = load({"contracts.Microsoft.price=2.1 USD/gpu-h"});
  ASSERT_EQ(s.contracts.size(), 2u);
  EXPECT_DOUBLE_EQ(s.contracts[0].price->value, 2.1);
  EXPECT_DOUBLE_EQ(s.contracts[1].price->value, 2.5);  // the other item is untouched
}

TEST_F(Override, LaterOverrideWins) {
  const ScenarioSpec s = load({"contracts.Others.gpus=1k", "contracts.Others.gpus=250k"});
  EXPECT_EQ(s.contracts[1].gpus.constant, 250e3);
}

TEST_F(Override, AddsAnAbsentKey) {
  const ScenarioSpec s = load({"sites.us.power_cap=100 MW"});
  ASSERT_TRUE(s.sites[0].power_cap);
  EXPECT_DOUBLE_EQ(s.sites[0].power_cap->value, 100e6);
  // A whole absent section, created on the way.
  const ScenarioSpec t = load({"finance.tax_rate=21%"});
  EXPECT_DOUBLE_EQ(t.finance.tax_rate, 0.21);
  const ScenarioSpec u = load({"solve.vary=contracts.Others.gpus", "solve.target=customers.Microsoft.revenue_share",
                               "solve.equals=62%"});
  ASSERT_TRUE(u.solve);
  EXPECT_DOUBLE_EQ(u.solve->equals, 0.62);
}

TEST_F(Override, FlowValueNeedsTheOtherKeyRemoved) {
  // A ramp is a flow list; the pool still has its count, so the two clash …
  EXPECT_EQ(errors({"fleet.h100.ramp=[{at: 2024-01-01, count: 10}, {at: 2024-07-01, count: 1000}]"}),
            std::vector<std::string>{"--set fleet.h100.ramp: error: fleet.h100.ramp: give count or ramp, not both"});
  // … and `~` (YAML null) removes the count.
  const ScenarioSpec s =
      load({"fleet.h100.count=~", "fleet.h100.ramp=[{at: 2024-01-01, count: 10}, {at: 2024-07-01, count: 1000}]"});
  ASSERT_EQ(s.fleet[0].schedule.ramp.size(), 2u);
  EXPECT_EQ(s.fleet[0].schedule.ramp[1].count, 1000.0);
  EXPECT_EQ(format_date(s.fleet[0].schedule.ramp[1].at), "2024-07-01");
  EXPECT_FALSE(s.fleet[0].schedule.constant);
}

TEST_F(Override, NullRemovesAListItem) {
  const ScenarioSpec s = load({"contracts.Others=~"});
  ASSERT_EQ(s.contracts.size(), 1u);
  EXPECT_EQ(s.contracts[0].name, "Microsoft");
}

TEST_F(Override, FlowMapValue) {
  const ScenarioSpec s = load({"time={start: 2025-01-01, duration: 1y}"});
  // Calendar year 2025: 365 × 24 = 8,760 h.
  EXPECT_EQ(format_date(s.time.start), "2025-01-01");
  EXPECT_EQ(s.time.end - s.time.start, 8760);
}

TEST_F(Override, BracketedSegments) {
  // The opex item's name holds dots: only brackets can name it.
  const ScenarioSpec s = load({"finance.opex[staff v2.1].amount=12M USD/y"});
  ASSERT_EQ(s.finance.opex.size(), 1u);
  EXPECT_DOUBLE_EQ(s.finance.opex[0].rate->value, 12e6);
  const ScenarioSpec t = load({"contracts[Others].price=3 USD/gpu-h"});
  EXPECT_DOUBLE_EQ(t.contracts[1].price->value, 3.0);
  EXPECT_EQ(split_path("finance.opex[staff v2.1].amount"),
            (std::vector<std::string>{"finance", "opex", "staff v2.1", "amount"}));
  EXPECT_EQ(split_path("contracts[A].price"), (std::vector<std::string>{"contracts", "A", "price"}));
  EXPECT_EQ(split_path("a.b.c"), (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(Override, NonExistentItemListsTheItems) {
  EXPECT_EQ(errors({"contracts.Nobody.price=1"}),
            std::vector<std::string>{"--set contracts.Nobody.price: error: contracts.Nobody.price: no item named "
                                     "'Nobody' in contracts (items: Microsoft, Others)"});
  EXPECT_EQ(errors({"demand.od.price=1"}).front(),
            "--set demand.od.price: error: demand.od.price: no item named 'od' in demand (the list is empty)");
}

TEST_F(Override, MisspelledKeyIsUnknownAtTheSetPath) {
  EXPECT_EQ(errors({"contracts.Microsoft.prise=2 USD/gpu-h"}),
            std::vector<std::string>{
                "--set contracts.Microsoft.prise: error: contracts.Microsoft.prise: unknown key; did you mean "
                "'price'? (valid keys: name, customer, kind, pool, gpus, gpu_hours, price, value, start, term, end, "
                "price_decline, activity, prepayment, escalation, renewal, terminate, take_or_pay)"});
}

TEST_F(Override, BadValueIsReportedAtTheSetPath) {
  EXPECT_EQ(errors({"sites.us.pue=0.5"}),
            std::vector<std::string>{
                "--set sites.us.pue: error: sites.us.pue: '0.5' is out of range (expected a PUE from 1 to 10)"});
}

TEST_F(Override, MalformedAssignments) {
  EXPECT_EQ(errors({"contracts.Microsoft.price"}),
            std::vector<std::string>{"--set: error: 'contracts.Microsoft.price': expected PATH=VALUE, e.g. "
                                     "contracts.Microsoft.price=2.1 USD/gpu-h"});
  EXPECT_EQ(errors({"=5"}).front(),
            "--set: error: '=5': expected PATH=VALUE, e.g. contracts.Microsoft.price=2.1 USD/gpu-h");
  EXPECT_EQ(errors({"contracts..price=5"}).front(),
            "--set contracts..price: error: contracts..price: empty segment in the path (expected names "
            "separated by dots)");
  EXPECT_EQ(errors({"name.first=x"}).front(),
            "--set name.first: error: name.first: 'name' is a single value ('test'), so it has no key 'first'");
}

TEST_F(Override, ValueWithEqualsSignAndComment) {
  // Only the first '=' splits; '#' without a preceding space is text.
  EXPECT_EQ(load({"name=a=b"}).name, "a=b");
  EXPECT_EQ(load({"name=#1"}).name, "#1");
}

// ---- numeric_key_type ----

class KeyTypes : public ::testing::Test {
 protected:
  DocNode doc() {
    Diagnostics diags;
    DocNode d = parse_yaml_text(kScenario, "s.yaml", diags);
    EXPECT_TRUE(diags.empty());
    return d;
  }
};

TEST_F(KeyTypes, GoodPaths) {
  const DocNode d = doc();
  std::string error;
  auto t = numeric_key_type(d, "contracts.Microsoft.price", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->unit, UnitKind::gpu_hour_price);
  EXPECT_EQ(t->default_unit, "USD/gpu-h");
  t = numeric_key_type(d, "fleet.h100.count", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->unit, UnitKind::count);
  t = numeric_key_type(d, "sites.us.pue", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->unit, UnitKind::ratio);
  t = numeric_key_type(d, "sites.us.electricity", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->unit, UnitKind::energy_price);
  EXPECT_EQ(t->default_unit, "USD/kWh");
  t = numeric_key_type(d, "fleet.h100.life", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->unit, UnitKind::duration);
  EXPECT_EQ(t->default_unit, "y");
  t = numeric_key_type(d, "finance.discount_rate", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->unit, UnitKind::rate_per_year);
  t = numeric_key_type(d, "finance.opex[staff v2.1].amount", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->unit, UnitKind::money_rate);
  t = numeric_key_type(d, "catalog.H100-SXM.tdp", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->unit, UnitKind::power);
  EXPECT_EQ(t->default_unit, "W");
  t = numeric_key_type(d, "time.duration", error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->unit, UnitKind::duration);
}

TEST_F(KeyTypes, BadPaths) {
  const DocNode d = doc();
  std::string error;
  EXPECT_FALSE(numeric_key_type(d, "contracts.Nobody.price", error));
  EXPECT_EQ(error, "'contracts.Nobody.price': no item named 'Nobody' in contracts (items: Microsoft, Others)");
  EXPECT_FALSE(numeric_key_type(d, "fleet.h100.cuont", error));
  EXPECT_EQ(error,
            "'fleet.h100.cuont': a fleet pool has no key 'cuont'; did you mean 'count'? (keys: name, gpu, site, "
            "count, online, ramp, capex, capex_total, life, residual, afr, repair, power_curve)");
  EXPECT_FALSE(numeric_key_type(d, "contracts.Microsoft.pool", error));
  EXPECT_EQ(error, "'contracts.Microsoft.pool' is not a number that can be varied (it is text)");
  EXPECT_FALSE(numeric_key_type(d, "contracts.Microsoft", error));
  EXPECT_EQ(error, "'contracts.Microsoft': name an item of contracts and one of its keys");
  EXPECT_FALSE(numeric_key_type(d, "contracts", error));
  EXPECT_EQ(error, "'contracts' names no numeric key (paths look like contracts.NAME.price, fleet.NAME.count, "
                   "sites.NAME.pue, time.start is not numeric; roots: time, catalog, sites, fleet, contracts, "
                   "demand, finance)");
  EXPECT_FALSE(numeric_key_type(d, "finance.debt.DDTL.rate", error));
  EXPECT_EQ(error, "'finance.debt.DDTL.rate': no item named 'DDTL' in finance.debt (the list is empty)");
  EXPECT_FALSE(numeric_key_type(d, "finance.opex.rent.amount", error));
  EXPECT_EQ(error, "'finance.opex.rent.amount': no item named 'rent' in finance.opex (items: staff v2.1)");
  EXPECT_FALSE(numeric_key_type(d, "", error));
  EXPECT_EQ(error, "empty path");
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// A contract given by `value` (issue 8): Microsoft pays 21.9M USD for 100 GPUs
// over 365 days (876,000 GPU-h), i.e. 25 USD/gpu-h; Decline's price falls.
const std::string kValueContract =
    "name: value\n"
    "time: {start: 2024-01-01, duration: 365d}\n"
    "sites: [{name: us}]\n"
    "fleet: [{name: h100, gpu: H100-SXM, site: us, count: 1000}]\n"
    "contracts:\n"
    "  - {name: Microsoft, pool: h100, gpus: 100, value: 21.9M USD}\n"
    "  - {name: Decline, pool: h100, gpus: 100, price: 2 USD/gpu-h, price_decline: 10%}\n";

class OverrideForms : public ::testing::Test {
 protected:
  TempDir dir;
  std::string file = dir.write("v.yaml", kValueContract);
  ScenarioSpec load(const std::vector<std::string>& sets) { return load_scenario(file, sets).spec; }
  std::vector<std::string> errors(const std::vector<std::string>& sets) { return load_errors(dir, file, sets); }
};

// `--set contracts.X.price` on a contract written with `value` used to fail
// with "give price or value, not both" at the file's line: a price set on the
// command line replaces the value written in the file, and the other way round.
TEST_F(OverrideForms, RegressionPriceOnTheCommandLineReplacesTheValue) {
  const ScenarioSpec s = load({"contracts.Microsoft.price=3 USD/gpu-h"});
  ASSERT_TRUE(s.contracts[0].price);
  EXPECT_DOUBLE_EQ(s.contracts[0].price->value, 3.0);
  EXPECT_FALSE(s.contracts[0].value);
  const ScenarioSpec v = load({"contracts.Decline.value=1M USD", "contracts.Decline.price_decline=~"});
  ASSERT_TRUE(v.contracts[1].value);
  EXPECT_DOUBLE_EQ(v.contracts[1].value->value, 1e6);
  EXPECT_FALSE(v.contracts[1].price);
}

// Where a message is still needed, it names the --set that caused it: both
// forms on the command line, or a value replacing a price whose decline is
// written in the file.
TEST_F(OverrideForms, MessagesNameTheSet) {
  EXPECT_EQ(errors({"contracts.Microsoft.price=3 USD/gpu-h", "contracts.Microsoft.value=1M USD"}),
            std::vector<std::string>{
                "--set contracts.Microsoft.value: error: contracts.Microsoft.value: give price or value, not both"});
  EXPECT_EQ(errors({"contracts.Decline.value=1M USD"}),
            std::vector<std::string>{
                "--set contracts.Decline.value: error: contracts.Decline.value: this value replaces the price, but "
                "price_decline (v.yaml:7:79) goes with a price; remove it too: --set "
                "contracts.Decline.price_decline=~"});
}

// `--set time.duration=5 years` gave two errors: the value's, and "missing
// required key 'end' or 'duration'". Now one, about the value, with a hint.
TEST_F(OverrideForms, RegressionBadDurationGivesOneError) {
  EXPECT_EQ(errors({"time.duration=5 years"}),
            std::vector<std::string>{"--set time.duration: error: time.duration: unknown unit 'years'; duration is a "
                                     "duration: h, d, w or y; write 5y"});
  EXPECT_EQ(load({"time.duration=5y"}).time.end - load({}).time.start, 43848);  // 2024-01-01 + 5 calendar years
}

}  // namespace
}  // namespace gpusim
