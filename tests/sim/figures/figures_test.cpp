// The figure registry end to end: every article figure reproduces within its
// tolerance; the published values are only compared against, never read by the
// engine; and `gpusim figures` as a process (files, exit codes, JSON).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/figures/registry.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const std::string kSource = GPUSIM_SOURCE_DIR;
const std::string kRegistry = kSource + "/scenarios/figures.yaml";

std::string slurp(const std::string& path) { return testing::read_file(path); }

std::string quote(const std::string& s) { return testing::shell_quote(s); }

struct RunResult {
  int status = -1;
  std::string out, err;
};

// Runs `gpusim ARGS` from the repository root, stdout and stderr captured.
RunResult run(const TempDir& dir, const std::string& args) {
  const std::string out = (dir.path() / "stdout.txt").string();
  const std::string err = (dir.path() / "stderr.txt").string();
  const std::string cmd = "cd " + quote(kSource) + " && " + quote(GPUSIM_BINARY) + " " + args + " >" + quote(out) +
                          " 2>" + quote(err) + " </dev/null";
  const int raw = std::system(cmd.c_str());
  RunResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

bool have_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

// The registry's text with every scenario path made absolute, so that a copy
// written elsewhere still finds the scenarios.
std::string registry_copy_text() {
  std::string text = slurp(kRegistry);
  const std::string from = "scenario: articles/", to = "scenario: " + kSource + "/scenarios/articles/";
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

TEST(Figures, EveryRegistryFigureIsWithinTolerance) {
  const std::vector<FigureSpec> specs = load_registry(kRegistry);
  ASSERT_GE(specs.size(), 20u);
  const std::vector<FigureResult> results = run_figures(specs, {});
  ASSERT_EQ(results.size(), specs.size());
  int checked = 0;
  for (const auto& r : results) {
    EXPECT_TRUE(std::isfinite(r.reproduced)) << r.spec.id;
    if (!r.checked) continue;
    ++checked;
    EXPECT_TRUE(r.ok) << r.spec.id << " (" << r.spec.title << "): published " << r.spec.published_text
                      << ", reproduced " << display_value(r.spec, r.reproduced);
  }
  EXPECT_GE(checked, 16);
}

TEST(Figures, EveryArticleScenarioHasAFigure) {
  std::map<std::string, int> used;
  for (const auto& f : load_registry(kRegistry)) ++used[fs::path(f.scenario).filename().string()];
  for (const auto& e : fs::directory_iterator(kSource + "/scenarios/articles")) {
    if (e.path().extension() == ".yaml") {
      EXPECT_GT(used[e.path().filename().string()], 0) << e.path();
    }
  }
}

// The engine never reads the published value: changing it changes the verdict,
// not the reproduced number.
TEST(Figures, ChangingAPublishedValueChangesTheVerdictNotTheResult) {
  TempDir dir;
  const std::string original = registry_copy_text();
  const std::string same = dir.write("same/figures.yaml", original);
  std::string text = original;
  // A3 (22%) and A5-revenue (1.92B USD): moved far out of tolerance.
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"published: 22%", "published: 30%"}, {"published: 1.92B USD", "published: 2.5B USD"}}) {
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  }
  const std::string changed = dir.write("changed/figures.yaml", text);
  const std::vector<std::string> only{"A3", "A5-revenue"};
  const auto before = run_figures(load_registry(same), only);
  const auto after = run_figures(load_registry(changed), only);
  ASSERT_EQ(before.size(), 2u);
  ASSERT_EQ(after.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(before[i].spec.id, after[i].spec.id);
    EXPECT_TRUE(before[i].ok) << before[i].spec.id;
    EXPECT_FALSE(after[i].ok) << after[i].spec.id;
    EXPECT_EQ(before[i].reproduced, after[i].reproduced) << before[i].spec.id;
    EXPECT_NE(*before[i].spec.published, *after[i].spec.published);
  }
}

TEST(FiguresCli, OutWritesTablesAndCharts) {
  TempDir dir;
  const std::string out = (dir.path() / "figs").string();
  const RunResult r = run(dir, "figures --registry " + quote(kRegistry) + " --out " + quote(out));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  for (const char* name : {"figures.csv", "figures.json"}) {
    const fs::path p = fs::path(out) / name;
    ASSERT_TRUE(fs::exists(p)) << p;
    EXPECT_GT(fs::file_size(p), 0u) << p;
  }
  const std::string csv = slurp((fs::path(out) / "figures.csv").string());
  for (const auto& f : load_registry(kRegistry)) EXPECT_NE(csv.find("\n" + f.id + ","), std::string::npos) << f.id;
  const Json json = Json::parse(slurp((fs::path(out) / "figures.json").string()));
  EXPECT_EQ(json.size(), load_registry(kRegistry).size());
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot not installed: charts not checked";
  // Each chart the command reports exists and is a non-empty SVG; the article
  // charts with a scenario in scenarios/articles are all there.
  std::vector<std::string> charts;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("Chart: ", 0) == 0) charts.push_back(line.substr(7));
  for (const char* name : {"coreweave-utilization-heatmap.svg", "six-gw-gpus.svg", "six-gw-energy.svg",
                           "six-gw-energy-bill.svg", "coreweave-2024-waterfall.svg", "deal-prices.svg"})
    EXPECT_NE(std::find(charts.begin(), charts.end(), (fs::path(out) / name).string()), charts.end()) << name;
  for (const auto& c : charts) {
    ASSERT_TRUE(fs::exists(c)) << c;
    EXPECT_GT(fs::file_size(c), 0u) << c;
    EXPECT_NE(slurp(c).find("<svg"), std::string::npos) << c;
  }
}

TEST(FiguresCli, UnknownOnlyIdExits2ListingTheIds) {
  TempDir dir;
  const RunResult r = run(dir, "figures --registry " + quote(kRegistry) + " --only NO-SUCH-ID");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("NO-SUCH-ID"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ids:"), std::string::npos) << r.err;
  for (const char* id : {"A1", "A5-net-margin", "C1-gpus", "D1", "E1"})
    EXPECT_NE(r.err.find(id), std::string::npos) << id << " not listed in: " << r.err;
}

TEST(FiguresCli, FormatJsonPrintsOneObjectPerFigure) {
  TempDir dir;
  const RunResult r = run(dir, "figures --registry " + quote(kRegistry) + " --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const Json j = Json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  const auto specs = load_registry(kRegistry);
  ASSERT_EQ(j.size(), specs.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    const Json& f = j[i];
    ASSERT_TRUE(f.is_object());
    for (const char* key : {"id", "title", "metric", "published", "reproduced", "tolerance", "ok"})
      EXPECT_TRUE(f.contains(key)) << key << " missing in " << f.dump();
    EXPECT_EQ(f["id"], specs[i].id);
    EXPECT_EQ(f["metric"], specs[i].metric);
    EXPECT_TRUE(f["reproduced"].is_number()) << f.dump();
    EXPECT_TRUE(f["ok"].is_boolean()) << f.dump();
    if (specs[i].published) {
      EXPECT_DOUBLE_EQ(f["published"].get<double>(), *specs[i].published);
    } else if (specs[i].published_low) {
      EXPECT_TRUE(f["published"].is_array());
    } else {
      EXPECT_TRUE(f["published"].is_null());
    }
  }
}

}  // namespace
}  // namespace gpusim
