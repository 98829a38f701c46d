// Results must be finite (sim/engine/finite_check.*), and natural ranges on
// keys keep them so: regressions of issue 9's findings 2 and 3, each named
// after what broke.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "sim/engine/finite_check.hpp"
#include "sim/output/summary.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

using testing::CommandResult;
using testing::TempDir;

CommandResult gpusim(const TempDir& dir, const std::string& args) { return testing::run_gpusim(dir.path(), args); }

const std::string kWorked = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/teaching/worked-example.yaml";

// A GPU drawing 0 W with count: fit filled a 1 MW site with infinitely many
// GPUs: exit 0 with null metrics, and with afr and a seed undefined behaviour
// (an infinite double cast to an integer), then exit 3.
TEST(FiniteCheck, RegressionZeroWattGpuWithCountFitIsRefused) {
  TempDir dir;
  const std::string file = dir.write("z.yaml",
                                     "name: zero\n"
                                     "time: {start: 2024-01-01, duration: 10d}\n"
                                     "catalog: {Z: {tdp: 0 W, idle: 0 W, overhead: 0 W, price: 1 USD}}\n"
                                     "sites: [{name: s, it_power_cap: 1 MW}]\n"
                                     "fleet: [{name: p, gpu: Z, site: s, count: fit, afr: 10%}]\n"
                                     "seed: 1\n");
  for (const std::string command : {"run", "validate"}) {
    const CommandResult r = gpusim(dir, command + " " + file);
    EXPECT_EQ(r.status, 2) << command;
    // `fleet: [{name: p, gpu: Z, site: s, count: ` is 42 characters: `fit` is at column 43.
    EXPECT_EQ(dir.strip(r.err), "z.yaml:5:43: error: fleet.p.count: count: fit needs a GPU model that draws power at "
                                "full load; Z draws 0 W (tdp + overhead); give a count, or the model a tdp\n"
                                "1 error; nothing was run\n")
        << command;
    EXPECT_EQ(r.out, "") << command;
  }
}

// --set contracts.Acme.price=1e307 printed revenue infB and margin -nan%; a
// life or debt term of 1e-300y likewise; a capex of 1e300 USD overflowed the
// table's 64-byte money buffer. Natural ranges refuse them at their place.
TEST(FiniteCheck, RegressionExtremeInputsAreOutOfRange) {
  TempDir dir;
  const std::pair<std::string, std::string> cases[] = {
      {"contracts.Acme.price=1e307", "'1e307' is out of range (expected 0 to 10,000 USD/gpu-h)"},
      {"fleet.h100.life=1e-300y", "'1e-300y' is out of range (expected 1d to 100y)"},
      {"finance.debt.loan.term=1e-300y", "'1e-300y' is out of range (expected 1d to 100y)"},
      {"fleet.h100.capex=1e300 USD", "'1e300 USD' is out of range (expected 0 to 1,000T USD; above 1M USD an error that asks for capex_total)"},
      {"finance.debt.loan.principal=1e300 USD", "'1e300 USD' is out of range (expected 0 to 1,000T USD)"},
  };
  for (const auto& [set, message] : cases) {
    const CommandResult r = gpusim(dir, "run " + kWorked + " --set " + testing::shell_quote(set));
    const std::string path = set.substr(0, set.find('='));
    EXPECT_EQ(r.status, 2) << set;
    EXPECT_EQ(r.err, "--set " + path + ": error: " + path + ": " + message + "\n1 error; nothing was run\n") << set;
  }
}

// Where no natural bound applies, a run whose results are not finite is an
// error (exit 2) naming the results and the inputs that took them there.
TEST(FiniteCheck, RegressionNonFiniteResultsAreAnErrorNamingTheInputs) {
  TempDir dir;
  const CommandResult r = gpusim(dir, "run " + kWorked + " --set " + testing::shell_quote("sites.dc.electricity=1e306 USD/kWh"));
  EXPECT_EQ(r.status, 2);
  // 1e306 USD/kWh × the site's facility kWh overflows a double: the energy cost is inf.
  EXPECT_EQ(r.err.rfind("--set sites.dc.electricity: error: sites.dc.electricity: the results are not finite "
                        "(energy.cost_usd = inf, energy.grid_cost_usd = inf, finance.energy_cost_usd = inf ",
                        0),
            0u)
      << r.err;
  EXPECT_NE(r.err.find("; inputs that took them there: sites.dc.electricity = 1e306 USD/kWh\n1 error; nothing was written\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
  // validate finds it too, in the file: the colocation rent is written on line 15.
  std::string text = testing::read_file(kWorked);
  const auto at = text.find("colocation: 150 USD/kW/month");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("colocation: 150").size(), "colocation: 1e305");
  const std::string file = dir.write("w.yaml", text);
  const CommandResult v = gpusim(dir, "validate " + file);
  EXPECT_EQ(v.status, 2);
  EXPECT_EQ(dir.strip(v.err).rfind("w.yaml:15:", 0), 0u) << v.err;
  EXPECT_NE(v.err.find("inputs that took them there: sites.dc.colocation = 1e305 USD/kW/month\n1 error; nothing was run\n"),
            std::string::npos)
      << v.err;
}

// A Monte Carlo run after the first keeps its values alone (its names are run
// 0's): a value there that is not finite is the same error, for that run.
// Seed 5 draws a price the worked example's energy cost holds in run 0
// (below about 1e302 USD/kWh) and one it does not in run 1.
TEST(FiniteCheck, NonFiniteResultsOfALaterMonteCarloRunAreAnError) {
  TempDir dir;
  const std::string file =
      dir.write("wu.yaml", testing::read_file(kWorked) +
                               "uncertain:\n  - {name: price, path: sites.dc.electricity, dist: uniform, low: 1e300 USD/kWh, "
                               "high: 4e302 USD/kWh}\n");
  const CommandResult r = gpusim(dir, "mc " + file + " --runs 4 --seed 5 --threads 1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("error: sites.dc.electricity: the results are not finite (energy.cost_usd = inf"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(" (in run 1)\n1 error; nothing was written\n"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(FiniteCheck, ExtremeInputsAreListedInDocumentOrder) {
  Diagnostics diags;
  const DocNode doc = parse_yaml_text("a: 2T\nb: [{name: x, c: 1e-300y, d: 5}]\ne: 62%\nf: 1e15 USD\n", "t.yaml", diags);
  ASSERT_TRUE(diags.empty());
  // 2T = 2e12 is large but below 1e15; 1e-300 is below 1e-12; 1e15 is at the bound.
  EXPECT_EQ(extreme_inputs(doc), (std::vector<std::pair<std::string, std::string>>{{"b.x.c", "1e-300y"}, {"f", "1e15 USD"}}));
}

// A sweep point checks the JSON summary it keeps (check_finite_summary): the
// same error as check_finite_cells on its cells, and nothing when all are finite.
TEST(FiniteCheck, SummaryCheckThrowsWhatTheCellCheckThrows) {
  Diagnostics diags;
  const DocNode doc = parse_yaml_text("name: x\nprice: 1e307 USD/gpu-h\n", "s.yaml", diags);
  nlohmann::ordered_json summary = {{"finance", {{"revenue_usd", 1.0}, {"irr", nullptr}}},
                                    {"customers", {{{"name", "A"}, {"revenue_usd", 2.0}}}}};
  EXPECT_NO_THROW(check_finite_summary(summary, doc));
  summary["customers"][0]["revenue_usd"] = std::numeric_limits<double>::infinity();
  std::string from_summary, from_cells;
  try {
    check_finite_summary(summary, doc);
  } catch (const ModelError& e) {
    from_summary = e.path() + ": " + e.what();
  }
  try {
    // The same three cells as summary_cells would give them: names end to end.
    SummaryCells cells;
    for (const auto& [name, value] :
         std::vector<std::pair<std::string, std::optional<double>>>{
             {"finance.revenue_usd", 1.0},
             {"finance.irr", std::nullopt},
             {"customers.A.revenue_usd", std::numeric_limits<double>::infinity()}}) {
      cells.names += name;
      cells.name_ends.push_back(cells.names.size());
      cells.values.push_back(value);
    }
    check_finite_cells(cells, doc);
  } catch (const ModelError& e) {
    from_cells = e.path() + ": " + e.what();
  }
  EXPECT_EQ(from_summary,
            "price: the results are not finite (customers.A.revenue_usd = inf); inputs that took them there: "
            "price = 1e307 USD/gpu-h");
  EXPECT_EQ(from_summary, from_cells);
}

}  // namespace
}  // namespace gpusim
