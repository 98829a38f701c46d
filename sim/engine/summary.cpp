// The summary stage (docs/model.md "Income statement and cash", "Years and
// ratios", "NPV, IRR, payback"): customers and contracts in file order, the
// run's totals, ratios, and the discounted cash measures on monthly flows.
#include <algorithm>
#include <cmath>
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

// Monthly cash flows for discounting, and the lowest cumulative cash over the steps.
struct MonthlyCash {
  Leg at_middle, at_end;
  double min_cumulative = 0.0;
};
MonthlyCash monthly_cash(const ArrayXd& cash, const Grid& g, double run_start, YearConvention year) {
  MonthlyCash out;
  double cumulative = 0.0, lowest = 0.0;
  const double* flow = cash.data();
  for (Index k = 0; k < g.n;) {
    Index j = k + 1;
    while (j < g.n && g.month[static_cast<std::size_t>(j)] == g.month[static_cast<std::size_t>(k)]) ++j;
    double sum = 0.0, running = cumulative;
    for (Index i = k; i < j; ++i) {
      running += flow[i];
      lowest = running < lowest ? running : lowest;
    }
    sum = running - cumulative;
    cumulative = running;
    const double mid = 0.5 * (g.t0(k) + g.t0(j));
    out.at_middle.push_back({years_between(run_start, mid, year), sum});
    out.at_end.push_back({years_between(run_start, g.t0(j), year), sum});
    k = j;
  }
  out.min_cumulative = lowest;
  return out;
}

}  // namespace

void summary_stage(const ScenarioSpec& s, const Grid& g, const ContractPlan& plan,
                   const std::vector<ContractResult>& contract_results, const EnergyTotals& energy, Results& r) {
  const StepSeries& ts = r.series;
  const double run_start = g.t0(0), run_end = g.end();
  const double server_wh = energy.server_wh;
  // Customers, in order of first appearance in the file.
  // (A name → index table: a campus of 2,000 contracts and customers is not 4M comparisons.)
  std::unordered_map<std::string_view, std::size_t> customer_index;
  for (const auto* list : {&s.contracts, &s.demand})
    for (const auto& c : *list)
      if (customer_index.try_emplace(c.customer, r.customers.size()).second) r.customers.push_back({c.customer});
  const double total_revenue = total(ts.revenue_usd);
  // Each contract's GPU-hours and revenue to its customer, in contract order.
  for (const auto& cr : contract_results) {
    CustomerResult& cu = r.customers[customer_index.at(cr.customer)];
    cu.gpu_hours += cr.billed_gpu_hours;
    cu.revenue_usd += cr.revenue_usd;
  }
  for (CustomerResult& cu : r.customers) cu.revenue_share = total_revenue > 0 ? cu.revenue_usd / total_revenue : 0.0;
  // Contract results in file order (contracts, then demand), not allocation order.
  std::unordered_map<const ContractSpec*, std::size_t> result_of;
  for (const ContractRun& run : plan.runs)
    if (!run.is_renewal) result_of.emplace(run.spec, run.result);
  for (const auto* list : {&s.contracts, &s.demand})
    for (const auto& c : *list)
      if (const auto it = result_of.find(&c); it != result_of.end()) r.contracts.push_back(contract_results[it->second]);

  // Summary scalars.
  Summary& m = r.summary;
  m.hours = run_end - run_start;
  // Years: the run's hours in each calendar year ÷ that year's length (exact for whole years).
  for (Index k = 0; k < g.n;) {
    Index j = k;
    while (j < g.n && g.year_of[static_cast<std::size_t>(j)] == g.year_of[static_cast<std::size_t>(k)]) ++j;
    m.years += static_cast<double>((j - k) * g.dt) / g.year_hours[k];
    k = j;
  }
  m.steps = static_cast<long long>(g.n);
  m.gpu_hours_installed = total(ts.installed_gpus) * g.dt;
  m.gpu_hours_available = total(ts.available_gpus) * g.dt;
  m.gpu_hours_contracted = total(ts.contracted_gpus) * g.dt;
  m.gpu_hours_billed = total(ts.billed_gpu_hours);
  m.gpu_hours_busy = total(ts.busy_gpu_hours);
  m.shortfall_gpu_hours = total(ts.shortfall_gpu_hours);
  m.unserved_gpu_hours = total(ts.unserved_gpu_hours);
  m.installed_avg = m.gpu_hours_installed / m.hours;
  for (const auto& p : r.pools) m.installed_end += p.installed_end;
  auto share = [&](double x) { return m.gpu_hours_installed > 0 ? x / m.gpu_hours_installed : 0.0; };
  m.utilization_available = share(m.gpu_hours_available);
  m.utilization_contracted = share(m.gpu_hours_contracted);
  m.utilization_billed = share(m.gpu_hours_billed);
  m.utilization_busy = share(m.gpu_hours_busy);
  m.it_kwh = total(ts.it_energy_wh) / 1e3;
  m.facility_kwh = total(ts.facility_energy_wh) / 1e3;
  m.server_kwh = server_wh / 1e3;
  m.gpu_kwh = m.it_kwh - m.server_kwh;
  m.cooling_and_losses_kwh = m.facility_kwh - m.it_kwh;
  m.it_avg_mw = m.it_kwh * 1e3 / m.hours / 1e6;
  m.facility_avg_mw = m.facility_kwh * 1e3 / m.hours / 1e6;
  m.it_peak_mw = g.n ? ts.it_power_w.maxCoeff() / 1e6 : 0.0;
  m.facility_peak_mw = g.n ? ts.facility_power_w.maxCoeff() / 1e6 : 0.0;
  m.energy_cost_usd = total(ts.energy_cost_usd);
  m.energy_ppa_cost_usd = total(ts.energy_cost_ppa_usd);
  m.energy_grid_cost_usd = total(ts.energy_cost_grid_usd);
  m.ppa_kwh = total(ts.ppa_energy_wh) / 1e3;
  m.grid_kwh = m.facility_kwh - m.ppa_kwh;
  if (ts.co2_known) {
    const double co2_kg = total(ts.co2_kg);
    m.co2_tonnes = co2_kg / 1e3;
    if (m.gpu_hours_billed > 0) m.co2_kg_per_gpu_hour = co2_kg / m.gpu_hours_billed;
  }
  m.revenue_usd = total_revenue;
  m.colocation_usd = total(ts.colocation_usd);
  m.opex_usd = total(ts.opex_usd);
  m.depreciation_usd = total(ts.depreciation_usd);
  m.operating_income_usd = m.revenue_usd - m.energy_cost_usd - m.colocation_usd - m.opex_usd - m.depreciation_usd;
  m.interest_usd = total(ts.interest_usd);
  m.other_usd = total(ts.other_usd);
  m.tax_usd = total(ts.tax_usd);
  m.net_income_usd = m.operating_income_usd - m.interest_usd + m.other_usd - m.tax_usd;
  m.ebitda_usd = m.operating_income_usd + m.depreciation_usd;
  m.capex_usd = total(ts.capex_usd);
  m.capex_net_of_warrants_usd = m.capex_usd - m.warrants_usd;
  for (const auto& p : r.pools) m.book_value_end_usd += p.book_value_end_usd;
  for (const auto& a : r.assets) m.book_value_end_usd += a.book_value_end_usd;
  if (s.finance.terminal_value == TerminalValue::book) m.terminal_value_usd = m.book_value_end_usd;
  m.debt_drawn_usd = total(ts.debt_drawn_usd);
  m.debt_repaid_usd = total(ts.debt_repaid_usd);
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
    for (Index k = 0; k < g.n;) {
      const int y = g.year_of[static_cast<std::size_t>(k)];
      Index j = k;
      double sum = 0.0;
      while (j < g.n && g.year_of[static_cast<std::size_t>(j)] == y) sum += ts.revenue_usd[j++];
      const double year_start = static_cast<double>(to_hours({y, 1, 1, 0}));
      const double year_end = static_cast<double>(to_hours({y + 1, 1, 1, 0}));
      if (g.t0(k) == year_start && g.t0(j) == year_end) full_years.emplace_back(y, sum);
      k = j;
    }
    if (full_years.size() >= 2 && full_years.front().second > 0 && full_years.back().second > 0) {
      const double span = full_years.back().first - full_years.front().first;
      m.revenue_growth_per_year = std::pow(full_years.back().second / full_years.front().second, 1.0 / span) - 1.0;
    }
  }
  // Cash flows by calendar month, each discounted from the middle of its month.
  const ArrayXd cash = ts.cash_flow_usd();
  m.cash_flow_usd = total(cash);
  MonthlyCash monthly = monthly_cash(cash, g, run_start, s.time.year);
  m.npv_without_terminal_value_usd = npv(monthly.at_middle, s.finance.discount_rate);
  // The terminal value: an inflow in the last month, for NPV, IRR and payback only.
  if (m.terminal_value_usd != 0 && !monthly.at_middle.empty()) {
    monthly.at_middle.back().amount += m.terminal_value_usd;
    monthly.at_end.back().amount += m.terminal_value_usd;
  }
  m.min_cumulative_cash_usd = monthly.min_cumulative;
  m.npv_usd = npv(monthly.at_middle, s.finance.discount_rate);
  m.irr = irr(monthly.at_middle);
  m.payback_years = payback_years(monthly.at_end, 0.0);
}

}  // namespace gpusim::stages
