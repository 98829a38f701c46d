// gpusim-mpi (sim/mpi/) under `mpirun --oversubscribe -n 2` and `-n 3`
// against one gpusim process: byte-identical sweep.csv, sweep.svg, mc.json,
// runs.csv, fan.svg and stdout, with point counts that do not divide by the
// ranks and other thread counts; a point or run that fails on rank 1 names it
// and its rank and ends every rank with exit 2; bad input is reported once;
// ranks other than 0 print nothing; without mpirun gpusim-mpi is gpusim.
//
// mpirun runs as root where CI does (--allow-run-as-root) and uses only
// shared memory between ranks, without single-copy (which restricted ptrace
// in containers refuses with a warning), so stderr holds only gpusim's words.
// Each mpirun keeps its session folder apart, so that ctest -j runs these side
// by side. Label `mpi`: ctest -L mpi runs just these.
#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <utility>

#include <unistd.h>

#include "tests/sim/analysis/distributed_scenario.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

using testing::CommandResult;
using testing::TempDir;
using testing::read_file;
namespace fs = std::filesystem;

CommandResult gpusim(const TempDir& dir, const std::string& args) { return testing::run_gpusim(dir.path(), args); }

CommandResult mpirun(const TempDir& dir, int ranks, const std::string& args,
                     const std::string& binary = GPUSIM_MPI_BINARY) {
  // Open MPI's session folder in a folder of this call's own (short: it holds
  // sockets): two mpiruns starting at once under one user otherwise race to
  // create /tmp/ompi.HOST.UID and one fails ("File exists").
  const fs::path session = fs::temp_directory_path() / ("gpusim-ompi-" + std::to_string(::getpid()));
  fs::create_directories(session);
  const std::string command = std::string(GPUSIM_MPIEXEC) +
                              " --oversubscribe --allow-run-as-root --timeout 300 --mca orte_tmpdir_base " +
                              session.string() +
                              " --mca btl self,vader --mca btl_vader_single_copy_mechanism none --mca pml ob1 -n " +
                              std::to_string(ranks) + " " + binary + " " + args;
  CommandResult r = testing::run_command(dir.path(), command);
  std::error_code ec;
  fs::remove_all(session, ec);
  return r;
}

// Every file in `a` is in `b` with the same bytes, and `b` has no others.
void expect_same_files(const fs::path& a, const fs::path& b) {
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(a)) {
    ++files;
    const fs::path other = b / entry.path().filename();
    ASSERT_TRUE(fs::exists(other)) << other;
    EXPECT_EQ(read_file(other), read_file(entry.path())) << entry.path().filename() << " differs";
  }
  EXPECT_GT(files, 0u) << a;
  EXPECT_EQ(std::distance(fs::directory_iterator(b), fs::directory_iterator()), static_cast<long>(files)) << b;
}

// No --out staging folder (.NAME.gpusim-PID-RANDOM.tmp, sim/output/staged_output.hpp)
// is left in `dir` by any rank.
void expect_no_staging_left(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename().string().find(".gpusim-"), std::string::npos) << entry.path();
}

// `ARGS --out DIR` on one gpusim process (1 thread), then under mpirun on each
// (ranks, threads), with the same DIR (the charts' captions name it): the same
// stdout, nothing on stderr, and the same files, byte for byte. Each run's DIR
// is moved aside afterwards (to one/, ranks2/, …) for the next.
void expect_same_as_one_process(const TempDir& dir, const std::string& args,
                                std::initializer_list<std::pair<int, const char*>> ranks_and_threads) {
  const fs::path out = dir.path() / "out";
  const fs::path one = dir.path() / "one";
  const CommandResult single = gpusim(dir, args + " --out " + out.string() + " --threads 1");
  ASSERT_EQ(single.status, 0) << single.err;
  fs::rename(out, one);
  for (const auto& [ranks, threads] : ranks_and_threads) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks, " + threads + " threads");
    const CommandResult r = mpirun(dir, ranks, args + " --out " + out.string() + " --threads " + threads);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, single.out);
    expect_same_files(one, out);
    fs::rename(out, dir.path() / ("ranks" + std::to_string(ranks)));
  }
}

TEST(MpiSweep, LineChartIsByteIdenticalOnTwoAndThreeRanks) {
  const TempDir dir;
  const std::string file = dir.write("s.yaml", kDistributedScenario);
  // 7 points (1.1 to 3.5 by 0.4): 4 + 3 on 2 ranks, 3 + 2 + 2 on 3.
  expect_same_as_one_process(dir, "sweep " + file + " --vary contracts.C.price=1.1:3.5:0.4 --plot finance.net_income_usd",
                             {{2, "2"}, {3, "1"}});
  EXPECT_NE(read_file(dir.path() / "one/sweep.csv").find("\n3.5"), std::string::npos);  // the 7th point, 1.1 + 6 × 0.4
}

TEST(MpiSweep, SweepFileHeatmapAndCsvOnStdoutAreByteIdentical) {
  const TempDir dir;
  dir.write("s.yaml", kDistributedScenario);
  // 3 × 5 = 15 points: 8 + 7 on 2 ranks.
  const std::string sweep = dir.write("grid.sweep.yaml", R"(sweep:
  scenario: s.yaml
  vary: [contracts.C.price=1.5:2.5:0.5, contracts.C.gpus=20:100:20]
  plot: {metric: finance.operating_margin, title: margin}
)");
  expect_same_as_one_process(dir, "sweep " + sweep, {{2, "2"}});
  EXPECT_TRUE(fs::exists(dir.path() / "one/sweep.svg"));
  // Without --out, the CSV on stdout, once.
  const CommandResult csv_single = gpusim(dir, "sweep " + sweep);
  const CommandResult csv_three = mpirun(dir, 3, "sweep " + sweep);
  ASSERT_EQ(csv_three.status, 0) << csv_three.err;
  EXPECT_EQ(csv_three.out, csv_single.out);
  EXPECT_EQ(csv_three.err, csv_single.err);  // the note that the chart needs --out, once
}

TEST(MpiMonteCarlo, OutputsAreByteIdenticalOnTwoAndThreeRanks) {
  const TempDir dir;
  const std::string file = dir.write("s.yaml", kDistributedScenario);
  // 12 runs: run 0 on every rank, then 11 over the ranks (6 + 5; 4 + 4 + 3).
  expect_same_as_one_process(dir, "mc " + file + " --runs 12 --seed 9", {{2, "1"}, {3, "2"}});
  EXPECT_TRUE(fs::exists(dir.path() / "one/fan.svg"));
  const CommandResult json_single = gpusim(dir, "mc " + file + " --runs 12 --seed 9 --format json");
  const CommandResult json_two = mpirun(dir, 2, "mc " + file + " --runs 12 --seed 9 --format json");
  ASSERT_EQ(json_two.status, 0) << json_two.err;
  EXPECT_EQ(json_two.out, json_single.out);
}

// Issue 8's --fan (other monthly series, a level among them) and --metrics
// (other results in the table and runs.csv), and the drawn inputs in runs.csv
// and mc.json, through 1, 2 and 3 ranks: the same bytes as one process.
TEST(MpiMonteCarlo, FanAndMetricsAreByteIdenticalOnOneTwoAndThreeRanks) {
  const TempDir dir;
  const std::string file = dir.write("s.yaml", kDistributedScenario);
  expect_same_as_one_process(dir,
                             "mc " + file +
                                 " --runs 13 --seed 4 --fan available_gpus,energy_cost_usd,cumulative_cash_usd"
                                 " --metrics finance.npv_usd,utilization.billed,finance.revenue_usd",
                             {{1, "2"}, {2, "1"}, {3, "2"}});
  const std::string runs_csv = read_file(dir.path() / "one/runs.csv");
  // The drawn inputs by name and unit, then the --metrics, in their order.
  EXPECT_EQ(runs_csv.substr(0, runs_csv.find('\n')),
            "run,price (USD/gpu-h),pue,finance.npv_usd,utilization.billed,finance.revenue_usd");
  const std::string fan = read_file(dir.path() / "one/fan.svg");
  EXPECT_NE(fan.find("--fan available_gpus,energy_cost_usd,cumulative_cash_usd"), std::string::npos);
}

// Issue 9's limits hold under gpusim-mpi: checked on every rank before any
// run, reported once by rank 0, exit 2.
TEST(MpiCommandLine, LimitsAreCheckedBeforeRunningAndReportedOnce) {
  const TempDir dir;
  const std::string file = dir.write("s.yaml", kDistributedScenario);
  for (const std::string& args :
       {"mc " + file + " --runs 1000001", "mc " + file + " --threads 1025", "mc " + file + " --fan a,b,c,d",
        "sweep " + file + " --vary contracts.C.price=1:400:1 --vary contracts.C.gpus=1:400:1",
        "sweep " + file + " --vary contracts.C.price=1,2 --threads 1025"}) {
    SCOPED_TRACE(args);
    const CommandResult single = gpusim(dir, args);
    ASSERT_EQ(single.status, 2);
    const CommandResult r = mpirun(dir, 2, args);
    EXPECT_EQ(r.status, 2);
    // gpusim's message once, then mpirun's own box about the non-zero exit.
    EXPECT_EQ(r.err.rfind(single.err, 0), 0u) << r.err;
    EXPECT_EQ(r.err.find(single.err, 1), std::string::npos) << "printed twice: " << r.err;
    EXPECT_EQ(r.out, "");
  }
}

// Points 0 and 2 fit the 150 kW site; point 1 puts 200 GPUs (260 kW) on it. On
// 2 ranks point 1 is rank 1's (i % 2): the message is one process's, naming
// the point, then the rank; every rank ends, mpirun exits 2, nothing is written.
TEST(MpiSweep, APointFailingOnRankOneEndsTheJobWithExit2) {
  const TempDir dir;
  const std::string file = dir.write("s.yaml", kDistributedScenario);
  const std::string args = "sweep " + file + " --vary fleet.p.count=100,200,100 --out ";
  const CommandResult single = gpusim(dir, args + (dir.path() / "one").string());
  ASSERT_EQ(single.status, 2);
  const std::string first_line = single.err.substr(0, single.err.find('\n'));
  EXPECT_NE(first_line.find("gpusim sweep: error: sites.s.it_power_cap: "), std::string::npos) << single.err;
  EXPECT_NE(first_line.find(" (at the point fleet.p.count=200)"), std::string::npos) << single.err;
  const CommandResult r = mpirun(dir, 2, args + (dir.path() / "two").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind(first_line + " (on rank 1 of 2)\n1 error; nothing was written\n", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find("error: sites.s.it_power_cap"), r.err.rfind("error: sites.s.it_power_cap")) << "printed twice";
  EXPECT_FALSE(fs::exists(dir.path() / "two"));
  expect_no_staging_left(dir.path());
  EXPECT_EQ(r.out, "");
}

// The fleet's count drawn from 50 to 130 GPUs: more than 115 (150 kW / 1.3 kW)
// cannot run. Under seed 5, run 0 runs and the first run that cannot is an
// even one (run 2), so on 2 ranks it is rank 1's (runs 1, 2, … go to ranks 0,
// 1, …).
TEST(MpiMonteCarlo, ARunFailingOnRankOneEndsTheJobWithExit2) {
  const TempDir dir;
  const std::string file = dir.write("s.yaml", std::string(kDistributedScenario) + R"(
  - {name: count, path: fleet.p.count, dist: uniform, low: 50, high: 130}
)");
  const std::string args = "mc " + file + " --runs 10 --seed 5 --out ";
  const CommandResult single = gpusim(dir, args + (dir.path() / "one").string());
  ASSERT_EQ(single.status, 2);
  const auto in_run = single.err.find(" (in run ");
  ASSERT_NE(in_run, std::string::npos) << single.err;
  const int run = std::stoi(single.err.substr(in_run + 9));
  ASSERT_GT(run, 0);
  ASSERT_EQ((run - 1) % 2, 1) << "run " << run << " is rank 0's: pick another seed";
  const std::string first_line = single.err.substr(0, single.err.find('\n'));
  EXPECT_EQ(first_line.rfind(file + ":"), 0u) << "placed at the key's line in the file: " << first_line;
  const CommandResult r = mpirun(dir, 2, args + (dir.path() / "two").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind(first_line + " (on rank 1 of 2)\n1 error; nothing was written\n", 0), 0u) << r.err;
  EXPECT_FALSE(fs::exists(dir.path() / "two"));
  expect_no_staging_left(dir.path());
}

TEST(MpiCommandLine, BadInputIsReportedOnceAndEveryRankExits2) {
  const TempDir dir;
  const std::string file = dir.write("bad.yaml", std::string(kDistributedScenario) + "fleet_typo: 1\n");
  const CommandResult single = gpusim(dir, "mc " + file + " --runs 4");
  ASSERT_EQ(single.status, 2);
  const CommandResult r = mpirun(dir, 3, "mc " + file + " --runs 4");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind(single.err, 0), 0u) << r.err;
  EXPECT_EQ(r.err.find("fleet_typo"), r.err.rfind("fleet_typo")) << "printed more than once: " << r.err;
  const CommandResult usage = mpirun(dir, 2, "sweep " + file + " --no-such-option");
  EXPECT_EQ(usage.status, 2);
  EXPECT_EQ(usage.err.find("--no-such-option"), usage.err.rfind("--no-such-option")) << usage.err;
}

TEST(MpiCommandLine, OnlyRankZeroPrintsAndOtherCommandsRunThereAlone) {
  const TempDir dir;
  std::string without_uncertain = kDistributedScenario;
  without_uncertain = without_uncertain.substr(0, without_uncertain.find("uncertain:"));
  const std::string file = dir.write("s.yaml", without_uncertain);
  // The note that runs differ only by noise, once, not once per rank.
  const CommandResult mc = mpirun(dir, 3, "mc " + file + " --runs 5");
  ASSERT_EQ(mc.status, 0) << mc.err;
  EXPECT_EQ(mc.err, gpusim(dir, "mc " + file + " --runs 5").err);
  // `run --out` on 2 ranks: one table, one set of files, as gpusim.
  const CommandResult run = mpirun(dir, 2, "run " + file + " --out " + (dir.path() / "two").string());
  ASSERT_EQ(run.status, 0) << run.err;
  const CommandResult single = gpusim(dir, "run " + file + " --out " + (dir.path() / "one").string());
  EXPECT_EQ(run.out, single.out);
  expect_same_files(dir.path() / "one", dir.path() / "two");
  const CommandResult version = mpirun(dir, 2, "--version");
  EXPECT_EQ(version.out, gpusim(dir, "--version").out);
}

// Plain gpusim under mpirun would run the whole job on every rank, each writing
// the same files: it stops with exit 2, saying so once, and writes nothing.
TEST(MpiCommandLine, PlainGpusimUnderMpirunPointsToGpusimMpi) {
  const TempDir dir;
  const std::string file = dir.write("s.yaml", kDistributedScenario);
  const CommandResult r =
      mpirun(dir, 2, "sweep " + file + " --vary contracts.C.price=1.5,2.5 --out " + (dir.path() / "out").string(),
             GPUSIM_BINARY);
  EXPECT_EQ(r.status, 2);
  const std::string message =
      "gpusim: started as 2 MPI ranks, each of which would run the whole job; run gpusim-mpi instead: it splits "
      "sweeps and Monte Carlos across the ranks (docs/cluster.md)\n";
  // Rank 1 exits at once: mpirun's notice of that may come before or after rank 0's message.
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("gpusim: started"), r.err.rfind("gpusim: started")) << "printed twice: " << r.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out"));
  // One rank is one process: gpusim runs as usual.
  const CommandResult one = mpirun(dir, 1, "sweep " + file + " --vary contracts.C.price=1.5,2.5", GPUSIM_BINARY);
  EXPECT_EQ(one.status, 0) << one.err;
  EXPECT_EQ(one.out, gpusim(dir, "sweep " + file + " --vary contracts.C.price=1.5,2.5").out);
}

TEST(MpiCommandLine, WithoutMpirunGpusimMpiIsGpusim) {
  const TempDir dir;
  const std::string file = dir.write("s.yaml", kDistributedScenario);
  const std::string args = "sweep " + file + " --vary contracts.C.price=1.5,2.5";
  const CommandResult single = gpusim(dir, args);
  const CommandResult alone = testing::run_command(dir.path(), std::string(GPUSIM_MPI_BINARY) + " " + args);
  ASSERT_EQ(alone.status, 0) << alone.err;
  EXPECT_EQ(alone.out, single.out);
  EXPECT_EQ(alone.err, single.err);
}

}  // namespace
}  // namespace gpusim
