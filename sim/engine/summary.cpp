// The summary stage (docs/model.md "Income statement and cash", "Years and
// ratios", "NPV, IRR, payback"): customers and contracts in file order, the
// run's totals, ratios, and the discounted cash measures on monthly flows.
#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>
#include <unordered_map>

#include "models/finance.hpp"
#include "sim/engine/stages.hpp"

namespace gpusim::stages {

namespace {

double years_between(double from_h, double to_h, YearConvention conv) {
  // Discounting clock: 8,760 h a year under 365d, else the mean Gregorian year.
  return (to_h - from_h) / (conv == YearConvention::days365 ? 8760.0 : 8765.82);
}

// Monthly cash flows for discounting, and the lowest cumulative cash over the
// steps. Month boundaries are cuts; within a segment the flow is a + b j at its
// j-th step, so the cumulative cash after it, C + (j + 1) a + b j (j + 1) ÷ 2,
// is lowest at the segment's first or last step or at the integers either side
// of j* = −a ÷ b − 1/2.
struct MonthlyCash {
  Leg at_middle, at_end;
  double min_cumulative = 0.0;
};
MonthlyCash monthly_cash(const SegSeries& cash, const Segments& seg, const Grid& g, double run_start, YearConvention year) {
  MonthlyCash out;
  double cumulative = 0.0, lowest = 0.0;
  const ArrayXd sums = cash.sums(seg);
  for (Index i = 0; i < seg.count();) {
    const Index k = seg.k0(i);
    Index e = i + 1;
    while (e < seg.count() && g.month[static_cast<std::size_t>(seg.k0(e))] == g.month[static_cast<std::size_t>(k)]) ++e;
    double running = cumulative;
    for (Index q = i; q < e; ++q) {
      const double a = cash.a[q], b = cash.b[q], len = seg.len[q];
      const auto after = [&](double j) { return running + (j + 1.0) * a + b * j * (j + 1.0) * 0.5; };
      double most_negative = std::min(after(0.0), after(len - 1.0));
      if (b != 0.0 && len > 2.0) {
        const double vertex = std::clamp(-a / b - 0.5, 0.0, len - 1.0);
        most_negative = std::min({most_negative, after(std::floor(vertex)), after(std::ceil(vertex))});
      }
      lowest = most_negative < lowest ? most_negative : lowest;
      running += sums[q];
    }
    const double sum = running - cumulative;
    cumulative = running;
    const Index j = e < seg.count() ? seg.k0(e) : g.n;
    const double mid = 0.5 * (g.t0(k) + g.t0(j));
    out.at_middle.push_back({years_between(run_start, mid, year), sum});
    out.at_end.push_back({years_between(run_start, g.t0(j), year), sum});
    i = e;
  }
  out.min_cumulative = lowest;
  return out;
}

}  // namespace

void summary_stage(const ScenarioSpec& s, const Grid& g, const Segments& seg, const ContractPlan& plan,
                   std::vector<ContractResult>&& contract_results, const EnergyTotals& energy, const Flows& f,
                   Results& r, bool irr) {
  const double run_start = g.t0(0), run_end = g.end();
  const double server_wh = energy.server_wh;
  // Customers, in order of first appearance in the file.
  // (A name → index table: a campus of 2,000 contracts and customers is not 4M comparisons.)
  std::unordered_map<std::string_view, std::size_t> customer_index;
  customer_index.reserve(s.contracts.size() + s.demand.size());
  for (const auto* list : {&s.contracts, &s.demand})
    for (const auto& c : *list)
      if (customer_index.try_emplace(c.customer, r.customers.size()).second) r.customers.push_back({c.customer});
  const double total_revenue = f.revenue_usd.total(seg);
  // Each contract's GPU-hours and revenue to its customer, in allocation order.
  for (const ContractRun& run : plan.runs) {
    if (run.is_renewal) continue;  // (its contract's result holds it)
    const ContractResult& cr = contract_results[run.result];
    CustomerResult& cu = r.customers[customer_index.at(cr.customer)];
    cu.gpu_hours += cr.billed_gpu_hours;
    cu.revenue_usd += cr.revenue_usd;
  }
  for (CustomerResult& cu : r.customers) cu.revenue_share = total_revenue > 0 ? cu.revenue_usd / total_revenue : 0.0;
  // Contract results in file order (contracts, then demand): as they are (build_contracts' result indices).
  if (r.contracts.empty()) r.contracts = std::move(contract_results);
  else r.contracts.insert(r.contracts.end(), std::make_move_iterator(contract_results.begin()),
                          std::make_move_iterator(contract_results.end()));

  // Summary scalars.
  Summary& m = r.summary;
  m.hours = run_end - run_start;
  // Years: the run's hours in each calendar year ÷ that year's length (exact for whole years).
  // (Year boundaries are cuts: each segment lies in one year.)
  for (Index i = 0; i < seg.count();) {
    const Index k = seg.k0(i);
    Index e = i, steps = 0;
    while (e < seg.count() && g.year_of[static_cast<std::size_t>(seg.k0(e))] == g.year_of[static_cast<std::size_t>(k)])
      steps += static_cast<Index>(seg.len[e++]);
    m.years += static_cast<double>(steps * g.dt) / g.year_hours[k];
    i = e;
  }
  m.steps = static_cast<long long>(g.n);
  m.deferred_revenue_end_usd = g.n ? f.closing_deferred_usd : 0.0;
  m.gpu_hours_installed = f.installed_gpus.total(seg) * g.dt;
  m.gpu_hours_available = f.available_gpus.total(seg) * g.dt;
  m.gpu_hours_contracted = f.contracted_gpus.total(seg) * g.dt;
  m.gpu_hours_billed = f.billed_gpu_hours.total(seg);
  m.gpu_hours_busy = f.busy_gpu_hours.total(seg);
  m.shortfall_gpu_hours = f.shortfall_gpu_hours.total(seg);
  m.unserved_gpu_hours = f.unserved_gpu_hours.total(seg);
  m.installed_avg = m.gpu_hours_installed / m.hours;
  for (const auto& p : r.pools) m.installed_end += p.installed_end;
  auto share = [&](double x) { return m.gpu_hours_installed > 0 ? x / m.gpu_hours_installed : 0.0; };
  m.utilization_available = share(m.gpu_hours_available);
  m.utilization_contracted = share(m.gpu_hours_contracted);
  m.utilization_billed = share(m.gpu_hours_billed);
  m.utilization_busy = share(m.gpu_hours_busy);
  m.it_kwh = f.it_power_w.total(seg) * g.dt / 1e3;
  m.facility_kwh = f.facility_power_w.total(seg) * g.dt / 1e3;
  m.server_kwh = server_wh / 1e3;
  m.gpu_kwh = m.it_kwh - m.server_kwh;
  m.cooling_and_losses_kwh = m.facility_kwh - m.it_kwh;
  m.it_avg_mw = m.it_kwh * 1e3 / m.hours / 1e6;
  m.facility_avg_mw = m.facility_kwh * 1e3 / m.hours / 1e6;
  m.it_peak_mw = f.it_power_w.largest(seg) / 1e6;
  m.facility_peak_mw = f.facility_power_w.largest(seg) / 1e6;
  m.energy_cost_usd = f.energy_cost_usd.total(seg);
  m.energy_ppa_cost_usd = f.energy_cost_ppa_usd.total(seg);
  m.energy_grid_cost_usd = f.energy_cost_grid_usd.total(seg);
  m.ppa_kwh = f.ppa_energy_wh.total(seg) / 1e3;
  m.grid_kwh = m.facility_kwh - m.ppa_kwh;
  if (f.co2_known) {
    const double co2_kg = f.co2_kg.total(seg);
    m.co2_tonnes = co2_kg / 1e3;
    if (m.gpu_hours_billed > 0) m.co2_kg_per_gpu_hour = co2_kg / m.gpu_hours_billed;
  }
  m.revenue_usd = total_revenue;
  m.colocation_usd = f.colocation_usd.total(seg);
  m.opex_usd = f.opex_usd.total(seg);
  m.depreciation_usd = f.depreciation_usd.total(seg);
  m.operating_income_usd = m.revenue_usd - m.energy_cost_usd - m.colocation_usd - m.opex_usd - m.depreciation_usd;
  m.interest_usd = f.interest_usd.total(seg) + total(f.annuity_interest_usd);
  m.other_usd = f.other_usd.total(seg);
  m.tax_usd = f.tax_usd.total(seg);
  m.net_income_usd = m.operating_income_usd - m.interest_usd + m.other_usd - m.tax_usd;
  m.ebitda_usd = m.operating_income_usd + m.depreciation_usd;
  m.capex_usd = f.capex_usd.total(seg);
  m.capex_net_of_warrants_usd = m.capex_usd - m.warrants_usd;
  for (const auto& p : r.pools) m.book_value_end_usd += p.book_value_end_usd;
  for (const auto& a : r.assets) m.book_value_end_usd += a.book_value_end_usd;
  if (s.finance.terminal_value == TerminalValue::book) m.terminal_value_usd = m.book_value_end_usd;
  m.debt_drawn_usd = f.debt_drawn_usd.total(seg);
  m.debt_repaid_usd = f.debt_repaid_usd.total(seg) + total(f.annuity_repaid_usd);
  m.debt_service_usd = m.interest_usd + m.debt_repaid_usd;
  if (m.revenue_usd != 0) {
    m.operating_margin = m.operating_income_usd / m.revenue_usd;
    m.net_margin = m.net_income_usd / m.revenue_usd;
  }
  if (m.gpu_hours_billed > 0) m.revenue_per_gpu_hour_usd = m.revenue_usd / m.gpu_hours_billed;
  if (m.years > 0) m.revenue_run_rate_usd = m.revenue_usd / m.years;
  if (m.facility_peak_mw > 0 && m.years > 0) m.revenue_per_gw_year_usd = m.revenue_usd / (m.facility_peak_mw / 1e3 * m.years);
  if (m.facility_peak_mw > 0) m.other_per_gw_usd = m.other_usd / (m.facility_peak_mw / 1e3);
  {
    // Revenue of each calendar year lying wholly inside the run.
    std::vector<std::pair<int, double>> full_years;
    const ArrayXd revenue = f.revenue_usd.sums(seg);
    for (Index i = 0; i < seg.count();) {
      const Index k = seg.k0(i);
      const int y = g.year_of[static_cast<std::size_t>(k)];
      Index e = i;
      double sum = 0.0;
      while (e < seg.count() && g.year_of[static_cast<std::size_t>(seg.k0(e))] == y) sum += revenue[e++];
      const Index j = e < seg.count() ? seg.k0(e) : g.n;
      const double year_start = static_cast<double>(to_hours({y, 1, 1, 0}));
      const double year_end = static_cast<double>(to_hours({y + 1, 1, 1, 0}));
      if (g.t0(k) == year_start && g.t0(j) == year_end) full_years.emplace_back(y, sum);
      i = e;
    }
    if (full_years.size() >= 2 && full_years.front().second > 0 && full_years.back().second > 0) {
      const double span = full_years.back().first - full_years.front().first;
      m.revenue_growth_per_year = std::pow(full_years.back().second / full_years.front().second, 1.0 / span) - 1.0;
    }
  }
  // Cash flows by calendar month, each discounted from the middle of its month.
  const SegSeries cash = f.cash_flow_usd(seg);
  m.cash_flow_usd = cash.total(seg);
  MonthlyCash monthly = monthly_cash(cash, seg, g, run_start, s.time.year);
  m.npv_without_terminal_value_usd = npv(monthly.at_middle, s.finance.discount_rate);
  // The terminal value: an inflow in the last month, for NPV, IRR and payback only.
  if (m.terminal_value_usd != 0 && !monthly.at_middle.empty()) {
    monthly.at_middle.back().amount += m.terminal_value_usd;
    monthly.at_end.back().amount += m.terminal_value_usd;
  }
  m.min_cumulative_cash_usd = monthly.min_cumulative;
  m.npv_usd = npv(monthly.at_middle, s.finance.discount_rate);
  if (irr) m.irr = gpusim::irr(monthly.at_middle);
  else r.irr_flows = monthly.at_middle;
  m.payback_years = payback_years(monthly.at_end, 0.0);
}

}  // namespace gpusim::stages

namespace gpusim {

void complete_irr(Results& r) {
  if (r.irr_flows.empty()) return;
  r.summary.irr = irr(r.irr_flows);
  r.irr_flows.clear();
}

}  // namespace gpusim
