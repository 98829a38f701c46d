// The built `gpusim` binary, run as a user would: exit statuses, what goes to
// stdout and what to stderr, for validate, --version, catalog and bad commands.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "models/catalog.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

using testing::TempDir;

struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) { return testing::read_file(path); }

std::string quote(const std::string& s) { return testing::shell_quote(s); }

// Runs `gpusim ARGS` with stdout and stderr redirected into `dir`.
RunResult run(const TempDir& dir, const std::string& args) {
  const std::string out = (dir.path() / "stdout.txt").string();
  const std::string err = (dir.path() / "stderr.txt").string();
  const std::string cmd = quote(GPUSIM_BINARY) + " " + args + " >" + quote(out) + " 2>" + quote(err) + " </dev/null";
  const int raw = std::system(cmd.c_str());
  RunResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

const std::string kGood =
    "name: good\n"
    "time: {start: 2024-01-01, duration: 30d}\n"
    "sites: [{name: us, pue: 1.2, electricity: 0.07 USD/kWh}]\n"
    "fleet: [{name: h100, gpu: H100-SXM, site: us, count: 1000}]\n"
    "contracts: [{name: A, pool: h100, gpus: 500, price: 2.2 USD/gpu-h}]\n";

// What only a run finds is caught by validate too: 100 H100s draw 100 × 1,275 W
// = 127.5 kW at full load (700 W TDP + 575 W overhead) against a 100 kW cap;
// the cap holds ⌊100,000 / 1,275⌋ = 78 of them.
TEST(ValidateCli, SiteOverItsCapFailsValidation) {
  TempDir dir;
  const std::string file = dir.write("over.yaml",
                                     "name: over\n"
                                     "time: {start: 2024-01-01, duration: 30d}\n"
                                     "sites: [{name: s, it_power_cap: 100 kW}]\n"
                                     "fleet: [{name: p, gpu: H100-SXM, site: s, count: 100}]\n");
  const RunResult r = run(dir, "validate " + quote(file));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, file + ":3:33: error: sites.s.it_power_cap: site 's': the fleet's full-load IT power 127.500 kW "
                   "exceeds it_power_cap 100.000 kW by 27.500 kW on 2024-01-01; it holds 78 H100-SXM GPUs at full "
                   "load (1.275 kW each), or give count: fit\n1 error; nothing was run\n");
}

TEST(ValidateCli, GoodFilePrintsOk) {
  TempDir dir;
  const std::string file = dir.write("good.yaml", kGood);
  const RunResult r = run(dir, "validate " + quote(file));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, file + ": ok\n");
  EXPECT_EQ(r.err, "");
}

TEST(ValidateCli, BadFileExits2WithTheErrorOnStderrOnly) {
  TempDir dir;
  std::string text = kGood;
  text.replace(text.find("pue: 1.2"), 8, "pue: 0.8");
  const std::string file = dir.write("bad.yaml", text);
  const RunResult r = run(dir, "validate " + quote(file));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  // "sites: [{name: us, pue: " is 24 characters: the value starts at column 25.
  EXPECT_EQ(dir.strip(r.err),
            "bad.yaml:3:25: error: sites.us.pue: '0.8' is out of range (expected a PUE from 1 to 10)\n"
            "1 error; nothing was run\n");
}

TEST(ValidateCli, SetOverrideAppliesAndErrorsNameIt) {
  TempDir dir;
  const std::string file = dir.write("good.yaml", kGood);
  EXPECT_EQ(run(dir, "validate " + quote(file) + " --set 'contracts.A.price=3 USD/gpu-h'").status, 0);
  const RunResult r = run(dir, "validate " + quote(file) + " --set 'contracts.B.price=3'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "--set contracts.B.price: error: contracts.B.price: no item named 'B' in contracts (items: A)\n"
            "1 error; nothing was run\n");
}

TEST(ValidateCli, MissingFileExits2) {
  TempDir dir;
  const RunResult r = run(dir, "validate " + quote((dir.path() / "none.yaml").string()));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(dir.strip(r.err), "none.yaml: error: cannot read the file (no such file, or not readable)\n"
                              "1 error; nothing was run\n");
}

TEST(ValidateCli, VersionExits0) {
  TempDir dir;
  const RunResult r = run(dir, "--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("gpusim ", 0), 0u) << r.out;
}

TEST(ValidateCli, UnknownCommandExits2) {
  TempDir dir;
  const RunResult r = run(dir, "frobnicate");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(r.err.empty());
  // No command at all is a usage error too.
  EXPECT_EQ(run(dir, "").status, 2);
}

TEST(ValidateCli, CatalogListsEveryId) {
  TempDir dir;
  const RunResult r = run(dir, "catalog");
  EXPECT_EQ(r.status, 0);
  for (const auto& g : builtin_catalog()) EXPECT_NE(r.out.find("\n" + g.id + " "), std::string::npos) << g.id;
  for (const char* id : {"H100-SXM", "H200", "B200", "GB200", "B300", "MI300X", "MI325X", "MI355X"})
    EXPECT_NE(r.out.find(id), std::string::npos) << id;
  const RunResult j = run(dir, "catalog --format json");
  EXPECT_EQ(j.status, 0);
  EXPECT_NE(j.out.find("\"id\": \"MI355X\""), std::string::npos);
}

TEST(ValidateCli, PrintedScenarioValidatesAgain) {
  TempDir dir;
  for (const char* article : {"coreweave-2024-utilization.yaml", "meta-amd-6gw.yaml"}) {
    SCOPED_TRACE(article);
    const std::string src = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/articles/" + article;
    const RunResult printed = run(dir, "validate --print " + quote(src));
    ASSERT_EQ(printed.status, 0) << printed.err;
    EXPECT_EQ(printed.out.rfind("# " + src + " as gpusim reads it\n", 0), 0u);
    const std::string copy = dir.write("printed.yaml", printed.out);
    const RunResult again = run(dir, "validate " + quote(copy));
    EXPECT_EQ(again.status, 0) << again.err;
    EXPECT_EQ(again.out, copy + ": ok\n");
    // And printing the printed file gives the same scenario text.
    const RunResult twice = run(dir, "validate --print " + quote(copy));
    EXPECT_EQ(twice.out.substr(twice.out.find('\n')), printed.out.substr(printed.out.find('\n')));
  }
}

}  // namespace
}  // namespace gpusim
