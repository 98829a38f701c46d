// Invariants of the engine over many random valid scenarios.
//
// A fixed-seed generator (splitmix64, written here so that the scenarios are
// the same on every machine) writes 300 scenario files: 1–3 sites with and
// without caps and colocation, 1–4 pools with constant counts or ramps on
// midnights, 0–5 contracts and demands of random kinds, sizes, prices,
// activities and windows, opex, other items, debt and tax. Each runs at 1 h and
// 1 d steps and must satisfy, at both:
//   billed ≤ available ≤ installed (each step and in total); busy ≤ billed;
//   busy = activity × billed (take-or-pay, on-demand, spot), billed = busy (not take-or-pay);
//   revenue = Σ billed × price, per contract and in total; customer shares sum to 1;
//   energy = power × step; facility = IT × PUE; with linear curves, a site's IT energy
//   = Σ its pools' available × (idle + overhead) + busy × (tdp − idle);
//   a flat tariff's cost = facility kWh × price;
//   tax = rate × each calendar year's positive pre-tax income;
//   net income, operating income and EBITDA identities; Σ cash flows = the time
//   series' last cumulative cash = the sum of its parts.
//   no result is non-finite; the energy split sums (GPUs + servers = IT, IT +
//   cooling and losses = facility);
// And the two step sizes agree to 1e-9 when no tariff is time-of-use, every power
// curve is linear (the engine draws power on step averages of u) and no contract
// or demand goes short in any hour (the engine allocates on step averages).
// A second test runs 40 more as sweeps and Monte Carlo on 1 and 3 threads: the
// same bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "models/catalog.hpp"
#include "models/schedule.hpp"
#include "sim/analysis/montecarlo.hpp"
#include "sim/analysis/sweep.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/random_scenario.hpp"

namespace gpusim {
namespace {

using testing::ContractPlan;
using testing::date;
using testing::generate;
using testing::GpuPower;
using testing::Generated;
using testing::gpu_table;
using testing::num;
using testing::PoolPlan;
using testing::SitePlan;
using testing::SplitMix64;


std::string with_step(std::string text, const std::string& step) {
  text.replace(text.find("STEP"), 4, step);
  return text;
}

// |a − b| ≤ 1e-9 × scale, scale at least |expected| (and any gross magnitude given).
::testing::AssertionResult near(double actual, double expected, double gross = 0.0) {
  const double scale = std::max({std::fabs(expected), std::fabs(actual), gross, 1e-6});
  if (std::fabs(actual - expected) <= 1e-9 * scale) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "actual " << num(actual) << " expected " << num(expected)
                                       << " (difference " << actual - expected << ", scale " << scale << ")";
}

// The last row's cumulative_cash_usd of the monthly time series.
double last_cumulative_cash(const Results& r) {
  const PeriodTable t = period_table(r, Period::month);
  const auto column = std::find(t.columns.begin(), t.columns.end(), "cumulative_cash_usd") - t.columns.begin();
  return t.rows.back()[static_cast<std::size_t>(column)];
}

void check_invariants(const Generated& g, const ScenarioSpec& spec, const Results& r) {
  const StepSeries& ts = r.series;
  const Summary& m = r.summary;
  // No result is non-finite: every scalar of the summary (null ones aside) and
  // every per-step series.
  for (const auto& [name, v] : flatten_all(summary_json(r))) {
    if (v) {
      EXPECT_TRUE(std::isfinite(*v)) << name << " = " << *v;
    }
  }
  for (const Eigen::ArrayXd* series : {&ts.installed_gpus, &ts.available_gpus, &ts.billed_gpu_hours, &ts.busy_gpu_hours,
                                       &ts.it_power_w, &ts.facility_power_w, &ts.revenue_usd, &ts.energy_cost_usd,
                                       &ts.capex_usd, &ts.tax_usd})
    EXPECT_TRUE(series->allFinite());
  // The energy split sums: IT = GPUs + servers' overhead; facility − IT = cooling and losses.
  EXPECT_TRUE(near(m.gpu_kwh + m.server_kwh, m.it_kwh, 0.0)) << "energy.gpu_kwh + server_kwh vs it_kwh";
  EXPECT_TRUE(near(m.it_kwh + m.cooling_and_losses_kwh, m.facility_kwh, 0.0)) << "it + cooling vs facility";
  const double dt = r.time.step_hours;
  const Eigen::Index n = ts.revenue_usd.size();
  ASSERT_EQ(n, m.steps);
  const double money_gross = std::fabs(m.revenue_usd) + std::fabs(m.energy_cost_usd) + std::fabs(m.colocation_usd) +
                             std::fabs(m.opex_usd) + std::fabs(m.depreciation_usd) + std::fabs(m.interest_usd) +
                             std::fabs(m.other_usd) + std::fabs(m.tax_usd) + std::fabs(m.capex_usd) +
                             std::fabs(m.debt_drawn_usd) + std::fabs(m.debt_repaid_usd);

  // The ladder, each step and in total.
  for (Eigen::Index k = 0; k < n; ++k) {
    const double slack = 1e-9 * (1.0 + ts.installed_gpus[k] * dt);
    ASSERT_LE(ts.billed_gpu_hours[k], ts.available_gpus[k] * dt + slack) << "step " << k;
    ASSERT_LE(ts.available_gpus[k], ts.installed_gpus[k] + slack) << "step " << k;
    ASSERT_LE(ts.busy_gpu_hours[k], ts.billed_gpu_hours[k] + slack) << "step " << k;
    ASSERT_GE(ts.available_gpus[k], 0.0);
    ASSERT_GE(ts.busy_gpu_hours[k], 0.0);
    ASSERT_TRUE(near(ts.it_energy_wh[k], ts.it_power_w[k] * dt)) << "step " << k;
    ASSERT_TRUE(near(ts.facility_energy_wh[k], ts.facility_power_w[k] * dt)) << "step " << k;
  }
  EXPECT_LE(m.gpu_hours_billed, m.gpu_hours_available * (1 + 1e-12) + 1e-6);
  EXPECT_LE(m.gpu_hours_available, m.gpu_hours_installed * (1 + 1e-12) + 1e-6);
  EXPECT_LE(m.gpu_hours_busy, m.gpu_hours_billed * (1 + 1e-12) + 1e-6);

  // Contracts: busy, revenue; totals; customers.
  ASSERT_EQ(r.contracts.size(), g.contracts.size());
  double billed = 0, busy = 0, revenue = 0;
  for (std::size_t i = 0; i < r.contracts.size(); ++i) {
    const ContractResult& c = r.contracts[i];
    const ContractPlan& plan = g.contracts[i];
    SCOPED_TRACE("contract " + c.name);
    EXPECT_EQ(c.name, plan.name);
    EXPECT_TRUE(near(c.revenue_usd, c.billed_gpu_hours * c.price_usd_per_gpu_hour));
    if (plan.reserved && !plan.take_or_pay) {
      EXPECT_TRUE(near(c.busy_gpu_hours, c.billed_gpu_hours));
    } else {
      EXPECT_TRUE(near(c.busy_gpu_hours, plan.activity * c.billed_gpu_hours));
      // What it asked for = what it got + what it did not.
      EXPECT_TRUE(near(c.contracted_gpu_hours, c.billed_gpu_hours + c.shortfall_gpu_hours));
    }
    EXPECT_GE(c.shortfall_gpu_hours, -1e-9 * c.contracted_gpu_hours);
    billed += c.billed_gpu_hours;
    busy += c.busy_gpu_hours;
    revenue += c.revenue_usd;
  }
  EXPECT_TRUE(near(billed, m.gpu_hours_billed));
  EXPECT_TRUE(near(busy, m.gpu_hours_busy));
  EXPECT_TRUE(near(revenue, m.revenue_usd));
  EXPECT_TRUE(near(ts.revenue_usd.sum(), m.revenue_usd));
  double shares = 0, customer_revenue = 0;
  for (const auto& c : r.customers) {
    shares += c.revenue_share;
    customer_revenue += c.revenue_usd;
    double own = 0;
    for (const auto& k : r.contracts)
      if (k.customer == c.name) own += k.revenue_usd;
    EXPECT_TRUE(near(c.revenue_usd, own)) << c.name;
  }
  EXPECT_TRUE(near(customer_revenue, m.revenue_usd));
  if (m.revenue_usd > 0) {
    EXPECT_TRUE(near(shares, 1.0));
  }

  // Power and energy.
  double site_facility_kwh = 0, site_it_kwh = 0, site_cost = 0;
  for (std::size_t s = 0; s < r.sites.size(); ++s) {
    const SiteResult& site = r.sites[s];
    const SitePlan& plan = g.sites[s];
    SCOPED_TRACE("site " + site.name);
    site_facility_kwh += site.facility_kwh;
    site_it_kwh += site.it_kwh;
    site_cost += site.energy_cost_usd;
    if (plan.pue.size() == 1) {
      EXPECT_TRUE(near(site.facility_kwh, site.it_kwh * plan.pue[0]));
    }
    if (plan.flat) {
      EXPECT_TRUE(near(site.energy_cost_usd, site.facility_kwh * plan.flat_price));
    }
    bool linear = true;
    double expected_it_wh = 0;
    for (std::size_t p = 0; p < g.pools.size(); ++p) {
      if (g.pools[p].site != static_cast<int>(s)) continue;
      linear = linear && g.pools[p].linear;
      const GpuPower& gpu = gpu_table().at(g.pools[p].gpu);
      expected_it_wh += r.pools[p].gpu_hours_available * (gpu.idle + gpu.overhead) +
                        r.pools[p].gpu_hours_busy * (gpu.tdp - gpu.idle);
    }
    if (linear) {
      EXPECT_TRUE(near(site.it_kwh, expected_it_wh / 1e3));
    }
  }
  EXPECT_TRUE(near(site_facility_kwh, m.facility_kwh));
  EXPECT_TRUE(near(site_it_kwh, m.it_kwh));
  EXPECT_TRUE(near(site_cost, m.energy_cost_usd));
  EXPECT_TRUE(near(ts.facility_energy_wh.sum() / 1e3, m.facility_kwh));
  if (g.sites.size() == 1) {
    // One site: facility power = IT power × that month's PUE, each step.
    const auto& pue = g.sites[0].pue;
    for (Eigen::Index k = 0; k < n; ++k) {
      const double p = pue.size() == 1 ? pue[0] : pue[static_cast<std::size_t>(civil_from_hours(r.step_start(k)).month - 1)];
      ASSERT_TRUE(near(ts.facility_power_w[k], ts.it_power_w[k] * p)) << "step " << k;
    }
  }

  // Tax: rate × each calendar year's positive pre-tax income.
  {
    const Eigen::ArrayXd pretax = ts.operating_income_usd() - ts.interest_usd + ts.other_usd;
    double expected_tax = 0, year_sum = 0;
    for (Eigen::Index k = 0; k < n; ++k) {
      year_sum += pretax[k];
      if (k + 1 == n || civil_from_hours(r.step_start(k + 1)).year != civil_from_hours(r.step_start(k)).year) {
        expected_tax += spec.finance.tax_rate * std::max(0.0, year_sum);
        year_sum = 0;
      }
    }
    EXPECT_TRUE(near(m.tax_usd, expected_tax, money_gross));
    EXPECT_GE(m.tax_usd, 0.0);
  }

  // Income statement identities.
  EXPECT_TRUE(near(m.operating_income_usd,
                   m.revenue_usd - m.energy_cost_usd - m.colocation_usd - m.opex_usd - m.depreciation_usd, money_gross));
  EXPECT_TRUE(near(m.net_income_usd, m.operating_income_usd - m.interest_usd + m.other_usd - m.tax_usd, money_gross));
  EXPECT_TRUE(near(m.ebitda_usd, m.operating_income_usd + m.depreciation_usd, money_gross));
  EXPECT_TRUE(near(ts.net_income_usd().sum(), m.net_income_usd, money_gross));
  // Cash: the sum of its parts, of the steps, and the time series' last cumulative value.
  const double cash = m.revenue_usd - m.energy_cost_usd - m.colocation_usd - m.opex_usd - m.interest_usd +
                      m.other_usd - m.tax_usd - m.capex_usd + m.debt_drawn_usd - m.debt_repaid_usd;
  EXPECT_TRUE(near(m.cash_flow_usd, cash, money_gross));
  EXPECT_TRUE(near(ts.cash_flow_usd().sum(), cash, money_gross));
  EXPECT_TRUE(near(last_cumulative_cash(r), cash, money_gross));
  EXPECT_LE(m.min_cumulative_cash_usd, 0.0);
}

// Summary scalars that depend on the step by definition: peaks (a day's average
// hides its peak hour), the step itself, ratios to the peak, and the lowest
// cumulative cash (sampled at step ends).
bool step_dependent(const std::string& name) {
  return name.find("peak") != std::string::npos || name.find("step") != std::string::npos ||
         name.find("per_gw") != std::string::npos || name == "finance.min_cumulative_cash_usd";
}

TEST(EngineInvariants, RandomScenarios) {
  SplitMix64 rng(20240101);
  const int kScenarios = 300;
  int compared = 0, ran = 0;
  for (int i = 0; i < kScenarios; ++i) {
    const Generated g = generate(rng);
    SCOPED_TRACE("scenario " + std::to_string(i) + ":\n" + g.yaml);
    Results by_step[2];
    bool ok = true;
    for (int s = 0; s < 2 && ok; ++s) {
      const std::string text = with_step(g.yaml, s == 0 ? "1h" : "1d");
      Diagnostics diags;
      const DocNode doc = parse_yaml_text(text, "random.yaml", diags);
      ScenarioSpec spec;
      try {
        diags.throw_if_any();
        spec = read_scenario(doc);
      } catch (const ScenarioError& e) {
        ADD_FAILURE() << "generated scenario does not validate: " << e.report();
        ok = false;
        break;
      }
      try {
        by_step[s] = run_scenario(spec);
      } catch (const ModelError& e) {
        // The only model error the generator can provoke: a `value` contract whose
        // ramp asks for nothing in its window.
        EXPECT_NE(std::string(e.what()).find("asks for no GPU-hours"), std::string::npos) << e.what();
        ok = false;
        break;
      }
      SCOPED_TRACE(s == 0 ? "step 1h" : "step 1d");
      check_invariants(g, spec, by_step[s]);
    }
    if (!ok) continue;
    ++ran;
    if (::testing::Test::HasFailure()) return;  // one scenario's report is enough
    const Results& h = by_step[0];
    if (!g.steps_comparable || h.summary.shortfall_gpu_hours > 0 || h.summary.unserved_gpu_hours > 0) continue;
    ++compared;
    std::map<std::string, double> daily;
    for (const auto& [name, v] : flatten_scalars(summary_json(by_step[1]))) daily[name] = v;
    for (const auto& [name, v] : flatten_scalars(summary_json(h))) {
      if (step_dependent(name)) continue;
      const auto it = daily.find(name);
      if (it == daily.end()) {
        ADD_FAILURE() << name << " is " << v << " at 1 h steps and null at 1 d";
        continue;
      }
      const double gross = name.rfind("finance.", 0) == 0 || name.find("usd") != std::string::npos
                               ? std::fabs(h.summary.revenue_usd) + std::fabs(h.summary.capex_usd) +
                                     std::fabs(h.summary.debt_drawn_usd) + std::fabs(h.summary.opex_usd) +
                                     std::fabs(h.summary.interest_usd) + std::fabs(h.summary.other_usd)
                               : 0.0;
      EXPECT_TRUE(near(it->second, v, name == "finance.irr" || name == "finance.payback_years" ? 0.0 : gross))
          << name << " differs between 1 h and 1 d steps";
    }
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GE(ran, 200);
  EXPECT_GE(compared, 100);
  std::printf("%d scenarios ran at both steps; %d compared between 1 h and 1 d\n", ran, compared);
}

// The output does not depend on the thread count: sweeps and Monte Carlo runs
// of generated scenarios (with demand noise and failures drawn under a seed)
// give byte-identical JSON on 1 and 3 threads.
TEST(EngineInvariants, RandomScenariosAreDeterministicAcrossThreads) {
  SplitMix64 rng(20240102);
  int checked = 0;
  for (int i = 0; i < 40; ++i) {
    const Generated g = generate(rng);
    SCOPED_TRACE("scenario " + std::to_string(i) + ":\n" + g.yaml);
    Diagnostics diags;
    DocNode doc = parse_yaml_text(with_step(g.yaml, "1d") + "seed: 11\n", "random.yaml", diags);
    ASSERT_TRUE(diags.empty());
    // Four points of the discount rate (always valid: -99% to 1000%).
    const std::vector<std::vector<std::string>> points{{"finance.discount_rate=0%"}, {"finance.discount_rate=5%"},
                                                       {"finance.discount_rate=10%"}, {"finance.discount_rate=20%"}};
    std::string one, three;
    try {
      for (const auto& j : run_points(doc, points, 1)) one += j.dump();
      for (const auto& j : run_points(doc, points, 3)) three += j.dump();
      one += monte_carlo_json(run_monte_carlo(doc, 6, 5, 1)).dump();
      three += monte_carlo_json(run_monte_carlo(doc, 6, 5, 3)).dump();
    } catch (const ModelError&) {
      continue;  // as above: a `value` contract with nothing to price
    }
    EXPECT_EQ(one, three);
    ++checked;
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GE(checked, 25);
}

}  // namespace
}  // namespace gpusim
