// `gpusim explain` on everything shipped (sim/explain/): every numeric result
// path of every scenario under scenarios/ is explained; every sum, product,
// quotient and same node equals its operation over its children (to 1e-9
// relative); each root equals the value `gpusim run --format json` prints.
// Labelled `slow` (about 30 s of CPU, most of it the gigawatt benchmark's
// 2,000 contracts): `ctest -LE slow` leaves it out.
#include <gtest/gtest.h>

#include <algorithm>
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

// Every scenario under scenarios/ (not the sweep files or the figure registry),
// sorted: what `gpusim explain` must work on.
std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(GPUSIM_SOURCE_DIR) / "scenarios")) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || e.path().extension() != ".yaml") continue;
    if (name == "figures.yaml" || name.find(".sweep.") != std::string::npos) continue;
#ifdef GPUSIM_TIME_SCALE
    // Under the sanitizers the gigawatt benchmark's 2,000 contracts alone take
    // over ten minutes of CPU; its paths are the same builders the other
    // scenarios reach, and the plain build explains every one of them.
    if (e.path().parent_path().filename() == "bench") continue;
#endif
    out.push_back(fs::relative(e.path(), GPUSIM_SOURCE_DIR).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Node fields a tool relies on: a unit or a label, an equation and a source on leaves.
void expect_well_formed(const Node& n) {
  EXPECT_FALSE(n.path.empty() && n.label.empty()) << "a node with neither path nor label";
  EXPECT_FALSE(n.equation.empty()) << n.path << " " << n.label;
  if (n.op == Op::input) {
    EXPECT_FALSE(n.source.empty()) << n.path << " " << n.label << ": an input without a source";
  }
  if (n.op == Op::quotient) {
    EXPECT_EQ(n.children.size(), 2u) << n.path;
  }
  if (n.op == Op::same) {
    EXPECT_FALSE(n.children.empty()) << n.path;
  }
  for (const auto& c : n.children) expect_well_formed(c);
}

TEST(Explain, EveryNumericPathOfEveryShippedScenario) {
  const fs::path scratch = fs::temp_directory_path() / "gpusim_explain_every_path";
  fs::create_directories(scratch);
  const std::vector<std::string> files = shipped_scenarios();
  ASSERT_GE(files.size(), 20u);  // articles, deals, what-ifs, teaching, bench
  std::size_t explained = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    // `gpusim run FILE --format json`: the values the roots must equal.
    const testing::CommandResult run = testing::run_gpusim(scratch, "run " + testing::shell_quote(file) + " --format json");
    ASSERT_EQ(run.status, 0) << run.err;
    const Json printed = Json::parse(run.out);
    const explain::Context ctx = explain::make_context(file);
    const std::vector<std::string> paths = explain::explainable_paths(ctx);
    EXPECT_EQ(paths.size(), flatten_all(printed).size());
    for (const auto& path : paths) {
      SCOPED_TRACE(path);
      const Node root = explain::explain_path(ctx, path);
      EXPECT_EQ(root.path, path);
      const std::optional<double> expected = metric_value(printed, path);
      ASSERT_EQ(root.value.has_value(), expected.has_value());
      if (expected) {
        EXPECT_EQ(*root.value, *expected);  // the very number `run` prints
      }
      for (const auto& problem : explain::check_tree(root)) ADD_FAILURE() << problem;
      expect_well_formed(root);
      ++explained;
    }
  }
  EXPECT_GT(explained, 1000u);
}

}  // namespace
}  // namespace gpusim
