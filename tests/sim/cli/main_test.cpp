// The gpusim command line itself (sim/cli/main.cpp): an unknown command gets a
// suggestion and the list of commands; `run --format csv` is accepted.
#include <gtest/gtest.h>

#include <string>

#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

const std::string kCommands =
    "Commands:\n"
    "  run        Run a scenario: utilization ladder, power, energy, money\n"
    "  solve      Goal-seek: vary one key until a result equals a target\n"
    "  explain    Show how a result came to be: its equation and inputs, as a tree\n"
    "  sweep      Run a scenario over a grid of values; one CSV row per point\n"
    "  mc         Monte Carlo over the scenario's uncertain inputs, noise and failures\n"
    "  figures    Regenerate the article figures: published beside reproduced, charts\n"
    "  validate   Check scenario files; print 'FILE: ok' or every error\n"
    "  catalog    List the built-in GPU models with their sources\n"
    "  docs       Print generated documentation (scenario-format)\n"
    "Run 'gpusim COMMAND --help' for a command's options.\n";

// `gpusim runn` and `gpusim explain` (before it existed) said "A subcommand is required".
TEST(GpusimCommand, RegressionUnknownCommandSuggestsAndListsTheCommands) {
  testing::TempDir dir;
  const testing::CommandResult runn = testing::run_gpusim(dir.path(), "runn scenario.yaml");
  EXPECT_EQ(runn.status, 2);
  EXPECT_EQ(runn.out, "");
  EXPECT_EQ(runn.err, "gpusim: error: unknown command 'runn'; did you mean 'run'?\n" + kCommands);
  const testing::CommandResult unknown = testing::run_gpusim(dir.path(), "forecast");
  EXPECT_EQ(unknown.status, 2);
  EXPECT_EQ(unknown.err, "gpusim: error: unknown command 'forecast'\n" + kCommands);
  // Options before the command are not commands; a known command still runs.
  const testing::CommandResult version = testing::run_gpusim(dir.path(), "--version");
  EXPECT_EQ(version.status, 0);
}

// `gpusim run --format csv` was refused ("csv not in {table,json}").
TEST(GpusimCommand, RegressionRunFormatCsvWritesTheSummaryAsCsv) {
  testing::TempDir dir;
  const std::string file = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/teaching/exercise-1-utilization-ladder.yaml";
  const testing::CommandResult r = testing::run_gpusim(dir.path(), "run " + file + " --format csv");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("metric,value\ntime.hours,8760\n", 0), 0u) << r.out;
  // Exercise 1: installed 100 GPUs × 8,760 h; billed 80% of it.
  EXPECT_NE(r.out.find("\ngpus.gpu_hours_installed,876000\n"), std::string::npos);
  EXPECT_NE(r.out.find("\nutilization.billed,0.8\n"), std::string::npos);
}

}  // namespace
}  // namespace gpusim
