// The segment engine's allocation (docs/model.md "The segment engine"): the
// results of allocation_stage (allocation.cpp), worked out on runs of steps.
//
// Between events (a contract's first and last step, the step holding a ramp
// point or a pool's `online`, a change of the year's length) each contract's
// step-average demand and each pool's available GPUs change linearly from step
// to step: value(k) = a + b (k − k0). Contracts take what is left in
// allocation order, run by run; where a demand crosses what is left inside a
// run, the run splits into the steps before the crossing, the step holding it
// (split within the step at the crossing, within_step.cpp) and the steps after
// it, so every step gets what the step engine gives it. Per-contract totals are closed
// sums over runs; the per-step series are written once at the end from the
// runs (a level and a slope per step, accumulated), not contract by contract.
#include <algorithm>
#include <cmath>
#include <map>

#include "sim/engine/stages.hpp"
#include "sim/engine/within_step.hpp"

namespace gpusim {

std::string segment_engine_fallback(const ScenarioSpec& s) {
  if (!s.seed) return "";
  for (const auto& f : s.fleet)
    if (f.afr > 0) return "drawn failures (fleet." + f.name + ")";
  for (const auto* list : {&s.contracts, &s.demand})
    for (const auto& c : *list)
      if (c.noise > 0) return std::string("demand noise (") + (list == &s.contracts ? "contracts." : "demand.") + c.name + ")";
  return "";
}

namespace stages {

namespace {

Run minus(const Run& x, const Run& y) { return {x.k0, x.k1, x.a - y.a, x.b - y.b, x.s - y.s}; }

// Appends r to runs, merging it into the last run when both are the same constant.
void append(std::vector<Run>& runs, const Run& r) {
  const Run* last = runs.empty() ? nullptr : &runs.back();
  if (last && last->k1 == r.k0 && !last->shaped && !r.shaped && last->b == 0.0 && r.b == 0.0 && last->s == 0.0 &&
      r.s == 0.0 && last->a == r.a) {
    runs.back().k1 = r.k1;
    return;
  }
  runs.push_back(r);
}

// One piece of a contract's window: what it asks for and what it gets.
struct Piece {
  Run want, got;
};

// Allocates want over steps [p, q) of its run W against the pool's run L (both
// linear in time over [p, q) unless it is one step long) and appends the pieces
// and what is left after them. Where want − left changes sign inside the piece,
// the steps before the crossing, the step holding it (split within the step:
// take_within_step) and the steps after it; a step where want or left is not
// linear within it goes through take_within_step as a whole.
struct Allocator {
  const Grid& g;
  const ContractRun& c;
  const Pool& pool;
  std::map<Index, StepShape>& shaped;  // the pool's left in its shaped steps
  std::vector<Piece>& pieces;
  std::vector<Run>& rest;

  void take(Index from, Index to, double w, double wb, double ws, double l, double lb, double ls, bool fits) {
    const Run want{from, to, w, wb, ws}, left{from, to, l, lb, ls};
    pieces.push_back({want, fits ? want : left});
    append(rest, fits ? minus(left, want) : Run{from, to, 0.0, 0.0, 0.0});
  }

  // One step, k, from its shapes within the step.
  void one_step(Index k, const StepShape& want, StepShape left, double w, double l) {
    double got = 0.0;
    switch (take_within_step(want, left, got)) {
      case Take::fits: got = w; break;
      case Take::takes_all: got = l; break;
      case Take::crossed: break;
    }
    pieces.push_back({Run{k, k + 1, w}, Run{k, k + 1, got}});
    double rise = 0.0;
    const bool linear = left.is_linear(rise);
    if (linear) shaped.erase(k);
    else shaped[k] = std::move(left);
    append(rest, Run{k, k + 1, l - got, 0.0, linear ? rise : 0.0, !linear});
  }

  void operator()(Index p, Index q, const Run& W, const Run& L) {
    const double wa = W.at(p), la = L.at(p);
    double want_rise = W.s;
    const bool want_linear_here = W.k1 - W.k0 > 1 || want_linear(c, pool, g, p, false, want_rise);
    if (!want_linear_here || L.shaped) {  // one step (such runs are one step long)
      const StepShape want = want_linear_here ? StepShape::linear(wa, want_rise) : want_shape(c, pool, g, p, false);
      return one_step(p, want, L.shaped ? shaped.at(p) : StepShape::linear(la, L.s), wa, la);
    }
    const double ws = want_rise, ls = L.s;
    const Index len = q - p;
    // want − left at the start of step p and at the end of step q − 1 (linear in time between them).
    const double wl = wa + W.b * static_cast<double>(len - 1), ll = la + L.b * static_cast<double>(len - 1);
    const double w0 = wa - 0.5 * ws, l0 = la - 0.5 * ls, w1 = wl + 0.5 * ws, l1 = ll + 0.5 * ls;
    const double d0 = want_minus_left(w0, l0), d1 = want_minus_left(w1, l1);
    if (d0 <= 0.0 && d1 <= 0.0) return take(p, q, wa, W.b, ws, la, L.b, ls, true);
    if (d0 >= 0.0 && d1 >= 0.0) return take(p, q, wa, W.b, ws, la, L.b, ls, false);
    // The step holding the crossing (x steps from the start of step p).
    const double x = (w0 - l0) / ((w0 - l0) - (w1 - l1)) * static_cast<double>(len);
    const Index j = std::clamp<Index>(static_cast<Index>(std::floor(x)), 0, len - 1);
    const double jd = static_cast<double>(j);
    if (j > 0) take(p, p + j, wa, W.b, ws, la, L.b, ls, d0 < 0.0);
    const double wj = wa + W.b * jd, lj = la + L.b * jd;
    one_step(p + j, StepShape::linear(wj, ws), StepShape::linear(lj, ls), wj, lj);
    if (p + j + 1 < q) take(p + j + 1, q, wj + W.b, W.b, ws, lj + L.b, L.b, ls, d0 > 0.0);
  }
};

}  // namespace

Allocation segment_allocation_stage(const Grid& g, std::vector<Pool>& pools, const ContractPlan& plan, Results& r) {
  const std::vector<ContractRun>& contracts = plan.runs;
  // What is left of each pool, as runs covering [0, n): its available GPUs
  // between its cuts (fleet.cpp), a run of one step kept aside where they are
  // not linear within it.
  std::vector<std::vector<Run>> left(pools.size());
  std::vector<std::map<Index, StepShape>> shaped(pools.size());  // left in steps it is not linear within
  for (std::size_t i = 0; i < pools.size(); ++i) {
    left[i] = runs_of(
        pools[i].cuts, [&](Index k) { return pools[i].available_at(g, k); },
        [&](Index k, double& rise) { return available_linear(pools[i], g, k, false, rise); });
    for (const Run& x : left[i])
      if (x.shaped) shaped[i][x.k0] = available_shape(pools[i], g, x.k0, false);
  }
  // The ladder and revenue, as runs.
  Allocation out;
  out.on_runs = true;
  std::vector<Run>& billed_runs = out.billed_gpu_hours;
  std::vector<Run>& busy_runs = out.busy_gpu_hours;
  std::vector<Run>& revenue_runs = out.revenue_usd;
  std::vector<Run>& contracted_runs = out.contracted_gpus;
  std::vector<Run>& shortfall_runs = out.shortfall_gpu_hours;
  std::vector<Run>& unserved_runs = out.unserved_gpu_hours;
  std::vector<std::vector<Run>> pool_busy(pools.size());

  out.results.resize(plan.results);
  out.billing.resize(contracts.size());
  const double dt = g.dt;
  std::vector<Piece> pieces;
  std::vector<Run> rest, spliced;
  for (std::size_t ci = 0; ci < contracts.size(); ++ci) {
    const ContractRun& c = contracts[ci];
    const Pool& pool = pools[c.pool];
    ContractResult& cr = out.results[c.result];
    if (!c.is_renewal) start_contract_result(c, g, cr);
    const auto [k0, k1] = g.range(c.start, c.bill_end);
    if (k1 <= k0) continue;
    // What it asks for: runs between its first and last steps, its ramp points and the pool's cuts.
    std::vector<Index> cuts = {k0 + 1, k1 - 1};
    if (c.spec->whole_pool) cuts.insert(cuts.end(), pool.cuts.begin(), pool.cuts.end());
    else if (!c.spec->gpu_hours)
      for (const CurvePoint& pt : c.curve.points()) cut_at(g, pt.t, cuts);
    close_cuts(cuts, k0, k1);
    const std::vector<Run> want = runs_of(
        cuts, [&](Index k) { return desired_at(c, pool, g, k) * c.scale; },
        [](Index, double& rise) { return rise = 0.0, true; });  // Allocator checks its one-step runs

    // Against what is left: the pool's run holding k0, and on.
    std::vector<Run>& lr = left[c.pool];
    std::size_t li = static_cast<std::size_t>(
        std::upper_bound(lr.begin(), lr.end(), k0, [](Index k, const Run& x) { return k < x.k0; }) - lr.begin() - 1);
    const std::size_t first = li;
    pieces.clear();
    rest.clear();
    std::size_t wi = 0;
    Allocator allocate{g, c, pool, shaped[c.pool], pieces, rest};
    for (Index p = k0; p < k1;) {
      const Run& L = lr[li];
      const Run& W = want[wi];
      const Index q = std::min({L.k1, W.k1, k1});
      allocate(p, q, W, L);
      if (L.k1 == q) ++li;
      if (W.k1 == q) ++wi;
      p = q;
    }
    // What is left: the runs before k0, the new ones, the runs after k1.
    spliced.assign(lr.begin(), lr.begin() + static_cast<std::ptrdiff_t>(first));
    if (lr[first].k0 < k0) append(spliced, lr[first].part(lr[first].k0, k0));
    for (const Run& x : rest) append(spliced, x);
    const std::size_t last = li < lr.size() && lr[li].k0 < k1 ? li : li - 1;  // the run holding k1 − 1
    if (lr[last].k1 > k1) append(spliced, lr[last].part(k1, lr[last].k1));
    for (std::size_t i = last + 1; i < lr.size(); ++i) append(spliced, lr[i]);
    lr.swap(spliced);

    // Totals and series from the pieces.
    const bool reserved = c.spec->kind == ContractKind::reserved;
    const double activity = c.spec->activity;
    const double billed_share = (reserved && !c.spec->take_or_pay) ? activity : 1.0;  // of what it gets
    const bool varying = varying_price(c);
    const bool prepaid = c.prepayment_usd > 0;
    ArrayXd revenue;
    if (prepaid) revenue.setZero(k1 - k0);
    double want_sum = 0.0, got_sum = 0.0, value = 0.0, revenue_sum = 0.0;
    for (const Piece& pc : pieces) {
      want_sum += pc.want.sum();
      got_sum += pc.got.sum();
      const Run busy = pc.got.times(activity), billed_hours = pc.got.times(billed_share * dt);
      if (!pc.got.zero()) {
        billed_runs.push_back(billed_hours);
        busy_runs.push_back(busy.times(dt));
        pool_busy[c.pool].push_back(busy);
      }
      const Run missing_hours = minus(pc.want, pc.got).times(dt);
      if (reserved && !pc.want.zero()) contracted_runs.push_back(pc.want);
      if (!missing_hours.zero()) (reserved ? shortfall_runs : unserved_runs).push_back(missing_hours);
      if (!varying) {
        if (!pc.got.zero() && c.price != 0.0) revenue_runs.push_back(billed_hours.times(c.price));
        if (prepaid)
          for (Index k = pc.got.k0; k < pc.got.k1; ++k) revenue[k - k0] = billed_hours.at(k) * c.price;
        continue;
      }
      for (Index k = pc.got.k0; k < pc.got.k1; ++k) {
        const double price = step_price(c, g, k), step_revenue = billed_hours.at(k) * price;
        if (step_revenue != 0.0) revenue_runs.push_back({k, k + 1, step_revenue, 0.0});
        revenue_sum += step_revenue;
        value += pc.want.at(k) * dt * price;
        if (prepaid) revenue[k - k0] = step_revenue;
      }
    }
    const double billed_hours_sum = got_sum * billed_share * dt;
    if (!varying) {
      revenue_sum = billed_hours_sum * c.price;
      value = want_sum * dt * c.price;
    }
    cr.value_usd += value;
    cr.contracted_gpu_hours += want_sum * dt;
    cr.billed_gpu_hours += billed_hours_sum;
    cr.busy_gpu_hours += got_sum * activity * dt;
    cr.shortfall_gpu_hours += (want_sum - got_sum) * dt;
    cr.revenue_usd += revenue_sum;
    if (c.is_renewal) cr.renewed_gpu_hours += billed_hours_sum;
    if (prepaid) out.billing[ci] = Billing{k0, std::move(revenue)};
  }

  // Each pool's busy GPUs stay runs (power_energy.cpp adds them up per site).
  for (std::size_t i = 0; i < pools.size(); ++i) {
    r.pools[i].gpu_hours_busy = runs_total(pool_busy[i]) * g.dt;
    pools[i].busy_runs = std::move(pool_busy[i]);
  }
  return out;
}

}  // namespace stages
}  // namespace gpusim
