// Bad input for counts in servers and racks, PPAs and carbon (sim/scenario/loader.cpp,
// schema.cpp): each message with its FILE:LINE:COL and key, all in one pass.
#include <gtest/gtest.h>

#include "sim/scenario/loader.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"

namespace gpusim {
namespace {

const char* const kHead =
    "name: s\n"
    "time: {start: 2026-01-01, duration: 30d, step: 1d}\n";

TEST(CountsInServersAndRacks, RacksOfGb300AreSeventyTwoGpusEach) {
  testing::TempDir dir;
  const std::string file = dir.write("s.yaml", std::string(kHead) +
                                                   "sites: [{name: s}]\n"
                                                   "fleet:\n"
                                                   "  - name: gb\n"
                                                   "    gpu: GB300\n"
                                                   "    site: s\n"
                                                   "    count: 1,056 racks\n"
                                                   "  - {name: h, gpu: H100-SXM, site: s, ramp: [{at: 2026-01-01, count: 0 servers}, {at: 2026-01-11, count: 125 servers}]}\n"
                                                   "contracts: [{name: c, pool: h, gpus: 100 servers, price: 2}]\n");
  const LoadedScenario s = load_scenario(file);
  // 1,056 racks × 72 GPUs = 76,032 GPUs.
  EXPECT_EQ(*s.spec.fleet[0].schedule.constant, 76032.0);
  EXPECT_EQ(s.spec.fleet[0].schedule.unit, CountUnit::racks);
  // 125 H100 servers × 8 = 1,000 GPUs at the ramp's last point; 100 servers = 800 GPUs.
  EXPECT_EQ(s.spec.fleet[1].schedule.ramp.back().count, 1000.0);
  EXPECT_EQ(*s.spec.contracts[0].gpus.constant, 800.0);
}

TEST(CountsInServersAndRacks, AModelWithoutRacksAndAFractionalRackAreErrorsInOnePass) {
  testing::TempDir dir;
  const std::string file = dir.write("s.yaml", std::string(kHead) +
                                                   "sites: [{name: s}]\n"
                                                   "fleet:\n"
                                                   "  - {name: h, gpu: H100-SXM, site: s, count: 10 racks}\n"
                                                   "  - {name: gb, gpu: GB300, site: s, count: 10.5 racks}\n"
                                                   "  - {name: m, gpu: MI355X, site: s, count: 2.5 servers}\n"
                                                   "contracts: [{name: c, pool: h, gpus: 2 racks, price: 2}]\n");
  const auto errors = testing::load_errors(dir, file);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0],
            "s.yaml:5:46: error: fleet.h.count: GPU model 'H100-SXM' has no racks (its catalog entry has no "
            "gpus_per_rack); write the count in GPUs or in servers (8 GPUs each), or give the model "
            "gpus_per_rack under catalog:");
  EXPECT_EQ(errors[1], "s.yaml:6:44: error: fleet.gb.count: '10.5 racks' is not a whole number of racks (write a "
                       "part of one in GPUs)");
  EXPECT_EQ(errors[2], "s.yaml:7:44: error: fleet.m.count: '2.5 servers' is not a whole number of servers (write a "
                       "part of one in GPUs)");
  EXPECT_EQ(errors[3].rfind("s.yaml:8:38: error: contracts.c.gpus: GPU model 'H100-SXM' has no racks", 0), 0u)
      << errors[3];
}

TEST(CountsInServersAndRacks, ARampCountsInOneUnit) {
  testing::TempDir dir;
  EXPECT_EQ(testing::first_error(dir, std::string(kHead) +
                                          "sites: [{name: s}]\n"
                                          "fleet:\n"
                                          "  - {name: gb, gpu: GB300, site: s, ramp: [{at: 2026-01-01, count: 1 racks}, {at: 2026-01-05, count: 144}]}\n"),
            "s.yaml:5:102: error: fleet.gb.ramp[1].count: '144' counts in GPUs but the ramp's first point counts in "
            "racks (a ramp counts in one unit)");
}

TEST(PpaAndCarbonInput, ShareOutOfRangeSharesOverAHundredNegativeIntensityInOnePass) {
  testing::TempDir dir;
  const std::string file = dir.write("s.yaml", std::string(kHead) +
                                                   "sites:\n"
                                                   "  - name: a\n"
                                                   "    ppa: {share: 120%, price: 0.05 USD/kWh}\n"
                                                   "  - name: b\n"
                                                   "    carbon: -0.2 kg/kWh\n"
                                                   "    ppa:\n"
                                                   "      - {share: 60%, price: 0.05 USD/kWh}\n"
                                                   "      - {share: 50%, price: 0.04 USD/kWh, start: 2026-01-10, carbon: -1 g/kWh}\n");
  const auto errors = testing::load_errors(dir, file);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0], "s.yaml:5:18: error: sites.a.ppa.share: '120%' is out of range (expected 0 to 100%)");
  EXPECT_EQ(errors[1], "s.yaml:7:13: error: sites.b.carbon: '-0.2 kg/kWh' is out of range (expected 0 kg/kWh or more)");
  EXPECT_EQ(errors[2], "s.yaml:10:17: error: sites.b.ppa[1].share: the PPA shares sum to 110% from 2026-01-10 (at "
                       "most 100% of the site's energy can be bought under PPAs)");
  EXPECT_EQ(errors[3], "s.yaml:10:70: error: sites.b.ppa[1].carbon: '-1 g/kWh' is out of range (expected 0 kg/kWh or "
                       "more)");
}

TEST(PpaAndCarbonInput, UnknownPpaKeyAndMissingPriceAndAWrongUnit) {
  testing::TempDir dir;
  const auto errors = testing::load_errors(
      dir, dir.write("s.yaml", std::string(kHead) +
                                   "sites:\n"
                                   "  - name: a\n"
                                   "    carbon: 0.4 USD/kWh\n"
                                   "    ppa: {share: 50%, prise: 0.05 USD/kWh}\n"));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "s.yaml:5:13: error: sites.a.carbon: 'USD/kWh' is energy price; carbon is a carbon intensity: "
                       "kg/kWh, g/kWh or t/MWh");
  EXPECT_EQ(errors[1], "s.yaml:6:10: error: sites.a.ppa.price: missing required key 'price' (price of the PPA's energy)");
  EXPECT_EQ(errors[2], "s.yaml:6:23: error: sites.a.ppa.prise: unknown key; did you mean 'price'? (valid keys: share, "
                       "price, start, end, carbon)");
}

TEST(PpaAndCarbonInput, APpaThatEndsBeforeItStarts) {
  testing::TempDir dir;
  EXPECT_EQ(testing::first_error(dir, std::string(kHead) +
                                          "sites:\n"
                                          "  - name: a\n"
                                          "    ppa: {share: 50%, price: 0.05, start: 2026-01-20, end: 2026-01-10}\n"),
            "s.yaml:5:60: error: sites.a.ppa.end: the PPA ends (2026-01-10) before it starts (2026-01-20)");
}

TEST(PpaAndCarbonInput, PpaKeysCanBeVariedByPath) {
  Diagnostics diags;
  const DocNode one = parse_yaml_text(std::string(kHead) + "sites: [{name: a, ppa: {share: 50%, price: 0.05}}]\n",
                                      "s.yaml", diags);
  const DocNode list = parse_yaml_text(
      std::string(kHead) + "sites: [{name: a, ppa: [{share: 50%, price: 0.05}, {share: 10%, price: 0.04}]}]\n",
      "s.yaml", diags);
  std::string error;
  const auto share = numeric_key_type(one, "sites.a.ppa.share", error);
  ASSERT_TRUE(share.has_value()) << error;
  EXPECT_EQ(share->unit, UnitKind::fraction);
  const auto price = numeric_key_type(list, "sites.a.ppa.1.price", error);
  ASSERT_TRUE(price.has_value()) << error;
  EXPECT_EQ(price->default_unit, "USD/kWh");
  EXPECT_FALSE(numeric_key_type(list, "sites.a.ppa.2.price", error).has_value());
  EXPECT_EQ(error, "'sites.a.ppa.2.price': expected sites.a.ppa.KEY for one PPA or sites.a.ppa.I.KEY for a list "
                   "(numbered from 0; the site has 2)");
}

}  // namespace
}  // namespace gpusim
