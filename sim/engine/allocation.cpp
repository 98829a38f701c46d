// The allocation stage (docs/model.md "Contracts and demand", "Allocation",
// "The utilization ladder"): each contract's window, size and price; then, per
// pool, contracts in allocation order (reserved, on-demand, spot) take what is
// left of the available GPUs; billed and busy GPU-hours and revenue follow.
#include <algorithm>
#include <cmath>
#include <optional>

#include "models/random.hpp"
#include "sim/engine/stages.hpp"

namespace gpusim::stages {

namespace {

// GPUs the contract asks for, averaged over step k.
double desired_at(const ContractRun& c, const Pool& pool, const Grid& g, Index k) {
  const double a = std::max(g.t0(k), c.start), b = std::min(g.t1(k), c.end);
  if (b <= a) return 0.0;
  const double inv_dt = 1.0 / g.dt;
  if (c.spec->whole_pool) return pool.available[k] * (b - a) * inv_dt;
  if (c.spec->gpu_hours) return c.rate_gpus * (b - a) * inv_dt;
  const auto& pts = c.curve.points();
  if (pts.size() == 1) {  // a constant count from its first point: skip the search
    const double from = std::max(a, pts.front().t);
    return b > from ? pts.front().value * (b - from) * inv_dt : 0.0;
  }
  return c.curve.integral(a, b) * inv_dt;
}

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
    const bool whole = g.t0(k) >= from && g.t1(k) <= c.end;
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

}  // namespace

std::vector<ContractRun> build_contracts(const ScenarioSpec& s, const std::vector<Pool>& pools) {
  std::vector<ContractRun> out;
  auto add = [&](const ContractSpec& c, const char* list) {
    ContractRun r;
    r.spec = &c;
    r.list = list;
    const auto it = std::find_if(pools.begin(), pools.end(), [&](const Pool& p) { return p.spec->name == c.pool; });
    if (it == pools.end()) throw ModelError(std::string(list) + "." + c.name + ".pool", "no pool '" + c.pool + "'");
    r.pool = static_cast<std::size_t>(it - pools.begin());
    const HourStamp start = c.start.value_or(s.time.start);
    r.start = static_cast<double>(start);
    r.end = c.term ? end_of_span(start, *c.term, s.time.year) : static_cast<double>(c.end.value_or(s.time.end));
    if (!c.gpu_hours && !c.whole_pool) r.curve = curve_of(c.gpus, r.start);
    if (c.gpu_hours) r.rate_gpus = c.gpu_hours->value / (r.end - r.start);
    if (c.price) {
      r.price = c.price->value;
    } else if (c.value) {
      const double hours = contracted_over_window(r, *it, s);
      if (hours <= 0)
        throw ModelError(std::string(list) + "." + c.name + ".value",
                         "the contract asks for no GPU-hours, so its value gives no price per GPU-hour");
      r.price = c.value->value / hours;
      r.window_gpu_hours = hours;
    }
    out.push_back(std::move(r));
  };
  // Allocation order: reserved (file order), then on-demand, then spot.
  for (ContractKind kind : {ContractKind::reserved, ContractKind::on_demand, ContractKind::spot}) {
    for (const auto& c : s.contracts)
      if (c.kind == kind) add(c, "contracts");
    for (const auto& c : s.demand)
      if (c.kind == kind) add(c, "demand");
  }
  return out;
}

std::vector<ContractResult> allocation_stage(const ScenarioSpec& s, const Grid& g, const EngineOptions& options,
                                             std::vector<Pool>& pools, const std::vector<ContractRun>& contracts,
                                             Results& r) {
  StepSeries& ts = r.series;
  // Per pool, contracts in allocation order take what is left.
  std::vector<ArrayXd> left(pools.size());
  for (std::size_t i = 0; i < pools.size(); ++i) left[i] = pools[i].available;
  std::vector<ContractResult> contract_results(contracts.size());
  for (std::size_t ci = 0; ci < contracts.size(); ++ci) {
    const ContractRun& c = contracts[ci];
    Pool& pool = pools[c.pool];
    ContractResult& cr = contract_results[ci];
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
    const auto [k0, k1] = g.range(c.start, c.end);
    const bool reserved = c.spec->kind == ContractKind::reserved;
    // Demand noise, drawn only under a seed: demand × max(0, 1 + noise × z), z ~ N(0, 1).
    const bool noisy = s.seed && c.spec->noise > 0;
    std::optional<Rng> rng;
    if (noisy) rng = make_stream(*s.seed, options.run_index, purpose_id("demand noise") + ci);
    const Index len = k1 - k0;
    if (len <= 0) continue;
    // What it asks for in each step of its window, then what it gets of what is left.
    ArrayXd want(len);
    fill_desired(c, pool, g, k0, k1, want);
    if (noisy)
      for (Index i = 0; i < len; ++i) want[i] *= std::max(0.0, 1.0 + c.spec->noise * standard_normal(*rng));
    auto left_seg = left[c.pool].segment(k0, len);
    const ArrayXd got = want.min(left_seg);
    left_seg -= got;
    const double dt = g.dt;
    const ArrayXd busy = got * c.spec->activity;
    const ArrayXd billed_hours = ((reserved && !c.spec->take_or_pay) ? busy : got) * dt;
    // A declining price, taken at the middle of each step (exact for flat prices).
    ArrayXd revenue;
    if (c.spec->price_decline > 0) {
      ArrayXd step_price(len);
      for (Index k = k0; k < k1; ++k)
        step_price[k - k0] = c.price * std::pow(1.0 - c.spec->price_decline,
                                                (0.5 * (g.t0(k) + g.t1(k)) - c.start) / g.year_hours[k]);
      revenue = billed_hours * step_price;
      cr.value_usd += total(want * dt * step_price);
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
  }
  for (std::size_t i = 0; i < pools.size(); ++i) r.pools[i].gpu_hours_busy = total(pools[i].busy) * g.dt;
  return contract_results;
}

}  // namespace gpusim::stages
