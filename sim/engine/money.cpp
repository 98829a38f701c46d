// The money stage (docs/model.md "Capex and depreciation", "Other capital",
// "Opex and other items", "Debt", "Deal terms", "Tax"): capex and depreciation
// of each pool's purchases and of other assets, opex and other items, debt
// interest, draws and repayments, termination fees, warrants and prepayments,
// then tax on each calendar year's pre-tax income. Income statement and cash flow per step are
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

// What a list of purchases costs: capex in the run, depreciation in the run, and
// the book value left at the run's end.
struct Booked {
  double capex_usd = 0.0, depreciation_usd = 0.0, book_value_end_usd = 0.0;
};

// Capex in the step each unit enters service, then straight-line depreciation of
// (cost − residual) over `life` from ⌊its start⌋.
Booked book_purchases(const std::vector<Purchase>& purchases, double unit_cost, double residual, const Span& life,
                      const ScenarioSpec& s, const Grid& g, StepSeries& ts) {
  Booked out;
  const double run_start = g.t0(0), run_end = g.end();
  const double depreciable = unit_cost * (1.0 - residual);  // per unit
  for (const Purchase& buy : purchases) {
    const double life_h = span_hours(static_cast<HourStamp>(std::floor(buy.start)), life, s.time.year);
    const auto [k0, k1] = g.range(buy.start, buy.end + life_h + g.dt);
    // Book value at the run's end: cost in service by then − depreciation so far.
    out.book_value_end_usd += purchased_between(buy, buy.start, run_end) * unit_cost -
                              depreciated_between(buy, life_h, std::min(buy.start, run_start), run_end) * depreciable;
    if (buy.start == buy.end) {
      // All at once: capex in the step it enters service, then count × cost ÷ life
      // per hour for `life` hours (depreciated_between's jump case, inlined).
      const double rate = buy.count * depreciable / life_h;  // USD per hour
      const double dep_end = buy.start + life_h;
      double sum = 0.0;  // a local sum: the compiler keeps it in a register
      for (Index k = k0; k < k1; ++k) {
        const double dep = rate * overlap(g.t0(k), g.t1(k), buy.start, dep_end);
        ts.depreciation_usd[k] += dep;
        sum += dep;
      }
      out.depreciation_usd += sum;
      if (buy.start >= run_start && buy.start < run_end) {
        const Index k = static_cast<Index>(std::floor((buy.start - run_start) / g.dt));
        ts.capex_usd[k] += buy.count * unit_cost;
        out.capex_usd += buy.count * unit_cost;
      }
      continue;
    }
    double capex_sum = 0.0, dep_sum = 0.0;
    for (Index k = k0; k < k1; ++k) {
      const double bought = purchased_between(buy, g.t0(k), g.t1(k)) * unit_cost;
      const double dep = depreciated_between(buy, life_h, g.t0(k), g.t1(k)) * depreciable;
      ts.capex_usd[k] += bought;
      ts.depreciation_usd[k] += dep;
      capex_sum += bought;
      dep_sum += dep;
    }
    out.capex_usd += capex_sum;
    out.depreciation_usd += dep_sum;
    // A purchase at the very end of the run (e.g. at `end`) falls outside every step.
  }
  return out;
}

// GPUs: each pool's purchases at its capex per GPU.
void capex_and_depreciation(const ScenarioSpec& s, const Grid& g, const std::vector<Pool>& pools, Results& r) {
  for (std::size_t i = 0; i < pools.size(); ++i) {
    const Pool& p = pools[i];
    PoolResult& pr = r.pools[i];
    const Booked b = book_purchases(p.purchases, p.capex_per_gpu, p.spec->residual, p.spec->life, s, g, r.series);
    pr.capex_usd += b.capex_usd;
    pr.depreciation_usd += b.depreciation_usd;
    pr.book_value_end_usd = b.book_value_end_usd;
  }
}

// Other capital: each asset at `at` (one unit) or spread over its ramp (its cost ÷ the largest count per unit).
void assets_stage(const ScenarioSpec& s, const Grid& g, Results& r) {
  for (const AssetSpec& a : s.finance.assets) {
    AssetResult ar;
    ar.name = a.name;
    if (a.amount) {
      ar.cost_usd = a.amount->value;
    } else {
      const auto site = std::find_if(s.sites.begin(), s.sites.end(), [&](const SiteSpec& x) { return x.name == a.site; });
      if (site == s.sites.end() || !site->it_power_cap)
        throw ModelError("finance.assets." + a.name + ".per_mw", "per_mw needs a site with it_power_cap");
      ar.cost_usd = *a.per_mw_usd * site->it_power_cap->value / 1e6;
    }
    std::vector<Purchase> units;
    double unit_cost = ar.cost_usd;
    if (a.at) {
      units.push_back({static_cast<double>(*a.at), static_cast<double>(*a.at), 1.0});
    } else {
      const CountCurve curve = curve_of(CountSchedule{std::nullopt, a.ramp}, 0.0);
      if (curve.max_value() <= 0)
        throw ModelError("finance.assets." + a.name + ".ramp", "the ramp never rises above 0, so the cost has nothing to spread over");
      unit_cost = ar.cost_usd / curve.max_value();
      units = purchases_of(curve);
    }
    const Booked b = book_purchases(units, unit_cost, a.residual, a.life, s, g, r.series);
    ar.capex_usd = b.capex_usd;
    ar.depreciation_usd = b.depreciation_usd;
    ar.book_value_end_usd = b.book_value_end_usd;
    r.assets.push_back(ar);
  }
}

// Termination fees: other income in the step of `at`.
void termination_fees(const Grid& g, const ContractPlan& plan, Results& r) {
  for (const ContractRun& c : plan.runs) {
    if (c.is_renewal || !c.spec->terminate) continue;
    const double at = static_cast<double>(c.spec->terminate->at);
    if (at < g.t0(0) || at >= g.end()) continue;
    const Index k = static_cast<Index>(std::floor((at - g.t0(0)) / g.dt));
    r.series.other_usd[k] += c.spec->terminate->fee.value;
    r.summary.termination_fees_usd += c.spec->terminate->fee.value;
  }
}

// Warrants: each tranche vests in the first step whose installed full-load IT
// power at its site reaches the milestone; its value is other income then.
void warrants_stage(const ScenarioSpec& s, const Grid& g, const EnergyTotals& energy, Results& r) {
  for (const WarrantSpec& w : s.finance.warrants) {
    WarrantResult wr;
    wr.name = w.name;
    const auto site = std::find_if(s.sites.begin(), s.sites.end(), [&](const SiteSpec& x) { return x.name == w.site; });
    if (site == s.sites.end()) throw ModelError("finance.warrants." + w.name + ".site", "no site named '" + w.site + "'");
    const ArrayXd& load = energy.site_full_load_w[static_cast<std::size_t>(site - s.sites.begin())];
    const double per_share = std::max(0.0, w.share_price.value - w.strike.value);
    Index k = 0;
    for (const WarrantTrancheSpec& t : w.vest) {
      while (k < g.n && load[k] < t.at_power.value * (1 - 1e-9)) ++k;
      if (k == g.n) break;  // not reached in the run: later tranches neither
      const double value = t.shares * per_share;
      r.series.other_usd[k] += value;
      wr.vested_shares += t.shares;
      wr.value_usd += value;
    }
    r.summary.warrants_usd += wr.value_usd;
    r.warrants.push_back(wr);
  }
}

// Prepayments: P in at the contract's start; each bill paid (1 − P ÷ V) in cash,
// the rest applied from P; what is left at the contract's end refunded then.
void prepayments(const Grid& g, const ContractPlan& plan, const Allocation& allocation, Results& r) {
  StepSeries& ts = r.series;
  const double run_start = g.t0(0), run_end = g.end();
  ArrayXd balance_change = ArrayXd::Zero(g.n);
  double opening = 0.0;
  for (std::size_t ci = 0; ci < plan.runs.size(); ++ci) {
    const ContractRun& c = plan.runs[ci];
    if (c.is_renewal || c.prepayment_usd <= 0) continue;
    double balance = 0.0;
    if (c.start >= run_start && c.start < run_end) {
      const Index k = static_cast<Index>(std::floor((c.start - run_start) / g.dt));
      ts.prepayment_usd[k] += c.prepayment_usd;
      balance_change[k] += c.prepayment_usd;
      r.summary.prepayments_usd += c.prepayment_usd;
      balance = c.prepayment_usd;
    } else if (c.start < run_start) {
      balance = c.opening_deferred_usd;
      opening += balance;
    }
    const Billing& bill = allocation.billing[ci];
    const double share = c.value_usd > 0 ? c.prepayment_usd / c.value_usd : 0.0;
    for (Index i = 0; i < bill.revenue.size(); ++i) {
      const Index k = bill.first_step + i;
      const double applied = std::min(balance, bill.revenue[i] * share);
      ts.prepayment_applied_usd[k] += applied;
      balance_change[k] -= applied;
      balance -= applied;
    }
    // Refunded at the contract's end (termination included), if that is in the
    // run (an end at the run's end: in its last step).
    if (c.bill_end <= run_end && c.bill_end >= run_start && balance > 0) {
      const Index k = std::min<Index>(g.n - 1, static_cast<Index>(std::floor((c.bill_end - run_start) / g.dt)));
      ts.prepayment_refund_usd[k] += balance;
      balance_change[k] -= balance;
    }
  }
  double running = opening;
  for (Index k = 0; k < g.n; ++k) {
    running += balance_change[k];
    ts.deferred_revenue_usd[k] = running;
  }
  r.summary.deferred_revenue_end_usd = g.n ? running : 0.0;
}

}  // namespace

void money_stage(const ScenarioSpec& s, const Grid& g, const std::vector<Pool>& pools, const ContractPlan& plan,
                 const Allocation& allocation, const EnergyTotals& energy, Results& r) {
  StepSeries& ts = r.series;
  const double run_start = g.t0(0), run_end = g.end();
  capex_and_depreciation(s, g, pools, r);
  assets_stage(s, g, r);

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

  termination_fees(g, plan, r);
  warrants_stage(s, g, energy, r);
  prepayments(g, plan, allocation, r);

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
