// `gpusim explain` (sim/explain/): trees for known results checked by hand,
// sources of inputs (file, default, catalog, --set), solved and drawn inputs,
// approximations, the consistency check, and the command's text, JSON,
// --depth and errors. Every path of every shipped scenario:
// explain_every_path_test.cpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/explain/explain.hpp"
#include "sim/output/summary.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;
using explain::Node;
using explain::Op;

const std::string kCoreWeave = "scenarios/articles/coreweave-2024-utilization.yaml";
const std::string kWorked = "scenarios/teaching/worked-example.yaml";

const Node* find(const Node& n, const std::string& path) {
  if (n.path == path) return &n;
  for (const auto& c : n.children)
    if (const Node* f = find(c, path)) return f;
  return nullptr;
}

TEST(Explain, TheTwentyTwoPercentDownToItsInputs) {
  const explain::Context ctx = explain::make_context(kCoreWeave);
  const Node root = explain::explain_path(ctx, "utilization.billed");
  EXPECT_EQ(root.op, Op::quotient);
  EXPECT_EQ(root.anchor, "model.md#the-utilization-ladder");
  // installed = 250,000 GPUs × 8,760 h = 2.19e9 GPU-h (A1), written at line 26.
  const Node* count = find(root, "fleet.h100.count");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(*count->value, 250000.0);
  EXPECT_NE(count->source.find("coreweave-2024-utilization.yaml:26:"), std::string::npos) << count->source;
  // Microsoft's 300M GPU-hours are an input (line 32); the others' GPUs were solved.
  const Node* ms = find(root, "contracts.Microsoft.gpu_hours");
  ASSERT_NE(ms, nullptr);
  EXPECT_EQ(*ms->value, 300e6);
  EXPECT_NE(ms->source.find("coreweave-2024-utilization.yaml:32:"), std::string::npos) << ms->source;
  const Node* others = find(root, "contracts.Others.gpus");
  ASSERT_NE(others, nullptr);
  ASSERT_EQ(others->notes.size(), 1u);
  EXPECT_NE(others->notes[0].find("solved: contracts.Others.gpus = "), std::string::npos) << others->notes[0];
  EXPECT_NE(others->notes[0].find("customers.Microsoft.revenue_share = 0.62"), std::string::npos);
  EXPECT_NE(others->notes[0].find("bracket 0 to 250k"), std::string::npos);
  // billed = 300M + N × 8,760 h, with N the solved count: 300M ÷ (300M + 8,760 N) = 62%.
  const double n = *others->value;
  EXPECT_NEAR(300e6 / (300e6 + 8760.0 * n), 0.62, 1e-9);
  EXPECT_NEAR(*root.value, (300e6 + 8760.0 * n) / 2.19e9, 1e-12);
}

TEST(Explain, DefaultsAndCatalogEntriesNameTheirSource) {
  const explain::Context ctx = explain::make_context(kWorked);
  const Node it = explain::explain_path(ctx, "energy.it_kwh");
  // IT energy = 8,756,400 × (75 + 575) + 6,044,400 × (700 − 75) Wh = 9,469,410 kWh (model.md's worked example).
  EXPECT_NEAR(*it.value, 9469410.0, 1e-6);
  const Node* tdp = find(it, "catalog.H100-SXM.tdp");
  ASSERT_NE(tdp, nullptr);
  EXPECT_EQ(*tdp->value, 700.0);
  EXPECT_EQ(tdp->source.rfind("catalog H100-SXM (built-in", 0), 0u) << tdp->source;
  const Node cost = explain::explain_path(ctx, "finance.depreciation_usd");
  // 30M ÷ 6 = 5M; the life is the default 6 y = 52,560 h (year: 365d); capex the catalog price.
  EXPECT_NEAR(*cost.value, 5e6, 1e-6);
  const Node* life = find(cost, "fleet.h100.life");
  ASSERT_NE(life, nullptr);
  EXPECT_EQ(*life->value, 52560.0);
  EXPECT_EQ(life->source, "default: 6y (docs/scenario-format.md)");
  const Node* capex = find(cost, "fleet.h100.capex");
  ASSERT_NE(capex, nullptr);
  EXPECT_EQ(*capex->value, 30000.0);
  EXPECT_EQ(capex->source.rfind("catalog H100-SXM (built-in", 0), 0u) << capex->source;
}

// The deal terms and the carbon are explained from their inputs (issues 10, 11).
TEST(Explain, DealTermsAndCarbonComeFromTheirInputs) {
  const explain::Context iren = explain::make_context("scenarios/deals/microsoft-iren.yaml");
  // P = q × V = 20% × 9.7B USD = 1.94B USD.
  const Node prepaid = explain::explain_path(iren, "contracts.Microsoft.prepayment_usd");
  EXPECT_NEAR(*prepaid.value, 1.94e9, 1e-3);
  EXPECT_EQ(prepaid.op, Op::product);
  ASSERT_NE(find(prepaid, "contracts.Microsoft.value"), nullptr);
  EXPECT_EQ(find(prepaid, "contracts.Microsoft.prepayment")->source, "scenarios/deals/microsoft-iren.yaml:69:17");
  // C = capex_total ÷ the ramp's largest count = 5.8B ÷ 119,997 = 48,334.54 USD per GPU.
  const Node per_gpu = explain::explain_path(iren, "pools.gb300.capex_per_gpu_usd");
  EXPECT_EQ(per_gpu.op, Op::quotient);
  EXPECT_NEAR(*per_gpu.value, 5.8e9 / 119997.0, 1e-6);
  ASSERT_NE(find(per_gpu, "fleet.gb300.capex_total"), nullptr);
  EXPECT_TRUE(explain::check_tree(explain::explain_path(iren, "finance.capex_usd")).empty());

  const explain::Context campus = explain::make_context("scenarios/whatif/six-gw-ppa-carbon.yaml");
  const Node co2 = explain::explain_path(campus, "sites.campus.co2_tonnes");
  // Half the energy at the grid's 0.366 kg/kWh, half under a PPA at 0 kg/kWh:
  // 52,559,990,250 kWh × 0.5 × 0.366 ÷ 1000 = 9,618,478.2 t.
  EXPECT_NEAR(*co2.value, 52559990250.12 * 0.5 * 0.366 / 1000, 1e-3);
  const Node* grid = find(co2, "sites.campus.carbon");
  ASSERT_NE(grid, nullptr);
  EXPECT_DOUBLE_EQ(*grid->value, 0.366);
  const Node* own = find(co2, "sites.campus.ppa.carbon");
  ASSERT_NE(own, nullptr) << "the PPA's own intensity is an input of the CO2";
  EXPECT_EQ(*own->value, 0.0);
  EXPECT_EQ(own->source.rfind("scenarios/whatif/six-gw-ppa-carbon.yaml:32:", 0), 0u) << own->source;
}

TEST(Explain, MonteCarloInputsSayTheyAreDrawn) {
  const explain::Context ctx = explain::make_context("scenarios/whatif/coreweave-2024-mc.yaml");
  ASSERT_FALSE(ctx.spec.uncertain.empty());
  bool noted = false;
  for (const auto& path : explain::explainable_paths(ctx)) {
    const Node root = explain::explain_path(ctx, path);
    const Node* input = find(root, ctx.spec.uncertain.front().path);
    if (!input) continue;
    for (const auto& note : input->notes) noted = noted || note.rfind("uncertain: `gpusim mc` draws it", 0) == 0;
  }
  EXPECT_TRUE(noted);
}

TEST(Explain, ApproximationsAreNamed) {
  // Allocation on step averages: a shortfall in the customer-concentration what-if?
  // Peaks are always step averages.
  const explain::Context ctx = explain::make_context(kWorked);
  const Node peak = explain::explain_path(ctx, "power.facility_peak_mw");
  ASSERT_FALSE(peak.notes.empty());
  EXPECT_NE(peak.notes[0].find("approximation: peaks are step averages"), std::string::npos);
  // A non-linear power curve is evaluated on the step-average load.
  const explain::Context square =
      explain::make_context(kWorked, {"fleet.h100.power_curve=square"});
  const Node it = explain::explain_path(square, "sites.dc.it_kwh");
  EXPECT_EQ(it.op, Op::engine);
  ASSERT_FALSE(it.notes.empty());
  EXPECT_NE(it.notes[0].find("approximation: the power curve f is evaluated on the step-average load"),
            std::string::npos);
}

TEST(Explain, CheckTreeCatchesANodeThatDisagreesWithItsChildren) {
  const explain::Context ctx = explain::make_context(kWorked);
  Node root = explain::explain_path(ctx, "finance.operating_income_usd");
  EXPECT_TRUE(explain::check_tree(root).empty());
  *root.value += 1.0;  // 4,962,059 + 1 no longer equals revenue − costs
  const std::vector<std::string> problems = explain::check_tree(root);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind("finance.operating_income_usd: holds 4962060", 0), 0u) << problems[0];
}

// ---- the command ----

class ExplainCli : public ::testing::Test {
 protected:
  // One folder per test process: ctest -j runs this fixture's tests side by side.
  fs::path scratch = fs::temp_directory_path() / ("gpusim_explain_cli_" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(scratch); }
  testing::CommandResult gpusim(const std::string& args) { return testing::run_gpusim(scratch, args); }
  // `gpusim explain FILE utilization.billed` on a scenario written to scratch/NAME.
  testing::CommandResult explain_written(const std::string& name, const std::string& text, fs::path& file) {
    file = scratch / name;
    std::ofstream(file) << text;
    return gpusim("explain " + file.string() + " utilization.billed");
  }
};

TEST_F(ExplainCli, TextTreeWithEquationsSourcesAndAnchors) {
  const auto r = gpusim("explain " + kCoreWeave + " utilization.billed");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("utilization.billed = 22.0946%  = billed ÷ installed GPU-hours", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("(model.md#the-utilization-ladder)"), std::string::npos);
  EXPECT_NE(r.out.find("  gpus.gpu_hours_installed = 2,190,000,000 gpu-h"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fleet.h100.count = 250,000 GPUs   scenarios/articles/coreweave-2024-utilization.yaml:26:"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("↳ solved: contracts.Others.gpus = "), std::string::npos);
}

TEST_F(ExplainCli, DepthLimitsTheTree) {
  const auto r = gpusim("explain " + kCoreWeave + " utilization.billed --depth 1");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\n  gpus.gpu_hours_billed = "), std::string::npos);
  EXPECT_EQ(r.out.find("contracts.Microsoft"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    … 2 inputs below (raise --depth)"), std::string::npos) << r.out;
  const auto root_only = gpusim("explain " + kCoreWeave + " utilization.billed --depth 0");
  ASSERT_EQ(root_only.status, 0);
  EXPECT_EQ(root_only.out.find("gpus.gpu_hours_billed ="), std::string::npos) << root_only.out;
}

TEST_F(ExplainCli, JsonGivesTheSameTree) {
  const auto r = gpusim("explain " + kCoreWeave + " utilization.billed --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const Json j = Json::parse(r.out);
  const explain::Context ctx = explain::make_context(kCoreWeave);
  const Node root = explain::explain_path(ctx, "utilization.billed");
  EXPECT_EQ(j, explain::to_json(root));
  EXPECT_EQ(j["path"], "utilization.billed");
  EXPECT_EQ(j["op"], "quotient");
  EXPECT_EQ(j["children"].size(), 2u);
  for (const char* key : {"path", "label", "value", "unit", "op", "equation", "anchor", "source", "notes", "children"})
    EXPECT_TRUE(j.contains(key)) << key;
  const auto shallow = gpusim("explain " + kCoreWeave + " utilization.billed --format json --depth 1");
  const Json s = Json::parse(shallow.out);
  EXPECT_EQ(s["children"][0]["children"].size(), 0u);
  EXPECT_EQ(s["children"][0]["truncated"], true);
}

TEST_F(ExplainCli, UnknownPathSuggestsTheNearestAndExits2) {
  const auto r = gpusim("explain " + kCoreWeave + " utilization.biled");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("gpusim explain: error: 'utilization.biled' is not a numeric result of " + kCoreWeave +
                            "; did you mean 'utilization.billed'?",
                        0),
            0u)
      << r.err;
  const auto item = gpusim("explain " + kCoreWeave + " contracts.Microsft.revenue_usd");
  EXPECT_EQ(item.status, 2);
  EXPECT_NE(item.err.find("did you mean 'contracts.Microsoft.revenue_usd'?"), std::string::npos) << item.err;
}

TEST_F(ExplainCli, ScenarioErrorsAreLocatedAndExit2) {
  fs::path bad;
  const auto r = explain_written("bad.yaml",
                                 "name: bad\ntime: {start: 2025-01-01, duration: 1y, step: 1h}\nfleet:\n"
                                 "  - {name: p, gpu: H100-SXM, site: nowhere, count: 10}\n",
                                 bad);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(bad.string() + ":4:36: error: fleet.p.site: no site named 'nowhere' (no sites are defined)\n1 error; nothing was run\n"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(ExplainCli, ScenarioThatCannotRunIsLocatedAndExits2) {
  // 1,000 H100s draw 1,000 × 1,275 W = 1.275 MW at full load, over a 1 MW cap.
  fs::path over;
  const auto r = explain_written("over.yaml",
                                 "name: over the cap\ntime: {start: 2024-01-01, duration: 10d}\nsites:\n  - name: dc\n"
                                 "    it_power_cap: 1 MW\nfleet: [{name: p, gpu: H100-SXM, site: dc, count: 1000}]\n",
                                 over);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(over.string() + ":5:19: error: sites.dc.it_power_cap: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1.275 MW exceeds it_power_cap 1.000 MW by 0.275 MW on 2024-01-01"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\n1 error; nothing was explained\n"), std::string::npos) << r.err;
}

TEST_F(ExplainCli, SetOverridesAreExplainedAsWrittenOnTheCommandLine) {
  const auto r = gpusim("explain " + kWorked + " contracts.Acme.revenue_usd --set contracts.Acme.price=2.5");
  ASSERT_EQ(r.status, 0) << r.err;
  // 5,256,000 GPU-h × 2.50 = 13,140,000 USD
  EXPECT_EQ(r.out.rfind("contracts.Acme.revenue_usd = 13,140,000 USD", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("contracts.Acme.price = 2.5 USD/gpu-h   --set contracts.Acme.price"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace gpusim
