// Tests for `validate --print` (print_scenario): its output reads back to the
// same ScenarioSpec, and printing that again gives the same text.
#include "sim/scenario/printer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/document.hpp"
#include "sim/scenario/loader.hpp"

namespace gpusim {
namespace {

ScenarioSpec reread(const std::string& printed) {
  Diagnostics diags;
  const DocNode doc = parse_yaml_text(printed, "printed.yaml", diags);
  EXPECT_TRUE(diags.empty());
  try {
    return read_scenario(doc);
  } catch (const ScenarioError& e) {
    ADD_FAILURE() << e.report() << "\n" << printed;
    return {};
  }
}

void expect_same_span(const Span& a, const Span& b) {
  EXPECT_EQ(a.unit, b.unit);
  EXPECT_DOUBLE_EQ(a.amount, b.amount);
}

void expect_same_schedule(const CountSchedule& a, const CountSchedule& b) {
  EXPECT_EQ(a.constant.has_value(), b.constant.has_value());
  if (a.constant && b.constant) {
    EXPECT_DOUBLE_EQ(*a.constant, *b.constant);
  }
  ASSERT_EQ(a.ramp.size(), b.ramp.size());
  for (std::size_t i = 0; i < a.ramp.size(); ++i) {
    EXPECT_EQ(a.ramp[i].at, b.ramp[i].at);
    EXPECT_DOUBLE_EQ(a.ramp[i].count, b.ramp[i].count);
  }
}

void expect_same_contract(const ContractSpec& a, const ContractSpec& b) {
  SCOPED_TRACE(a.name);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.customer, b.customer);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.pool, b.pool);
  EXPECT_EQ(a.whole_pool, b.whole_pool);
  expect_same_schedule(a.gpus, b.gpus);
  EXPECT_EQ(a.gpu_hours.has_value(), b.gpu_hours.has_value());
  if (a.gpu_hours && b.gpu_hours) {
    EXPECT_DOUBLE_EQ(a.gpu_hours->value, b.gpu_hours->value);
  }
  EXPECT_EQ(a.price.has_value(), b.price.has_value());
  if (a.price && b.price) {
    EXPECT_DOUBLE_EQ(a.price->value, b.price->value);
  }
  EXPECT_EQ(a.value.has_value(), b.value.has_value());
  if (a.value && b.value) {
    EXPECT_DOUBLE_EQ(a.value->value, b.value->value);
  }
  // The printer fills in start (and end unless there is a term): compare the effective dates.
  EXPECT_EQ(a.term.has_value(), b.term.has_value());
  if (a.term && b.term) expect_same_span(*a.term, *b.term);
  EXPECT_DOUBLE_EQ(a.activity, b.activity);
  EXPECT_EQ(a.take_or_pay, b.take_or_pay);
  EXPECT_DOUBLE_EQ(a.noise, b.noise);
}

void expect_same(const ScenarioSpec& a, const ScenarioSpec& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.time.start, b.time.start);
  EXPECT_EQ(a.time.end, b.time.end);
  EXPECT_EQ(a.time.step_hours, b.time.step_hours);
  EXPECT_EQ(a.time.year, b.time.year);
  for (const auto& f : a.fleet) {
    // The models the fleet uses are printed; compare those.
    const GpuModelSpec* ga = nullptr;
    const GpuModelSpec* gb = nullptr;
    for (const auto& g : a.catalog)
      if (g.id == f.gpu) ga = &g;
    for (const auto& g : b.catalog)
      if (g.id == f.gpu) gb = &g;
    ASSERT_TRUE(ga && gb) << f.gpu;
    EXPECT_DOUBLE_EQ(ga->tdp.value, gb->tdp.value);
    EXPECT_DOUBLE_EQ(ga->idle.value, gb->idle.value);
    EXPECT_DOUBLE_EQ(ga->overhead.value, gb->overhead.value);
    EXPECT_DOUBLE_EQ(ga->price.value, gb->price.value);
    EXPECT_EQ(ga->power_curve.kind, gb->power_curve.kind);
    EXPECT_EQ(ga->source, gb->source);
  }
  ASSERT_EQ(a.sites.size(), b.sites.size());
  for (std::size_t i = 0; i < a.sites.size(); ++i) {
    const SiteSpec& x = a.sites[i];
    const SiteSpec& y = b.sites[i];
    SCOPED_TRACE(x.name);
    EXPECT_EQ(x.name, y.name);
    EXPECT_DOUBLE_EQ(x.pue.constant, y.pue.constant);
    EXPECT_EQ(x.pue.monthly, y.pue.monthly);
    EXPECT_EQ(x.it_power_cap.has_value(), y.it_power_cap.has_value());
    if (x.it_power_cap && y.it_power_cap) {
    EXPECT_DOUBLE_EQ(x.it_power_cap->value, y.it_power_cap->value);
  }
    EXPECT_EQ(x.power_cap.has_value(), y.power_cap.has_value());
    if (x.power_cap && y.power_cap) {
    EXPECT_DOUBLE_EQ(x.power_cap->value, y.power_cap->value);
  }
    EXPECT_EQ(x.electricity.kind, y.electricity.kind);
    EXPECT_DOUBLE_EQ(x.electricity.flat.value, y.electricity.flat.value);
    EXPECT_EQ(x.colocation.has_value(), y.colocation.has_value());
    if (x.colocation && y.colocation) {
    EXPECT_DOUBLE_EQ(x.colocation->value, y.colocation->value);
  }
  }
  ASSERT_EQ(a.fleet.size(), b.fleet.size());
  for (std::size_t i = 0; i < a.fleet.size(); ++i) {
    const FleetSpec& x = a.fleet[i];
    const FleetSpec& y = b.fleet[i];
    SCOPED_TRACE(x.name);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.gpu, y.gpu);
    EXPECT_EQ(x.site, y.site);
    EXPECT_EQ(x.fit, y.fit);
    expect_same_schedule(x.schedule, y.schedule);
    EXPECT_EQ(x.online, y.online);
    EXPECT_DOUBLE_EQ(x.capex.value, y.capex.value);
    expect_same_span(x.life, y.life);
    EXPECT_DOUBLE_EQ(x.afr, y.afr);
    expect_same_span(x.repair, y.repair);
  }
  ASSERT_EQ(a.contracts.size(), b.contracts.size());
  for (std::size_t i = 0; i < a.contracts.size(); ++i) expect_same_contract(a.contracts[i], b.contracts[i]);
  ASSERT_EQ(a.demand.size(), b.demand.size());
  for (std::size_t i = 0; i < a.demand.size(); ++i) expect_same_contract(a.demand[i], b.demand[i]);
  EXPECT_DOUBLE_EQ(a.finance.tax_rate, b.finance.tax_rate);
  EXPECT_DOUBLE_EQ(a.finance.discount_rate, b.finance.discount_rate);
  EXPECT_EQ(a.finance.opex.size(), b.finance.opex.size());
  EXPECT_EQ(a.finance.debt.size(), b.finance.debt.size());
  EXPECT_EQ(a.solve.has_value(), b.solve.has_value());
  if (a.solve && b.solve) {
    EXPECT_EQ(a.solve->vary, b.solve->vary);
    EXPECT_EQ(a.solve->target, b.solve->target);
    EXPECT_DOUBLE_EQ(a.solve->equals, b.solve->equals);
    EXPECT_EQ(a.solve->low, b.solve->low);
    EXPECT_EQ(a.solve->high, b.solve->high);
  }
}

std::string article(const std::string& name) {
  return std::string(GPUSIM_SOURCE_DIR) + "/scenarios/articles/" + name;
}

TEST(Printer, CoreWeaveReadsBackEqual) {
  const ScenarioSpec original = load_scenario(article("coreweave-2024-utilization.yaml")).spec;
  // Spot checks of what the file says, so that a loader reading nothing cannot pass.
  ASSERT_EQ(original.contracts.size(), 2u);
  EXPECT_DOUBLE_EQ(original.contracts[0].gpu_hours->value, 300e6);  // 300M gpu-h
  EXPECT_DOUBLE_EQ(original.contracts[0].price->value, 2.99);
  EXPECT_EQ(original.fleet[0].schedule.constant, 250e3);  // 250k
  EXPECT_EQ(original.time.end - original.time.start, 8760);  // 365d
  ASSERT_TRUE(original.solve);
  EXPECT_DOUBLE_EQ(original.solve->equals, 0.62);
  const std::string printed = print_scenario(original);
  const ScenarioSpec back = reread(printed);
  expect_same(original, back);
  EXPECT_EQ(print_scenario(back), printed);  // a fixed point
}

TEST(Printer, MetaAmdReadsBackEqual) {
  const ScenarioSpec original = load_scenario(article("meta-amd-6gw.yaml")).spec;
  ASSERT_EQ(original.sites.size(), 1u);
  EXPECT_DOUBLE_EQ(original.sites[0].power_cap->value, 6e9);  // 6 GW
  EXPECT_DOUBLE_EQ(original.sites[0].pue.constant, 1.08);
  EXPECT_TRUE(original.fleet[0].fit);
  EXPECT_TRUE(original.contracts[0].whole_pool);
  EXPECT_DOUBLE_EQ(original.contracts[0].value->value, 60e9);  // 60B USD
  const std::string printed = print_scenario(original);
  const ScenarioSpec back = reread(printed);
  expect_same(original, back);
  EXPECT_EQ(print_scenario(back), printed);
}

TEST(Printer, EveryKindOfValueReadsBack) {
  // A scenario using the less common shapes: ramps, monthly PUE, time-of-use
  // tariff, a table power curve, opex, debt, other items, demand, uncertain.
  std::string tou = "[";
  for (int h = 0; h < 24; ++h) tou += std::string(h ? ", " : "") + (h >= 8 && h < 20 ? "0.12" : "0.06");
  tou += "]";
  const std::string text =
      "name: every kind\n"
      "time: {start: 2024-01-01, end: 2025-01-01, step: 1d}\n"
      "seed: 42\n"
      "catalog:\n"
      "  X1: {tdp: 1 kW, idle: 100 W, overhead: 0.5 kW, price: 20k USD,\n"
      "       power_curve: [{load: 0%, f: 0%}, {load: 50%, f: 30%}, {load: 100%, f: 100%}]}\n"
      "sites:\n"
      "  - {name: a, pue: [1.2, 1.2, 1.2, 1.3, 1.3, 1.4, 1.4, 1.4, 1.3, 1.3, 1.2, 1.2],\n"
      "     it_power_cap: 50 MW, electricity: {weekday: " + tou + ", weekend: " + tou + "},\n"
      "     colocation: 150 USD/kW/month}\n"
      "fleet:\n"
      "  - {name: p, gpu: X1, site: a, ramp: [{at: 2024-01-01, count: 0}, {at: 2024-07-01, count: 10k}],\n"
      "     capex: 25k USD, life: 4y, afr: 9%, repair: 5d, power_curve: cubic}\n"
      "contracts:\n"
      "  - {name: c1, customer: Big, pool: p, gpus: [{at: 2024-02-01, count: 1k}, {at: 2024-03-01, count: 2k}],\n"
      "     price: 2 USD/gpu-h, start: 2024-02-01, end: 2024-12-01, activity: 80%, take_or_pay: false}\n"
      "demand:\n"
      "  - {name: od, pool: p, kind: spot, gpus: 500, price: 1.5 USD/gpu-h, noise: 20%}\n"
      "finance:\n"
      "  opex: [{name: staff, amount: 1M USD/month}]\n"
      "  other: [{name: gain, amount: -5M USD, at: 2024-06-30}]\n"
      "  debt: [{name: loan, principal: 100M USD, rate: 9%, term: 3y, amortization: annuity}]\n"
      "  tax_rate: 21%\n"
      "  discount_rate: 8%\n"
      "uncertain:\n"
      "  - {name: pue, path: sites.a.electricity, dist: uniform, low: 0.05 USD/kWh, high: 0.1 USD/kWh}\n";
  Diagnostics diags;
  const ScenarioSpec original = read_scenario(parse_yaml_text(text, "every.yaml", diags));
  ASSERT_TRUE(diags.empty());
  EXPECT_DOUBLE_EQ(original.finance.opex[0].rate->value, 12e6);  // 1M USD/month × 12
  const std::string printed = print_scenario(original);
  const ScenarioSpec back = reread(printed);
  expect_same(original, back);
  EXPECT_EQ(back.sites[0].electricity.weekday.size(), 24u);
  EXPECT_DOUBLE_EQ(back.sites[0].electricity.weekday[12].value, 0.12e-3);
  EXPECT_EQ(back.catalog.back().power_curve.points.size(), 3u);
  EXPECT_EQ(back.fleet[0].power_curve->kind, PowerCurveSpec::Kind::cubic);
  EXPECT_DOUBLE_EQ(back.finance.other[0].amount->value, -5e6);
  EXPECT_EQ(back.finance.debt[0].amortization, DebtSpec::Amortization::annuity);
  EXPECT_EQ(back.seed, 42u);
  EXPECT_EQ(back.uncertain.size(), 1u);
  EXPECT_EQ(print_scenario(back), printed);
}

TEST(Printer, PpasCarbonAndPackagingReadBack) {
  // PPAs (a list, one with its own intensity and dates), a monthly carbon
  // intensity, packaging on a new model and a count in racks (printed in GPUs).
  const std::string text =
      "name: ppa\n"
      "time: {start: 2026-01-01, duration: 30d, step: 1d}\n"
      "catalog:\n"
      "  R1: {tdp: 1 kW, idle: 100 W, overhead: 300 W, price: 20k USD, gpus_per_server: 4, gpus_per_rack: 64}\n"
      "sites:\n"
      "  - name: a\n"
      "    carbon: [400 g/kWh, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47, 0.48, 0.49, 0.5, 0.51]\n"
      "    ppa:\n"
      "      - {share: 40%, price: 0.05 USD/kWh, carbon: 0 kg/kWh}\n"
      "      - {share: 25%, price: 45 USD/MWh, start: 2026-01-10, end: 2026-01-20}\n"
      "fleet:\n"
      "  - {name: p, gpu: R1, site: a, count: 3 racks}\n";
  Diagnostics diags;
  const ScenarioSpec original = read_scenario(parse_yaml_text(text, "ppa.yaml", diags));
  EXPECT_EQ(*original.fleet[0].schedule.constant, 192.0);  // 3 racks × 64
  const std::string printed = print_scenario(original);
  const ScenarioSpec back = reread(printed);
  ASSERT_EQ(back.sites[0].ppa.size(), 2u);
  EXPECT_DOUBLE_EQ(back.sites[0].ppa[1].share, 0.25);
  EXPECT_DOUBLE_EQ(back.sites[0].ppa[1].price.value, 45e-6);
  EXPECT_EQ(back.sites[0].ppa[1].end, original.sites[0].ppa[1].end);
  ASSERT_TRUE(back.sites[0].ppa[0].carbon.has_value());
  ASSERT_TRUE(back.sites[0].carbon.has_value());
  EXPECT_DOUBLE_EQ(back.sites[0].carbon->monthly[0].value, 0.4e-3);
  EXPECT_EQ(back.catalog.back().gpus_per_rack, 64.0);
  EXPECT_EQ(*back.fleet[0].schedule.constant, 192.0);
  EXPECT_EQ(print_scenario(back), printed);
}

TEST(Printer, PricesAndPercentagesPrintAsWritten) {
  // Regression: 0.06 USD/kWh is stored as 0.06 × 1e-3 USD/Wh and was printed as
  // 0.060000000000000005 USD/kWh, which read back as a different double.
  Diagnostics diags;
  const ScenarioSpec s = read_scenario(parse_yaml_text(
      "name: x\ntime: {start: 2024-01-01, duration: 1d}\n"
      "sites: [{name: a, electricity: 0.06 USD/kWh, colocation: 130 USD/kW/month, power_cap: 1.3 GW}]\n"
      "fleet: [{name: p, gpu: H100-SXM, site: a, count: 1, afr: 7%}]\n",
      "x.yaml", diags));
  const std::string printed = print_scenario(s);
  EXPECT_NE(printed.find("electricity: 0.06 USD/kWh\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("colocation: 130 USD/kW/month\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("power_cap: 1.3 GW\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("afr: 7%\n"), std::string::npos) << printed;  // 0.07 × 100 is 7.000000000000001
}

TEST(Printer, FormatNumberIsShortestExact) {
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(250000), "250000");
  EXPECT_EQ(format_number(0.08), "0.08");
  EXPECT_EQ(format_number(2.5), "2.5");
  EXPECT_EQ(format_number(-5e6), "-5000000");
  EXPECT_EQ(format_number(1e20), "1e+20");
  EXPECT_EQ(format_number(0.1 + 0.2), "0.30000000000000004");
}

}  // namespace
}  // namespace gpusim
