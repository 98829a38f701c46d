// --out folders all or nothing (sim/output/staged_output.*): files are staged
// beside the target and moved in only when every file and chart is written; a
// failure, a chart that cannot be drawn or SIGINT/SIGTERM leaves no file, no
// staging folder and no chart scratch folder. Regressions of issue 9's
// finding 6, each named after what broke.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "sim/output/staged_output.hpp"
#include "sim/output/summary.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const std::string kWorked = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/teaching/worked-example.yaml";
const std::string kExercise2 = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/teaching/exercise-2-power-and-energy.yaml";

// Every entry under `dir`, recursively, relative to it (hidden ones too).
std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out.push_back(fs::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

struct Outcome {
  int status = -1;
  std::string err;
};

// Runs gpusim with PATH and TMPDIR set (a stand-in gnuplot, a private temp folder).
Outcome gpusim_with(const TempDir& dir, const std::string& env, const std::string& args) {
  const std::string err = (dir.path() / "stderr.txt").string();
  const std::string command = env + " " + testing::shell_quote(GPUSIM_BINARY) + " " + args + " >/dev/null 2>" + err + " </dev/null";
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, testing::read_file(err)};
}

// A folder holding a stand-in `gnuplot` shell script.
std::string fake_gnuplot(const TempDir& dir, const std::string& body) {
  const fs::path bin = dir.path() / "bin";
  fs::create_directories(bin);
  { std::ofstream(bin / "gnuplot") << "#!/bin/sh\n" << body << "\n"; }
  fs::permissions(bin / "gnuplot", fs::perms::owner_all);
  return bin.string();
}

TEST(StagedOutput, FilesAppearOnlyOnCommit) {
  TempDir dir;
  const fs::path target = dir.path() / "out";
  {
    StagedOutput out(target.string());
    out.write("a.csv", "a\n");
    out.write("b.json", "{}\n");
    EXPECT_FALSE(fs::exists(target));
    out.commit();
  }
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"out", "out/a.csv", "out/b.json"}));
  // Into an existing folder: other files stay, namesakes are replaced.
  {
    StagedOutput out(target.string());
    out.write("a.csv", "new\n");
    out.commit();
  }
  EXPECT_EQ(testing::read_file(target / "a.csv"), "new\n");
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"out", "out/a.csv", "out/b.json"}));
  // Without commit (an exception on the way), nothing is left.
  {
    StagedOutput out((dir.path() / "never").string());
    out.write("a.csv", "a\n");
  }
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"out", "out/a.csv", "out/b.json"}));
}

TEST(StagedOutput, ATargetThatIsAFileIsAnOutputError) {
  TempDir dir;
  const std::string file = dir.write("file", "x");
  EXPECT_THROW(StagedOutput{file}, OutputError);
}

// `mc … --runs 4 --out D` on a one-hour scenario: exit 3 "fan chart…: needs at
// least 2 x labels", with mc.json and runs.csv left in D.
TEST(StagedOutput, RegressionMcFanChartOfOneMonthLeavesNothing) {
  TempDir dir;
  const fs::path out = dir.path() / "D";
  const Outcome r = gpusim_with(dir, "", "mc " + kExercise2 + " --runs 4 --out " + out.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(dir.strip(r.err), "gpusim mc: note: " + kExercise2 +
                                  " has no uncertain: inputs; runs differ only by demand noise and drawn failures, if any\n"
                                  "gpusim mc: the fan chart (fan.svg) needs at least 2 calendar months; " + kExercise2 +
                                  " spans 1; nothing was written (--format json prints the statistics without --out)\n");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"stderr.txt"});
}

// `sweep … --plot finance.payback_years` with no finite point: exit 3 and sweep.csv left.
TEST(StagedOutput, RegressionSweepChartWithoutFiniteValuesLeavesNothing) {
  TempDir dir;
  const fs::path out = dir.path() / "D";
  // The worked example never pays back in its one year: payback is null at every point.
  const Outcome r = gpusim_with(dir, "", "sweep " + kWorked + " --vary contracts.Acme.price=1,2 --plot finance.payback_years --out " +
                                             out.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(dir.strip(r.err), "gpusim: cannot draw the chart: line chart D/sweep.svg: no finite data points\n"
                              "1 error; nothing was written\n");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"stderr.txt"});
}

// gnuplot missing: exit 3 with sweep.csv left (figures: an empty folder).
TEST(StagedOutput, RegressionMissingGnuplotLeavesNothing) {
  TempDir dir;
  const std::string bin = fake_gnuplot(dir, "exit 127");
  const fs::path tmp = dir.path() / "tmp";
  fs::create_directories(tmp);
  const std::string env = "PATH=" + bin + ":/usr/bin:/bin TMPDIR=" + tmp.string();
  const Outcome sweep = gpusim_with(dir, env, "sweep " + kWorked + " --vary contracts.Acme.price=1,2 --plot finance.revenue_usd --out " +
                                                  (dir.path() / "S").string());
  EXPECT_EQ(sweep.status, 3);
  EXPECT_NE(sweep.err.find("gnuplot not found on PATH"), std::string::npos) << sweep.err;
  const Outcome figures = gpusim_with(dir, "cd " + testing::shell_quote(GPUSIM_SOURCE_DIR) + " && " + env,
                                      "figures --out " + (dir.path() / "F").string());
  EXPECT_EQ(figures.status, 3);
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"bin", "bin/gnuplot", "stderr.txt", "tmp"}));
}

// SIGTERM (or SIGINT) while gnuplot draws left the CSV and a /tmp/gpusim-chart-* folder.
TEST(StagedOutput, RegressionSignalWhileChartingLeavesNothing) {
  for (const std::string signal : {"TERM", "INT"}) {
    TempDir dir;
    const fs::path started = dir.path() / "started";
    // The stand-in gnuplot says it started, then draws for a long time.
    const std::string bin = fake_gnuplot(dir, "touch " + started.string() + "; exec sleep 30");
    const fs::path tmp = dir.path() / "tmp";
    fs::create_directories(tmp);
    const fs::path pid_file = dir.path() / "pid";
    const std::string command = "PATH=" + bin + ":/usr/bin:/bin TMPDIR=" + tmp.string() + " " +
                                testing::shell_quote(GPUSIM_BINARY) + " sweep " + kWorked +
                                " --vary contracts.Acme.price=1,2 --plot finance.revenue_usd --out " +
                                (dir.path() / "S").string() + " >/dev/null 2>/dev/null </dev/null & echo $! > " +
                                pid_file.string() + "; wait $!; echo $? > " + (dir.path() / "status").string();
    std::thread runner([&] { (void)std::system(command.c_str()); });
    for (int i = 0; i < 600 && !fs::exists(started); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(fs::exists(started)) << signal;
    const std::string pid = testing::read_file(pid_file);
    ASSERT_FALSE(pid.empty());
    // While gnuplot runs: the staged CSV and the chart's scratch folder exist.
    EXPECT_FALSE(entries(tmp).empty()) << signal;
    (void)std::system(("kill -" + signal + " " + pid).c_str());
    runner.join();
    // 128 + the signal: the process ended as the signal would end it.
    EXPECT_EQ(testing::read_file(dir.path() / "status"), signal == "TERM" ? "143\n" : "130\n");
    EXPECT_EQ(entries(tmp), std::vector<std::string>{}) << signal;
    EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"bin", "bin/gnuplot", "pid", "started", "status", "tmp"}))
        << signal;
  }
}

}  // namespace
}  // namespace gpusim
