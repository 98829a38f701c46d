// Hand-computed scenarios for the engine (run_scenario, sim/engine/engine.cpp, and its stages): each one small,
// written inline as YAML, testing one rule of design.md's model, with the
// arithmetic in a comment and a tolerance of 1e-9 relative.
//
// Most scenarios use a test GPU, T1: tdp 1,000 W, idle 200 W, overhead 300 W
// (full load 1,300 W), 10,000 USD — round numbers that keep the arithmetic short.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/engine/solve.hpp"
#include "sim/engine/stages.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/support/engine.hpp"

namespace gpusim {
namespace {

using testing::metric;
using testing::with_step;

// Runs the scenario (solving it when it has `solve:`).
Results run_yaml(const std::string& text) { return testing::run_yaml(text); }

const std::string kSteps[] = {"1h", "1d"};

// ---------------------------------------------------------------------------
// (1) The article's 22%.
// 250,000 GPUs × 8,760 h = 2.19B GPU-hours. Microsoft rents 300M GPU-hours at the
// same price as everyone else; Others are solved so that Microsoft is 62% of
// revenue. With one price, revenue shares are GPU-hour shares, so all customers
// billed 300M ÷ 0.62 = 483,870,967.74 GPU-hours = 300M/0.62/2.19B = 22.09% of the
// fleet's hours; Others = (300M/0.62 − 300M)/8,760 h = 21,001.6 GPUs.
// total() adds in eight running sums; told that a pool's steps before its
// first GPU are 0, it skips them and gives the same sum, bit for bit, wherever
// the zeros end (values whose sums round differently in other orders).
TEST(EngineRules, TotalSkipsTheZerosBeforeAPoolsFirstGpuBitForBit) {
  Eigen::ArrayXd a = Eigen::ArrayXd::Zero(37);
  for (Eigen::Index k = 11; k < a.size(); ++k) a[k] = 0.1 * static_cast<double>(k) + 1e15 * static_cast<double>(k % 3);
  const double whole = gpusim::stages::total(a);
  for (Eigen::Index first = 0; first <= 11; ++first) EXPECT_EQ(gpusim::stages::total(a, first), whole) << first;
  EXPECT_EQ(gpusim::stages::total(Eigen::ArrayXd::Zero(37), 37), 0.0);  // a pool with no GPU
}

TEST(EngineRules, TwentyTwoPercent) {
  const Results r = run_yaml(R"(
name: the 22%
time: {start: 2024-01-01, duration: 365d, step: 1h, year: 365d}
sites: [{name: us, pue: 1.3, electricity: 0.08 USD/kWh}]
fleet: [{name: h100, gpu: H100-SXM, site: us, count: 250k}]
contracts:
  - {name: Microsoft, pool: h100, gpu_hours: 300M, price: 2.50 USD/gpu-h}
  - {name: Others, pool: h100, gpus: 20000, price: 2.50 USD/gpu-h}
solve: {vary: contracts.Others.gpus, target: customers.Microsoft.revenue_share, equals: 62%}
)");
  const double billed = 300e6 / 0.62;
  EXPECT_REL(metric(r, "gpus.gpu_hours_installed"), 250000.0 * 8760);
  EXPECT_REL(metric(r, "gpus.gpu_hours_billed"), billed);
  EXPECT_REL(metric(r, "utilization.billed"), billed / 2.19e9);
  EXPECT_NEAR(metric(r, "utilization.billed"), 0.22, 0.001);
  EXPECT_REL(metric(r, "customers.Microsoft.gpu_hours"), 300e6);
  EXPECT_REL(metric(r, "customers.Microsoft.revenue_share"), 0.62);
  EXPECT_REL(metric(r, "finance.revenue_usd"), billed * 2.5);
  ASSERT_TRUE(r.solve);
  EXPECT_REL(r.solve->value, (billed - 300e6) / 8760);
  EXPECT_REL(r.solve->achieved, 0.62);
}

// ---------------------------------------------------------------------------
// (2) A linear ramp counts with its exact average: installed GPU-hours = trapezoid.
TEST(EngineRules, RampInstalledGpuHoursIsTheTrapezoid) {
  for (const auto& step : kSteps) {
    SCOPED_TRACE(step);
    // 0 → 240 GPUs over 10 days (240 h), then flat for 10 days:
    // ½ × 240 h × 240 + 240 h × 240 = 28,800 + 57,600 = 86,400 GPU-h; average 86,400/480 = 180.
    // Depreciation (life 1y = 8,760 h, nothing fully depreciated): each GPU-hour in
    // service costs 10,000/8,760: 86,400 × 10,000 / 8,760 = 98,630.137 USD; capex 2.4M.
    const Results r = run_yaml(with_step(R"(
name: ramp
time: {start: 2024-01-01, end: 2024-01-21, step: STEP, year: 365d}
sites: [{name: s}]
fleet:
  - {name: p, gpu: T1, site: s, capex: 10000 USD, life: 1y,
     ramp: [{at: 2024-01-01, count: 0}, {at: 2024-01-11, count: 240}]}
)", step));
    EXPECT_REL(r.summary.gpu_hours_installed, 86400.0);
    EXPECT_REL(r.summary.installed_avg, 180.0);
    EXPECT_REL(r.summary.installed_end, 240.0);
    EXPECT_REL(r.summary.capex_usd, 2.4e6);
    EXPECT_REL(r.summary.depreciation_usd, 86400.0 * 10000 / 8760);
  }
  for (const auto& step : kSteps) {
    SCOPED_TRACE(step);
    // Points off midnight: 0 at 2024-01-03T06:00 (hour 54) → 100 at 2024-01-05T18:00
    // (hour 114), run to hour 216: ½ × 60 × 100 + 102 × 100 = 3,000 + 10,200 = 13,200.
    const Results r = run_yaml(with_step(R"(
name: ramp off midnight
time: {start: 2024-01-01, end: 2024-01-10, step: STEP}
sites: [{name: s}]
fleet:
  - {name: p, gpu: T1, site: s, ramp: [{at: 2024-01-03T06:00, count: 0}, {at: 2024-01-05T18:00, count: 100}]}
)", step));
    EXPECT_REL(r.summary.gpu_hours_installed, 13200.0);
  }
}

// ---------------------------------------------------------------------------
// (3) A constant count enters service at `online`.
TEST(EngineRules, CountFromOnlineMidRun) {
  for (const auto& step : kSteps) {
    SCOPED_TRACE(step);
    // 100 GPUs from 2024-01-11 in a 20-day run: 100 × 240 h = 24,000 GPU-h; average 50;
    // capex 100 × 10,000 = 1M in the step holding 2024-01-11.
    const Results r = run_yaml(with_step(R"(
name: online
time: {start: 2024-01-01, end: 2024-01-21, step: STEP}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100, online: 2024-01-11, capex: 10000 USD}]
)", step));
    EXPECT_REL(r.summary.gpu_hours_installed, 24000.0);
    EXPECT_REL(r.summary.installed_avg, 50.0);
    EXPECT_REL(r.summary.installed_end, 100.0);
    EXPECT_REL(r.summary.capex_usd, 1e6);
    const Eigen::Index k = step == "1h" ? 240 : 10;
    EXPECT_REL(r.series.capex_usd[k], 1e6);
    EXPECT_EQ(r.series.installed_gpus[k - 1], 0.0);
    EXPECT_REL(r.series.installed_gpus[k], 100.0);
  }
  // Online at 06:00 with daily steps: that day averages 100 × 18/24 = 75 GPUs;
  // total 100 × (240 − 6) = 23,400 GPU-h.
  const Results r = run_yaml(R"(
name: online at six
time: {start: 2024-01-01, end: 2024-01-21, step: 1d}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100, online: 2024-01-11T06:00}]
)");
  EXPECT_REL(r.summary.gpu_hours_installed, 23400.0);
  EXPECT_REL(r.series.installed_gpus[10], 75.0);
}

// ---------------------------------------------------------------------------
// (4) Reserved take-or-pay bills idle time; take_or_pay: false bills only busy.
TEST(EngineRules, TakeOrPayBillsIdleTime) {
  // 100 GPUs, 240 h, one contract for all 100 at 2 USD/gpu-h with activity 50%:
  // billed 24,000 GPU-h (utilization.billed 1), busy 12,000 (0.5), revenue 48,000.
  const std::string base = R"(
name: take or pay
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts: [{name: C, pool: p, gpus: 100, price: 2 USD/gpu-h, activity: 50%TOP}]
)";
  auto text = [&](const std::string& extra) {
    std::string t = base;
    t.replace(t.find("TOP"), 3, extra);
    return t;
  };
  const Results r = run_yaml(text(""));
  EXPECT_REL(r.summary.gpu_hours_billed, 24000.0);
  EXPECT_REL(r.summary.gpu_hours_busy, 12000.0);
  EXPECT_REL(r.summary.utilization_billed, 1.0);
  EXPECT_REL(r.summary.utilization_busy, 0.5);
  EXPECT_REL(r.summary.revenue_usd, 48000.0);
  // take_or_pay: false: billed = busy = 12,000 GPU-h, revenue 24,000.
  const Results q = run_yaml(text(", take_or_pay: false"));
  EXPECT_REL(q.summary.gpu_hours_billed, 12000.0);
  EXPECT_REL(q.summary.gpu_hours_busy, 12000.0);
  EXPECT_REL(q.summary.utilization_billed, 0.5);
  EXPECT_REL(q.summary.revenue_usd, 24000.0);
}

// ---------------------------------------------------------------------------
// (5) Allocation order: reserved in file order, then on-demand, then spot.
TEST(EngineRules, AllocationOrderAndShortfall) {
  // 100 GPUs, 240 h. Reserved A 60 and B 60: A gets 60, B the 40 left (shortfall
  // 20 × 240 = 4,800). On-demand 10 and spot 5 get nothing: unserved 2,400 + 1,200.
  const Results r = run_yaml(R"(
name: over capacity
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts:
  - {name: A, pool: p, gpus: 60, price: 1 USD/gpu-h}
  - {name: B, pool: p, gpus: 60, price: 1 USD/gpu-h}
demand:
  - {name: OD, pool: p, gpus: 10, price: 3 USD/gpu-h}
  - {name: Spot, kind: spot, pool: p, gpus: 5, price: 0.5 USD/gpu-h}
)");
  ASSERT_EQ(r.contracts.size(), 4u);
  EXPECT_REL(r.contracts[0].billed_gpu_hours, 14400.0);
  EXPECT_REL(r.contracts[1].billed_gpu_hours, 9600.0);
  EXPECT_REL(r.contracts[1].shortfall_gpu_hours, 4800.0);
  EXPECT_EQ(r.contracts[2].billed_gpu_hours, 0.0);
  EXPECT_REL(r.contracts[2].shortfall_gpu_hours, 2400.0);
  EXPECT_REL(r.contracts[3].shortfall_gpu_hours, 1200.0);
  EXPECT_REL(r.summary.shortfall_gpu_hours, 4800.0);
  EXPECT_REL(r.summary.unserved_gpu_hours, 3600.0);
  EXPECT_REL(r.summary.gpu_hours_contracted, 120.0 * 240);
  EXPECT_REL(r.summary.revenue_usd, 24000.0);

  // Reserved A 50, B 30 leave 20: on-demand 15 is served, spot 10 gets the last 5
  // (unserved 5 × 240 = 1,200). Revenue 80 × 240 × 1 + 15 × 240 × 3 + 5 × 240 × 0.5
  // = 19,200 + 10,800 + 600 = 30,600.
  const Results q = run_yaml(R"(
name: room left
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts:
  - {name: A, pool: p, gpus: 50, price: 1 USD/gpu-h}
  - {name: B, pool: p, gpus: 30, price: 1 USD/gpu-h}
demand:
  - {name: Spot, kind: spot, pool: p, gpus: 10, price: 0.5 USD/gpu-h}
  - {name: OD, pool: p, gpus: 15, price: 3 USD/gpu-h}
)");
  EXPECT_EQ(q.summary.shortfall_gpu_hours, 0.0);
  EXPECT_REL(q.summary.unserved_gpu_hours, 1200.0);
  EXPECT_REL(q.contracts[2].billed_gpu_hours, 1200.0);  // Spot (file order in results)
  EXPECT_REL(q.contracts[3].billed_gpu_hours, 3600.0);  // OD
  EXPECT_REL(q.summary.revenue_usd, 30600.0);
  EXPECT_REL(q.summary.utilization_billed, 1.0);

  // Kind, not position, decides: an on-demand item listed before a reserved one
  // still comes after it. Reserved R 80 first; on-demand First gets 20 of its 50.
  const Results o = run_yaml(R"(
name: kind first
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts:
  - {name: First, kind: on_demand, pool: p, gpus: 50, price: 1 USD/gpu-h}
  - {name: R, pool: p, gpus: 80, price: 1 USD/gpu-h}
)");
  EXPECT_REL(o.contracts[0].billed_gpu_hours, 20.0 * 240);
  EXPECT_REL(o.contracts[0].shortfall_gpu_hours, 30.0 * 240);
  EXPECT_REL(o.contracts[1].billed_gpu_hours, 80.0 * 240);
  EXPECT_EQ(o.summary.shortfall_gpu_hours, 0.0);
  EXPECT_REL(o.summary.unserved_gpu_hours, 30.0 * 240);
}

// ---------------------------------------------------------------------------
// (6) Failures: available = installed × (1 − afr × repair ÷ year).
TEST(EngineRules, FailuresReduceAvailable) {
  // 1,000 GPUs, afr 10%, repair 73 h, year 8,760 h: down share 0.1 × 73/8,760 = 1/1,200.
  // 240 h: available 240,000 × (1 − 1/1,200) = 239,800 GPU-h. No contracts, so IT power
  // = available × (idle + overhead) = 999.1667 × 500 W; IT energy 239,800 × 0.5 kWh = 119,900.
  const Results r = run_yaml(R"(
name: failures
time: {start: 2024-01-01, end: 2024-01-11, year: 365d}
sites: [{name: s, pue: 1.0}]
fleet: [{name: p, gpu: T1, site: s, count: 1000, afr: 10%, repair: 73h}]
)");
  EXPECT_REL(r.summary.gpu_hours_installed, 240000.0);
  EXPECT_REL(r.summary.gpu_hours_available, 239800.0);
  EXPECT_REL(r.summary.it_kwh, 119900.0);
  // Under the calendar, 2024's year is 8,784 h: 240,000 × (1 − 7.3/8,784).
  const Results c = run_yaml(R"(
name: failures calendar
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 1000, afr: 10%, repair: 73h}]
)");
  EXPECT_REL(c.summary.gpu_hours_available, 240000.0 * (1 - 7.3 / 8784));
}

// ---------------------------------------------------------------------------
// (7) Power: IT = available × (idle + (tdp − idle) × u + overhead); facility = IT × PUE.
TEST(EngineRules, PowerEnergyAndCost) {
  for (const auto& step : kSteps) {
    SCOPED_TRACE(step);
    // 100 T1 all contracted at activity 40%: u = 0.4, IT = 100 × (200 + 800 × 0.4 + 300)
    // = 82,000 W; PUE 1.5 → 123,000 W. 240 h: 19,680 kWh IT, 29,520 kWh facility,
    // at 0.10 USD/kWh = 2,952 USD.
    const Results r = run_yaml(with_step(R"(
name: power
time: {start: 2024-01-01, end: 2024-01-11, step: STEP}
sites: [{name: s, pue: 1.5, electricity: 0.10 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts: [{name: C, pool: p, gpus: 100, price: 1 USD/gpu-h, activity: 40%}]
)", step));
    EXPECT_REL(r.summary.it_avg_mw, 0.082);
    EXPECT_REL(r.summary.it_peak_mw, 0.082);
    EXPECT_REL(r.summary.facility_avg_mw, 0.123);
    EXPECT_REL(r.summary.facility_peak_mw, 0.123);
    EXPECT_REL(r.summary.it_kwh, 19680.0);
    EXPECT_REL(r.summary.facility_kwh, 29520.0);
    EXPECT_REL(r.summary.energy_cost_usd, 2952.0);
  }
  // Monthly PUE: January 1.2, February 1.4 over Jan–Feb 2024 (744 h + 696 h):
  // 82 kW × (744 × 1.2 + 696 × 1.4) = 82 × 1,867.2 = 153,110.4 kWh; cost 15,311.04.
  const Results m = run_yaml(R"(
name: monthly pue
time: {start: 2024-01-01, end: 2024-03-01}
sites: [{name: s, pue: [1.2, 1.4, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3], electricity: 0.10 USD/kWh}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts: [{name: C, pool: p, gpus: 100, price: 1 USD/gpu-h, activity: 40%}]
)");
  EXPECT_REL(m.summary.it_kwh, 82.0 * 1440);
  EXPECT_REL(m.summary.facility_kwh, 153110.4);
  EXPECT_REL(m.summary.energy_cost_usd, 15311.04);
  EXPECT_REL(m.summary.facility_peak_mw, 0.082 * 1.4);
  // A square power curve: f(0.4) = 0.16 → 100 × (200 + 128 + 300) = 62,800 W.
  const Results sq = run_yaml(R"(
name: square
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s, pue: 1.0}]
fleet: [{name: p, gpu: T1, site: s, count: 100, power_curve: square}]
contracts: [{name: C, pool: p, gpus: 100, price: 1 USD/gpu-h, activity: 40%}]
)");
  EXPECT_REL(sq.summary.it_avg_mw, 0.0628);
}

// ---------------------------------------------------------------------------
// (8) Time-of-use tariff.
TEST(EngineRules, TimeOfUseTariff) {
  for (const auto& step : kSteps) {
    SCOPED_TRACE(step);
    // 100 idle T1 draw 100 × 500 W = 50 kW (PUE 1). Week of Monday 2024-01-01:
    // weekdays 12 h at 0.05 + 12 h at 0.20 = 3.00 USD per kW-day; weekend 24 × 0.03 = 0.72.
    // 50 kW × (5 × 3.00 + 2 × 0.72) = 50 × 16.44 = 822 USD.
    const Results r = run_yaml(with_step(R"(
name: tou
time: {start: 2024-01-01, end: 2024-01-08, step: STEP}
sites:
  - name: s
    pue: 1.0
    electricity:
      weekday: [0.05 USD/kWh, 0.05 USD/kWh, 0.05 USD/kWh, 0.05 USD/kWh, 0.05 USD/kWh, 0.05 USD/kWh,
                0.05 USD/kWh, 0.05 USD/kWh, 0.20 USD/kWh, 0.20 USD/kWh, 0.20 USD/kWh, 0.20 USD/kWh,
                0.20 USD/kWh, 0.20 USD/kWh, 0.20 USD/kWh, 0.20 USD/kWh, 0.20 USD/kWh, 0.20 USD/kWh,
                0.20 USD/kWh, 0.20 USD/kWh, 0.05 USD/kWh, 0.05 USD/kWh, 0.05 USD/kWh, 0.05 USD/kWh]
      weekend: [0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh,
                0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh,
                0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh,
                0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh, 0.03 USD/kWh]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
)", step));
    EXPECT_REL(r.summary.facility_kwh, 50.0 * 168);
    EXPECT_REL(r.summary.energy_cost_usd, 822.0);
  }
}

// ---------------------------------------------------------------------------
// (9) Colocation: leased kW × USD/kW/month, the lease being it_power_cap or else the
// installed full-load IT power.
TEST(EngineRules, Colocation) {
  // January 2024 (744 h, a whole month), cap 1 MW at 150 USD/kW/month: 1,000 × 150 = 150,000.
  const Results cap = run_yaml(R"(
name: colo cap
time: {start: 2024-01-01, end: 2024-02-01}
sites: [{name: s, it_power_cap: 1 MW, colocation: 150 USD/kW/month}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
)");
  EXPECT_REL(cap.summary.colocation_usd, 150000.0);
  // No cap: 100 × 1,300 W = 130 kW installed full load → 130 × 150 = 19,500.
  const Results full = run_yaml(R"(
name: colo full load
time: {start: 2024-01-01, end: 2024-02-01}
sites: [{name: s, colocation: 150 USD/kW/month}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
)");
  EXPECT_REL(full.summary.colocation_usd, 19500.0);
  // year: 365d makes a month 730 h: 10 days with the cap = 1,000 × 150 × 240/730.
  const Results d365 = run_yaml(R"(
name: colo 365d
time: {start: 2024-01-01, end: 2024-01-11, year: 365d}
sites: [{name: s, it_power_cap: 1 MW, colocation: 150 USD/kW/month}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
)");
  EXPECT_REL(d365.summary.colocation_usd, 150000.0 * 240 / 730);
  // Full load follows the installed GPUs: 100 online from 2024-01-16 (16 of 31 days).
  const Results half = run_yaml(R"(
name: colo online
time: {start: 2024-01-01, end: 2024-02-01, step: 1d}
sites: [{name: s, colocation: 150 USD/kW/month}]
fleet: [{name: p, gpu: T1, site: s, count: 100, online: 2024-01-16}]
)");
  EXPECT_REL(half.summary.colocation_usd, 19500.0 * 16 / 31);
}

// ---------------------------------------------------------------------------
// (10) Depreciation: straight line over the life from the in-service date; capex
// when bought.
TEST(EngineRules, DepreciationFromInServiceDate) {
  // 100 GPUs × 10,000 USD online at the start, life 1y, run Jan–Jun 2024 (182 d = 4,368 h).
  // Calendar: the life from 2024-01-01 is 8,784 h → 1M × 4,368/8,784 = 497,267.76;
  // year: 365d: 8,760 h → 1M × 4,368/8,760 = 498,630.14.
  const std::string text = R"(
name: depreciation
time: {start: 2024-01-01, end: 2024-07-01YEAR}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100, capex: 10000 USD, life: 1y}]
)";
  std::string cal = text, d365 = text;
  cal.replace(cal.find("YEAR"), 4, "");
  d365.replace(d365.find("YEAR"), 4, ", year: 365d");
  const Results c = run_yaml(cal);
  EXPECT_REL(c.summary.depreciation_usd, 1e6 * 4368 / 8784);
  EXPECT_REL(c.summary.capex_usd, 1e6);
  EXPECT_REL(c.series.capex_usd[0], 1e6);
  const Results y = run_yaml(d365);
  EXPECT_REL(y.summary.depreciation_usd, 1e6 * 4368 / 8760);

  // Online 2024-03-01 with life 2y: 2024-03-01 → 2026-03-01 is 730 d = 17,520 h; in the
  // run (to 2025-01-01) 306 d = 7,344 h → 1M × 7,344/17,520. Capex in the hour of 2024-03-01
  // (hour 60 × 24 = 1,440).
  const Results mid = run_yaml(R"(
name: depreciation mid-run
time: {start: 2024-01-01, end: 2025-01-01}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100, online: 2024-03-01, capex: 10000 USD, life: 2y}]
)");
  EXPECT_REL(mid.summary.depreciation_usd, 1e6 * 7344 / 17520);
  EXPECT_REL(mid.series.capex_usd[1440], 1e6);
  EXPECT_EQ(mid.series.depreciation_usd[1439], 0.0);
  EXPECT_REL(mid.series.depreciation_usd[1440], 1e6 / 17520);

  // Bought before the run: no capex in it; depreciation for what is left of the life.
  // Online 2023-07-01, life 1y (to 2024-07-01: 366 d = 8,784 h): in 2024, 4,368 h of it.
  const Results before = run_yaml(R"(
name: depreciation before
time: {start: 2024-01-01, end: 2025-01-01}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100, online: 2023-07-01, capex: 10000 USD, life: 1y}]
)");
  EXPECT_EQ(before.summary.capex_usd, 0.0);
  EXPECT_REL(before.summary.depreciation_usd, 1e6 * 4368 / 8784);
}

// ---------------------------------------------------------------------------
// (11) Debt: interest = rate × balance × time; bullet and linear repayment.
TEST(EngineRules, DebtBulletAndLinear) {
  // Bullet: 100M at 10% for 2y, run of 2 × 365 d under year: 365d:
  // interest 0.10 × 100M × 2 = 20M; drawn 100M in the first step, repaid in the last.
  // Net cash = +100M − 20M − 100M = −20M.
  const Results b = run_yaml(R"(
name: bullet
time: {start: 2023-01-01, duration: 730d, year: 365d}
sites: [{name: s}]
finance:
  debt: [{name: loan, principal: 100M USD, rate: 10%, term: 2y}]
)");
  EXPECT_REL(b.summary.interest_usd, 20e6);
  EXPECT_REL(b.summary.debt_drawn_usd, 100e6);
  EXPECT_REL(b.summary.debt_repaid_usd, 100e6);
  EXPECT_REL(b.series.debt_drawn_usd[0], 100e6);
  EXPECT_REL(b.series.debt_repaid_usd[b.series.debt_repaid_usd.size() - 1], 100e6);
  EXPECT_REL(b.summary.cash_flow_usd, -20e6);
  EXPECT_REL(b.summary.net_income_usd, -20e6);
  // Linear: the balance falls 100M → 0, interest 0.10 × 100M × (2 − 2²/4) = 10M;
  // in the first year 0.10 × 100M × (1 − ¼) = 7.5M; 50M repaid each year.
  const Results l = run_yaml(R"(
name: linear
time: {start: 2023-01-01, duration: 730d, year: 365d}
sites: [{name: s}]
finance:
  debt: [{name: loan, principal: 100M USD, rate: 10%, term: 2y, amortization: linear}]
)");
  EXPECT_REL(l.summary.interest_usd, 10e6);
  EXPECT_REL(l.series.interest_usd.head(8760).sum(), 7.5e6);
  EXPECT_REL(l.series.debt_repaid_usd.head(8760).sum(), 50e6);
  EXPECT_REL(l.summary.debt_repaid_usd, 100e6);
  // Calendar year: drawn 2024-01-01 for 1y, interest over 2024 (8,784 h) = 10% × 100M = 10M.
  const Results c = run_yaml(R"(
name: bullet calendar
time: {start: 2024-01-01, end: 2025-01-01}
sites: [{name: s}]
finance:
  debt: [{name: loan, principal: 100M USD, rate: 10%, term: 1y}]
)");
  EXPECT_REL(c.summary.interest_usd, 10e6);
  EXPECT_REL(c.summary.debt_repaid_usd, 100e6);
}

// ---------------------------------------------------------------------------
// (12) Opex /y spread over time; one-off items on their date.
TEST(EngineRules, OpexAndOtherItems) {
  for (const auto& step : kSteps) {
    SCOPED_TRACE(step);
    // year: 365d, 240 h: staff 8.76M USD/y → 8.76M × 240/8,760 = 240,000.
    // rent 8.76M USD/y only from 2024-01-03 to 2024-01-05 (48 h) → 48,000.
    // A one-off opex of 1,000 USD on 2024-01-02; other −500,000 USD on 2024-01-05.
    const Results r = run_yaml(with_step(R"(
name: opex
time: {start: 2024-01-01, end: 2024-01-11, step: STEP, year: 365d}
sites: [{name: s}]
finance:
  opex:
    - {name: staff, amount: 8.76M USD/y}
    - {name: rent, amount: 8.76M USD/y, start: 2024-01-03, end: 2024-01-05}
    - {name: audit, amount: 1000 USD, at: 2024-01-02}
  other: [{name: writedown, amount: -500000 USD, at: 2024-01-05}]
)", step));
    EXPECT_REL(r.summary.opex_usd, 240000.0 + 48000.0 + 1000.0);
    EXPECT_REL(r.summary.other_usd, -500000.0);
    const Eigen::Index k = step == "1h" ? 4 * 24 : 4;
    EXPECT_REL(r.series.other_usd[k], -500000.0);
    EXPECT_REL(r.summary.net_income_usd, -(289000.0 + 500000.0));
    EXPECT_REL(r.summary.ebitda_usd, -289000.0);
  }
  // Calendar 2024 (8,784 h): 8.784M USD/y over 240 h = 240,000.
  const Results c = run_yaml(R"(
name: opex calendar
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s}]
finance:
  opex: [{name: staff, amount: 8.784M USD/y}]
)");
  EXPECT_REL(c.summary.opex_usd, 240000.0);
}

// ---------------------------------------------------------------------------
// (13) Tax on each calendar year's positive pre-tax income only.
TEST(EngineRules, TaxOnPositiveYearlyIncomeOnly) {
  // Z0 GPUs draw and cost nothing. 2023: revenue 100 × 8,760 × 1 = 876,000, opex 438,000
  // → +438,000. 2024: no revenue (contract ends 2024-01-01), opex 438,000 → −438,000.
  // Tax 25% of 2023 only = 109,500, charged in 2023's last step; net = 0 − 109,500.
  const Results r = run_yaml(R"(
name: tax
time: {start: 2023-01-01, end: 2025-01-01, step: 1d}
sites: [{name: s}]
fleet: [{name: p, gpu: Z0, site: s, count: 100}]
contracts: [{name: C, pool: p, gpus: 100, price: 1 USD/gpu-h, end: 2024-01-01}]
finance:
  opex: [{name: staff, amount: 438000 USD/y}]
  tax_rate: 25%
)");
  EXPECT_REL(r.summary.revenue_usd, 876000.0);
  EXPECT_REL(r.summary.opex_usd, 876000.0);
  EXPECT_REL(r.summary.tax_usd, 109500.0);
  EXPECT_REL(r.series.tax_usd[364], 109500.0);  // 2023-12-31
  EXPECT_REL(r.summary.net_income_usd, -109500.0);
  // The contract running through 2024 too: 2023 +438,000; 2024 100 × 8,784 − 438,000 = +440,400;
  // tax 25% × (438,000 + 440,400) = 219,600.
  const Results both = run_yaml(R"(
name: tax both
time: {start: 2023-01-01, end: 2025-01-01, step: 1d}
sites: [{name: s}]
fleet: [{name: p, gpu: Z0, site: s, count: 100}]
contracts: [{name: C, pool: p, gpus: 100, price: 1 USD/gpu-h}]
finance:
  opex: [{name: staff, amount: 438000 USD/y}]
  tax_rate: 25%
)");
  EXPECT_REL(both.summary.tax_usd, 0.25 * (438000.0 + 440400.0));
}

// ---------------------------------------------------------------------------
// (14) count: fit — the most whole GPUs whose full-load draw fits the site's caps.
TEST(EngineRules, CountFit) {
  auto fitted = [](const std::string& site, const std::string& others) {
    const Results r = run_yaml(R"(
name: fit
time: {start: 2024-01-01, end: 2024-01-02}
sites: [)" + site + R"(]
fleet:
  - {name: f, gpu: T1, site: s, count: fit})" + others + "\n");
    return r.pools.front().fitted_count.value_or(-1);
  };
  // it_power_cap 1 MW / 1,300 W = 769.2 → 769.
  EXPECT_EQ(fitted("{name: s, it_power_cap: 1 MW}", ""), 769.0);
  // power_cap 1 MW at PUE 1.25 → 800 kW of IT / 1,300 W = 615.4 → 615.
  EXPECT_EQ(fitted("{name: s, power_cap: 1 MW, pue: 1.25}", ""), 615.0);
  // The tighter of the two: it cap 1 MW, power cap 1.2 MW at PUE 1.1 (1.09 MW IT) → 769.
  EXPECT_EQ(fitted("{name: s, it_power_cap: 1 MW, power_cap: 1.2 MW, pue: 1.1}", ""), 769.0);
  // Monthly PUE: the worst month counts (1.25) → 615.
  EXPECT_EQ(fitted("{name: s, power_cap: 1 MW, pue: [1.1, 1.25, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1]}", ""),
            615.0);
  // After another pool of 100 T1 (130 kW): 870 kW / 1,300 W = 669.2 → 669.
  EXPECT_EQ(fitted("{name: s, it_power_cap: 1 MW}", "\n  - {name: o, gpu: T1, site: s, count: 100}"), 669.0);
  // An exact fit: 1.3 MW / 1,300 W = 1,000.
  EXPECT_EQ(fitted("{name: s, it_power_cap: 1.3 MW}", ""), 1000.0);
  const Results r = run_yaml(R"(
name: fit installed
time: {start: 2024-01-01, end: 2024-01-02}
sites: [{name: s, it_power_cap: 1 MW}]
fleet: [{name: f, gpu: T1, site: s, count: fit}]
)");
  EXPECT_EQ(r.summary.installed_end, 769.0);
  EXPECT_REL(r.summary.gpu_hours_installed, 769.0 * 24);
}

// ---------------------------------------------------------------------------
// (15) A fleet over its site's cap is a ModelError naming the date and the excess.
TEST(EngineRules, OverCapIsAnErrorWithDateAndExcess) {
  // 800 T1 from 2024-01-05: 800 × 1,300 W = 1.040 MW over a 1 MW cap by 0.040 MW.
  try {
    run_yaml(R"(
name: over it cap
time: {start: 2024-01-01, end: 2024-01-10}
sites: [{name: dc, it_power_cap: 1 MW}]
fleet: [{name: p, gpu: T1, site: dc, count: 800, online: 2024-01-05}]
)");
    ADD_FAILURE() << "no ModelError";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.path(), "sites.dc.it_power_cap");
    const std::string what = e.what();
    EXPECT_NE(what.find("1.040 MW exceeds it_power_cap 1.000 MW by 0.040 MW on 2024-01-05"), std::string::npos)
        << what;
  }
  // Facility: 800 × 1,300 W × PUE 1.2 = 1.248 MW over a 1.2 MW grid cap by 0.048 MW.
  try {
    run_yaml(R"(
name: over power cap
time: {start: 2024-01-01, end: 2024-01-10}
sites: [{name: dc, power_cap: 1.2 MW, pue: 1.2}]
fleet: [{name: p, gpu: T1, site: dc, count: 800}]
)");
    ADD_FAILURE() << "no ModelError";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.path(), "sites.dc.power_cap");
    const std::string what = e.what();
    EXPECT_NE(what.find("1.248 MW exceeds power_cap 1.200 MW by 0.048 MW on 2024-01-01"), std::string::npos)
        << what;
  }
}

// Regression: the cap held on step averages, so a ramp peaking inside a day passed
// at 1 d steps and failed at 1 h. 0 → 1,000 T1 (1.3 MW) at 2024-01-05T12:00 → 0 a
// day later: its daily average is 500 GPUs (0.65 MW), its hour before the peak
// averages 958 GPUs (1.246 MW). The cap is on the instantaneous load, so both
// step sizes refuse it, naming the first step over the cap and its peak: at 1 d,
// 2024-01-05 and the 1.300 MW peak; at 1 h, 09:00–10:00, reaching 1,000 × 10/12
// = 833.3 GPUs × 1,300 W = 1.083 MW at its end.
TEST(EngineRules, CapHoldsAtEveryInstantNotOnStepAverages) {
  for (const auto& step : kSteps) {
    SCOPED_TRACE(step);
    const std::string expected = step == "1d" ? "1.300 MW exceeds it_power_cap 1.000 MW by 0.300 MW on 2024-01-05"
                                              : "1.083 MW exceeds it_power_cap 1.000 MW by 0.083 MW on 2024-01-05T09:00";
    try {
      run_yaml(with_step(R"(
name: spike
time: {start: 2024-01-01, end: 2024-01-10, step: STEP}
sites: [{name: dc, it_power_cap: 1 MW}]
fleet:
  - {name: p, gpu: T1, site: dc,
     ramp: [{at: 2024-01-05, count: 0}, {at: 2024-01-05T12:00, count: 1000}, {at: 2024-01-06, count: 0}]}
)", step));
      ADD_FAILURE() << "no ModelError";
    } catch (const ModelError& e) {
      EXPECT_EQ(e.path(), "sites.dc.it_power_cap");
      const std::string what = e.what();
      EXPECT_NE(what.find(expected), std::string::npos) << what;
    }
  }
  // Points on the cap are fine, and GPUs coming online exactly at the run's end
  // never count: 769 T1 (0.9997 MW) and 100 more at the end.
  const Results r = run_yaml(R"(
name: at the cap
time: {start: 2024-01-01, end: 2024-01-10, step: 1d}
sites: [{name: dc, it_power_cap: 1 MW}]
fleet:
  - {name: p, gpu: T1, site: dc, ramp: [{at: 2024-01-05, count: 0}, {at: 2024-01-05T12:00, count: 769}]}
  - {name: q, gpu: T1, site: dc, count: 100, online: 2024-01-10}
)");
  EXPECT_EQ(r.summary.installed_end, 769.0);
}

// ---------------------------------------------------------------------------
// (16) A contract's `value` gives its price: value / contracted GPU-hours.
TEST(EngineRules, ContractValueGivesPrice) {
  // 100 GPUs over the 240-h run: 24,000 GPU-h; 1M USD → 41.667 USD/gpu-h; revenue 1M.
  const Results r = run_yaml(R"(
name: value
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts: [{name: C, pool: p, gpus: 100, value: 1M USD}]
)");
  EXPECT_REL(r.contracts[0].price_usd_per_gpu_hour, 1e6 / 24000);
  EXPECT_REL(r.summary.revenue_usd, 1e6);
  // A term of 30 d reaching past the 10-day run: price = 1M / (100 × 720) and the run
  // earns a third of it: 333,333.33.
  const Results t = run_yaml(R"(
name: value term
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts: [{name: C, pool: p, gpus: 100, value: 1M USD, term: 30d}]
)");
  EXPECT_REL(t.contracts[0].price_usd_per_gpu_hour, 1e6 / 72000);
  EXPECT_REL(t.summary.revenue_usd, 1e6 / 3);
  // gpu_hours 12,000 for 60,000 USD → 5 USD/gpu-h.
  const Results h = run_yaml(R"(
name: value gpu-hours
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts: [{name: C, pool: p, gpu_hours: 12000 gpu-h, value: 60000 USD}]
)");
  EXPECT_REL(h.contracts[0].price_usd_per_gpu_hour, 5.0);
  EXPECT_REL(h.summary.revenue_usd, 60000.0);
  EXPECT_REL(h.summary.gpu_hours_billed, 12000.0);
}

// ---------------------------------------------------------------------------
// (17) year: 365d versus the calendar.
TEST(EngineRules, YearConvention) {
  // Calendar: 2024 lasts 8,784 h; a 1y run from 2024-01-01 is 8,784 steps.
  // 100 GPUs: 878,400 GPU-h. 1M USD/y opex over it: 1M.
  const Results c = run_yaml(R"(
name: calendar year
time: {start: 2024-01-01, duration: 1y}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
finance: {opex: [{name: staff, amount: 1M USD/y}]}
)");
  EXPECT_EQ(c.summary.hours, 8784.0);
  EXPECT_EQ(c.summary.steps, 8784);
  EXPECT_REL(c.summary.gpu_hours_installed, 878400.0);
  EXPECT_REL(c.summary.opex_usd, 1e6);
  // year: 365d: 1y is 8,760 h (the run ends 2024-12-31); 876,000 GPU-h; opex 1M.
  const Results d = run_yaml(R"(
name: 365d year
time: {start: 2024-01-01, duration: 1y, year: 365d}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
finance: {opex: [{name: staff, amount: 1M USD/y}]}
)");
  EXPECT_EQ(d.summary.hours, 8760.0);
  EXPECT_REL(d.summary.gpu_hours_installed, 876000.0);
  EXPECT_REL(d.summary.opex_usd, 1e6);
  // A calendar run over the whole of 2024 at 1M USD/y for 2023-07-01 → 2024-07-01 only:
  // 2024's share is 4,368/8,784 of 1M.
  const Results w = run_yaml(R"(
name: calendar window
time: {start: 2024-01-01, end: 2025-01-01, step: 1d}
sites: [{name: s}]
finance: {opex: [{name: staff, amount: 1M USD/y, start: 2023-07-01, end: 2024-07-01}]}
)");
  EXPECT_REL(w.summary.opex_usd, 1e6 * 4368 / 8784);
}

// ---------------------------------------------------------------------------
// (18) Goal-seek: a monotone target is hit; an unreachable one is a clear error.
TEST(EngineRules, SolveMonotoneAndUnreachable) {
  // 100 GPUs × 240 h = 24,000 GPU-h; revenue 1M needs a price of 41.666… USD/gpu-h.
  const Results r = run_yaml(R"(
name: solve price
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts: [{name: C, pool: p, gpus: 100, price: 10 USD/gpu-h}]
solve: {vary: contracts.C.price, target: finance.revenue_usd, equals: 1M}
)");
  ASSERT_TRUE(r.solve);
  EXPECT_NEAR(r.solve->value, 1e6 / 24000, 1e-8 * (1e6 / 24000));
  EXPECT_NEAR(r.summary.revenue_usd, 1e6, 1e-8 * 1e6);
  // Billed utilization cannot pass 100%: no contract size in 0..100 GPUs reaches 150%.
  try {
    run_yaml(R"(
name: solve unreachable
time: {start: 2024-01-01, end: 2024-01-11}
sites: [{name: s}]
fleet: [{name: p, gpu: T1, site: s, count: 100}]
contracts: [{name: C, pool: p, gpus: 50, price: 1 USD/gpu-h}]
solve: {vary: contracts.C.gpus, target: utilization.billed, equals: 150%, low: 0, high: 100}
)");
    ADD_FAILURE() << "no ModelError";
  } catch (const ModelError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.path(), "solve.target");
    EXPECT_NE(what.find("no value of contracts.C.gpus from 0"), std::string::npos) << what;
    EXPECT_NE(what.find("to 100"), std::string::npos) << what;
    EXPECT_NE(what.find("utilization.billed equal 1.5"), std::string::npos) << what;
    // It says what the target did over the range: utilization 0 to 1, i.e. 1.5 short to 0.5 short.
    EXPECT_NE(what.find("goes from -1.5 to -0.5"), std::string::npos) << what;
  }
}

// The same scenario at 1 h and 1 d steps gives the same totals (ramps of pools
// and contracts, a mid-day online, failures, colocation without a cap).
TEST(EngineRules, HourlyAndDailyStepsAgree) {
  const std::string text = R"(
name: steps agree
time: {start: 2024-01-01, end: 2024-04-01, step: STEP}
sites: [{name: s, pue: [1.2, 1.4, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3], colocation: 100 USD/kW/month}]
fleet:
  - {name: a, gpu: T1, site: s, afr: 5%, ramp: [{at: 2024-01-05, count: 100}, {at: 2024-02-10T07:00, count: 400}]}
  - {name: b, gpu: H100-SXM, site: s, count: 50, online: 2024-01-20T13:00}
contracts:
  - {name: R, pool: a, gpus: [{at: 2024-01-06, count: 10}, {at: 2024-03-01, count: 90}], price: 2 USD/gpu-h, activity: 70%}
demand:
  - {name: OD, pool: b, gpus: 20, price: 3 USD/gpu-h, start: 2024-02-01, activity: 50%}
finance:
  opex: [{name: staff, amount: 1M USD/y}]
  debt: [{name: loan, principal: 5M USD, rate: 8%, term: 3y, amortization: annuity}]
)";
  const Results h = run_yaml(with_step(text, "1h"));
  const Results d = run_yaml(with_step(text, "1d"));
  const auto hs = flatten_scalars(summary_json(h));
  const auto ds = flatten_scalars(summary_json(d));
  ASSERT_EQ(hs.size(), ds.size());
  for (std::size_t i = 0; i < hs.size(); ++i) {
    const std::string& name = hs[i].first;
    // Peaks (and ratios to the peak) depend on the step: a day's average hides its peak hour.
    if (name.find("peak") != std::string::npos || name.find("per_gw") != std::string::npos ||
        name.find("step") != std::string::npos || name == "finance.min_cumulative_cash_usd")
      continue;
    EXPECT_NEAR(hs[i].second, ds[i].second, 1e-9 * std::max({1.0, std::fabs(hs[i].second), std::fabs(ds[i].second)}))
        << name;
  }
}

// Runs of one time span share its grid (EngineOptions::grid: a goal-seek's
// trials, a sweep's points, a Monte Carlo's runs). A grid of the run's own span
// gives the results the run gets alone; a grid of another span (a longer run,
// daily steps, the calendar's years) is not used: the run makes its own.
TEST(EngineRules, ARunUsesASharedGridOnlyForItsOwnTimeSpan) {
  const std::string file = GPUSIM_SOURCE_DIR "/scenarios/articles/coreweave-2024-utilization.yaml";
  const ScenarioSpec spec = load_scenario(file, {}).spec;
  for (const EngineKind engine : {EngineKind::step, EngineKind::segment}) {
    EngineOptions options;
    options.engine = engine;
    const std::string alone = summary_json(run_scenario(spec, options)).dump();
    options.grid = time_grid(spec.time);
    EXPECT_EQ(summary_json(run_scenario(spec, options)).dump(), alone);
    for (const char* other : {"time.duration=400d", "time.step=1d", "time.year=calendar"}) {
      SCOPED_TRACE(other);
      options.grid = time_grid(load_scenario(file, {other}).spec.time);
      EXPECT_EQ(summary_json(run_scenario(spec, options)).dump(), alone);
    }
  }
}

}  // namespace
}  // namespace gpusim
