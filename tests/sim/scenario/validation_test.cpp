// Bad input has tests too: each validation rule of the scenario loader, with the
// exact "FILE:LINE:COL: error: KEY.PATH: message" it reports; and every
// scenario under scenarios/ loads.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/analysis/sweep.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"

namespace gpusim {
namespace {

using testing::TempDir;
using testing::first_error;
using testing::load_errors;

// A small valid scenario; the line numbers are those in the comments, so each
// test replaces one line and knows where its error is.
const std::string kBase =
    "name: test\n"                // 1
    "time:\n"                     // 2
    "  start: 2024-01-01\n"       // 3
    "  duration: 365d\n"          // 4
    "sites:\n"                    // 5
    "  - name: us\n"              // 6
    "    pue: 1.3\n"              // 7
    "fleet:\n"                    // 8
    "  - name: h100\n"            // 9
    "    gpu: H100-SXM\n"         // 10
    "    site: us\n"              // 11
    "    count: 1000\n"           // 12
    "contracts:\n"                // 13
    "  - name: A\n"               // 14
    "    pool: h100\n"            // 15
    "    gpus: 100\n"             // 16
    "    price: 2 USD/gpu-h\n";   // 17

// kBase with the line `from` (without its newline) replaced by `to`.
std::string with(const std::string& from, const std::string& to) {
  std::string s = kBase;
  const auto at = s.find(from + "\n");
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

class Validation : public ::testing::Test {
 protected:
  TempDir dir;
  std::string error_of(const std::string& text) { return first_error(dir, text); }
};

TEST_F(Validation, BaseScenarioLoads) {
  const std::string file = dir.write("s.yaml", kBase);
  const LoadedScenario s = load_scenario(file);
  EXPECT_EQ(s.spec.name, "test");
  ASSERT_EQ(s.spec.fleet.size(), 1u);
  EXPECT_EQ(s.spec.fleet[0].schedule.constant, 1000.0);
  // 365d = 365 × 24 = 8,760 h.
  EXPECT_EQ(s.spec.time.end - s.spec.time.start, 8760);
  ASSERT_EQ(s.spec.contracts.size(), 1u);
  EXPECT_EQ(s.spec.contracts[0].customer, "A");  // defaults to the name
  EXPECT_DOUBLE_EQ(s.spec.contracts[0].price->value, 2.0);
}

TEST_F(Validation, UnknownKeySuggestsAndListsValidKeys) {
  EXPECT_EQ(error_of(with("    pue: 1.3", "    pus: 1.3")),
            "s.yaml:7:5: error: sites.us.pus: unknown key; did you mean 'pue'? (valid keys: name, pue, "
            "it_power_cap, power_cap, electricity, ppa, carbon, colocation)");
  EXPECT_EQ(error_of(with("contracts:", "contract:")),
            "s.yaml:13:1: error: contract: unknown key; did you mean 'contracts'? (valid keys: name, "
            "description, extends, time, catalog, sites, fleet, contracts, demand, finance, solve, "
            "uncertain, seed)");
  // No near miss: no suggestion, still the list.
  EXPECT_EQ(error_of(with("    pue: 1.3", "    colour: red")),
            "s.yaml:7:5: error: sites.us.colour: unknown key (valid keys: name, pue, it_power_cap, "
            "power_cap, electricity, ppa, carbon, colocation)");
}

// `{count: 1,056 racks}` in a flow mapping: YAML ends the entry at the comma
// and reads "056 racks" as a key; the error said only "unknown key".
TEST_F(Validation, RegressionThousandsSeparatorInAFlowMappingIsExplained) {
  std::string text = kBase;
  const std::string block = "  - name: h100\n    gpu: H100-SXM\n    site: us\n    count: 1000\n";
  text.replace(text.find(block), block.size(), "  - {name: h100, gpu: H100-SXM, site: us, count: 1,056 racks}\n");
  // "056 racks" starts at column 52 of line 9.
  EXPECT_EQ(error_of(text),
            "s.yaml:9:52: error: fleet.h100.056 racks: unknown key; inside { } or [ ] a comma ends the entry: write "
            "the number without its thousands separator (1056) or in quotes ('1,056 racks') (valid keys: name, gpu, "
            "site, count, online, ramp, capex, capex_total, life, residual, afr, repair, power_curve)");
}

TEST_F(Validation, WrongUnit) {
  EXPECT_EQ(error_of(with("    price: 2 USD/gpu-h", "    price: 2 USD/kWh")),
            "s.yaml:17:12: error: contracts.A.price: 'USD/kWh' is energy price; price is a price per "
            "GPU-hour: USD/gpu-h");
  EXPECT_EQ(error_of(kBase + "catalog:\n  H100-SXM: {tdp: 700 Wh}\n"),
            "s.yaml:19:19: error: catalog.H100-SXM.tdp: 'Wh' is energy; tdp is a power: W, kW, MW or GW");
  EXPECT_EQ(error_of(with("    price: 2 USD/gpu-h", "    price: 2 dollars")),
            "s.yaml:17:12: error: contracts.A.price: unknown unit 'dollars'; price is a price per "
            "GPU-hour: USD/gpu-h");
}

TEST_F(Validation, MissingValue) {
  EXPECT_EQ(error_of(with("    price: 2 USD/gpu-h", "    price: ''")),
            "s.yaml:17:12: error: contracts.A.price: missing value (price is a price per GPU-hour: "
            "USD/gpu-h)");
  EXPECT_EQ(error_of(with("    price: 2 USD/gpu-h", "    price:")),
            "s.yaml:17:5: error: contracts.A.price: missing value (price is a price per GPU-hour: "
            "USD/gpu-h)");
}

TEST_F(Validation, NotANumber) {
  EXPECT_EQ(error_of(with("    count: 1000", "    count: lots")),
            "s.yaml:12:12: error: fleet.h100.count: 'lots' is not a number (count is a count: a number, "
            "optionally with k, M or B (250k))");
  EXPECT_EQ(error_of(with("    pue: 1.3", "    pue: [1.1, 1.2]")),
            "s.yaml:7:10: error: sites.us.pue: expected a list of 12 values, found 2 values");
}

TEST_F(Validation, NanAndInfinity) {
  EXPECT_EQ(error_of(with("    pue: 1.3", "    pue: .nan")),
            "s.yaml:7:10: error: sites.us.pue: '.nan' is not a finite number (pue is a plain number: a "
            "plain number such as 1.3)");
  EXPECT_EQ(error_of(with("    price: 2 USD/gpu-h", "    price: .inf")),
            "s.yaml:17:12: error: contracts.A.price: '.inf' is not a finite number (price is a price per "
            "GPU-hour: USD/gpu-h)");
  EXPECT_EQ(error_of(with("    count: 1000", "    count: 1e400")),
            "s.yaml:12:12: error: fleet.h100.count: '1e400' is too large to be a finite number (count is a "
            "count: a number, optionally with k, M or B (250k))");
}

TEST_F(Validation, NegativeCount) {
  EXPECT_EQ(error_of(with("    count: 1000", "    count: -5")),
            "s.yaml:12:12: error: fleet.h100.count: '-5' is negative (expected a count of 0 or more)");
  EXPECT_EQ(error_of(with("    gpus: 100", "    gpus: -1k")),
            "s.yaml:16:11: error: contracts.A.gpus: '-1k' is negative (expected a count of 0 or more)");
}

TEST_F(Validation, PercentageOutside0To100) {
  EXPECT_EQ(error_of(kBase + "    activity: 120%\n"),
            "s.yaml:18:15: error: contracts.A.activity: '120%' is out of range (expected 0 to 100%)");
  EXPECT_EQ(error_of(kBase + "    activity: -1%\n"),
            "s.yaml:18:15: error: contracts.A.activity: '-1%' is out of range (expected 0 to 100%)");
  EXPECT_EQ(error_of(kBase + "finance: {tax_rate: 101%}\n"),
            "s.yaml:18:21: error: finance.tax_rate: '101%' is out of range (expected 0 to 100%)");
}

TEST_F(Validation, PueBelowOne) {
  EXPECT_EQ(error_of(with("    pue: 1.3", "    pue: 0.9")),
            "s.yaml:7:10: error: sites.us.pue: '0.9' is out of range (expected a PUE from 1 to 10)");
}

TEST_F(Validation, BadDate) {
  // 2024 is a leap year: February has 29 days, so the 30th does not exist.
  EXPECT_EQ(error_of(with("  start: 2024-01-01", "  start: 2024-02-30")),
            "s.yaml:3:10: error: time.start: '2024-02-30': day out of range (that month has 29 days)");
  EXPECT_EQ(error_of(with("  start: 2024-01-01", "  start: 2023-02-29")),
            "s.yaml:3:10: error: time.start: '2023-02-29': day out of range (that month has 28 days)");
  EXPECT_EQ(error_of(with("  start: 2024-01-01", "  start: 2024-13-01")),
            "s.yaml:3:10: error: time.start: '2024-13-01': month out of range (expected 01 to 12)");
  EXPECT_EQ(error_of(with("  start: 2024-01-01", "  start: 01/01/2024")),
            "s.yaml:3:10: error: time.start: '01/01/2024' is not a date (expected YYYY-MM-DD or "
            "YYYY-MM-DDTHH:00)");
  EXPECT_EQ(error_of(with("  start: 2024-01-01", "  start: 2024-01-01T06:30")),
            "s.yaml:3:10: error: time.start: '2024-01-01T06:30': steps are whole hours (expected minutes "
            ":00)");
}

TEST_F(Validation, EndBeforeStart) {
  EXPECT_EQ(error_of(with("  duration: 365d", "  end: 2023-01-01")),
            "s.yaml:4:8: error: time.end: end 2023-01-01 is not after start 2024-01-01");
  EXPECT_EQ(error_of(with("  duration: 365d", "  end: 2024-01-01")),
            "s.yaml:4:8: error: time.end: end 2024-01-01 is not after start 2024-01-01");
  EXPECT_EQ(error_of(kBase + "    start: 2024-06-01\n    end: 2024-03-01\n"),
            "s.yaml:19:10: error: contracts.A.end: the contract ends (2024-03-01) before it starts "
            "(2024-06-01)");
}

TEST_F(Validation, UnknownGpuModel) {
  EXPECT_EQ(error_of(with("    gpu: H100-SXM", "    gpu: H100-SXN")),
            "s.yaml:10:10: error: fleet.h100.gpu: unknown GPU model 'H100-SXN'; did you mean 'H100-SXM'? "
            "(catalog: H100-SXM, H200, B200, GB200, B300, GB300, MI300X, MI325X, MI355X)");
}

TEST_F(Validation, UnknownSite) {
  EXPECT_EQ(error_of(with("    site: us", "    site: europe")),
            "s.yaml:11:11: error: fleet.h100.site: no site named 'europe' (sites: us)");
  EXPECT_EQ(error_of(with("    site: us", "    site: uss")),
            "s.yaml:11:11: error: fleet.h100.site: no site named 'uss'; did you mean 'us'? (sites: us)");
}

TEST_F(Validation, UnknownPool) {
  EXPECT_EQ(error_of(with("    pool: h100", "    pool: h200")),
            "s.yaml:15:11: error: contracts.A.pool: no fleet pool named 'h200'; did you mean 'h100'? "
            "(pools: h100)");
}

TEST_F(Validation, DuplicateNames) {
  EXPECT_EQ(error_of(with("    pue: 1.3", "    pue: 1.3\n  - name: us")),
            "s.yaml:8:5: error: sites.us: duplicate name 'us' (first used at s.yaml:6:5; names in a list "
            "must be unique)");
  // A duplicate key inside one map is YAML-level.
  EXPECT_EQ(error_of(with("    pue: 1.3", "    pue: 1.3\n    pue: 1.2")),
            "s.yaml:8:5: error: pue: duplicate key (each key may appear once in a map)");
}

TEST_F(Validation, GpusAndGpuHoursBoth) {
  EXPECT_EQ(error_of(kBase + "    gpu_hours: 300M\n"),
            "s.yaml:18:16: error: contracts.A.gpu_hours: give gpus or gpu_hours, not both");
}

TEST_F(Validation, PriceAndValueBoth) {
  EXPECT_EQ(error_of(kBase + "    value: 1B USD\n"),
            "s.yaml:18:12: error: contracts.A.value: give price or value, not both");
}

TEST_F(Validation, UnsupportedStep) {
  EXPECT_EQ(error_of(with("  duration: 365d", "  duration: 365d\n  step: 2h")),
            "s.yaml:5:9: error: time.step: unsupported step (expected 1h or 1d)");
  EXPECT_EQ(error_of(with("  duration: 365d", "  duration: 365d\n  step: 1y")),
            "s.yaml:5:9: error: time.step: unsupported step (expected 1h or 1d)");
  // A 1d step needs a whole number of days: 36 h is 1.5 days.
  EXPECT_EQ(error_of(with("  duration: 365d", "  duration: 36h\n  step: 1d")),
            "s.yaml:4:13: error: time.duration: the run (36 h) is not a whole number of 24 h steps");
}

TEST_F(Validation, UnknownKind) {
  EXPECT_EQ(error_of(kBase + "    kind: reservd\n"),
            "s.yaml:18:11: error: contracts.A.kind: unknown kind 'reservd'; did you mean 'reserved'? "
            "(expected one of: reserved, on_demand, spot)");
}

TEST_F(Validation, MissingName) {
  EXPECT_EQ(error_of(with("  - name: A", "  - customer: A")),
            "s.yaml:14:5: error: contracts[0].name: missing required key 'name' (unique name; the "
            "customer's name unless `customer` is given)");
}

TEST_F(Validation, MissingRequiredKey) {
  EXPECT_EQ(error_of(with("    gpu: H100-SXM", "    # no gpu")),
            "s.yaml:9:5: error: fleet.h100.gpu: missing required key 'gpu' (a GPU model id from the "
            "catalog)");
  EXPECT_EQ(error_of("name: x\n"), "s.yaml:1:1: error: time: missing required key 'time' (the time grid (see time))");
  EXPECT_EQ(error_of(with("    count: 1000", "    # no count")),
            "s.yaml:9:5: error: fleet.h100: missing required key 'count' or 'ramp' (how many GPUs, when)");
  EXPECT_EQ(error_of(with("    price: 2 USD/gpu-h", "    # no price")),
            "s.yaml:14:5: error: contracts.A: missing required key 'price' or 'value' (what it pays)");
  EXPECT_EQ(error_of(with("  duration: 365d", "  # no duration")),
            "s.yaml:3:3: error: time: missing required key 'end' or 'duration' (the run's length)");
}

TEST_F(Validation, DemandOfKindReserved) {
  EXPECT_EQ(error_of(kBase + "demand:\n  - {name: od, pool: h100, kind: reserved, gpus: 10, price: 3 USD/gpu-h}\n"),
            "s.yaml:19:34: error: demand.od.kind: demand is on_demand or spot; reserved contracts go under "
            "contracts");
}

TEST_F(Validation, ExtendsFileMissing) {
  EXPECT_EQ(error_of("extends: nothere.yaml\n" + kBase),
            "s.yaml:1:10: error: extends: cannot read 'nothere.yaml' (no such file, or not readable)");
}

TEST_F(Validation, ExtendsCycle) {
  dir.write("a.yaml", "extends: b.yaml\nname: a\n");
  dir.write("b.yaml", "extends: a.yaml\nname: b\n");
  const auto errors = load_errors(dir, (dir.path() / "a.yaml").string());
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors.front(), "b.yaml:1:10: error: extends: extends forms a cycle: a.yaml -> b.yaml -> a.yaml");
  // A file extending itself is the shortest cycle.
  EXPECT_EQ(first_error(dir, "extends: self.yaml\nname: x\n", "self.yaml"),
            "self.yaml:1:10: error: extends: extends forms a cycle: self.yaml -> self.yaml");
}

TEST_F(Validation, ManyErrorsCollectedInOnePass) {
  std::string text = with("    pue: 1.3", "    pus: 1.3");              // 1: unknown key
  text = text.replace(text.find("count: 1000"), 11, "count: -5");       // 2: negative count
  text = text.replace(text.find("2 USD/gpu-h"), 11, "2 USD/kWh");       // 3: wrong unit
  const std::string file = dir.write("s.yaml", text);
  try {
    load_scenario(file);
    FAIL() << "expected a ScenarioError";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 3u);
    EXPECT_EQ(dir.strip(e.report()),
              "s.yaml:7:5: error: sites.us.pus: unknown key; did you mean 'pue'? (valid keys: name, pue, "
              "it_power_cap, power_cap, electricity, ppa, carbon, colocation)\n"
              "s.yaml:12:12: error: fleet.h100.count: '-5' is negative (expected a count of 0 or more)\n"
              "s.yaml:17:12: error: contracts.A.price: 'USD/kWh' is energy price; price is a price per "
              "GPU-hour: USD/gpu-h\n"
              "3 errors; nothing was run\n");
    // what() is the first line.
    EXPECT_EQ(dir.strip(e.what()), dir.strip(e.diagnostics().front().str()));
  }
}

TEST_F(Validation, OneErrorReportSaysError) {
  const std::string file = dir.write("s.yaml", with("    pue: 1.3", "    pue: 0.5"));
  try {
    load_scenario(file);
    FAIL() << "expected a ScenarioError";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(dir.strip(e.report()),
              "s.yaml:7:10: error: sites.us.pue: '0.5' is out of range (expected a PUE from 1 to 10)\n"
              "1 error; nothing was run\n");
  }
}

// ---- Every scenario shipped with gpusim loads ----

TEST(ShippedScenarios, EveryFileLoads) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(GPUSIM_SOURCE_DIR) / "scenarios";
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
    if (entry.path() == root / "figures.yaml") continue;  // the figure registry, not a scenario
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  // At least the two article scenarios exist.
  EXPECT_GE(files.size(), 2u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    try {
      Diagnostics diags;
      const DocNode doc = load_document(f.string(), diags);
      diags.throw_if_any();
      if (is_sweep_file(doc)) {  // a sweep file: its scenario and every vary entry must be valid
        const SweepPlan plan = read_sweep_file(f.string(), doc, {});
        EXPECT_FALSE(plan.vary.empty());
        continue;
      }
      const LoadedScenario s = load_scenario(f.string());
      EXPECT_FALSE(s.spec.name.empty());
      EXPECT_GT(s.spec.time.end, s.spec.time.start);
    } catch (const ScenarioError& e) {
      ADD_FAILURE() << e.report();
    }
  }
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// One pass finds everything: a misspelled key, a wrong unit and an unknown GPU
// model, site and pool are all reported together, in the file's order.
TEST(OnePass, KeyErrorsAndReferenceErrors) {
  testing::TempDir dir;
  const std::string file = dir.write("s.yaml",
                                     "name: s\n"
                                     "time: {start: 2024-01-01, duration: 30d}\n"
                                     "sites: [{name: dc, pue: 1.2, electricty: 0.08 USD/kWh}]\n"
                                     "fleet: [{name: p, gpu: B2000, site: dcx, count: 10, capex: 5 MW}]\n"
                                     "contracts: [{name: A, pool: q, gpus: 5, price: 2 USD/gpu-h}]\n");
  const auto errors = testing::load_errors(dir, file);
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0].rfind("s.yaml:3:30: error: sites.dc.electricty: unknown key; did you mean 'electricity'?", 0), 0u)
      << errors[0];
  EXPECT_EQ(errors[1].rfind("s.yaml:4:24: error: fleet.p.gpu: unknown GPU model 'B2000'", 0), 0u) << errors[1];
  EXPECT_EQ(errors[2].rfind("s.yaml:4:37: error: fleet.p.site: no site named 'dcx'", 0), 0u) << errors[2];
  EXPECT_EQ(errors[3].rfind("s.yaml:4:60: error: fleet.p.capex: 'MW' is power; capex is an amount of money", 0), 0u)
      << errors[3];
  EXPECT_EQ(errors[4].rfind("s.yaml:5:29: error: contracts.A.pool: no fleet pool named 'q'", 0), 0u) << errors[4];
}

}  // namespace
}  // namespace gpusim
