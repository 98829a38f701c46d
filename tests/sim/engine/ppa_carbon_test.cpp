// Power purchase agreements and carbon (sim/engine/power_energy.cpp, docs/model.md
// "Power purchase agreements", "Carbon"), against hand arithmetic.
//
// The site: 10 busy T1 GPUs (tdp 1,000 W + overhead 300 W = 1,300 W each) at
// PUE 1.0 draw 13 kW; 10 days (240 h) from Thursday 2026-01-01 use
// 13 kW × 240 h = 3,120 kWh, billed 10 × 240 = 2,400 GPU-hours.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "sim/engine/solve.hpp"
#include "sim/output/summary.hpp"

namespace gpusim {
namespace {

std::string scenario(const std::string& step, const std::string& site_keys) {
  return "name: t\n"
         "time: {start: 2026-01-01, duration: 240h, step: " + step + "}\n"
         "catalog:\n"
         "  T1: {tdp: 1000 W, idle: 200 W, overhead: 300 W, price: 10000 USD}\n"
         "sites:\n"
         "  - name: s\n"
         "    pue: 1.0\n"
         "    electricity: 0.10 USD/kWh\n" + site_keys +
         "fleet: [{name: p, gpu: T1, site: s, count: 10}]\n"
         "contracts: [{name: A, pool: p, gpus: all, price: 1 USD/gpu-h}]\n";
}

Results run_text(const std::string& text) {
  Diagnostics diags;
  DocNode doc = parse_yaml_text(text, "t.yaml", diags);
  diags.throw_if_any();
  return run_document(doc);
}

void expect_rel(double actual, double expected) { EXPECT_NEAR(actual, expected, 1e-9 * std::fabs(expected)); }

const char* const kTwoPpas =
    "    carbon: 0.4 kg/kWh\n"
    "    ppa:\n"
    "      - {share: 60%, price: 0.05 USD/kWh, carbon: 0 kg/kWh}\n"
    "      - {share: 20%, price: 0.04 USD/kWh, start: 2026-01-06T12:00}\n";

TEST(PpaAndCarbon, TwoPpasSplitTheCostAndTheCarbonOnHourlyAndDailySteps) {
  for (const std::string step : {"1h", "1d"}) {
    SCOPED_TRACE(step);
    const Results r = run_text(scenario(step, kTwoPpas));
    const Summary& m = r.summary;
    // PPA 1 (all 240 h): 60% × 3,120 kWh = 1,872 kWh × 0.05 = 93.60 USD, no CO2.
    // PPA 2 from day 6 at noon (108 h; a half day at 1 d steps): 20% × 13 kW × 108 h
    //   = 280.8 kWh × 0.04 = 11.232 USD, at the grid's 0.4 kg/kWh = 112.32 kg.
    // Grid: 3,120 − 1,872 − 280.8 = 967.2 kWh × 0.10 = 96.72 USD, × 0.4 = 386.88 kg.
    expect_rel(m.facility_kwh, 3120.0);
    expect_rel(m.ppa_kwh, 2152.8);
    expect_rel(m.grid_kwh, 967.2);
    expect_rel(m.energy_ppa_cost_usd, 93.6 + 11.232);
    expect_rel(m.energy_grid_cost_usd, 96.72);
    // energy.cost_usd = PPA + grid = 104.832 + 96.72 = 201.552 USD.
    expect_rel(m.energy_cost_usd, 201.552);
    // CO2: 386.88 + 112.32 = 499.2 kg = 0.4992 t; ÷ 2,400 GPU-h = 0.208 kg per GPU-hour.
    ASSERT_TRUE(m.co2_tonnes.has_value());
    expect_rel(*m.co2_tonnes, 0.4992);
    ASSERT_TRUE(m.co2_kg_per_gpu_hour.has_value());
    expect_rel(*m.co2_kg_per_gpu_hour, 0.208);
    // The same per site, and in the summary JSON.
    ASSERT_EQ(r.sites.size(), 1u);
    expect_rel(r.sites[0].ppa_cost_usd, 104.832);
    expect_rel(r.sites[0].grid_cost_usd, 96.72);
    expect_rel(*r.sites[0].co2_tonnes, 0.4992);
    const Json j = summary_json(r);
    expect_rel(j["energy"]["ppa_cost_usd"].get<double>(), 104.832);
    expect_rel(j["energy"]["grid_cost_usd"].get<double>(), 96.72);
    expect_rel(j["energy"]["co2_tonnes"].get<double>(), 0.4992);
    expect_rel(j["finance"]["energy_cost_usd"].get<double>(), 201.552);
  }
}

TEST(PpaAndCarbon, TimeseriesHasTonnesAndTheSplitPerStep) {
  const Results r = run_text(scenario("1d", kTwoPpas));
  const std::string csv = timeseries_csv(r, Period::step);
  ASSERT_NE(csv.find(",facility_energy_kwh,ppa_energy_kwh,co2_tonnes,revenue_usd,energy_cost_usd,energy_cost_ppa_usd,"
                     "energy_cost_grid_usd,"),
            std::string::npos);
  // Day 1: 312 kWh; PPA 1 takes 60% = 187.2 kWh (× 0.05 = 9.36 USD), the grid 124.8 kWh
  // (× 0.10 = 12.48 USD; × 0.4 kg/kWh = 49.92 kg = 0.04992 t).
  const auto fields = [](const std::string& line) {
    std::vector<std::string> out(1);
    for (char c : line) {
      if (c == ',') out.emplace_back();
      else out.back() += c;
    }
    return out;
  };
  const auto header_end = csv.find('\n');
  const auto header = fields(csv.substr(0, header_end));
  const auto day1 = fields(csv.substr(header_end + 1, csv.find('\n', header_end + 1) - header_end - 1));
  ASSERT_EQ(day1.size(), header.size());
  const auto at = [&](const std::string& column) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == column) return std::stod(day1[i]);
    ADD_FAILURE() << "no column " << column;
    return 0.0;
  };
  expect_rel(at("ppa_energy_kwh"), 187.2);
  expect_rel(at("energy_cost_ppa_usd"), 9.36);
  expect_rel(at("energy_cost_grid_usd"), 12.48);
  expect_rel(at("energy_cost_usd"), 21.84);
  expect_rel(at("co2_tonnes"), 0.04992);
}

TEST(PpaAndCarbon, HourOfDayCarbonFollowsWeekdaysAndWeekends) {
  // 0.5 kg/kWh every weekday hour, 0.1 on weekends. 2026-01-01..10: 7 weekdays and
  // 3 weekend days (3, 4 and 10 January) of 312 kWh: 7 × 312 × 0.5 + 3 × 312 × 0.1
  // = 1,092 + 93.6 = 1,185.6 kg.
  std::string weekday = "[", weekend = "[";
  for (int h = 0; h < 24; ++h) {
    weekday += std::string(h ? ", " : "") + "0.5";
    weekend += std::string(h ? ", " : "") + "100 g/kWh";
  }
  const std::string keys = "    carbon: {weekday: " + weekday + "], weekend: " + weekend + "]}\n";
  for (const std::string step : {"1h", "1d"}) {
    SCOPED_TRACE(step);
    const Results r = run_text(scenario(step, keys));
    ASSERT_TRUE(r.summary.co2_tonnes.has_value());
    expect_rel(*r.summary.co2_tonnes, 1.1856);
    // No PPA: all energy at the tariff, 3,120 kWh × 0.10 = 312 USD.
    expect_rel(r.summary.energy_grid_cost_usd, 312.0);
    EXPECT_EQ(r.summary.energy_ppa_cost_usd, 0.0);
  }
}

TEST(PpaAndCarbon, MonthlyCarbonInTonnesPerMWh) {
  // 12 monthly values in t/MWh (= kg/kWh): January 0.3 → 3,120 kWh × 0.3 = 936 kg.
  const std::string keys = "    carbon: [0.3 t/MWh, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]\n";
  const Results r = run_text(scenario("1d", keys));
  expect_rel(*r.summary.co2_tonnes, 0.936);
}

TEST(PpaAndCarbon, NoCarbonIntensityMeansNoFigureNeverZero) {
  const Results r = run_text(scenario("1d", "    ppa: {share: 50%, price: 0.05 USD/kWh}\n"));
  EXPECT_FALSE(r.summary.co2_tonnes.has_value());
  EXPECT_FALSE(r.summary.co2_kg_per_gpu_hour.has_value());
  EXPECT_FALSE(r.sites[0].co2_tonnes.has_value());
  const Json j = summary_json(r);
  EXPECT_TRUE(j["energy"]["co2_tonnes"].is_null());
  EXPECT_TRUE(j["sites"][0]["co2_tonnes"].is_null());
  // The timeseries' co2_tonnes column (after ppa_energy_kwh) is empty, not 0: day 1's
  // PPA energy is 50% × 312 kWh = 156 kWh, then nothing before the next comma.
  const std::string csv = timeseries_csv(r, Period::step);
  const std::string first_row = csv.substr(csv.find('\n') + 1, csv.find('\n', csv.find('\n') + 1) - csv.find('\n') - 1);
  EXPECT_NE(first_row.find(",312,156,,"), std::string::npos) << first_row;
  // Half the 3,120 kWh at 0.05 (78 USD), half at 0.10 (156 USD).
  expect_rel(r.summary.energy_ppa_cost_usd, 78.0);
  expect_rel(r.summary.energy_grid_cost_usd, 156.0);
}

TEST(PpaAndCarbon, AFullZeroCarbonPpaNeedsNoGridIntensity) {
  // 100% under a PPA with its own intensity: every kWh has one, so the figure is 0 t
  // (a known zero), though the site has no carbon.
  const Results r = run_text(scenario("1d", "    ppa: {share: 100%, price: 0.05 USD/kWh, carbon: 0 kg/kWh}\n"));
  ASSERT_TRUE(r.summary.co2_tonnes.has_value());
  EXPECT_EQ(*r.summary.co2_tonnes, 0.0);
}

}  // namespace
}  // namespace gpusim
