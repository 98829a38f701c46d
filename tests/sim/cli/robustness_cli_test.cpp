// Regressions from mutating the shipped scenarios and probing the command line
// (issue 9): each test is named after what broke and runs the built `gpusim`
// as a user would, checking the exit status, the message and its place.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

using testing::CommandResult;
using testing::TempDir;

CommandResult gpusim(const TempDir& dir, const std::string& args) { return testing::run_gpusim(dir.path(), args); }

const std::string kCoreweave = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/articles/coreweave-2024-utilization.yaml";
const std::string kWorked = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/teaching/worked-example.yaml";

// Finding 1: `run --format json` of a name with a byte 0xFF ended in exit 3
// (nlohmann's invalid UTF-8 exception) while validate said ok.
TEST(RobustnessCli, RegressionInvalidUtf8NameIsExit2NotInternalError) {
  TempDir dir;
  const std::string file = dir.write("u.yaml", "name: \"a\xff\"\ntime: {start: 2024-01-01, duration: 1d}\n");
  for (const std::string command : {"run", "validate"}) {
    const CommandResult r = gpusim(dir, command + " " + file + (command == "run" ? " --format json" : ""));
    EXPECT_EQ(r.status, 2) << command;
    EXPECT_EQ(dir.strip(r.err), "u.yaml:1:9: error: invalid UTF-8 (byte 0xFF); a scenario is UTF-8 text\n"
                                "1 error; nothing was run\n") << command;
    EXPECT_EQ(r.out, "") << command;
  }
}

// Finding 4: --runs -1 and 10^12 ended in exit 3; --seed 2^64 was clamped
// silently; --threads was not bounded.
TEST(RobustnessCli, RegressionMcCountsAreCheckedBeforeRunning) {
  TempDir dir;
  const std::pair<std::string, std::string> cases[] = {
      {"--runs -1", "--runs: '-1': expected a whole number (from 1 to 1000000)\nRun with --help for more information."},
      {"--runs 18446744073709551616", "--runs: '18446744073709551616': expected a whole number (from 1 to 1000000)\n"
                                      "Run with --help for more information."},
      // A whole number out of range: the same message as the Python module's.
      {"--runs 1000000000000", "gpusim mc: --runs must be from 1 to 1000000"},
      {"--runs 0", "gpusim mc: --runs must be from 1 to 1000000"},
      {"--seed 18446744073709551616", "--seed: '18446744073709551616': expected a whole number from 0 to 18446744073709551615\n"
                                      "Run with --help for more information."},
      {"--seed -1", "--seed: '-1': expected a whole number from 0 to 18446744073709551615\nRun with --help for more information."},
      {"--threads 100000", "--threads: '100000': expected a whole number from 0 (all hardware threads) to 1024\n"
                           "Run with --help for more information."},
  };
  for (const auto& [option, message] : cases) {
    const CommandResult r = gpusim(dir, "mc " + kCoreweave + " " + option);
    EXPECT_EQ(r.status, 2) << option;
    EXPECT_EQ(r.err, message + "\n") << option;
    EXPECT_EQ(r.out, "") << option;
  }
  // The largest seed is accepted, and --threads 0 means all hardware threads.
  const CommandResult ok = gpusim(dir, "mc " + kWorked + " --runs 2 --seed 18446744073709551615 --threads 0 --format json");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_NE(ok.out.find("\"seed\": 18446744073709551615"), std::string::npos);
  const CommandResult sweep_threads = gpusim(dir, "sweep " + kWorked + " --vary contracts.Acme.price=1,2 --threads 1025");
  EXPECT_EQ(sweep_threads.status, 2);
  EXPECT_EQ(sweep_threads.err, "--threads: '1025': expected a whole number from 0 (all hardware threads) to 1024\n"
                               "Run with --help for more information.\n");
}

// Finding 5: each axis was capped at 1M values but not their product (three
// axes asked for 7.5 GB and ended in exit 3).
TEST(RobustnessCli, RegressionSweepGridOverTheLimitIsRefusedBeforeRunning) {
  TempDir dir;
  // 1,000 × 1,000 × 1,000 = 10^9 points, over the 100,000 limit; refused at once.
  const CommandResult r = gpusim(dir, "sweep " + kWorked + " --vary contracts.Acme.price=0.01:10:0.01"
                                      " --vary fleet.h100.count=1:1000:1 --vary sites.dc.pue=1.001:2:0.001");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "--vary: error: the grid has 1000000000 points (1000 × 1000 × 1000); a sweep runs at most 100000 "
                   "(use fewer values or larger steps)\n1 error; nothing was run\n");
  EXPECT_EQ(r.out, "");
  // validate reports the same for a sweep file.
  const std::string sweep = dir.write("big.sweep.yaml", "sweep:\n  scenario: " + kWorked +
                                                            "\n  vary: [contracts.Acme.price=1:400:1, fleet.h100.count=1:400:1]\n");
  const CommandResult v = gpusim(dir, "validate " + sweep);
  EXPECT_EQ(v.status, 2);
  // 400 × 400 = 160,000 points.
  EXPECT_EQ(v.err, "--vary: error: the grid has 160000 points (400 × 400); a sweep runs at most 100000 "
                   "(use fewer values or larger steps)\n1 error; nothing was run\n");
}

// Finding 7: a solve: bound out of the key's range was blamed on a --set that
// was never given, without file:line:col, and validate said ok.
TEST(RobustnessCli, RegressionSolveBoundsAreCheckedAtTheirPlace) {
  TempDir dir;
  std::string text = testing::read_file(kCoreweave);
  const auto at = text.find("high: 250k}");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("high: 250k}").size(), "high: 2T}");
  const std::string file = dir.write("hi.yaml", text);
  // `        low: 0, high: 2T}`: the value 2T starts at column 23 of line 38.
  const std::string expected =
      "hi.yaml:38:23: error: solve.high: '2T' is outside the values contracts.Others.gpus accepts "
      "(from 0 gpus to 1000000000000 gpus)\n1 error; nothing was run\n";
  for (const std::string command : {"run", "validate"}) {
    const CommandResult r = gpusim(dir, command + " " + file);
    EXPECT_EQ(r.status, 2) << command;
    EXPECT_EQ(dir.strip(r.err), expected) << command;
  }
  // On the command line the bound's own option is blamed, not --set.
  const CommandResult high = gpusim(dir, "solve " + kCoreweave + " --vary contracts.Others.gpus"
                                         " --target utilization.billed=50% --high 1e300");
  EXPECT_EQ(high.status, 2);
  EXPECT_EQ(high.err, "--high: error: '1e300' is outside the values contracts.Others.gpus accepts "
                      "(from 0 gpus to 1000000000000 gpus)\n1 error; nothing was written\n");
  const CommandResult low = gpusim(dir, "solve " + kCoreweave + " --vary contracts.Others.gpus"
                                        " --target utilization.billed=50% --low -1");
  EXPECT_EQ(low.status, 2);
  EXPECT_EQ(low.err, "--low: error: '-1' is outside the values contracts.Others.gpus accepts "
                     "(from 0 gpus to 1000000000000 gpus)\n1 error; nothing was written\n");
}

// Finding 7: `scenario: ''` in a sweep file gave "…/: is a directory" without line:col.
TEST(RobustnessCli, RegressionSweepFileEmptyScenarioIsPlaced) {
  TempDir dir;
  const std::string file = dir.write("e.sweep.yaml", "sweep:\n  scenario: ''\n  vary: [contracts.Acme.price=1,2]\n");
  const CommandResult r = gpusim(dir, "sweep " + file);
  EXPECT_EQ(r.status, 2);
  // `  scenario: ''`: the value starts at column 13.
  EXPECT_EQ(dir.strip(r.err), "e.sweep.yaml:2:13: error: sweep.scenario: expected the path of a scenario file "
                              "(relative to this file)\n1 error; nothing was run\n");
  dir.write("sub/keep.txt", "");
  const std::string folder = dir.write("f.sweep.yaml", "sweep:\n  scenario: sub\n  vary: [contracts.Acme.price=1,2]\n");
  const CommandResult d = gpusim(dir, "validate " + folder);
  EXPECT_EQ(d.status, 2);
  EXPECT_EQ(dir.strip(d.err), "f.sweep.yaml:2:13: error: sweep.scenario: 'sub' is a directory, not a scenario file\n"
                              "1 error; nothing was run\n");
}

// Finding 7: a rejected time.duration also reported "missing required key".
TEST(RobustnessCli, RegressionRejectedDurationIsNotAlsoMissing) {
  TempDir dir;
  const CommandResult r = gpusim(dir, "validate --set time.duration=1001y " + kWorked);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "--set time.duration: error: time.duration: '1001y' is out of range (expected at most 1000 years)\n"
                   "1 error; nothing was run\n");
}

// Finding 8: `run --set PATH=VALUE FILE` said "scenario is required": --set took FILE too.
TEST(RobustnessCli, RegressionOptionsBeforeTheFileWork) {
  TempDir dir;
  const CommandResult r = gpusim(dir, "run --set time.duration=48h " + kWorked);
  EXPECT_EQ(r.status, 0) << r.err;
  // 48 h of 1 h steps.
  EXPECT_NE(r.out.find("48 h in 48 steps of 1 h"), std::string::npos) << r.out;
  const CommandResult v = gpusim(dir, "validate --set time.duration=48h --set finance.tax_rate=0% " + kWorked);
  EXPECT_EQ(v.status, 0) << v.err;
  const CommandResult s = gpusim(dir, "sweep --vary contracts.Acme.price=1,2 --set time.duration=48h " + kWorked);
  EXPECT_EQ(s.status, 0) << s.err;
  const CommandResult m = gpusim(dir, "mc --set time.duration=48h --runs 2 " + kWorked + " --format json");
  EXPECT_EQ(m.status, 0) << m.err;
}

// Finding 9: validate and sweep read their file twice, so a pipe read as empty.
TEST(RobustnessCli, RegressionValidateAndSweepReadAPipeOnce) {
  TempDir dir;
  // `cat FILE | gpusim ARGS`: the scenario through a pipe, which can be read once.
  auto piped = [&](const std::string& args) {
    const std::string out = (dir.path() / "out.txt").string(), err = (dir.path() / "err.txt").string();
    const int raw = std::system(("cat " + testing::shell_quote(kWorked) + " | " + testing::shell_quote(GPUSIM_BINARY) + " " +
                                 args + " >" + out + " 2>" + err).c_str());
    return CommandResult{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, testing::read_file(out), testing::read_file(err)};
  };
  const CommandResult v = piped("validate /dev/stdin");
  EXPECT_EQ(v.status, 0) << v.err;
  EXPECT_EQ(v.out, "/dev/stdin: ok\n");
  const CommandResult s = piped("sweep /dev/stdin --vary contracts.Acme.price=1,2");
  EXPECT_EQ(s.status, 0) << s.err;
  // A header and one row per point.
  EXPECT_EQ(std::count(s.out.begin(), s.out.end(), '\n'), 3);
}

// Finding 10: a customer name over ~200 bytes cut its table row at 255 bytes,
// joined the next row and cut a multibyte character.
TEST(RobustnessCli, RegressionLongCustomerNameKeepsItsRowWhole) {
  TempDir dir;
  std::string name;
  for (int i = 0; i < 100; ++i) name += "é";  // 100 characters, 200 bytes
  name += "-long-customer-name-" + std::string(60, 'x');
  const CommandResult r = gpusim(dir, "run " + kWorked + " --set " + testing::shell_quote("contracts.Acme.customer=" + name));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto at = r.out.find("  " + name + " ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string row = r.out.substr(at, r.out.find('\n', at) - at);
  // The whole name, then its GPU-hours, revenue and share on the same line.
  EXPECT_NE(row.find("%"), std::string::npos) << row;
  EXPECT_EQ(row.find("market"), std::string::npos) << row;
}

}  // namespace
}  // namespace gpusim
