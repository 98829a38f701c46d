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

#include "models/finance.hpp"
#include "models/power.hpp"
#include "models/scenario.hpp"
#include "models/schedule.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/results.hpp"

namespace gpusim::stages {

using Eigen::ArrayXd;
using Eigen::Index;

// Σ a, in a fixed order with eight running sums (the same on every machine and
// thread count). Given `zero_before`, a's steps before it are all 0 and are not
// read: the same sum, bit for bit (each running sum starts after 0s it would add).
double total(const ArrayXd& a, Index zero_before = 0);

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
  std::vector<Index> year_hours_changes;  // each k with year_hours[k] ≠ year_hours[k − 1]
  std::vector<Index> month_starts;        // each k > 0 whose month differs from step k − 1's

  double t0(Index k) const { return static_cast<double>(start + k * dt); }
  double t1(Index k) const { return static_cast<double>(start + (k + 1) * dt); }
  double end() const { return t0(n); }
  // Steps overlapping [a, b): [first, last).
  std::pair<Index, Index> range(double a, double b) const;
};

Grid make_grid(const TimeSpec& t);

// ---- Runs (engine.cpp; model.md "The segment engine") ----

// A per-step quantity over steps [k0, k1) that changes linearly: a + b (k − k0).
// A run of several steps is linear in time, so within each step it rises by
// s = b; a run of one step rises by s within it, or is not linear there
// (`shaped`: allocation keeps its shape within the step aside, within_step.hpp).
struct Run {
  Index k0 = 0, k1 = 0;
  double a = 0.0, b = 0.0, s = 0.0;
  bool shaped = false;
  // (A constructor, not an aggregate: emplace_back builds a Run in place.)
  constexpr Run(Index first = 0, Index end = 0, double level = 0.0, double slope = 0.0, double rise = 0.0,
                bool not_linear = false)
      : k0(first), k1(end), a(level), b(slope), s(rise), shaped(not_linear) {}
  double at(Index k) const { return a + b * static_cast<double>(k - k0); }
  Run part(Index from, Index to) const { return {from, to, at(from), b, s, shaped}; }
  double last() const { return at(k1 - 1); }
  double sum() const {  // Σ over its steps
    const double len = static_cast<double>(k1 - k0);
    return len * a + b * len * (len - 1.0) * 0.5;
  }
  Run times(double f) const { return {k0, k1, a * f, b * f, s * f}; }
  bool zero() const { return a == 0.0 && b == 0.0; }
};

// Appends r to runs, built where it goes (a Run just made and copied whole to
// its place reads its fields back in wider loads than they were written with,
// which stalls the copy; inlined, r is never made whole).
[[gnu::always_inline]] inline void push_run(std::vector<Run>& runs, const Run& r) {
  runs.emplace_back(r.k0, r.k1, r.a, r.b, r.s, r.shaped);
}

// Σ of every run's steps.
double runs_total(const std::vector<Run>& runs);
// The step holding instant t, and the next: the step holding t is a run of its own.
void cut_at(const Grid& g, double t, std::vector<Index>& cuts);
// Cuts sorted, unique and clamped to [lo, hi], with lo and hi.
void close_cuts(std::vector<Index>& cuts, Index lo, Index hi);
// Runs of f between consecutive cuts (f is linear in k between them); a run of
// one step rises by rise(k) within it, or is shaped where rise(k) says it is not linear.
// (Into out, which it clears first.)
template <class F, class R>
void runs_of(const std::vector<Index>& cuts, F f, R rise, std::vector<Run>& out) {
  out.clear();
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const Index p = cuts[i], q = cuts[i + 1];
    const double a = f(p);
    if (q - p >= 2) {
      const double b = (f(q - 1) - a) / static_cast<double>(q - 1 - p);
      push_run(out, {p, q, a, b, b});
      continue;
    }
    double s = 0.0;
    const bool linear = rise(p, s);
    push_run(out, {p, q, a, 0.0, linear ? s : 0.0, !linear});
  }
}
template <class F, class R>
std::vector<Run> runs_of(const std::vector<Index>& cuts, F f, R rise) {
  std::vector<Run> out;
  runs_of(cuts, f, rise, out);
  return out;
}
// The same where only the step values matter (power, money: no rise within a step).
template <class F>
std::vector<Run> runs_of(const std::vector<Index>& cuts, F f) {
  return runs_of(cuts, f, [](Index, double&) { return true; });
}
// Appends each run of `from` times f to `to`.
void add_scaled(const std::vector<Run>& from, double f, std::vector<Run>& to);

// ---- Segments (engine.cpp; model.md "The segment engine") ----

// The steps the power, money and summary stages work on, in segments
// [cut[i], cut[i + 1]) over each of which every per-step quantity they use is
// linear in k. The step engine: every step a segment of its own.
struct Segments {
  std::vector<Index> cut;  // 0 = cut[0] < … < cut[m] = n
  ArrayXd len;             // steps per segment
  Index count() const { return static_cast<Index>(len.size()); }
  Index k0(Index i) const { return cut[static_cast<std::size_t>(i)]; }
  Index last(Index i) const { return cut[static_cast<std::size_t>(i) + 1] - 1; }
  // The segment holding step k.
  Index of(Index k) const;
};
// Every step a segment of its own (the step engine).
Segments every_step(Index n);
// Segments between the cuts (sorted or not, duplicates allowed), with 0 and n.
Segments segments_between(std::vector<Index> cuts, Index n);

// A per-step quantity on segments: its value at each segment's first step (a)
// and its change per step (b).
struct SegSeries {
  ArrayXd a, b;
  SegSeries times(const ArrayXd& f) const { return {a * f, b * f}; }
  SegSeries times(double f) const { return {a * f, b * f}; }
  SegSeries& operator+=(const SegSeries& o) {
    a += o.a;
    b += o.b;
    return *this;
  }
  ArrayXd at_last(const Segments& s) const { return a + b * (s.len - 1.0); }  // at each segment's last step
  ArrayXd sums(const Segments& s) const { return s.len * a + b * s.len * (s.len - 1.0) * 0.5; }  // over each segment
  double total(const Segments& s) const;     // over every step
  double largest(const Segments& s) const;   // the largest step value (0 without steps)
  ArrayXd per_step(const Segments& s) const&;  // one value per step
  ArrayXd per_step(const Segments& s) &&;      // the same, `a` moved out when every step is a segment
};
SegSeries zero_series(const Segments& s);
// Σ runs on the segments (each run's ends are cuts).
SegSeries runs_on(const Segments& s, const std::vector<Run>& runs);
// runs_on(s, runs).a alone.
ArrayXd levels_on(const Segments& s, const std::vector<Run>& runs);
// a += levels_on(s, runs), in place (a[i] + level: the same sums); a holds
// no −0, so where no run is active it is left as it is.
void add_levels_on(const Segments& s, const std::vector<Run>& runs, ArrayXd& a);
// A per-step array on the step engine's segments (one per step).
SegSeries steps_on(const Segments& s, const ArrayXd& per_step);
// Runs of one step each from a per-step array (zeros left out), from step k0 on.
void add_steps(const ArrayXd& values, Index k0, std::vector<Run>& to);
// Steps where v changes: each k with v[k] ≠ v[k − 1].
template <class V>
void cut_changes(const V& v, Index n, std::vector<Index>& cuts) {
  for (Index k = 1; k < n; ++k)
    if (v[static_cast<std::size_t>(k)] != v[static_cast<std::size_t>(k - 1)]) cuts.push_back(k);
}

// The StepSeries's members on segments (power, energy, money); the run's
// per-step series are materialised from them only when asked for.
struct Flows {
  SegSeries installed_gpus, available_gpus, contracted_gpus, billed_gpu_hours, busy_gpu_hours, shortfall_gpu_hours,
      unserved_gpu_hours, it_power_w, facility_power_w, revenue_usd, energy_cost_usd, colocation_usd, opex_usd,
      depreciation_usd, interest_usd, other_usd, tax_usd, capex_usd, debt_drawn_usd, debt_repaid_usd, prepayment_usd,
      prepayment_applied_usd, prepayment_refund_usd, ppa_energy_wh, energy_cost_ppa_usd, energy_cost_grid_usd, co2_kg;
  bool co2_known = false;
  double opening_deferred_usd = 0.0;  // prepayments received before the run, not yet applied at its start
  double closing_deferred_usd = 0.0;  // … and at its end
  // Annuity loans: interest_usd and debt_repaid_usd leave out their interest
  // and repayments (exponential in time); Σ over each segment in closed form.
  std::vector<DebtModel> annuities;
  using DebtBetween = void (DebtModel::*)(const std::vector<double>&, double*) const;  // add_…_between
  ArrayXd annuity_sums(const Segments& seg, const Grid& g, DebtBetween what) const;
  // annuity_sums of their interest and of their repayments on the run's
  // segments, worked out once (money_stage) for the stages that use them.
  ArrayXd annuity_interest_usd, annuity_repaid_usd;
  SegSeries operating_income_usd() const;
  // With the annuities' payments (interest + repaid: constant per step over
  // their term, whose first and last steps are segments of their own).
  SegSeries cash_flow_usd(const Segments& seg) const;
};
// The per-step series of r (r.series) from the flows, which it uses up (a
// flow's levels move over as they are when every step is a segment).
void materialise(const Segments& seg, const Grid& g, Flows&& f, StepSeries& ts);

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
  // The step engine: per step, GPUs (averages). The segment engine leaves them
  // empty and keeps runs instead: installed and available between the pool's
  // cuts (its curve's points, a change of the year's length when afr > 0), and
  // busy as allocation left it (one run per piece of a contract, overlapping);
  // except a pool it keeps per step (per_step_pool: drawn failures or demand
  // noise), which has the arrays and no cuts (every step is a segment then).
  ArrayXd installed, available, busy;
  // Kept per step: installed and available are 0 before this step (before its
  // first GPU), so passes over them start here.
  Index first_step = 0;
  // Kept per step: total() of installed and of available, formed in the fleet
  // stage while they are still in cache.
  double installed_sum = 0.0, available_sum = 0.0;
  std::vector<Index> cuts;
  std::vector<Run> installed_runs, available_runs, busy_runs;
  bool on_runs() const { return installed.size() == 0; }
  double down_share(double year_hours) const {
    return std::min(1.0, spec->afr * repair_hours / year_hours);
  }
  // Step k's average installed and available GPUs: from the arrays, else from
  // the curve (expected values: the share down is afr × repair ÷ year).
  double installed_at(const Grid& g, Index k) const;
  double available_at(const Grid& g, Index k) const;
};

double max_pue(const SiteSpec& site);
CountCurve curve_of(const CountSchedule& s, double from);
// The count as written and in GPUs, for the table and JSON.
CountAsWritten count_as_written(const CountSchedule& s);

// Every pool's installed and available GPUs (per step, or as runs when
// on_runs: the segment engine) and its purchases; adds one PoolResult per
// pool (in file order) to r.
std::vector<Pool> fleet_stage(const ScenarioSpec& s, const Grid& g, const EngineOptions& options, bool on_runs,
                              Results& r);
// The fleet's installed and available GPUs on the segments.
void fleet_flows(const Segments& seg, const std::vector<Pool>& pools, Flows& f);

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
  // Its ContractResult's index: its place in the file, contracts then demand
  // (a renewal adds to its contract's).
  std::size_t result = 0;
  std::size_t noise_stream = 0;  // its place among the contracts in allocation order: its demand noise's stream
  double value_usd = 0;       // value at full delivery (with a prepayment)
  double prepayment_usd = 0;  // P
  double opening_deferred_usd = 0;  // a contract that started before the run: P not yet applied at its start

  // The price multiplier averaged over [a, b) (escalation steps, or the price decline at the middle).
  double price_factor(double a, double b, double year_hours) const;
};

// The contracts and demand in allocation order (reserved, on-demand, spot; a
// renewal right after its contract), and how many ContractResults they fill
// (one per contract and demand item, in file order).
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
  // The segment engine's ladder and revenue as runs (the step engine writes
  // them per step into r.series instead).
  bool on_runs = false;
  std::vector<Run> contracted_gpus, billed_gpu_hours, busy_gpu_hours, shortfall_gpu_hours, unserved_gpu_hours,
      revenue_usd;
  // … plus, per step (empty, or one value per step), what contracts got on the
  // steps a pool kept per step gave them what was left or their demand was
  // drawn (the segments are then every step: the pool's cuts).
  ArrayXd contracted_steps, billed_steps, busy_steps, shortfall_steps, unserved_steps, revenue_steps;
};

// Allocates each pool's available GPUs to the contracts in order; adds the
// ladder and revenue series to r and each pool's busy GPUs.
Allocation allocation_stage(const ScenarioSpec& s, const Grid& g, const EngineOptions& options,
                            std::vector<Pool>& pools, const ContractPlan& plan, Results& r);

// Whether the segment engine keeps pool i (in file order) step by step, as
// the step engine does: under a seed, its failures are drawn (afr > 0) or a
// contract on it has demand noise (docs/model.md "The segment engine").
bool per_step_pool(const ScenarioSpec& s, std::size_t i);

// The segment engine's allocation (segment_allocation.cpp; docs/model.md
// "The segment engine"): the same results as allocation_stage, worked out on
// runs of steps over which every demand and what is left of every pool change
// linearly; against a pool kept per step, on ranges of steps by range queries
// (min, max, Σ), step by step only where a demand is drawn or not constant.
Allocation segment_allocation_stage(const ScenarioSpec& s, const Grid& g, const EngineOptions& options,
                                    std::vector<Pool>& pools, const ContractPlan& plan, Results& r);

// ---- Power and energy (power_energy.cpp; model.md "Power" to "Colocation") ----

struct SiteSeries {
  // Per site, per step; empty where the site's PUE is one number or its
  // tariff flat (the spec's number holds in every step).
  std::vector<ArrayXd> pue, price;
  std::vector<ArrayXd> carbon;      // per site, per step, kg/Wh (empty: the site has none)
  std::vector<std::vector<ArrayXd>> ppa_carbon;  // per site and PPA, per step, kg/Wh (empty: none of its own)
};
SiteSeries site_series(const ScenarioSpec& s, const Grid& g);

// Throws ModelError when a site's full-load power exceeds its caps.
void check_site_caps(const ScenarioSpec& s, const std::vector<Pool>& pools, const Grid& g,
                     const SiteSeries& sites);

// Each site's installed GPUs × (tdp + overhead) on the segments.
std::vector<SegSeries> site_full_load(const ScenarioSpec& s, const Segments& seg, const std::vector<Pool>& pools);

// Where the power and energy stage's inputs change: a site's PUE, price or
// carbon intensity, a PPA's start and end, the month's length (colocation).
void power_energy_cuts(const ScenarioSpec& s, const Grid& g, const SiteSeries& sites, std::vector<Index>& cuts);

struct EnergyTotals {
  double server_wh = 0.0;  // Σ available × overhead × step: the servers' share of IT energy
};
// Power, energy, energy cost and colocation per site on the segments.
EnergyTotals power_energy_stage(const ScenarioSpec& s, const Grid& g, const Segments& seg, const std::vector<Pool>& pools,
                                const SiteSeries& sites, Flows& f, Results& r);

// ---- Money (money.cpp; model.md "Capex and depreciation" to "Tax") ----

// The money items as runs, each linear between its own instants.
struct MoneyRuns {
  std::vector<Run> opex_usd, other_usd, interest_usd, capex_usd, depreciation_usd, debt_drawn_usd, debt_repaid_usd,
      prepayment_usd, prepayment_applied_usd, prepayment_refund_usd;
  std::vector<DebtModel> annuities;  // annuity loans' interest and repayments (not runs)
  std::vector<Index> cuts;           // the steps either side of an annuity's start and maturity
  double opening_deferred_usd = 0.0;  // prepayments received before the run, not yet applied at its start
  double closing_deferred_usd = 0.0;  // … and at its end
};
// Capex and depreciation of pools and assets, opex, other items, debt,
// termination fees, warrants (vesting on `seg`, on which each site's full load
// is linear) and prepayments; adds the pools', assets' and warrants' results to r.
MoneyRuns money_runs(const ScenarioSpec& s, const Grid& g, const Segments& seg, const std::vector<Pool>& pools,
                     const ContractPlan& plan, const Allocation& allocation, Results& r);
// The money items on the segments, then tax on each calendar year's pre-tax income.
void money_stage(const ScenarioSpec& s, const Grid& g, const Segments& seg, const MoneyRuns& money, Flows& f);

// ---- Summary (summary.cpp; model.md "Years and ratios", "NPV, IRR, payback") ----

// Customers and contracts in file order (the contract results moved to r), then every summary scalar.
void summary_stage(const ScenarioSpec& s, const Grid& g, const Segments& seg, const ContractPlan& plan,
                   std::vector<ContractResult>&& contract_results, const EnergyTotals& energy, const Flows& f,
                   Results& r, bool irr = true);

}  // namespace gpusim::stages
