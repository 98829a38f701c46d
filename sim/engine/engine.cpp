// run_scenario: the time grid, then the stages in order (stages.hpp lists them
// with their files and docs/model.md sections).
#include "sim/engine/engine.hpp"

#include <algorithm>
#include <cmath>

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
double total(const ArrayXd& a) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const double* p = a.data();
  const Index n = a.size(), whole = n - n % 8;
  for (Index i = 0; i < whole; i += 8)
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

void add_runs(const std::vector<Run>& runs, ArrayXd& out) {
  if (runs.empty()) return;
  const Index n = out.size();
  ArrayXd jump = ArrayXd::Zero(n + 1), slope = ArrayXd::Zero(n + 1);
  std::vector<int> active(static_cast<std::size_t>(n) + 1, 0);
  for (const Run& r : runs) {
    jump[r.k0] += r.a;
    slope[r.k0] += r.b;
    jump[r.k1] -= r.a + r.b * static_cast<double>(r.k1 - r.k0);
    slope[r.k1] -= r.b;
    ++active[static_cast<std::size_t>(r.k0)];
    --active[static_cast<std::size_t>(r.k1)];
  }
  double level = 0.0, rate = 0.0;
  int count = 0;
  for (Index k = 0; k < n; ++k) {
    count += active[static_cast<std::size_t>(k)];
    rate += slope[k];
    level += jump[k];
    if (count == 0) level = rate = 0.0;
    out[k] += level;
    level += rate;
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
  CivilDate d{};
  for (Index k = 0; k < g.n; ++k) {
    const HourStamp h = g.start + k * g.dt;
    // The date changes at most once a day: convert only then.
    if (k == 0 || g.dt >= 24 || ((h % 24) + 24) % 24 == 0) d = civil_from_hours(h);
    g.month[static_cast<std::size_t>(k)] = d.month;
    g.year_of[static_cast<std::size_t>(k)] = d.year;
    g.year_hours[k] = t.year == YearConvention::days365 ? 8760.0 : (is_leap_year(d.year) ? 8784.0 : 8760.0);
    g.month_hours[k] = t.year == YearConvention::days365 ? 730.0 : 24.0 * days_in_month(d.year, d.month);
  }
  return g;
}

}  // namespace stages

Results run_scenario(const ScenarioSpec& s, const EngineOptions& options) {
  using namespace stages;
  const Grid g = make_grid(s.time);
  Results r;
  r.scenario = s.name;
  r.time = s.time;
  r.series.resize(g.n);

  const SiteSeries sites = site_series(s, g);
  r.segment_engine = options.engine == EngineKind::segment && segment_engine_fallback(s).empty();
  std::vector<Pool> pools = fleet_stage(s, g, options, r.segment_engine, r);
  check_site_caps(s, pools, g, sites.pue);
  const ContractPlan plan = build_contracts(s, pools, options);
  const Allocation allocation = r.segment_engine ? segment_allocation_stage(g, pools, plan, r)
                                                 : allocation_stage(s, g, options, pools, plan, r);
  const EnergyTotals energy = power_energy_stage(s, g, pools, sites, r);
  money_stage(s, g, pools, plan, allocation, energy, r);
  summary_stage(s, g, plan, allocation.results, energy, r);
  return r;
}

}  // namespace gpusim
