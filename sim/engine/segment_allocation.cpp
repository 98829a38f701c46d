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
#include <limits>
#include <map>
#include <optional>

#include "models/random.hpp"

#include "sim/engine/stages.hpp"
#include "sim/engine/within_step.hpp"

namespace gpusim {

namespace stages {

bool per_step_pool(const ScenarioSpec& s, std::size_t pool) {
  if (!s.seed) return false;
  const FleetSpec& f = s.fleet[pool];
  if (f.afr > 0) return true;
  for (const auto* list : {&s.contracts, &s.demand})
    for (const auto& c : *list)
      if (c.noise > 0 && c.pool == f.name) return true;
  return false;
}

}  // namespace stages

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
  push_run(runs, r);
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

// What is left of a pool kept per step (drawn failures, or a noisy contract
// on it): the step averages in blocks of 32 steps, each with its min and max
// and what is still to be taken off all its steps (a constant, after setting
// them to 0), so a demand that fits a whole block, or takes all of it, costs
// one comparison there; the rise within the steps where it is not 0, the
// shape in the steps it is not linear within.
class StepLeft {
 public:
  StepLeft(const Pool& pool, const Grid& g, bool drawn)
      : v_(pool.available), blocks_(static_cast<std::size_t>((g.n + kBlock - 1) / kBlock)) {
    for (std::size_t b = 0; b < blocks_.size(); ++b) refresh(b);
    if (drawn) return;  // a constant within each step
    std::vector<Index> inside;
    steps_with_points_inside(pool.curve, g, 0, g.n, inside);
    for (Index k : inside) shaped[k] = available_shape(pool, g, k, false);
    if (pool.curve.points().size() > 1)
      for (Index k = 0; k < g.n; ++k) {
        double r = 0.0;
        if (!shaped.count(k) && available_linear(pool, g, k, false, r) && r != 0.0) rise[k] = r;
      }
  }
  double at(Index k) {
    settle(block_of(k));
    return v_[k];
  }
  // (A value lowered in a block with nothing pending moves its min and max as
  // refresh would find them, without going over the block.)
  void set(Index k, double x) {
    const std::size_t b = block_of(k);
    Block& blk = blocks_[b];
    const bool pending = blk.zero || blk.taken != 0.0;
    settle(b);
    const double old = v_[k];
    v_[k] = x;
    if (pending || !(x <= old)) return refresh(b);
    blk.min = std::min(blk.min, x);
    if (old == blk.max && x != old) {
      const auto [lo, hi] = steps_of(b);
      blk.max = v_.segment(lo, hi - lo).maxCoeff();
    }
  }
  double rise_at(Index k) const {
    const auto it = rise.find(k);
    return it == rise.end() ? 0.0 : it->second;
  }
  void set_rise(Index k, double r) {
    if (r == 0.0) rise.erase(k);
    else rise[k] = r;
  }
  // Step k after a contract took from it: linear again, or kept as its shape.
  void set_shape(Index k, StepShape&& shape) { set_left_shape(*this, k, std::move(shape)); }
  // The first step of [p, q) with a rise or a shape, else q.
  Index next_uneven(Index p, Index q) const {
    const auto r = rise.lower_bound(p);
    const auto s = shaped.lower_bound(p);
    Index k = q;
    if (r != rise.end()) k = std::min(k, r->first);
    if (s != shaped.end()) k = std::min(k, s->first);
    return k;
  }
  // A demand of w in each step of [p, q), none of which has a rise or shape,
  // in order of steps: fit(a, b) for steps where w ≤ left (left lowered by w),
  // empty(a, b) for a block with nothing left (it gets 0), took(a, values,
  // count) for steps where w > left (it gets left; left becomes 0). A whole
  // block decides at once from its min and max; only the blocks where
  // w − left changes sign go step by step.
  template <class Fit, class Empty, class Took>
  void take(Index p, Index q, double w, Fit& fit, Empty& empty, Took& took) {
    for (Index k = p; k < q;) {
      const std::size_t b = block_of(k);
      Block& x = blocks_[b];
      const auto [lo, hi] = steps_of(b);
      const Index end = std::min(q, hi);
      const bool whole = k == lo && end == hi;
      if (w <= x.min) {  // fits in every step
        if (whole) {
          x.min -= w;
          x.max -= w;
          x.taken += w;
        } else {
          settle(b);
          v_.segment(k, end - k) -= w;
          refresh(b);
        }
        fit(k, end);
      } else if (x.max <= 0.0) {  // nothing left: it gets 0 (left stays as it is)
        empty(k, end);
      } else if (w >= x.max) {  // takes all in every step
        settle(b);
        took(k, &v_[k], end - k);
        if (whole) {
          x = Block{0.0, 0.0, 0.0, true};
        } else {
          v_.segment(k, end - k).setZero();
          refresh(b);
        }
      } else {  // w − left changes sign in the block: its steps in runs of each kind
        settle(b);
        // The block's min and max where this covers all its steps (refresh's, but for the sign of a 0).
        double lowest = std::numeric_limits<double>::infinity(), highest = -lowest;
        for (Index j = k; j < end;) {
          Index e = j;
          if (w <= v_[j]) {
            for (; e < end && w <= v_[e]; ++e) {
              v_[e] -= w;
              lowest = std::min(lowest, v_[e]);
              highest = std::max(highest, v_[e]);
            }
            fit(j, e);
          } else {
            for (; e < end && !(w <= v_[e]); ++e) {}
            took(j, &v_[j], e - j);
            v_.segment(j, e - j).setZero();
            lowest = std::min(lowest, 0.0);
            highest = std::max(highest, 0.0);
          }
          j = e;
        }
        if (whole) {
          x.min = lowest;
          x.max = highest;
        } else {
          refresh(b);
        }
      }
      k = end;
    }
  }

  std::map<Index, double> rise;
  std::map<Index, StepShape> shaped;

 private:
  static constexpr Index kBlock = 32;
  struct Block {
    double min = 0.0, max = 0.0;
    double taken = 0.0;  // still to take off every step of the block
    bool zero = false;   // its steps are 0 (before `taken`)
  };
  ArrayXd v_;  // each step's value, up to its block's pending zero and `taken`
  std::vector<Block> blocks_;

  static std::size_t block_of(Index k) { return static_cast<std::size_t>(k) / kBlock; }  // (k ≥ 0)
  std::pair<Index, Index> steps_of(std::size_t b) const {
    const Index lo = static_cast<Index>(b) * kBlock;
    return {lo, std::min(v_.size(), lo + kBlock)};
  }
  void settle(std::size_t b) {
    Block& x = blocks_[b];
    if (!x.zero && x.taken == 0.0) return;
    const auto [lo, hi] = steps_of(b);
    if (x.zero) v_.segment(lo, hi - lo).setConstant(0.0 - x.taken);
    else v_.segment(lo, hi - lo) -= x.taken;
    x.zero = false;
    x.taken = 0.0;
  }
  void refresh(std::size_t b) {
    const auto [lo, hi] = steps_of(b);
    Block& x = blocks_[b];
    if (hi - lo == kBlock) {
      // A whole block: its size known at compile time, so the min and max
      // unroll (in pairs of steps), with no loop or remainder to run.
      const Eigen::Map<const Eigen::Array<double, kBlock, 1>> whole(v_.data() + lo);
      x.min = whole.minCoeff();
      x.max = whole.maxCoeff();
      return;
    }
    x.min = v_.segment(lo, hi - lo).minCoeff();
    x.max = v_.segment(lo, hi - lo).maxCoeff();
  }
};

// Steps where what a contract gets is not linear (a pool kept per step): from
// step k0 on, `count` steps, each asking for `want` and getting the next
// `count` values of a buffer, from `got` on.
struct StepSpan {
  Index k0 = 0, count = 0;
  double want = 0.0;
  std::size_t got = 0;
};

// Contract c against a pool kept per step (the step engine's rule, step by
// step only where it must be: noise, `gpus: all`, a rising demand, a step with
// a rise or shape left by an earlier contract): pieces where what it gets is
// linear, spans of steps (what it got in `values`) where it is not.
struct PerStepAllocator {
  const ScenarioSpec& s;
  const EngineOptions& options;
  const Grid& g;
  const ContractRun& c;
  const Pool& pool;
  bool pool_drawn;
  StepLeft& L;
  std::vector<Piece>& pieces;
  std::vector<StepSpan>& spans;
  std::vector<double>& values;
  std::vector<Index>& inside;  // steps its demand is not linear within (edges, its curve's points); empty at first

  // Appends a piece, merging it into the last when both are the same constant (want and got).
  void piece(const Run& want, const Run& got) {
    if (!pieces.empty()) {
      Piece& last = pieces.back();
      if (last.want.k1 == want.k0 && last.want.b == 0.0 && want.b == 0.0 && last.want.s == 0.0 && want.s == 0.0 &&
          last.want.a == want.a && last.got.b == 0.0 && got.b == 0.0 && last.got.s == 0.0 && got.s == 0.0 &&
          last.got.a == got.a && !last.want.shaped && !want.shaped) {
        last.want.k1 = last.got.k1 = want.k1;
        return;
      }
    }
    pieces.push_back({want, got});
  }

  // One step k: demand w, rising by wr within the step (or, with uneven_want, as want_shape has it;
  // under noise a constant within the step).
  void one_step(Index k, double w, double wr, bool uneven_want, bool noisy) {
    const double l = L.at(k);
    const auto it = L.shaped.find(k);
    const double lr = L.rise_at(k);
    double got = 0.0;
    if (uneven_want || it != L.shaped.end()) {
      const StepShape want_k = noisy ? StepShape::linear(w, 0.0) : want_shape(c, pool, g, k, pool_drawn);
      StepShape left_k = it != L.shaped.end() ? it->second : StepShape::linear(l, lr);
      switch (take_within_step(want_k, left_k, got)) {
        case Take::fits: got = w; break;
        case Take::takes_all: got = l; break;
        case Take::crossed: break;
      }
      L.set_shape(k, std::move(left_k));
    } else if (crosses(w, wr, l, lr)) {  // split at the crossing
      StepShape shape = StepShape::linear(l, lr);
      take_within_step(StepShape::linear(w, wr), shape, got);
      L.set_shape(k, std::move(shape));
    } else if (w <= l) {
      got = w;
      if (wr != 0.0) L.set_rise(k, lr - wr);
    } else {
      got = l;
      L.set_rise(k, 0.0);
    }
    L.set(k, l - got);
    spans.push_back({k, 1, w, values.size()});
    values.push_back(got);
  }

  bool uneven_want(Index k) const { return std::binary_search(inside.begin(), inside.end(), k); }

  void operator()(Index k0, Index k1, const std::vector<Run>& want) {
    const bool noisy = s.seed && c.spec->noise > 0;
    if (!noisy) {
      if (c.start > g.t0(k0)) inside.push_back(k0);
      if (c.bill_end < g.t1(k1 - 1)) inside.push_back(k1 - 1);
      if (c.spec->whole_pool && !pool_drawn) steps_with_points_inside(pool.curve, g, k0, k1, inside);
      else if (!c.spec->whole_pool && !c.spec->gpu_hours) steps_with_points_inside(c.curve, g, k0, k1, inside);
      std::sort(inside.begin(), inside.end());
    }
    const bool want_rises = !noisy && (c.spec->whole_pool ? !pool_drawn && pool.curve.points().size() > 1
                                                         : !c.spec->gpu_hours && c.curve.points().size() > 1);
    auto rise_of = [&](Index k) {
      double wr = 0.0;
      if (want_rises) want_linear(c, pool, g, k, pool_drawn, wr);
      return wr;
    };
    if (noisy || c.spec->whole_pool) {
      // Its demand is a per-step series of its own: under noise one draw per
      // step of its window, in order, from its stream (as allocation.cpp draws).
      std::optional<Rng> rng;
      if (noisy) rng = make_stream(*s.seed, options.run_index, purpose_id("demand noise") + c.noise_stream);
      for (Index k = k0; k < k1; ++k) {
        double w = desired_at(c, pool, g, k);
        if (c.scale != 1.0) w *= c.scale;
        if (noisy) w *= std::max(0.0, 1.0 + c.spec->noise * standard_normal(*rng));
        one_step(k, w, rise_of(k), !noisy && uneven_want(k), noisy);
      }
      return;
    }
    // L.take reports steps that fit (or get 0) block by block: consecutive ones
    // of a kind make one piece (what piece() would merge them into: the runs
    // it takes are constant).
    Index from = 0, to = 0;  // the steps reported and not yet a piece
    bool fits = false;
    auto flush = [&] {
      if (to > from) piece(want_part(from, to), fits ? want_part(from, to) : Run{from, to});
      from = to;
    };
    auto report = [&](Index a, Index b, bool a_fit) {
      if (to != a || fits != a_fit) {
        flush();
        from = a;
        fits = a_fit;
      }
      to = b;
    };
    auto fit = [&](Index a, Index b) { report(a, b, true); };
    auto empty = [&](Index a, Index b) { report(a, b, false); };
    auto took = [&](Index k, const double* got, Index count) {
      spans.push_back({k, count, current->a, values.size()});
      values.insert(values.end(), got, got + count);
    };
    for (const Run& W : want) {
      current = &W;
      const bool even = W.k1 - W.k0 >= 2 && W.b == 0.0 && W.s == 0.0;
      for (Index p = W.k0; p < W.k1;) {
        const Index q = even ? L.next_uneven(p, W.k1) : p;
        L.take(p, q, W.a, fit, empty, took);
        if (q == W.k1) break;
        one_step(q, W.at(q), even ? 0.0 : rise_of(q), uneven_want(q), false);
        p = q + 1;
      }
      flush();
    }
  }

  const Run* current = nullptr;  // the run of its demand being allocated
  Run want_part(Index a, Index b) const { return current->part(a, b); }
};

}  // namespace

Allocation segment_allocation_stage(const ScenarioSpec& s, const Grid& g, const EngineOptions& options,
                                    std::vector<Pool>& pools, const ContractPlan& plan, Results& r) {
  const std::vector<ContractRun>& contracts = plan.runs;
  // What is left of each pool, as runs covering [0, n): its available GPUs
  // between its cuts (fleet.cpp), a run of one step kept aside where they are
  // not linear within it. A pool kept per step (fleet.cpp): a StepLeft.
  std::vector<std::vector<Run>> left(pools.size());
  std::vector<std::map<Index, StepShape>> shaped(pools.size());  // left in steps it is not linear within
  std::vector<std::optional<StepLeft>> step_left(pools.size());
  for (std::size_t i = 0; i < pools.size(); ++i) {
    if (!pools[i].on_runs()) {
      step_left[i].emplace(pools[i], g, drawn_available(s, pools[i]));
      continue;
    }
    left[i] = runs_of(
        pools[i].cuts, [&](Index k) { return pools[i].available_at(g, k); },
        [&](Index k, double& rise) { return available_linear(pools[i], g, k, false, rise); });
    for (const Run& x : left[i])
      if (x.shaped) shaped[i][x.k0] = available_shape(pools[i], g, x.k0, false);
  }
  // The ladder and revenue, as runs (and per step where a pool kept per step gave a contract what was left).
  Allocation out;
  out.on_runs = true;
  std::vector<Run>& billed_runs = out.billed_gpu_hours;
  std::vector<Run>& busy_runs = out.busy_gpu_hours;
  std::vector<Run>& revenue_runs = out.revenue_usd;
  std::vector<Run>& contracted_runs = out.contracted_gpus;
  std::vector<Run>& shortfall_runs = out.shortfall_gpu_hours;
  std::vector<Run>& unserved_runs = out.unserved_gpu_hours;
  // Each pool's busy GPUs: runs, and a pool kept per step adds what spans of
  // steps got into its busy (sized to the steps, all 0, when first written: steps_of).
  std::vector<std::vector<Run>> pool_busy(pools.size());
  auto steps_of = [&](ArrayXd& a) -> ArrayXd& {
    if (a.size() == 0) a.setZero(g.n);
    return a;
  };

  out.results.resize(plan.results);
  out.billing.resize(contracts.size());
  for (std::vector<Run>* runs : {&billed_runs, &busy_runs, &revenue_runs, &contracted_runs})
    runs->reserve(contracts.size());  // about one piece each, mostly
  {
    std::vector<std::size_t> on_pool(pools.size(), 0);
    for (const ContractRun& c : contracts) ++on_pool[c.pool];
    for (std::size_t i = 0; i < pools.size(); ++i) pool_busy[i].reserve(on_pool[i]);  // likewise
  }
  const double dt = g.dt;
  std::vector<Piece> pieces;
  std::vector<StepSpan> spans;
  std::vector<double> span_values;
  std::vector<Run> rest, spliced, want;
  std::vector<Index> cuts, inside;
  for (std::size_t ci = 0; ci < contracts.size(); ++ci) {
    const ContractRun& c = contracts[ci];
    const Pool& pool = pools[c.pool];
    ContractResult& cr = out.results[c.result];
    if (!c.is_renewal) start_contract_result(c, g, cr);
    const auto [k0, k1] = g.range(c.start, c.bill_end);
    if (k1 <= k0) continue;
    // What it asks for: runs between its first and last steps, its ramp points and the pool's cuts.
    cuts.assign({k0 + 1, k1 - 1});
    if (c.spec->whole_pool) {
      if (pool.on_runs()) cuts.insert(cuts.end(), pool.cuts.begin(), pool.cuts.end());
    } else if (!c.spec->gpu_hours) {
      for (const CurvePoint& pt : c.curve.points()) cut_at(g, pt.t, cuts);
    }
    close_cuts(cuts, k0, k1);
    runs_of(
        cuts, [&](Index k) { return desired_at(c, pool, g, k) * c.scale; },
        [](Index, double& rise) { return rise = 0.0, true; }, want);  // Allocator checks its one-step runs

    pieces.clear();
    spans.clear();
    span_values.clear();
    if (step_left[c.pool]) {
      inside.clear();
      PerStepAllocator{s,     options, g, c, pool, drawn_available(s, pool), *step_left[c.pool], pieces, spans,
                       span_values, inside}(k0, k1, want);
    } else {
      // Against what is left: the pool's run holding k0, and on.
      std::vector<Run>& lr = left[c.pool];
      std::size_t li = static_cast<std::size_t>(
          std::upper_bound(lr.begin(), lr.end(), k0, [](Index k, const Run& x) { return k < x.k0; }) - lr.begin() - 1);
      const std::size_t first = li;
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
    }

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
        push_run(billed_runs, billed_hours);
        push_run(busy_runs, busy.times(dt));
        push_run(pool_busy[c.pool], busy);
      }
      const Run missing_hours = minus(pc.want, pc.got).times(dt);
      if (reserved && !pc.want.zero()) push_run(contracted_runs, pc.want);
      if (!missing_hours.zero()) push_run(reserved ? shortfall_runs : unserved_runs, missing_hours);
      if (!varying) {
        if (!pc.got.zero() && c.price != 0.0) push_run(revenue_runs, billed_hours.times(c.price));
        if (prepaid)
          for (Index k = pc.got.k0; k < pc.got.k1; ++k) revenue[k - k0] = billed_hours.at(k) * c.price;
        continue;
      }
      for (Index k = pc.got.k0; k < pc.got.k1; ++k) {
        const double price = step_price(c, g, k), step_revenue = billed_hours.at(k) * price;
        if (step_revenue != 0.0) push_run(revenue_runs, {k, k + 1, step_revenue, 0.0});
        revenue_sum += step_revenue;
        value += pc.want.at(k) * dt * price;
        if (prepaid) revenue[k - k0] = step_revenue;
      }
    }
    // The spans of steps it has on their own (a pool kept per step): the series step by step.
    if (!spans.empty()) {
      // (Plain loops over each span's steps, the same sums as Eigen's; __restrict:
      // the series are separate arrays, none of them the values.)
      double* __restrict billed_steps = steps_of(out.billed_steps).data();
      double* __restrict busy_steps = steps_of(out.busy_steps).data();
      double* __restrict pool_busy_steps = steps_of(pools[c.pool].busy).data();
      double* __restrict contracted_steps = reserved ? steps_of(out.contracted_steps).data() : nullptr;
      double* __restrict missing_steps = steps_of(reserved ? out.shortfall_steps : out.unserved_steps).data();
      double* __restrict revenue_steps = steps_of(out.revenue_steps).data();
      const double billed_per_gpu = billed_share * dt, busy_per_gpu = activity * dt,
                   revenue_per_gpu = billed_share * dt * c.price;
      for (const StepSpan& sp : spans) {
        const double* __restrict got = span_values.data() + sp.got;
        const double asked = sp.want;
        want_sum += asked * static_cast<double>(sp.count);
        got_sum += Eigen::Map<const ArrayXd>(got, sp.count).sum();
        double* __restrict billed = billed_steps + sp.k0;
        double* __restrict busy = busy_steps + sp.k0;
        double* __restrict pool_busy_at = pool_busy_steps + sp.k0;
        double* __restrict missing = missing_steps + sp.k0;
        double* __restrict revenue_at = revenue_steps + sp.k0;
        for (Index i = 0; i < sp.count; ++i) {  // (no branch: vectorised)
          billed[i] += got[i] * billed_per_gpu;
          busy[i] += got[i] * busy_per_gpu;
          pool_busy_at[i] += got[i] * activity;
          missing[i] += (asked - got[i]) * dt;
        }
        if (reserved)
          for (Index i = 0; i < sp.count; ++i) contracted_steps[sp.k0 + i] += asked;
        if (!varying) {
          for (Index i = 0; i < sp.count; ++i) revenue_at[i] += got[i] * revenue_per_gpu;
          if (prepaid)
            for (Index i = 0; i < sp.count; ++i) revenue[sp.k0 - k0 + i] = got[i] * revenue_per_gpu;
          continue;
        }
        for (Index i = 0; i < sp.count; ++i) {
          const Index k = sp.k0 + i;
          const double price = step_price(c, g, k), step_revenue = got[i] * billed_share * dt * price;
          revenue_at[i] += step_revenue;
          revenue_sum += step_revenue;
          value += asked * dt * price;
          if (prepaid) revenue[k - k0] = step_revenue;
        }
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

  // Each pool's busy GPUs stay runs (power_energy.cpp adds them up per site);
  // a pool kept per step has them per step.
  Segments steps;  // every step, made only when a pool is kept per step
  for (std::size_t i = 0; i < pools.size(); ++i) {
    if (pools[i].on_runs()) {
      r.pools[i].gpu_hours_busy = runs_total(pool_busy[i]) * g.dt;
      pools[i].busy_runs = std::move(pool_busy[i]);
      continue;
    }
    if (steps.cut.empty()) steps = every_step(g.n);
    add_levels_on(steps, pool_busy[i], steps_of(pools[i].busy));  // what spans of steps got, plus the runs
    // (Busy ≤ available: 0 before the pool's first GPU.)
    r.pools[i].gpu_hours_busy = total(pools[i].busy, pools[i].first_step) * g.dt;
  }
  return out;
}

}  // namespace stages
}  // namespace gpusim
