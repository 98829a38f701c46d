// The allocation stage (docs/model.md "Contracts and demand", "Allocation",
// "The utilization ladder"): each contract's window, size and price; then, per
// pool, contracts in allocation order (reserved, on-demand, spot) take what is
// left of the available GPUs; billed and busy GPU-hours and revenue follow.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "models/random.hpp"
#include "sim/engine/stages.hpp"
#include "sim/engine/within_step.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim::stages {

// GPUs the contract asks for, averaged over step k.
double desired_at(const ContractRun& c, const Pool& pool, const Grid& g, Index k) {
  const double a = std::max(g.t0(k), c.start), b = std::min(g.t1(k), c.bill_end);
  if (b <= a) return 0.0;
  const double inv_dt = 1.0 / g.dt;
  if (c.spec->whole_pool) return pool.available_at(g, k) * (b - a) * inv_dt;
  if (c.spec->gpu_hours) return c.rate_gpus * (b - a) * inv_dt;
  const auto& pts = c.curve.points();
  if (pts.size() == 1) {  // a constant count from its first point: skip the search
    const double from = std::max(a, pts.front().t);
    return b > from ? pts.front().value * (b - from) * inv_dt : 0.0;
  }
  return c.curve.integral(a, b) * inv_dt;
}

namespace {

// The contract's demand over steps [k0, k1): whole steps inside its window ask
// for the full amount, so only the steps at its edges need desired_at.
void fill_desired(const ContractRun& c, const Pool& pool, const Grid& g, Index k0, Index k1, ArrayXd& want) {
  const auto& pts = c.curve.points();
  const bool constant = !c.spec->whole_pool && (c.spec->gpu_hours || pts.size() == 1);
  if (!constant) {
    for (Index k = k0; k < k1; ++k) want[k - k0] = desired_at(c, pool, g, k);
    return;
  }
  const double level = c.spec->gpu_hours ? c.rate_gpus : pts.front().value;
  const double from = c.spec->gpu_hours ? c.start : std::max(c.start, pts.front().t);
  for (Index k = k0; k < k1; ++k) {
    const bool whole = g.t0(k) >= from && g.t1(k) <= c.bill_end;
    want[k - k0] = whole ? level : desired_at(c, pool, g, k);
  }
}

// GPU-hours the contract asks for over its whole window (for `value` pricing).
double contracted_over_window(const ContractRun& c, const Pool& pool, const ScenarioSpec& s) {
  if (c.spec->gpu_hours) return c.spec->gpu_hours->value;
  if (c.spec->whole_pool) {
    const double down = pool.down_share(year_hours_at(static_cast<HourStamp>(c.start), s.time.year));
    return pool.curve.integral(c.start, c.end) * (1.0 - down);
  }
  return c.curve.integral(c.start, c.end);
}

// GPU-hours the contract asks for in [a, b) of its window, at full delivery.
double contracted_between(const ContractRun& c, const Pool& pool, const ScenarioSpec& s, double a, double b) {
  a = std::max(a, c.start);
  b = std::min(b, c.end);
  if (b <= a) return 0.0;
  if (c.spec->gpu_hours) return c.rate_gpus * (b - a);
  if (c.spec->whole_pool) {
    const double down = pool.down_share(year_hours_at(static_cast<HourStamp>(c.start), s.time.year));
    return pool.curve.integral(a, b) * (1.0 - down);
  }
  return c.curve.integral(a, b);
}

// Σ contracted GPU-hours × the price multiplier over [a, b), in day-long pieces
// from the contract's start (anniversaries fall on piece boundaries, so an
// escalation is exact; a decline is taken at each piece's middle).
double priced_hours_between(const ContractRun& c, const Pool& pool, const ScenarioSpec& s, double a, double b) {
  a = std::max(a, c.start);
  b = std::min(b, c.end);
  double sum = 0.0;
  for (double t = c.start + 24.0 * std::floor((a - c.start) / 24.0); t < b; t += 24.0) {
    const double lo = std::max(t, a), hi = std::min(t + 24.0, b);
    if (hi <= lo) continue;
    const double mid = 0.5 * (lo + hi);
    sum += contracted_between(c, pool, s, lo, hi) *
           c.price_factor(lo, hi, year_hours_at(static_cast<HourStamp>(std::floor(mid)), s.time.year));
  }
  return sum;
}

}  // namespace

double ContractRun::price_factor(double a, double b, double year_hours) const {
  if (escalation > 0) {
    // (1 + e)^(anniversaries passed), averaged over [a, b).
    auto next = std::upper_bound(anniversaries.begin(), anniversaries.end(), a);
    double passed = static_cast<double>(next - anniversaries.begin());
    double sum = 0.0, from = a;
    for (; next != anniversaries.end() && *next < b; ++next, passed += 1) {
      sum += (*next - from) * std::pow(1.0 + escalation, passed);
      from = *next;
    }
    sum += (b - from) * std::pow(1.0 + escalation, passed);
    return b > a ? sum / (b - a) : std::pow(1.0 + escalation, passed);
  }
  if (!is_renewal && spec->price_decline > 0)
    return std::pow(1.0 - spec->price_decline, (0.5 * (a + b) - start) / year_hours);
  return 1.0;
}

ContractPlan build_contracts(const ScenarioSpec& s, const std::vector<Pool>& pools, const EngineOptions& options) {
  ContractPlan plan;
  std::vector<ContractRun>& out = plan.runs;
  out.reserve(2 * (s.contracts.size() + s.demand.size()));  // each, and its renewal
  const double run_start = static_cast<double>(s.time.start);
  std::unordered_map<std::string_view, std::size_t> pool_index;  // pools by name (the first of a name)
  pool_index.reserve(pools.size());
  for (std::size_t i = pools.size(); i-- > 0;) pool_index[pools[i].spec->name] = i;
  // The end of a term from a start: contracts share a few (monthly starts, whole-year terms).
  struct SpanKey {
    HourStamp from;
    Span span;
    bool operator==(const SpanKey&) const = default;
  };
  struct SpanKeyHash {
    std::size_t operator()(const SpanKey& k) const {
      std::uint64_t bits = 0;
      std::memcpy(&bits, &k.span.amount, sizeof bits);
      return static_cast<std::size_t>(
          mix64(static_cast<std::uint64_t>(k.from) ^ mix64(bits + static_cast<std::uint64_t>(k.span.unit))));
    }
  };
  std::unordered_map<SpanKey, double, SpanKeyHash> span_ends;
  const auto end_of = [&](HourStamp from, const Span& span) {
    const auto [at, fresh] = span_ends.try_emplace(SpanKey{from, span}, 0.0);
    if (fresh) at->second = end_of_span(from, span, s.time.year);
    return at->second;
  };
  std::size_t noise_streams = 0;  // contracts (not renewals) added so far
  // c, item index_in_list of `list`, at `place` in the file (contracts, then demand).
  auto add = [&](const ContractSpec& c, const char* list, std::size_t index_in_list, std::size_t place) {
    const std::string key = std::string(list) + "." + c.name;
    ContractRun r;
    r.spec = &c;
    r.list = list;
    r.result = place;
    r.noise_stream = noise_streams++;
    const auto found = pool_index.find(c.pool);
    if (found == pool_index.end()) throw ModelError(key + ".pool", "no pool '" + c.pool + "'");
    r.pool = found->second;
    const auto it = pools.begin() + static_cast<std::ptrdiff_t>(r.pool);
    const HourStamp start = c.start.value_or(s.time.start);
    r.start = static_cast<double>(start);
    r.end = c.term ? end_of(start, *c.term) : static_cast<double>(c.end.value_or(s.time.end));
    r.bill_end = c.terminate ? std::min(r.end, static_cast<double>(c.terminate->at)) : r.end;
    if (!c.gpu_hours && !c.whole_pool) r.curve = curve_of(c.gpus, r.start);
    if (c.gpu_hours) r.rate_gpus = c.gpu_hours->value / (r.end - r.start);
    r.escalation = c.escalation;
    if (r.escalation > 0)
      for (int y = 1;; ++y) {
        const double at = end_of_span(start, Span::of_years(y), s.time.year);
        if (at >= r.end) break;
        r.anniversaries.push_back(at);
      }
    if (c.price) {
      r.price = c.price->value;
    } else if (c.value) {
      // The first-year price that makes the total at full delivery the value.
      const double hours = r.escalation > 0 ? priced_hours_between(r, *it, s, r.start, r.end)
                                            : contracted_over_window(r, *it, s);
      if (hours <= 0)
        throw ModelError(key + ".value", "the contract asks for no GPU-hours, so its value gives no price per GPU-hour");
      r.price = c.value->value / hours;
      r.window_gpu_hours = hours;
    }
    if (c.prepayment) {
      r.value_usd = c.value ? c.value->value : r.price * priced_hours_between(r, *it, s, r.start, r.end);
      r.prepayment_usd = c.prepayment->share ? *c.prepayment->share * r.value_usd : c.prepayment->amount->value;
      if (r.prepayment_usd > r.value_usd * (1 + 1e-12))
        throw ModelError(key + ".prepayment",
                         "the prepayment (" + format_number(r.prepayment_usd) +
                             " USD) is more than the contract's value at full delivery (" +
                             format_number(r.value_usd) + " USD: price × contracted GPU-hours)");
      // Started before the run: what its bills up to the run's start would have applied is gone.
      if (r.start < run_start && r.value_usd > 0 && r.bill_end > run_start) {
        const double before = r.price * priced_hours_between(r, *it, s, r.start, run_start);
        r.opening_deferred_usd = r.prepayment_usd * std::max(0.0, 1.0 - before / r.value_usd);
      }
    }
    out.push_back(std::move(r));
    const ContractRun& first = out.back();  // (out has room for every renewal: no reallocation below)
    if (!c.renewal || first.bill_end < first.end) return;  // a terminated contract does not renew
    // The renewal: the same size from the end, for its term, at the new price.
    ContractRun n;
    n.spec = &c;
    n.list = list;
    n.result = first.result;
    n.noise_stream = first.noise_stream;
    n.pool = first.pool;
    n.is_renewal = true;
    n.start = first.end;
    n.end = end_of(static_cast<HourStamp>(std::llround(first.end)), c.renewal->term);
    n.bill_end = n.end;
    n.rate_gpus = first.rate_gpus;
    if (!c.gpu_hours && !c.whole_pool)
      n.curve = CountCurve::constant_from(n.start, first.curve.value_at(first.end - 1e-9));
    const double at_end =
        first.price * first.price_factor(first.end - 1e-9, first.end,
                                         year_hours_at(static_cast<HourStamp>(std::llround(first.end)) - 1, s.time.year));
    n.price = c.renewal->price ? c.renewal->price->value : at_end * (1.0 + c.renewal->price_change);
    n.scale = c.renewal->probability;
    if (s.seed) {
      Rng rng = make_stream(*s.seed, options.run_index, purpose_id("renewal") + index_in_list);
      n.scale = rng.uniform01() < c.renewal->probability ? 1.0 : 0.0;
    }
    out.push_back(std::move(n));
  };
  // Allocation order: reserved (file order), then on-demand, then spot.
  plan.results = s.contracts.size() + s.demand.size();
  for (ContractKind kind : {ContractKind::reserved, ContractKind::on_demand, ContractKind::spot}) {
    for (std::size_t i = 0; i < s.contracts.size(); ++i)
      if (s.contracts[i].kind == kind) add(s.contracts[i], "contracts", i, i);
    for (std::size_t i = 0; i < s.demand.size(); ++i)
      if (s.demand[i].kind == kind) add(s.demand[i], "demand", i, s.contracts.size() + i);
  }
  return plan;
}

void start_contract_result(const ContractRun& c, const Grid& g, ContractResult& cr) {
  cr.name = c.spec->name;
  cr.customer = c.spec->customer;
  cr.list = c.list;
  cr.kind = c.spec->kind;
  cr.pool = c.spec->pool;
  cr.price_usd_per_gpu_hour = c.price;
  cr.price_derived_from_value = !c.spec->price && c.spec->value;
  cr.window_start_h = c.start;
  cr.window_end_h = c.end;
  cr.window_gpu_hours = c.window_gpu_hours;
  cr.prepayment_usd = c.prepayment_usd;
  if (!c.spec->whole_pool && !c.spec->gpu_hours) cr.count = count_as_written(c.spec->gpus);
  if (c.spec->terminate) {
    const double at = static_cast<double>(c.spec->terminate->at);
    if (at >= g.t0(0) && at < g.end()) cr.termination_fee_usd = c.spec->terminate->fee.value;
  }
}

bool varying_price(const ContractRun& c) {
  return !c.is_renewal && (c.spec->price_decline > 0 || c.escalation > 0);
}

// A declining price, taken at the middle of each step (exact for flat prices);
// an escalating one, averaged over the step's part of the window.
double step_price(const ContractRun& c, const Grid& g, Index k) {
  if (c.spec->price_decline > 0 && !c.is_renewal)
    return c.price * std::pow(1.0 - c.spec->price_decline, (0.5 * (g.t0(k) + g.t1(k)) - c.start) / g.year_hours[k]);
  if (c.escalation > 0 && !c.is_renewal)
    return c.price * c.price_factor(std::max(g.t0(k), c.start), std::min(g.t1(k), c.bill_end), g.year_hours[k]);
  return c.price;
}

namespace {

// What is left of a pool, step by step: its averages, its rise within each step
// where it is linear, and its shape in the steps where it is not.
struct Left {
  ArrayXd average;
  ArrayXd rise;  // empty: 0 in every step
  std::map<Index, StepShape> shaped;

  double rise_at(Index k) const { return rise.size() ? rise[k] : 0.0; }
  void set_rise(Index k, double r) {
    if (r == 0.0 && !rise.size()) return;
    if (!rise.size()) rise.setZero(average.size());
    rise[k] = r;
  }
  // Step k after a contract took from it: linear again, or kept as its shape.
  void set_shape(Index k, StepShape&& shape) { set_left_shape(*this, k, std::move(shape)); }
};

Left left_of(const Pool& pool, const Grid& g, bool drawn) {
  Left l;
  l.average = pool.available;
  if (drawn) return l;
  std::vector<Index> inside;
  steps_with_points_inside(pool.curve, g, 0, g.n, inside);
  for (Index k : inside) l.shaped[k] = available_shape(pool, g, k, false);
  if (pool.curve.points().size() > 1) {
    l.rise.setZero(g.n);
    double r = 0.0;
    for (Index k = 0; k < g.n; ++k)
      if (available_linear(pool, g, k, false, r)) l.rise[k] = r;
  }
  return l;
}

}  // namespace

Allocation allocation_stage(const ScenarioSpec& s, const Grid& g, const EngineOptions& options,
                            std::vector<Pool>& pools, const ContractPlan& plan, Results& r) {
  StepSeries& ts = r.series;
  const std::vector<ContractRun>& contracts = plan.runs;
  // Per pool, contracts in allocation order take what is left.
  std::vector<Left> left;
  std::vector<char> drawn;
  for (const Pool& p : pools) {
    drawn.push_back(drawn_available(s, p));
    left.push_back(left_of(p, g, drawn.back()));
  }
  Allocation out;
  out.results.resize(plan.results);
  out.billing.resize(contracts.size());
  std::vector<Index> inside;
  for (std::size_t ci = 0; ci < contracts.size(); ++ci) {
    const ContractRun& c = contracts[ci];
    Pool& pool = pools[c.pool];
    ContractResult& cr = out.results[c.result];
    if (!c.is_renewal) start_contract_result(c, g, cr);
    const auto window = g.range(c.start, c.bill_end);
    const Index k0 = window.first, k1 = window.second;  // clang 14 cannot capture a structured binding in the lambdas below
    const bool reserved = c.spec->kind == ContractKind::reserved;
    // Demand noise, drawn only under a seed: demand × max(0, 1 + noise × z), z ~ N(0, 1).
    const bool noisy = s.seed && c.spec->noise > 0;
    std::optional<Rng> rng;
    if (noisy) rng = make_stream(*s.seed, options.run_index, purpose_id("demand noise") + c.noise_stream);
    const Index len = k1 - k0;
    if (len <= 0) continue;
    // What it asks for in each step of its window, then what it gets of what is left.
    ArrayXd want(len);
    fill_desired(c, pool, g, k0, k1, want);
    if (c.scale != 1.0) want *= c.scale;  // a renewal counted with its probability
    if (noisy)
      for (Index i = 0; i < len; ++i) want[i] *= std::max(0.0, 1.0 + c.spec->noise * standard_normal(*rng));
    Left& L = left[c.pool];
    const bool pool_drawn = drawn[c.pool];
    // Steps where its demand or what is left is not linear within the step: its
    // window's partial edges, points of its curve inside a step, shaped steps
    // left by earlier contracts. Under noise its demand is a constant in each step.
    inside.clear();
    if (!noisy) {
      if (c.start > g.t0(k0)) inside.push_back(k0);
      if (c.bill_end < g.t1(k1 - 1)) inside.push_back(k1 - 1);
      if (c.spec->whole_pool && !pool_drawn) steps_with_points_inside(pool.curve, g, k0, k1, inside);
      else if (!c.spec->whole_pool && !c.spec->gpu_hours) steps_with_points_inside(c.curve, g, k0, k1, inside);
    }
    for (auto it = L.shaped.lower_bound(k0); it != L.shaped.end() && it->first < k1; ++it) inside.push_back(it->first);
    std::sort(inside.begin(), inside.end());
    inside.erase(std::unique(inside.begin(), inside.end()), inside.end());
    const bool want_rises = !noisy && (c.spec->whole_pool ? !pool_drawn && pool.curve.points().size() > 1
                                                         : !c.spec->gpu_hours && c.curve.points().size() > 1);
    ArrayXd got(len);
    // Where want − left keeps its sign over the step, min of the averages is exact.
    auto linear_steps = [&](Index p, Index q) {
      if (q <= p) return;
      if (!want_rises && !L.rise.size()) {  // both constant within each step
        auto l = L.average.segment(p, q - p);
        got.segment(p - k0, q - p) = want.segment(p - k0, q - p).min(l);
        l -= got.segment(p - k0, q - p);
        return;
      }
      for (Index k = p; k < q; ++k) {
        const double w = want[k - k0], l = L.average[k];
        double wr = 0.0;
        if (want_rises) want_linear(c, pool, g, k, pool_drawn, wr);
        const double lr = L.rise_at(k);
        if (crosses(w, wr, l, lr)) {  // split at the crossing
          StepShape shape = StepShape::linear(l, lr);
          double g_avg = 0.0;
          take_within_step(StepShape::linear(w, wr), shape, g_avg);
          got[k - k0] = g_avg;
          L.average[k] = l - g_avg;
          L.set_shape(k, std::move(shape));
        } else if (w <= l) {
          got[k - k0] = w;
          L.average[k] = l - w;
          if (wr != 0.0) L.set_rise(k, lr - wr);
        } else {
          got[k - k0] = l;
          L.average[k] = 0.0;
          L.set_rise(k, 0.0);
        }
      }
    };
    Index from = k0;
    for (Index k : inside) {
      linear_steps(from, k);
      from = k + 1;
      const double w = want[k - k0], l = L.average[k];
      const StepShape want_k = noisy ? StepShape::linear(w, 0.0) : want_shape(c, pool, g, k, pool_drawn);
      const auto it = L.shaped.find(k);
      StepShape left_k = it != L.shaped.end() ? it->second : StepShape::linear(l, L.rise_at(k));
      double g_avg = 0.0;
      switch (take_within_step(want_k, left_k, g_avg)) {
        case Take::fits: g_avg = w; break;
        case Take::takes_all: g_avg = l; break;
        case Take::crossed: break;
      }
      got[k - k0] = g_avg;
      L.average[k] = l - g_avg;
      L.set_shape(k, std::move(left_k));
    }
    linear_steps(from, k1);
    const double dt = g.dt;
    const ArrayXd busy = got * c.spec->activity;
    const ArrayXd billed_hours = ((reserved && !c.spec->take_or_pay) ? busy : got) * dt;
    ArrayXd revenue;
    if (varying_price(c)) {
      ArrayXd price(len);
      for (Index k = k0; k < k1; ++k) price[k - k0] = step_price(c, g, k);
      revenue = billed_hours * price;
      cr.value_usd += total(want * dt * price);
    } else {
      revenue = billed_hours * c.price;
      cr.value_usd += total(want) * dt * c.price;
    }
    const ArrayXd missing_hours = (want - got) * dt;
    pool.busy.segment(k0, len) += busy;
    ts.billed_gpu_hours.segment(k0, len) += billed_hours;
    ts.busy_gpu_hours.segment(k0, len) += busy * dt;
    ts.revenue_usd.segment(k0, len) += revenue;
    if (reserved) {
      ts.contracted_gpus.segment(k0, len) += want;
      ts.shortfall_gpu_hours.segment(k0, len) += missing_hours;
    } else {
      ts.unserved_gpu_hours.segment(k0, len) += missing_hours;
    }
    cr.contracted_gpu_hours += total(want) * dt;
    cr.billed_gpu_hours += total(billed_hours);
    cr.busy_gpu_hours += total(busy) * dt;
    cr.shortfall_gpu_hours += total(missing_hours);
    cr.revenue_usd += total(revenue);
    if (c.is_renewal) cr.renewed_gpu_hours += total(billed_hours);
    if (c.prepayment_usd > 0) out.billing[ci] = Billing{k0, revenue};
  }
  for (std::size_t i = 0; i < pools.size(); ++i) r.pools[i].gpu_hours_busy = total(pools[i].busy) * g.dt;
  return out;
}

}  // namespace gpusim::stages
