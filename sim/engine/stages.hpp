// Internal to sim/engine: the time grid and the state the engine's stages share.
//
// run_scenario (engine.cpp) calls the stages in order, each in its own file and
// each matching a section of docs/model.md:
//   fleet.cpp         GPUs installed and available, count: fit, purchases
//   allocation.cpp    contracts and demand, allocation (the utilization ladder)
//   power_energy.cpp  power, site caps, energy and tariffs, colocation
//   money.cpp         capex and depreciation, opex and other items, debt, tax
//   summary.cpp       customers, years and ratios, NPV, IRR, payback
// Nothing outside sim/engine/ includes this header.
#pragma once

#include <Eigen/Core>

#include <string>
#include <utility>
#include <vector>

#include "models/power.hpp"
#include "models/scenario.hpp"
#include "models/schedule.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/results.hpp"

namespace gpusim::stages {

using Eigen::ArrayXd;
using Eigen::Index;

// Σ a, in a fixed order with eight running sums (the same on every machine and
// thread count).
double total(const ArrayXd& a);

// The run's steps: step k covers [t0(k), t1(k)) hours since 1970.
struct Grid {
  HourStamp start = 0;
  int dt = 1;
  Index n = 0;
  YearConvention year = YearConvention::calendar;
  std::vector<int> month;          // 1..12 per step
  std::vector<int> year_of;        // calendar year per step
  ArrayXd year_hours;              // denominator of "/y" rates per step
  ArrayXd month_hours;             // denominator of "/month" rates per step

  double t0(Index k) const { return static_cast<double>(start + k * dt); }
  double t1(Index k) const { return static_cast<double>(start + (k + 1) * dt); }
  double end() const { return t0(n); }
  // Steps overlapping [a, b): [first, last).
  std::pair<Index, Index> range(double a, double b) const;
};

Grid make_grid(const TimeSpec& t);

// ---- Fleet (fleet.cpp; model.md "GPUs installed and available") ----

struct Pool {
  const FleetSpec* spec = nullptr;
  const GpuModelSpec* gpu = nullptr;
  std::size_t site = 0;
  CountCurve curve;
  PowerModel power;
  double repair_hours = 0.0;
  double capex_per_gpu = 0.0;          // capex, or capex_total ÷ the largest count
  std::vector<Purchase> purchases;     // GPUs entering service (purchases_of(curve))
  ArrayXd installed, available, busy;  // per step, GPUs (averages)
  double down_share(double year_hours) const {
    return std::min(1.0, spec->afr * repair_hours / year_hours);
  }
};

double max_pue(const SiteSpec& site);
CountCurve curve_of(const CountSchedule& s, double from);
// The count as written and in GPUs, for the table and JSON.
CountAsWritten count_as_written(const CountSchedule& s);

// Every pool's installed and available GPUs and its purchases; adds the
// installed and available series and one PoolResult per pool (in file order) to r.
std::vector<Pool> fleet_stage(const ScenarioSpec& s, const Grid& g, const EngineOptions& options, Results& r);

// ---- Allocation (allocation.cpp; model.md "Contracts and demand", "Allocation") ----

struct ContractRun {
  const ContractSpec* spec = nullptr;
  const char* list = "contracts";
  std::size_t pool = 0;
  double start = 0, end = 0;  // window, hours (a renewal: the renewed term)
  double bill_end = 0;        // billing stops here: end, or terminate.at
  CountCurve curve;           // gpus as a curve (constant or ramp); unused for gpu_hours/all
  double rate_gpus = 0;       // gpu_hours spread evenly: GPUs
  double price = 0;           // USD per GPU-hour (first-year price under escalation)
  double window_gpu_hours = 0;  // GPU-hours over the whole window (a price from `value`)
  double escalation = 0;      // per year, stepping up on each anniversary of start
  std::vector<double> anniversaries;  // start + 1y, + 2y, … before end (escalation only)
  double scale = 1.0;         // a renewal: its probability (expected), or 0/1 drawn under a seed
  bool is_renewal = false;
  std::size_t result = 0;     // index of its ContractResult (a renewal adds to its contract's)
  double value_usd = 0;       // value at full delivery (with a prepayment)
  double prepayment_usd = 0;  // P
  double opening_deferred_usd = 0;  // a contract that started before the run: P not yet applied at its start

  // The price multiplier averaged over [a, b) (escalation steps, or the price decline at the middle).
  double price_factor(double a, double b, double year_hours) const;
};

// The contracts and demand in allocation order (reserved, on-demand, spot; a
// renewal right after its contract), and how many ContractResults they fill.
struct ContractPlan {
  std::vector<ContractRun> runs;
  std::size_t results = 0;
};
ContractPlan build_contracts(const ScenarioSpec& s, const std::vector<Pool>& pools, const EngineOptions& options);

// GPUs the contract asks for, averaged over step k (before its renewal's scale).
double desired_at(const ContractRun& c, const Pool& pool, const Grid& g, Index k);
// A contract's ContractResult before allocation: its names, window, price, terms.
void start_contract_result(const ContractRun& c, const Grid& g, ContractResult& cr);
// Whether its price changes from step to step (a decline or an escalation), and
// the price of step k: a decline at the step's middle, an escalation averaged
// over the step's part of the window.
bool varying_price(const ContractRun& c);
double step_price(const ContractRun& c, const Grid& g, Index k);

// What allocation leaves for the money stage: each run's revenue over its steps
// [first_step, first_step + revenue.size()) (kept only for prepaid contracts).
struct Billing {
  Index first_step = 0;
  ArrayXd revenue;
};
struct Allocation {
  std::vector<ContractResult> results;  // one per contract, in allocation order
  std::vector<Billing> billing;         // one per run
};

// Allocates each pool's available GPUs to the contracts in order; adds the
// ladder and revenue series to r and each pool's busy GPUs.
Allocation allocation_stage(const ScenarioSpec& s, const Grid& g, const EngineOptions& options,
                            std::vector<Pool>& pools, const ContractPlan& plan, Results& r);

// The segment engine's allocation (segment_allocation.cpp; docs/model.md
// "The segment engine"): the same results as allocation_stage, worked out on
// runs of steps over which every demand and what is left of every pool change
// linearly. Needs pools' available GPUs that are expected values (no drawn
// failures) and demand without noise: segment_engine_fallback says why not.
Allocation segment_allocation_stage(const Grid& g, std::vector<Pool>& pools, const ContractPlan& plan, Results& r);

// ---- Power and energy (power_energy.cpp; model.md "Power" to "Colocation") ----

struct SiteSeries {
  std::vector<ArrayXd> pue, price;  // per site, per step
  std::vector<ArrayXd> carbon;      // per site, per step, kg/Wh (empty: the site has none)
};
SiteSeries site_series(const ScenarioSpec& s, const Grid& g);

// Throws ModelError when a site's full-load power exceeds its caps.
void check_site_caps(const ScenarioSpec& s, const std::vector<Pool>& pools, const Grid& g,
                     const std::vector<ArrayXd>& pue);

struct EnergyTotals {
  double server_wh = 0.0;  // Σ available × overhead × step: the servers' share of IT energy
  std::vector<ArrayXd> site_full_load_w;  // per site: installed GPUs × (tdp + overhead), step averages
};
// Power, energy, energy cost and colocation per site and step.
EnergyTotals power_energy_stage(const ScenarioSpec& s, const Grid& g, const std::vector<Pool>& pools,
                                const SiteSeries& sites, Results& r);

// ---- Money (money.cpp; model.md "Capex and depreciation" to "Tax") ----

// Capex and depreciation of pools and assets, opex, other items, debt,
// termination fees, warrants, prepayments, then tax.
void money_stage(const ScenarioSpec& s, const Grid& g, const std::vector<Pool>& pools, const ContractPlan& plan,
                 const Allocation& allocation, const EnergyTotals& energy, Results& r);

// ---- Summary (summary.cpp; model.md "Years and ratios", "NPV, IRR, payback") ----

// Customers and contracts in file order, then every summary scalar.
void summary_stage(const ScenarioSpec& s, const Grid& g, const ContractPlan& plan,
                   const std::vector<ContractResult>& contract_results, const EnergyTotals& energy, Results& r);

}  // namespace gpusim::stages
