// The committed outputs stay true to the code: docs/figures/figures.csv is what
// `gpusim figures` computes now, and every docs/whatif/*/sweep.csv and
// docs/deals/*/sweep.csv is what the sweep command documented in
// docs/whatif.md or docs/deals.md writes now, byte for byte.
//
// The Monte Carlo of docs/whatif.md §5 (docs/whatif/coreweave-2024-mc) is not
// rerun here: 1,000 runs take about 6 s on two cores, more than this test's
// budget. Regenerate it with the command on that page when the engine changes.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "sim/figures/registry.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_gpusim;

const fs::path kSource = GPUSIM_SOURCE_DIR;

// A scratch directory removed at the end of the test.
struct Scratch {
  fs::path dir;
  Scratch() {
    dir = fs::temp_directory_path() /
          ("gpusim-outputs-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
           std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

TEST(CommittedOutputs, FiguresCsvIsWhatGpusimFiguresComputes) {
  const auto specs = load_registry((kSource / "scenarios/figures.yaml").string());
  const std::string now = figures_csv(run_figures(specs, {}, 2));
  const std::string committed = read_file(kSource / "docs/figures/figures.csv");
  EXPECT_EQ(committed, now) << "docs/figures/figures.csv is out of date; regenerate with: bash scripts/main.sh";
}

// The sweep commands docs/whatif.md and docs/deals.md document: output
// directory -> sweep file.
std::map<std::string, std::string> documented_sweeps() {
  std::map<std::string, std::string> sweeps;
  for (const char* folder : {"whatif", "deals"}) {
    const std::string page = read_file(kSource / "docs" / (std::string(folder) + ".md"));
    const std::regex command("gpusim sweep (scenarios/" + std::string(folder) + "/\\S+\\.sweep\\.yaml) --out (docs/" +
                             folder + "/[A-Za-z0-9_.-]+)");
    for (std::sregex_iterator it(page.begin(), page.end(), command), end; it != end; ++it)
      sweeps[(*it)[2].str()] = (*it)[1].str();
  }
  return sweeps;
}

TEST(CommittedOutputs, EveryWhatifSweepCsvHasItsCommandInWhatifMd) {
  const auto sweeps = documented_sweeps();
  for (const char* folder : {"whatif", "deals"}) {
    for (const auto& entry : fs::directory_iterator(kSource / "docs" / folder)) {
      if (!fs::exists(entry.path() / "sweep.csv")) continue;
      const std::string out = "docs/" + std::string(folder) + "/" + entry.path().filename().string();
      EXPECT_TRUE(sweeps.count(out)) << out << "/sweep.csv has no `gpusim sweep FILE --out " << out
                                     << "` command in docs/" << folder << ".md";
    }
  }
}

TEST(CommittedOutputs, WhatifSweepCsvsAreWhatTheDocumentedCommandsWrite) {
  const auto sweeps = documented_sweeps();
  ASSERT_FALSE(sweeps.empty()) << "no `gpusim sweep ... --out docs/whatif/...` command found in docs/whatif.md";
  Scratch scratch;
  for (const auto& [out, file] : sweeps) {
    SCOPED_TRACE(out);
    const std::string regenerate = "regenerate with: ./build/sim/gpusim sweep " + file + " --out " + out;
    ASSERT_TRUE(fs::exists(kSource / file)) << file << ", documented in docs/whatif.md, does not exist";
    const fs::path fresh = scratch.dir / fs::path(out).filename();
    const auto r = run_gpusim(scratch.dir, "sweep '" + (kSource / file).string() + "' --out '" + fresh.string() +
                                               "' --threads 2");
    ASSERT_EQ(r.status, 0) << "gpusim sweep " << file << " failed:\n" << r.err;
    ASSERT_TRUE(fs::exists(kSource / out / "sweep.csv")) << out << "/sweep.csv is missing; " << regenerate;
    const std::string committed = read_file(kSource / out / "sweep.csv");
    const std::string now = read_file(fresh / "sweep.csv");
    EXPECT_TRUE(committed == now) << out << "/sweep.csv is out of date (" << committed.size() << " bytes committed, "
                                  << now.size() << " now); " << regenerate << " (from the repository root)";
  }
}

}  // namespace
}  // namespace gpusim
