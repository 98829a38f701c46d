// --engine step|segment on every command that runs the engine (sim/cli/main.cpp,
// commands.cpp; docs/cli.md): each gives the same output on either engine for
// a shipped scenario, a value other than step or segment is a usage error
// (exit 2) that names both, and a seeded scenario with drawn failures and
// demand noise runs on segments too, with no note, on every command.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

using testing::run_gpusim;

const std::string kCoreweave = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/articles/coreweave-2024-utilization.yaml";
const std::string kCoreweaveMc = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/whatif/coreweave-2024-mc.yaml";

bool starts_number(const std::string& s, std::size_t i) {
  return std::isdigit(static_cast<unsigned char>(s[i])) ||
         (s[i] == '-' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])));
}

bool close(double x, double y, double relative) { return std::fabs(x - y) <= relative * std::max(std::fabs(x), std::fabs(y)); }

// The same text, numbers allowed to differ by 10⁻⁹ of their size (the segment
// engine sums in another order: model.md "The segment engine").
::testing::AssertionResult same_to_1e9(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool prev_word = i > 0 && (std::isalpha(static_cast<unsigned char>(a[i - 1])) || a[i - 1] == '_');
    if (!prev_word && starts_number(a, i) && starts_number(b, j)) {
      char *end_a = nullptr, *end_b = nullptr;
      const double x = std::strtod(a.c_str() + i, &end_a), y = std::strtod(b.c_str() + j, &end_b);
      if (!close(x, y, 1e-9))
        return ::testing::AssertionFailure() << x << " against " << y << " at offset " << i << " of:\n" << a;
      i = static_cast<std::size_t>(end_a - a.c_str());
      j = static_cast<std::size_t>(end_b - b.c_str());
      continue;
    }
    if (a[i] != b[j]) return ::testing::AssertionFailure() << "differ at offset " << i << " of:\n" << a << "\nand:\n" << b;
    ++i;
    ++j;
  }
  if (i != a.size() || j != b.size()) return ::testing::AssertionFailure() << "different lengths:\n" << a << "\nand:\n" << b;
  return ::testing::AssertionSuccess();
}

// Two JSON outputs of a goal-seek: the same keys and texts, numbers within
// 10⁻⁷ (Brent's method stops within 10⁻⁹ of the root, and the two engines'
// targets differ in the last digits, so each may stop at a slightly different
// value after a different number of trials: `evaluations` may differ).
::testing::AssertionResult same_goal_seek(const nlohmann::json& a, const nlohmann::json& b, const std::string& at = "") {
  if (a.type() != b.type() && !(a.is_number() && b.is_number()))
    return ::testing::AssertionFailure() << at << ": " << a.dump() << " against " << b.dump();
  if (a.is_object()) {
    if (a.size() != b.size()) return ::testing::AssertionFailure() << at << ": different keys";
    for (auto it = a.begin(), jt = b.begin(); it != a.end(); ++it, ++jt) {
      if (it.key() != jt.key()) return ::testing::AssertionFailure() << at << ": " << it.key() << " against " << jt.key();
      if (it.key().find("evaluations") != std::string::npos) continue;
      if (auto r = same_goal_seek(*it, *jt, at + "." + it.key()); !r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return ::testing::AssertionFailure() << at << ": different lengths";
    for (std::size_t k = 0; k < a.size(); ++k)
      if (auto r = same_goal_seek(a[k], b[k], at + "[" + std::to_string(k) + "]"); !r) return r;
    return ::testing::AssertionSuccess();
  }
  if (a.is_number() && !close(a.get<double>(), b.get<double>(), 1e-7))
    return ::testing::AssertionFailure() << at << ": " << a.dump() << " against " << b.dump();
  if (!a.is_number() && a != b) return ::testing::AssertionFailure() << at << ": " << a.dump() << " against " << b.dump();
  return ::testing::AssertionSuccess();
}

struct BothEngines {
  testing::CommandResult step, segment;
};

// The command on both engines: both succeed and print nothing on stderr.
BothEngines run_on_both_engines(const std::string& args) {
  testing::TempDir dir;
  BothEngines both{run_gpusim(dir.path(), args + " --engine step"), run_gpusim(dir.path(), args + " --engine segment")};
  EXPECT_EQ(both.step.status, 0) << both.step.err;
  EXPECT_EQ(both.segment.status, 0) << both.segment.err;
  EXPECT_EQ(both.step.err, "");
  EXPECT_EQ(both.segment.err, "");
  EXPECT_FALSE(both.step.out.empty());
  return both;
}

void expect_same_on_both_engines(const std::string& args) {
  SCOPED_TRACE(args);
  const BothEngines both = run_on_both_engines(args);
  EXPECT_TRUE(same_to_1e9(both.segment.out, both.step.out));
}

void expect_same_goal_seek_on_both_engines(const std::string& args) {
  SCOPED_TRACE(args);
  const BothEngines both = run_on_both_engines(args);
  EXPECT_TRUE(same_goal_seek(nlohmann::json::parse(both.segment.out), nlohmann::json::parse(both.step.out)));
}

TEST(EngineOption, EveryCommandThatRunsTheEngineGivesTheSameOutputOnBoth) {
  // Without the scenario's goal-seek: the same runs, the same output to 10⁻⁹.
  const std::string q = testing::shell_quote(kCoreweave) + " --set solve=~";
  expect_same_on_both_engines("run " + q + " --format json");
  expect_same_on_both_engines("explain " + testing::shell_quote(kCoreweave) + " utilization.billed --set solve=~ --format json");
  expect_same_on_both_engines("sweep " + q + " --vary contracts.Microsoft.price=1:3:0.5 --threads 2");
  expect_same_on_both_engines("mc " + testing::shell_quote(kCoreweaveMc) + " --set solve=~ --runs 20 --seed 3 --format json --threads 2");
  expect_same_on_both_engines("figures --registry " + testing::shell_quote(std::string(GPUSIM_SOURCE_DIR) + "/scenarios/figures.yaml") +
                              " --only A1 --only A2 --format json");
  expect_same_on_both_engines("validate " + q);
}

TEST(EngineOption, EveryGoalSeekRunsOnTheChosenEngine) {
  // With it: every trial on the chosen engine, the same root to 10⁻⁷.
  const std::string q = testing::shell_quote(kCoreweave);
  expect_same_goal_seek_on_both_engines("run " + q + " --format json");
  expect_same_goal_seek_on_both_engines("solve " + q +
                                        " --vary contracts.Others.gpus --target customers.Microsoft.revenue_share=62% "
                                        "--low 0 --high 250k --format json");
  // Each run re-solves the other customers' size: twenty goal-seeks.
  expect_same_goal_seek_on_both_engines("mc " + testing::shell_quote(kCoreweaveMc) + " --runs 20 --seed 3 --format json --threads 2");
}

TEST(EngineOption, AValueOtherThanStepOrSegmentIsAUsageError) {
  testing::TempDir dir;
  const std::string q = testing::shell_quote(kCoreweave);
  for (const std::string& args :
       {"run " + q, "solve " + q + " --vary contracts.Others.gpus --target utilization.billed=20%",
        "explain " + q + " utilization.billed", "sweep " + q + " --vary contracts.Microsoft.price=1,2",
        "mc " + q + " --runs 2", std::string("figures --only A1"), "validate " + q}) {
    SCOPED_TRACE(args);
    const auto r = run_gpusim(dir.path(), args + " --engine fast");
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("--engine: fast not in {step,segment}"), std::string::npos) << r.err;
  }
}

// A seeded scenario with drawn failures and demand noise: the segment engine
// runs it (its pool kept per step) on every command, saying nothing more than
// the step engine, with the same output to 1e-9 (here for five sweep points
// and four Monte Carlo runs).
TEST(EngineOption, DrawnFailuresAndNoiseRunOnSegmentsWithoutANote) {
  testing::TempDir dir;
  const std::string file = dir.write("seeded.yaml", R"(
name: seeded
time: {start: 2025-01-01, end: 2025-03-01, step: 1d}
seed: 5
sites: [{name: s}]
fleet: [{name: p, gpu: H100-SXM, site: s, count: 100, afr: 10%}]
demand: [{name: d, pool: p, gpus: 80, price: 2 USD/gpu-h, noise: 20%}]
)");
  const std::string q = testing::shell_quote(file);
  for (const std::string command : {"sweep", "mc", "run", "explain", "validate"}) {
    SCOPED_TRACE(command);
    const std::string args = command == "sweep" ? "sweep " + q + " --vary demand.d.price=1:3:0.5"
                             : command == "mc"  ? "mc " + q + " --runs 4 --format json"
                             : command == "explain" ? "explain " + q + " utilization.billed"
                                                    : command + " " + q;
    const auto step = run_gpusim(dir.path(), args + " --engine step");
    const auto segment = run_gpusim(dir.path(), args + " --engine segment");
    ASSERT_EQ(segment.status, 0) << segment.err;
    EXPECT_EQ(segment.err, step.err);
    EXPECT_TRUE(same_to_1e9(segment.out, step.out));
  }
}

}  // namespace
}  // namespace gpusim
