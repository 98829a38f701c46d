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

// The step holding instant t, or −1 outside the run.
Index step_of(const Grid& g, double t) {
  if (t < g.t0(0) || t >= g.end()) return -1;
  return static_cast<Index>(std::floor((t - g.t0(0)) / g.dt));
}

// A single-step run of `amount` at the step holding t (nothing outside the run).
void at_step(const Grid& g, double t, double amount, std::vector<Run>& to) {
  const Index k = step_of(g, t);
  if (k >= 0 && amount != 0.0) to.push_back({k, k + 1, amount, 0.0});
}

// f on steps [k0, k1) as runs between the steps holding `instants` (f is linear
// in k between them), zero runs left out.
template <class F>
void runs_between(const Grid& g, Index k0, Index k1, std::initializer_list<double> instants,
                  const std::vector<Index>& more_cuts, F f, std::vector<Run>& to) {
  if (k1 <= k0) return;
  std::vector<Index> cuts = more_cuts;
  for (double t : instants) {  // the steps either side of t: events in [t0, t1) and in (t0, t1] (a repayment)
    cut_at(g, t, cuts);
    cut_at(g, t - g.dt, cuts);
  }
  close_cuts(cuts, k0, k1);
  for (const Run& r : runs_of(cuts, f))
    if (!r.zero()) to.push_back(r);
}

// Capex in the step each unit enters service, then straight-line depreciation of
// (cost − residual) over `life` from ⌊its start⌋: each purchase's capex and
// depreciation per step are linear between the steps holding its start, its
// end, and both plus its life.
Booked book_purchases(const std::vector<Purchase>& purchases, double unit_cost, double residual, const Span& life,
                      const ScenarioSpec& s, const Grid& g, MoneyRuns& money) {
  Booked out;
  const double run_start = g.t0(0), run_end = g.end();
  const double depreciable = unit_cost * (1.0 - residual);  // per unit
  for (const Purchase& buy : purchases) {
    const double life_h = span_hours(static_cast<HourStamp>(std::floor(buy.start)), life, s.time.year);
    const auto [k0, k1] = g.range(buy.start, buy.end + life_h + g.dt);
    // Book value at the run's end: cost in service by then − depreciation so far.
    out.book_value_end_usd += purchased_between(buy, buy.start, run_end) * unit_cost -
                              depreciated_between(buy, life_h, std::min(buy.start, run_start), run_end) * depreciable;
    const std::size_t capex_from = money.capex_usd.size(), dep_from = money.depreciation_usd.size();
    const std::initializer_list<double> instants = {buy.start, buy.end, buy.start + life_h, buy.end + life_h};
    runs_between(g, k0, k1, instants, {}, [&](Index k) { return depreciated_between(buy, life_h, g.t0(k), g.t1(k)) * depreciable; },
                 money.depreciation_usd);
    // A purchase at the very end of the run (e.g. at `end`) falls outside every step.
    runs_between(g, k0, k1, instants, {}, [&](Index k) { return purchased_between(buy, g.t0(k), g.t1(k)) * unit_cost; },
                 money.capex_usd);
    for (std::size_t i = capex_from; i < money.capex_usd.size(); ++i) out.capex_usd += money.capex_usd[i].sum();
    for (std::size_t i = dep_from; i < money.depreciation_usd.size(); ++i) out.depreciation_usd += money.depreciation_usd[i].sum();
  }
  return out;
}

// GPUs: each pool's purchases at its capex per GPU.
void capex_and_depreciation(const ScenarioSpec& s, const Grid& g, const std::vector<Pool>& pools, MoneyRuns& money,
                            Results& r) {
  for (std::size_t i = 0; i < pools.size(); ++i) {
    const Pool& p = pools[i];
    PoolResult& pr = r.pools[i];
    const Booked b = book_purchases(p.purchases, p.capex_per_gpu, p.spec->residual, p.spec->life, s, g, money);
    pr.capex_usd += b.capex_usd;
    pr.depreciation_usd += b.depreciation_usd;
    pr.book_value_end_usd = b.book_value_end_usd;
  }
}

// Other capital: each asset at `at` (one unit) or spread over its ramp (its cost ÷ the largest count per unit).
void assets_stage(const ScenarioSpec& s, const Grid& g, MoneyRuns& money, Results& r) {
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
    const Booked b = book_purchases(units, unit_cost, a.residual, a.life, s, g, money);
    ar.capex_usd = b.capex_usd;
    ar.depreciation_usd = b.depreciation_usd;
    ar.book_value_end_usd = b.book_value_end_usd;
    r.assets.push_back(ar);
  }
}

// Termination fees: other income in the step of `at`.
void termination_fees(const Grid& g, const ContractPlan& plan, MoneyRuns& money, Results& r) {
  for (const ContractRun& c : plan.runs) {
    if (c.is_renewal || !c.spec->terminate) continue;
    const double at = static_cast<double>(c.spec->terminate->at);
    if (step_of(g, at) < 0) continue;
    at_step(g, at, c.spec->terminate->fee.value, money.other_usd);
    r.summary.termination_fees_usd += c.spec->terminate->fee.value;
  }
}

// The first step from `from` on at which a quantity linear on each segment
// reaches `level`, or n.
Index first_reaching(const Segments& seg, const SegSeries& x, Index from, double level) {
  for (Index i = from < seg.cut.back() ? seg.of(from) : seg.count(); i < seg.count(); ++i) {
    const Index k0 = seg.k0(i), start = std::max(from, k0), last = seg.last(i);
    const auto v = [&](Index k) { return x.a[i] + x.b[i] * static_cast<double>(k - k0); };
    if (v(start) >= level) return start;
    if (x.b[i] <= 0.0 || v(last) < level) continue;
    Index k = std::clamp<Index>(k0 + static_cast<Index>(std::ceil((level - x.a[i]) / x.b[i])), start, last);
    while (k > start && v(k - 1) >= level) --k;
    while (v(k) < level) ++k;
    return k;
  }
  return seg.cut.back();
}

// Warrants: each tranche vests in the first step whose installed full-load IT
// power at its site reaches the milestone; its value is other income then.
void warrants_stage(const ScenarioSpec& s, const Grid& g, const Segments& seg, const std::vector<Pool>& pools,
                    MoneyRuns& money, Results& r) {
  if (s.finance.warrants.empty()) return;
  const std::vector<SegSeries> full_load = site_full_load(s, seg, pools);
  for (const WarrantSpec& w : s.finance.warrants) {
    WarrantResult wr;
    wr.name = w.name;
    const auto site = std::find_if(s.sites.begin(), s.sites.end(), [&](const SiteSpec& x) { return x.name == w.site; });
    if (site == s.sites.end()) throw ModelError("finance.warrants." + w.name + ".site", "no site named '" + w.site + "'");
    const SegSeries& load = full_load[static_cast<std::size_t>(site - s.sites.begin())];
    const double per_share = std::max(0.0, w.share_price.value - w.strike.value);
    Index k = 0;
    for (const WarrantTrancheSpec& t : w.vest) {
      k = first_reaching(seg, load, k, t.at_power.value * (1 - 1e-9));
      if (k == g.n) break;  // not reached in the run: later tranches neither
      const double value = t.shares * per_share;
      if (value != 0.0) money.other_usd.push_back({k, k + 1, value, 0.0});
      wr.vested_shares += t.shares;
      wr.value_usd += value;
    }
    r.summary.warrants_usd += wr.value_usd;
    r.warrants.push_back(wr);
  }
}

// Prepayments: P in at the contract's start; each bill paid (1 − P ÷ V) in cash,
// the rest applied from P; what is left at the contract's end refunded then.
void prepayments(const Grid& g, const ContractPlan& plan, const Allocation& allocation, MoneyRuns& money, Results& r) {
  const double run_start = g.t0(0), run_end = g.end();
  for (std::size_t ci = 0; ci < plan.runs.size(); ++ci) {
    const ContractRun& c = plan.runs[ci];
    if (c.is_renewal || c.prepayment_usd <= 0) continue;
    double balance = 0.0;
    if (c.start >= run_start && c.start < run_end) {
      at_step(g, c.start, c.prepayment_usd, money.prepayment_usd);
      r.summary.prepayments_usd += c.prepayment_usd;
      balance = c.prepayment_usd;
    } else if (c.start < run_start) {
      balance = c.opening_deferred_usd;
      money.opening_deferred_usd += balance;
    }
    const Billing& bill = allocation.billing[ci];
    const double share = c.value_usd > 0 ? c.prepayment_usd / c.value_usd : 0.0;
    ArrayXd applied(bill.revenue.size());
    for (Index i = 0; i < bill.revenue.size(); ++i) {
      applied[i] = std::min(balance, bill.revenue[i] * share);
      balance -= applied[i];
    }
    add_steps(applied, bill.first_step, money.prepayment_applied_usd);
    // Refunded at the contract's end (termination included), if that is in the
    // run (an end at the run's end: in its last step).
    if (c.bill_end <= run_end && c.bill_end >= run_start && balance > 0) {
      const Index k = std::min<Index>(g.n - 1, static_cast<Index>(std::floor((c.bill_end - run_start) / g.dt)));
      money.prepayment_refund_usd.push_back({k, k + 1, balance, 0.0});
      balance = 0.0;
    }
    money.closing_deferred_usd += balance;  // not yet applied at the run's end
  }
}

}  // namespace

MoneyRuns money_runs(const ScenarioSpec& s, const Grid& g, const Segments& seg, const std::vector<Pool>& pools,
                     const ContractPlan& plan, const Allocation& allocation, Results& r) {
  MoneyRuns money;
  const double run_start = g.t0(0), run_end = g.end();
  capex_and_depreciation(s, g, pools, money, r);
  assets_stage(s, g, money, r);

  // Opex and other items: an amount in the step of `at`; a rate linear between
  // the steps holding its start and end, and where the year's length changes.
  const std::vector<Index>& year_cuts = g.year_hours_changes;
  for (auto [list, to] : {std::pair{&s.finance.opex, &money.opex_usd}, {&s.finance.other, &money.other_usd}}) {
    for (const ExpenseSpec& e : *list) {
      if (e.amount) {
        at_step(g, static_cast<double>(*e.at), e.amount->value, *to);
        continue;
      }
      const double a = e.start ? static_cast<double>(*e.start) : run_start;
      const double b = e.end ? static_cast<double>(*e.end) : run_end;
      const auto [k0, k1] = g.range(a, b);
      runs_between(g, k0, k1, {a, b}, year_cuts, [&](Index k) { return expense_between(e, g, k, run_start, run_end); }, *to);
    }
  }
  // Debt: linear between the steps holding its start and maturity. An
  // annuity's interest and repayments are exponential in time, but their sum
  // (the payment) is constant: it stays a DebtModel, summed in closed form.
  for (const auto& d : s.finance.debt) {
    const HourStamp start = d.start.value_or(s.time.start);
    const double term_h = span_hours(start, d.term, s.time.year);
    const DebtModel debt(d.principal.value, d.rate, static_cast<double>(start), term_h,
                         hours_in_year_from(start, s.time.year), d.amortization);
    const double t0 = static_cast<double>(start), t1 = t0 + term_h;
    runs_between(g, 0, g.n, {t0, t1}, {}, [&](Index k) { return debt.drawn_between(g.t0(k), g.t1(k)); },
                 money.debt_drawn_usd);
    if (d.amortization == DebtSpec::Amortization::annuity) {
      for (double t : {t0, t1, t0 - g.dt, t1 - g.dt}) cut_at(g, t, money.cuts);
      money.annuities.push_back(debt);
      continue;
    }
    runs_between(g, 0, g.n, {t0, t1}, {}, [&](Index k) { return debt.interest_between(g.t0(k), g.t1(k)); },
                 money.interest_usd);
    runs_between(g, 0, g.n, {t0, t1}, {}, [&](Index k) { return debt.repaid_between(g.t0(k), g.t1(k)); },
                 money.debt_repaid_usd);
  }

  termination_fees(g, plan, money, r);
  warrants_stage(s, g, seg, pools, money, r);
  prepayments(g, plan, allocation, money, r);
  return money;
}

void money_stage(const ScenarioSpec& s, const Grid& g, const Segments& seg, const MoneyRuns& money, Flows& f) {
  using S = SegSeries Flows::*;
  using R = std::vector<Run> MoneyRuns::*;
  const std::pair<S, R> items[] = {
      {&Flows::opex_usd, &MoneyRuns::opex_usd}, {&Flows::other_usd, &MoneyRuns::other_usd},
      {&Flows::interest_usd, &MoneyRuns::interest_usd}, {&Flows::capex_usd, &MoneyRuns::capex_usd},
      {&Flows::depreciation_usd, &MoneyRuns::depreciation_usd}, {&Flows::debt_drawn_usd, &MoneyRuns::debt_drawn_usd},
      {&Flows::debt_repaid_usd, &MoneyRuns::debt_repaid_usd}, {&Flows::prepayment_usd, &MoneyRuns::prepayment_usd},
      {&Flows::prepayment_applied_usd, &MoneyRuns::prepayment_applied_usd},
      {&Flows::prepayment_refund_usd, &MoneyRuns::prepayment_refund_usd}};
  for (const auto& [flow, runs] : items) f.*flow = runs_on(seg, money.*runs);
  f.annuities = money.annuities;
  f.annuity_interest_usd = f.annuity_sums(seg, g, &DebtModel::add_interest_between);
  f.annuity_repaid_usd = f.annuity_sums(seg, g, &DebtModel::add_repaid_between);
  f.opening_deferred_usd = money.opening_deferred_usd;
  f.closing_deferred_usd = money.closing_deferred_usd;

  // Tax on each calendar year's positive pre-tax income, charged in its last
  // step (a segment of its own).
  f.tax_usd = zero_series(seg);
  if (s.finance.tax_rate > 0 && g.n > 0) {
    SegSeries pretax = f.operating_income_usd();
    pretax += f.interest_usd.times(-1.0);
    pretax += f.other_usd;
    const ArrayXd sums = pretax.sums(seg) - f.annuity_interest_usd;
    double year_sum = 0.0;
    for (Index i = 0; i < seg.count(); ++i) {
      year_sum += sums[i];
      const Index next = seg.last(i) + 1;
      const bool last_of_year = next == g.n || g.year_of[static_cast<std::size_t>(next)] != g.year_of[static_cast<std::size_t>(seg.k0(i))];
      if (last_of_year) {
        f.tax_usd.a[i] = s.finance.tax_rate * std::max(0.0, year_sum);
        year_sum = 0.0;
      }
    }
  }
}

}  // namespace gpusim::stages
