// run_scenario: the time grid, then the stages in order (stages.hpp lists them
// with their files and docs/model.md sections).
#include "sim/engine/engine.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "sim/engine/stages.hpp"

namespace gpusim {

using Eigen::ArrayXd;
using Eigen::Index;

void StepSeries::resize(Index n) {
  for (ArrayXd* a : {&installed_gpus, &available_gpus, &contracted_gpus, &billed_gpu_hours,
                     &busy_gpu_hours, &shortfall_gpu_hours, &unserved_gpu_hours, &it_power_w,
                     &facility_power_w, &it_energy_wh, &facility_energy_wh, &revenue_usd,
                     &energy_cost_usd, &colocation_usd, &opex_usd, &depreciation_usd, &interest_usd,
                     &other_usd, &tax_usd, &capex_usd, &debt_drawn_usd, &debt_repaid_usd, &prepayment_usd,
                     &prepayment_applied_usd, &prepayment_refund_usd, &deferred_revenue_usd, &ppa_energy_wh,
                     &energy_cost_ppa_usd, &energy_cost_grid_usd, &co2_kg}) {
    a->setZero(n);
  }
}

ArrayXd StepSeries::operating_income_usd() const {
  return revenue_usd - energy_cost_usd - colocation_usd - opex_usd - depreciation_usd;
}

ArrayXd StepSeries::net_income_usd() const {
  return operating_income_usd() - interest_usd + other_usd - tax_usd;
}

ArrayXd StepSeries::cash_flow_usd() const {
  return revenue_usd - energy_cost_usd - colocation_usd - opex_usd - interest_usd + other_usd -
         tax_usd - capex_usd + debt_drawn_usd - debt_repaid_usd + prepayment_usd - prepayment_applied_usd -
         prepayment_refund_usd;
}

namespace stages {

// Eight running sums: twice as fast as Eigen's sum() here.
double total(const ArrayXd& a, Index zero_before) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const double* p = a.data();
  const Index n = a.size(), whole = n - n % 8;
  // From the block of eight holding zero_before: each running sum meets the
  // same values in the same order (0 + 0 + … + x is x).
  for (Index i = std::min(zero_before - zero_before % 8, whole); i < whole; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += p[i + j];
  double tail = 0.0;
  for (Index i = whole; i < n; ++i) tail += p[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

std::pair<Index, Index> Grid::range(double a, double b) const {
  const double s = static_cast<double>(start);
  const Index first = std::clamp<Index>(static_cast<Index>(std::floor((a - s) / dt)), 0, n);
  const Index last = std::clamp<Index>(static_cast<Index>(std::ceil((b - s) / dt)), 0, n);
  return {first, std::max(first, last)};
}

double runs_total(const std::vector<Run>& runs) {
  double sum = 0.0;
  for (const Run& r : runs) sum += r.sum();
  return sum;
}

void cut_at(const Grid& g, double t, std::vector<Index>& cuts) {
  const double k = std::floor((t - static_cast<double>(g.start)) / g.dt);
  if (k < -1.0 || k > static_cast<double>(g.n)) return;
  cuts.push_back(static_cast<Index>(k));
  cuts.push_back(static_cast<Index>(k) + 1);
}

void close_cuts(std::vector<Index>& cuts, Index lo, Index hi) {
  for (Index& k : cuts) k = std::clamp(k, lo, hi);
  cuts.push_back(lo);
  cuts.push_back(hi);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
}

void add_scaled(const std::vector<Run>& from, double f, std::vector<Run>& to) {
  for (const Run& r : from) to.push_back(r.times(f));
}

Index Segments::of(Index k) const {
  if (count() == cut.back()) return k;  // every step a segment
  return static_cast<Index>(std::upper_bound(cut.begin(), cut.end(), k) - cut.begin()) - 1;
}

Segments segments_between(std::vector<Index> cuts, Index n) {
  Segments s;
  if (static_cast<Index>(cuts.size()) > n / 4) {
    // Many cuts: marked on the steps, faster than sorting them.
    std::vector<char> marked(static_cast<std::size_t>(n) + 1, 0);
    for (Index k : cuts) marked[static_cast<std::size_t>(std::clamp<Index>(k, 0, n))] = 1;
    marked[0] = marked[static_cast<std::size_t>(n)] = 1;
    cuts.clear();
    for (Index k = 0; k <= n; ++k)
      if (marked[static_cast<std::size_t>(k)]) cuts.push_back(k);
  } else {
    close_cuts(cuts, 0, n);
  }
  if (n == 0) cuts = {0};
  s.cut = std::move(cuts);
  s.len.resize(static_cast<Index>(s.cut.size()) - 1);
  for (Index i = 0; i < s.len.size(); ++i) s.len[i] = static_cast<double>(s.cut[static_cast<std::size_t>(i) + 1] - s.cut[static_cast<std::size_t>(i)]);
  return s;
}

double SegSeries::total(const Segments& s) const {
  if (s.count() == s.cut.back()) return stages::total(a);  // every step a segment
  const ArrayXd per_segment = sums(s);
  return stages::total(per_segment);
}

double SegSeries::largest(const Segments& s) const {
  if (a.size() == 0) return 0.0;
  return std::max(a.maxCoeff(), at_last(s).maxCoeff());
}

ArrayXd SegSeries::per_step(const Segments& s) && {
  if (s.count() == s.cut.back()) return std::move(a);  // every step a segment
  return static_cast<const SegSeries&>(*this).per_step(s);
}

ArrayXd SegSeries::per_step(const Segments& s) const& {
  if (s.count() == s.cut.back()) return a;  // every step a segment
  ArrayXd out(s.cut.back());
  for (Index i = 0; i < s.count(); ++i)
    for (Index k = s.k0(i); k <= s.last(i); ++k) out[k] = a[i] + b[i] * static_cast<double>(k - s.k0(i));
  return out;
}

Segments every_step(Index n) {
  Segments s;
  s.cut.resize(static_cast<std::size_t>(n) + 1);
  for (Index k = 0; k <= n; ++k) s.cut[static_cast<std::size_t>(k)] = k;
  s.len = ArrayXd::Ones(n);
  return s;
}

SegSeries zero_series(const Segments& s) { return {ArrayXd::Zero(s.count()), ArrayXd::Zero(s.count())}; }

namespace {

// Σ runs on the segments: each segment's level into a (added to it, sized to
// the segments, with add_to_a), its slope into b (when not null); both sized to
// the segments and every value written.
void add_up_runs(const Segments& s, const std::vector<Run>& runs, ArrayXd& a, ArrayXd* b, bool add_to_a = false) {
  // A run adds a to the level and b to the slope at its first segment, and
  // takes them off at the segment after its last; where no run is active the
  // level is 0 exactly (no rounding left over from runs that ended).
  const Index m = s.count();
  struct Change {
    double jump = 0.0, slope = 0.0;
    int active = 0;
  };
  // The changes where runs start and end, each segment's added up in the order
  // of the runs: one per segment, or, with few runs for the segments, only
  // those of the segments where a run starts or ends (in order of segments).
  const bool sparse = static_cast<Index>(runs.size()) * 8 < m;
  std::vector<Change> at;
  std::vector<std::pair<Index, std::size_t>> order;  // (segment, the run's start 2j or end 2j + 1)
  std::vector<Index> where;                          // sparse: the segment of each change
  if (sparse) order.reserve(2 * runs.size());
  else at.resize(static_cast<std::size_t>(m) + 1);
  for (std::size_t j = 0; j < runs.size(); ++j) {
    const Run& r = runs[j];
    const Index i0 = s.of(r.k0), i1 = r.k1 >= s.cut.back() ? m : s.of(r.k1);
    if (sparse) {
      order.emplace_back(i0, 2 * j);
      order.emplace_back(i1, 2 * j + 1);
      continue;
    }
    Change& first = at[static_cast<std::size_t>(i0)];
    Change& after = at[static_cast<std::size_t>(i1)];
    first.jump += r.a;
    first.slope += r.b;
    after.jump -= r.a + r.b * static_cast<double>(r.k1 - r.k0);
    after.slope -= r.b;
    ++first.active;
    --after.active;
  }
  if (sparse) {
    std::sort(order.begin(), order.end());
    for (const auto& [i, e] : order) {
      if (where.empty() || where.back() != i) {
        where.push_back(i);
        at.emplace_back();
      }
      const Run& r = runs[e / 2];
      Change& c = at.back();
      if (e % 2 == 0) {
        c.jump += r.a;
        c.slope += r.b;
        ++c.active;
      } else {
        c.jump -= r.a + r.b * static_cast<double>(r.k1 - r.k0);
        c.slope -= r.b;
        --c.active;
      }
    }
  }
  if (!add_to_a) a.resize(m);
  if (b) b->resize(m);
  double level = 0.0, rate = 0.0;
  int count = 0;
  // Segments [from, to), each with its change (changes[i − from]) or none.
  auto walk = [&](Index from, Index to, const Change* changes) {
    double l = level, r = rate;  // (kept in registers)
    int n = count;
    for (Index i = from; i < to; ++i) {
      if (changes) {
        const Change& c = changes[i - from];
        n += c.active;
        r += c.slope;
        l += c.jump;
        if (n == 0) l = r = 0.0;
      }
      if (add_to_a) a[i] += l;
      else a[i] = l;
      if (b) (*b)[i] = r;
      l += r * s.len[i];
    }
    level = l;
    rate = r;
    count = n;
  };
  if (!sparse) return walk(0, m, at.data());
  // Segments with no change add 0 to the level and the slope, which leaves
  // them as they are (neither is ever −0): where the slope is 0, one level.
  auto unchanged = [&](Index from, Index to) {
    if (rate != 0.0) return walk(from, to, nullptr);
    if (add_to_a && count == 0) return;  // adds 0 (add_levels_on)
    if (add_to_a) a.segment(from, to - from) += level;
    else a.segment(from, to - from).setConstant(level);
    if (b) b->segment(from, to - from).setZero();
  };
  Index i = 0;
  for (std::size_t j = 0; j < where.size() && where[j] < m; ++j) {
    unchanged(i, where[j]);
    walk(where[j], where[j] + 1, &at[j]);
    i = where[j] + 1;
  }
  unchanged(i, m);
}

}  // namespace

SegSeries runs_on(const Segments& s, const std::vector<Run>& runs) {
  if (runs.empty()) return zero_series(s);
  SegSeries out;
  add_up_runs(s, runs, out.a, &out.b);
  return out;
}

ArrayXd levels_on(const Segments& s, const std::vector<Run>& runs) {
  if (runs.empty()) return ArrayXd::Zero(s.count());
  ArrayXd a;
  add_up_runs(s, runs, a, nullptr);
  return a;
}

void add_levels_on(const Segments& s, const std::vector<Run>& runs, ArrayXd& a) {
  add_up_runs(s, runs, a, nullptr, true);
}

SegSeries steps_on(const Segments& s, const ArrayXd& per_step) { return {per_step, ArrayXd::Zero(s.count())}; }

void add_steps(const ArrayXd& values, Index k0, std::vector<Run>& to) {
  for (Index i = 0; i < values.size(); ++i)
    if (values[i] != 0.0) to.push_back({k0 + i, k0 + i + 1, values[i], 0.0});
}

SegSeries Flows::operating_income_usd() const {
  return {revenue_usd.a - energy_cost_usd.a - colocation_usd.a - opex_usd.a - depreciation_usd.a,
          revenue_usd.b - energy_cost_usd.b - colocation_usd.b - opex_usd.b - depreciation_usd.b};
}

ArrayXd Flows::annuity_sums(const Segments& seg, const Grid& g, DebtBetween what) const {
  ArrayXd out = ArrayXd::Zero(seg.count());
  if (annuities.empty()) return out;
  // The segments' bounds: each ends where the next starts.
  std::vector<double> bounds(static_cast<std::size_t>(seg.count()) + 1);
  for (Index i = 0; i < seg.count(); ++i) bounds[static_cast<std::size_t>(i)] = g.t0(seg.k0(i));
  if (seg.count() > 0) bounds.back() = g.t1(seg.last(seg.count() - 1));
  for (const DebtModel& d : annuities) (d.*what)(bounds, out.data());
  return out;
}

SegSeries Flows::cash_flow_usd(const Segments& seg) const {
  auto flow = [&](ArrayXd SegSeries::*x) -> ArrayXd {
    return revenue_usd.*x + other_usd.*x + debt_drawn_usd.*x + prepayment_usd.*x - energy_cost_usd.*x -
           colocation_usd.*x - opex_usd.*x - interest_usd.*x - tax_usd.*x - capex_usd.*x - debt_repaid_usd.*x -
           prepayment_applied_usd.*x - prepayment_refund_usd.*x;
  };
  SegSeries out{flow(&SegSeries::a), flow(&SegSeries::b)};
  if (!annuities.empty())
    out.a -= (annuity_interest_usd + annuity_repaid_usd) / seg.len;
  return out;
}

void materialise(const Segments& seg, const Grid& g, Flows&& f, StepSeries& ts) {
  using S = SegSeries Flows::*;
  using A = ArrayXd StepSeries::*;
  const std::pair<A, S> members[] = {
      {&StepSeries::installed_gpus, &Flows::installed_gpus}, {&StepSeries::available_gpus, &Flows::available_gpus},
      {&StepSeries::contracted_gpus, &Flows::contracted_gpus}, {&StepSeries::billed_gpu_hours, &Flows::billed_gpu_hours},
      {&StepSeries::busy_gpu_hours, &Flows::busy_gpu_hours}, {&StepSeries::shortfall_gpu_hours, &Flows::shortfall_gpu_hours},
      {&StepSeries::unserved_gpu_hours, &Flows::unserved_gpu_hours}, {&StepSeries::it_power_w, &Flows::it_power_w},
      {&StepSeries::facility_power_w, &Flows::facility_power_w}, {&StepSeries::revenue_usd, &Flows::revenue_usd},
      {&StepSeries::energy_cost_usd, &Flows::energy_cost_usd}, {&StepSeries::colocation_usd, &Flows::colocation_usd},
      {&StepSeries::opex_usd, &Flows::opex_usd}, {&StepSeries::depreciation_usd, &Flows::depreciation_usd},
      {&StepSeries::interest_usd, &Flows::interest_usd}, {&StepSeries::other_usd, &Flows::other_usd},
      {&StepSeries::tax_usd, &Flows::tax_usd}, {&StepSeries::capex_usd, &Flows::capex_usd},
      {&StepSeries::debt_drawn_usd, &Flows::debt_drawn_usd}, {&StepSeries::debt_repaid_usd, &Flows::debt_repaid_usd},
      {&StepSeries::prepayment_usd, &Flows::prepayment_usd},
      {&StepSeries::prepayment_applied_usd, &Flows::prepayment_applied_usd},
      {&StepSeries::prepayment_refund_usd, &Flows::prepayment_refund_usd}, {&StepSeries::ppa_energy_wh, &Flows::ppa_energy_wh},
      {&StepSeries::energy_cost_ppa_usd, &Flows::energy_cost_ppa_usd},
      {&StepSeries::energy_cost_grid_usd, &Flows::energy_cost_grid_usd}, {&StepSeries::co2_kg, &Flows::co2_kg}};
  for (const auto& [array, series] : members) ts.*array = std::move(f.*series).per_step(seg);
  if (!f.annuities.empty()) {
    // Each step's interest_between and repaid_between, a bound's balance formed once.
    std::vector<double> bounds(static_cast<std::size_t>(g.n) + 1);
    for (Index k = 0; k <= g.n; ++k) bounds[static_cast<std::size_t>(k)] = g.t0(k);
    for (const DebtModel& d : f.annuities) {
      d.add_interest_between(bounds, ts.interest_usd.data());
      d.add_repaid_between(bounds, ts.debt_repaid_usd.data());
    }
  }
  ts.it_energy_wh = ts.it_power_w * g.dt;
  ts.facility_energy_wh = ts.facility_power_w * g.dt;
  ts.co2_known = f.co2_known;
  // The deferred-revenue balance at each step's end: the opening balance plus what came in less what went out.
  ts.deferred_revenue_usd.resize(g.n);
  double running = f.opening_deferred_usd;
  for (Index k = 0; k < g.n; ++k) {
    running += ts.prepayment_usd[k] - ts.prepayment_applied_usd[k] - ts.prepayment_refund_usd[k];
    ts.deferred_revenue_usd[k] = running;
  }
}

Grid make_grid(const TimeSpec& t) {
  Grid g;
  g.start = t.start;
  g.dt = t.step_hours;
  g.n = (t.end - t.start) / t.step_hours;
  g.year = t.year;
  g.month.resize(static_cast<std::size_t>(g.n));
  g.year_of.resize(static_cast<std::size_t>(g.n));
  g.year_hours.resize(g.n);
  g.month_hours.resize(g.n);
  // Each step takes the calendar of its first hour: filled a month at a time,
  // the steps whose first hour falls in that month (steps are 1 h or 1 d, so a
  // month's steps are a contiguous range).
  const CivilDate first = civil_from_hours(g.start);
  int year = first.year, month = first.month;
  for (Index k = 0; k < g.n;) {
    const int next_year = month == 12 ? year + 1 : year, next_month = month == 12 ? 1 : month + 1;
    const HourStamp next = to_hours({next_year, next_month, 1, 0});
    const Index end = std::min<Index>(g.n, (next - g.start + g.dt - 1) / g.dt);  // first step from `next`
    const auto a = static_cast<std::ptrdiff_t>(k), b = static_cast<std::ptrdiff_t>(end);
    std::fill(g.month.begin() + a, g.month.begin() + b, month);
    std::fill(g.year_of.begin() + a, g.year_of.begin() + b, year);
    const double year_hours = t.year == YearConvention::days365 ? 8760.0 : (is_leap_year(year) ? 8784.0 : 8760.0);
    if (k > 0) g.month_starts.push_back(k);
    if (k > 0 && year_hours != g.year_hours[k - 1]) g.year_hours_changes.push_back(k);
    g.year_hours.segment(k, end - k).setConstant(year_hours);
    g.month_hours.segment(k, end - k)
        .setConstant(t.year == YearConvention::days365 ? 730.0 : 24.0 * days_in_month(year, month));
    k = end;
    year = next_year;
    month = next_month;
  }
  return g;
}

}  // namespace stages

namespace {

using namespace stages;

void add_run_ends(const std::vector<Run>& runs, std::vector<Index>& cuts) {
  for (const Run& r : runs) {
    cuts.push_back(r.k0);
    cuts.push_back(r.k1);
  }
}

// The calendar's cuts: each month's first step (monthly cash flows, monthly
// PUE, the month's length) and each calendar year's last step on its own (tax;
// years and their lengths), from the grid's months (make_grid).
void calendar_cuts(const Grid& g, std::vector<Index>& cuts) {
  cuts.push_back(g.n - 1);
  for (const Index k : g.month_starts) {
    cuts.push_back(k);
    if (g.month[static_cast<std::size_t>(k)] == 1) cuts.push_back(k - 1);  // a year's last step
  }
}

// Whether a pool is kept per step (drawn failures or demand noise): then every
// step is a segment of its own.
bool any_per_step(const std::vector<Pool>& pools) {
  return std::any_of(pools.begin(), pools.end(), [](const Pool& p) { return !p.on_runs(); });
}

// The segment engine's segments: every run's ends (pools, allocation, money)
// and every instant where an input of the power, energy and summary stages
// changes (docs/model.md "The segment engine").
Segments segment_grid(const ScenarioSpec& s, const Grid& g, const SiteSeries& sites, const std::vector<Pool>& pools,
                      const Allocation& allocation, const MoneyRuns& money) {
  if (any_per_step(pools)) return every_step(g.n);
  std::vector<Index> cuts;
  for (const Pool& p : pools) {
    cuts.insert(cuts.end(), p.cuts.begin(), p.cuts.end());
    add_run_ends(p.busy_runs, cuts);
    if (!p.power.linear())  // its IT power step by step
      for (Index k = 0; k < g.n; ++k) cuts.push_back(k);
  }
  for (const auto* runs : {&allocation.contracted_gpus, &allocation.billed_gpu_hours, &allocation.busy_gpu_hours,
                           &allocation.shortfall_gpu_hours, &allocation.unserved_gpu_hours, &allocation.revenue_usd,
                           &money.opex_usd, &money.other_usd, &money.interest_usd, &money.capex_usd,
                           &money.depreciation_usd, &money.debt_drawn_usd, &money.debt_repaid_usd, &money.prepayment_usd,
                           &money.prepayment_applied_usd, &money.prepayment_refund_usd})
    add_run_ends(*runs, cuts);
  cuts.insert(cuts.end(), money.cuts.begin(), money.cuts.end());
  power_energy_cuts(s, g, sites, cuts);
  calendar_cuts(g, cuts);
  return segments_between(std::move(cuts), g.n);
}


// The allocation's ladder and revenue on the segments: from its runs, or from
// the per-step series the step engine wrote.
void allocation_flows(const Segments& seg, const Allocation& allocation, const StepSeries& ts, Flows& f) {
  using S = SegSeries Flows::*;
  using R = std::vector<Run> Allocation::*;
  using A = ArrayXd StepSeries::*;
  using P = ArrayXd Allocation::*;
  const std::tuple<S, R, A, P> items[] = {
      {&Flows::contracted_gpus, &Allocation::contracted_gpus, &StepSeries::contracted_gpus, &Allocation::contracted_steps},
      {&Flows::billed_gpu_hours, &Allocation::billed_gpu_hours, &StepSeries::billed_gpu_hours, &Allocation::billed_steps},
      {&Flows::busy_gpu_hours, &Allocation::busy_gpu_hours, &StepSeries::busy_gpu_hours, &Allocation::busy_steps},
      {&Flows::shortfall_gpu_hours, &Allocation::shortfall_gpu_hours, &StepSeries::shortfall_gpu_hours,
       &Allocation::shortfall_steps},
      {&Flows::unserved_gpu_hours, &Allocation::unserved_gpu_hours, &StepSeries::unserved_gpu_hours,
       &Allocation::unserved_steps},
      {&Flows::revenue_usd, &Allocation::revenue_usd, &StepSeries::revenue_usd, &Allocation::revenue_steps}};
  for (const auto& [flow, runs, steps, own_steps] : items) {
    f.*flow = allocation.on_runs ? runs_on(seg, allocation.*runs) : steps_on(seg, ts.*steps);
    // Per step where a pool is kept per step: its cuts make every step a segment.
    if ((allocation.*own_steps).size()) f.*flow += steps_on(seg, allocation.*own_steps);
  }
}

}  // namespace

std::shared_ptr<const Grid> time_grid(const TimeSpec& time) { return std::make_shared<const Grid>(make_grid(time)); }

Results run_scenario(const ScenarioSpec& s, const EngineOptions& options) {
  const std::shared_ptr<const Grid> grid =
      options.grid && options.grid->start == s.time.start && options.grid->dt == s.time.step_hours &&
              options.grid->end() == static_cast<double>(s.time.end) && options.grid->year == s.time.year
          ? options.grid
          : time_grid(s.time);
  const Grid& g = *grid;
  Results r;
  r.scenario = s.name;
  r.time = s.time;
  r.segment_engine = options.engine == EngineKind::segment;
  if (!r.segment_engine) r.series.resize(g.n);  // the step engine's allocation writes its ladder there

  const SiteSeries sites = site_series(s, g);
  std::vector<Pool> pools = fleet_stage(s, g, options, r.segment_engine, r);
  check_site_caps(s, pools, g, sites);
  const ContractPlan plan = build_contracts(s, pools, options);
  Allocation allocation = r.segment_engine ? segment_allocation_stage(s, g, options, pools, plan, r)
                                                 : allocation_stage(s, g, options, pools, plan, r);
  // The segments: every step (the step engine), or the cuts of every input.
  // Warrants vest on segments where each site's full load is linear (the pools' cuts).
  Segments seg;
  MoneyRuns money;
  if (r.segment_engine) {
    std::vector<Index> pool_cuts;
    for (const Pool& p : pools) pool_cuts.insert(pool_cuts.end(), p.cuts.begin(), p.cuts.end());
    money = money_runs(s, g, any_per_step(pools) ? every_step(g.n) : segments_between(std::move(pool_cuts), g.n), pools,
                       plan, allocation, r);
    seg = segment_grid(s, g, sites, pools, allocation, money);
  } else {
    seg = every_step(g.n);
    money = money_runs(s, g, seg, pools, plan, allocation, r);
  }
  Flows flows;
  fleet_flows(seg, pools, flows);
  allocation_flows(seg, allocation, r.series, flows);
  const EnergyTotals energy = power_energy_stage(s, g, seg, pools, sites, flows, r);
  money_stage(s, g, seg, money, flows);
  summary_stage(s, g, seg, plan, std::move(allocation.results), energy, flows, r, options.irr);
  if (options.series) materialise(seg, g, std::move(flows), r.series);
  else r.series = StepSeries{};
  return r;
}

}  // namespace gpusim
