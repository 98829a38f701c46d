// End to end: a deal written in racks (the Microsoft–IREN and Nscale GB300 deals
// count NVL72 racks) runs, and the table shows the count as written and in GPUs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/cli.hpp"

namespace gpusim {
namespace {

const char* const kRacks =
    "name: GB300 racks\n"
    "time: {start: 2026-01-01, duration: 30d, step: 1d}\n"
    "sites:\n"
    "  - name: s\n"
    "    carbon: 0.366 kg/kWh\n"
    "    ppa: {share: 60%, price: 0.05 USD/kWh, carbon: 0 kg/kWh}\n"
    "fleet:\n"
    "  - name: gb300\n"
    "    gpu: GB300\n"
    "    site: s\n"
    "    count: 1,056 racks\n"
    "contracts:\n"
    "  - {name: tenant, pool: gb300, gpus: 9000 servers, price: 3 USD/gpu-h}\n";

TEST(CountsCli, OneThousandFiftySixRacksOfGb300RunAsSeventySixThousandGpus) {
  testing::TempDir dir;
  const std::string file = dir.write("racks.yaml", kRacks);
  const auto table = testing::run_gpusim(dir.path(), "run " + testing::shell_quote(file));
  ASSERT_EQ(table.status, 0) << table.err;
  // 1,056 racks × 72 GPUs = 76,032 GPUs; 9,000 servers × 4 GPUs = 36,000 GPUs.
  EXPECT_NE(table.out.find("Fleet (count as written, in GPUs)\n"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("  gb300                    GB300                 1,056 racks         76,032 GPUs\n"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("  contracts.tenant                             9,000 servers         36,000 GPUs\n"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("energy cost: PPAs / grid (USD)"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("CO2 (tonnes)"), std::string::npos) << table.out;

  const auto json = testing::run_gpusim(dir.path(), "run " + testing::shell_quote(file) + " --format json");
  ASSERT_EQ(json.status, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["pools"][0]["count_unit"], "racks");
  EXPECT_EQ(j["pools"][0]["count_as_written"].get<double>(), 1056.0);
  EXPECT_EQ(j["pools"][0]["count_gpus"].get<double>(), 76032.0);
  EXPECT_EQ(j["gpus"]["installed_end"].get<double>(), 76032.0);
  EXPECT_EQ(j["contracts"][0]["count_gpus"].get<double>(), 36000.0);
  // energy.cost_usd is the sum of its PPA and grid parts.
  EXPECT_NEAR(j["energy"]["cost_usd"].get<double>(),
              j["energy"]["ppa_cost_usd"].get<double>() + j["energy"]["grid_cost_usd"].get<double>(),
              1e-6 * j["energy"]["cost_usd"].get<double>());
}

TEST(CountsCli, RacksOnAModelWithoutRacksExit2WithFileLineColumnAndNothingRun) {
  testing::TempDir dir;
  std::string text = kRacks;
  text.replace(text.find("gpu: GB300"), 10, "gpu: H100-SXM");
  const std::string file = dir.write("racks.yaml", text);
  const auto r = testing::run_gpusim(dir.path(), "run " + testing::shell_quote(file));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(dir.strip(r.err).find("racks.yaml:11:12: error: fleet.gb300.count: GPU model 'H100-SXM' has no racks"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace gpusim
