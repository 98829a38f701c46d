// The money stage (docs/model.md "Capex and depreciation", "Opex and other
// items", "Debt", "Tax"): capex and depreciation of each pool's purchases, opex
// and other items, debt interest, draws and repayments, then tax on each
// calendar year's pre-tax income. Income statement and cash flow per step are
// StepSeries's derived series (engine.cpp).
#include <algorithm>
#include <cmath>

#include "models/finance.hpp"
#include "sim/engine/stages.hpp"

namespace gpusim::stages {

namespace {

double expense_between(const ExpenseSpec& e, const Grid& g, Index k, double run_start, double run_end) {
  if (e.amount) {
    const double at = static_cast<double>(*e.at);
    return (at >= g.t0(k) && at < g.t1(k)) ? e.amount->value : 0.0;
  }
  const double a = e.start ? static_cast<double>(*e.start) : run_start;
  const double b = e.end ? static_cast<double>(*e.end) : run_end;
  return e.rate->value * overlap(g.t0(k), g.t1(k), a, b) / g.year_hours[k];
}

// Capex in the step each GPU enters service, straight-line depreciation over `life`.
void capex_and_depreciation(const ScenarioSpec& s, const Grid& g, const std::vector<Pool>& pools, Results& r) {
  StepSeries& ts = r.series;
  const double run_start = g.t0(0), run_end = g.end();
  for (std::size_t i = 0; i < pools.size(); ++i) {
    const Pool& p = pools[i];
    PoolResult& pr = r.pools[i];
    const double capex_per_gpu = p.spec->capex.value;
    for (const Purchase& buy : p.purchases) {
      const double life_h = span_hours(static_cast<HourStamp>(std::floor(buy.start)), p.spec->life, s.time.year);
      const auto [k0, k1] = g.range(buy.start, buy.end + life_h + g.dt);
      if (buy.start == buy.end) {
        // All at once: capex in the step it enters service, then count × capex ÷ life
        // per hour for `life` hours (depreciated_between's jump case, inlined).
        const double rate = buy.count * capex_per_gpu / life_h;  // USD per hour
        const double dep_end = buy.start + life_h;
        double total = 0.0;  // a local sum: the compiler keeps it in a register
        for (Index k = k0; k < k1; ++k) {
          const double dep = rate * overlap(g.t0(k), g.t1(k), buy.start, dep_end);
          ts.depreciation_usd[k] += dep;
          total += dep;
        }
        pr.depreciation_usd += total;
        if (buy.start >= run_start && buy.start < run_end) {
          const Index k = static_cast<Index>(std::floor((buy.start - run_start) / g.dt));
          ts.capex_usd[k] += buy.count * capex_per_gpu;
          pr.capex_usd += buy.count * capex_per_gpu;
        }
        continue;
      }
      double capex_total = 0.0, dep_total = 0.0;
      for (Index k = k0; k < k1; ++k) {
        const double bought = purchased_between(buy, g.t0(k), g.t1(k)) * capex_per_gpu;
        const double dep = depreciated_between(buy, life_h, g.t0(k), g.t1(k)) * capex_per_gpu;
        ts.capex_usd[k] += bought;
        ts.depreciation_usd[k] += dep;
        capex_total += bought;
        dep_total += dep;
      }
      pr.capex_usd += capex_total;
      pr.depreciation_usd += dep_total;
      // A purchase at the very end of the run (e.g. at `end`) falls outside every step.
    }
  }
}

}  // namespace

void money_stage(const ScenarioSpec& s, const Grid& g, const std::vector<Pool>& pools, Results& r) {
  StepSeries& ts = r.series;
  const double run_start = g.t0(0), run_end = g.end();
  capex_and_depreciation(s, g, pools, r);

  // Opex, other items, debt.
  for (Index k = 0; k < g.n; ++k) {
    for (const auto& e : s.finance.opex) ts.opex_usd[k] += expense_between(e, g, k, run_start, run_end);
    for (const auto& e : s.finance.other) ts.other_usd[k] += expense_between(e, g, k, run_start, run_end);
  }
  for (const auto& d : s.finance.debt) {
    const HourStamp start = d.start.value_or(s.time.start);
    const DebtModel debt(d.principal.value, d.rate, static_cast<double>(start),
                         span_hours(start, d.term, s.time.year), hours_in_year_from(start, s.time.year),
                         d.amortization);
    for (Index k = 0; k < g.n; ++k) {
      ts.interest_usd[k] += debt.interest_between(g.t0(k), g.t1(k));
      ts.debt_drawn_usd[k] += debt.drawn_between(g.t0(k), g.t1(k));
      ts.debt_repaid_usd[k] += debt.repaid_between(g.t0(k), g.t1(k));
    }
  }

  // Tax on each calendar year's positive pre-tax income, charged in its last step.
  if (s.finance.tax_rate > 0 && g.n > 0) {
    const ArrayXd pretax = ts.operating_income_usd() - ts.interest_usd + ts.other_usd;
    double year_sum = 0.0;
    for (Index k = 0; k < g.n; ++k) {
      year_sum += pretax[k];
      const bool last_of_year = k + 1 == g.n || g.year_of[static_cast<std::size_t>(k + 1)] != g.year_of[static_cast<std::size_t>(k)];
      if (last_of_year) {
        ts.tax_usd[k] = s.finance.tax_rate * std::max(0.0, year_sum);
        year_sum = 0.0;
      }
    }
  }
}

}  // namespace gpusim::stages
