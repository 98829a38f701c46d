// The fleet stage (docs/model.md "GPUs installed and available", "Site caps and
// count: fit", the purchases of "Capex and depreciation"): each pool's
// installed-GPU curve, its step averages, the GPUs available after repairs
// (expected, or drawn under a seed), and the purchases the curve implies.
#include <algorithm>
#include <cmath>
#include <limits>

#include "models/random.hpp"
#include "sim/engine/stages.hpp"

namespace gpusim::stages {

namespace {

// A count curve's average over step k.
double step_average(const CountCurve& curve, const Grid& g, Index k) {
  const auto& pts = curve.points();
  if (pts.size() == 1)  // a constant count from one date: skip the search
    return pts.front().value * overlap(g.t0(k), g.t1(k), pts.front().t, g.end()) / g.dt;
  return curve.integral(g.t0(k), g.t1(k)) / g.dt;
}

// Every step's average: step_average, its full steps of a constant count at
// once (the same value in each: count × step ÷ step). Returns how many steps
// at the start it knows to be 0 (before a constant count's date).
Index fill_step_averages(const CountCurve& curve, const Grid& g, ArrayXd& out) {
  const auto& pts = curve.points();
  if (pts.size() != 1) {
    for (Index k = 0; k < g.n; ++k) out[k] = step_average(curve, g, k);
    return 0;
  }
  const auto [first, last] = g.range(pts.front().t, g.end());  // the steps it overlaps
  out.head(first).setZero();
  for (Index k = first; k < std::min(last, first + 1); ++k) out[k] = step_average(curve, g, k);
  if (first + 1 < last) out.segment(first + 1, last - first - 1).setConstant(step_average(curve, g, first + 1));
  out.tail(g.n - std::max(last, first)).setZero();
  return first;
}

const GpuModelSpec& gpu_of(const ScenarioSpec& s, const FleetSpec& f) {
  for (const auto& g : s.catalog)
    if (g.id == f.gpu) return g;
  throw ModelError("fleet." + f.name + ".gpu", "unknown GPU model '" + f.gpu + "'");
}

// A pool's drawn failures, step by step: each step, Binomial(GPUs up,
// afr × step ÷ year) GPUs fail at its start and stay down for `repair`: whole
// steps, and the share of a step left over (a 12 h repair at 1 d steps is down
// half the step). Writes the pool's available GPUs from step `first` on.
struct FailureWalk {
  // (From the pool's first GPU, p.first_step.)
  FailureWalk(const ScenarioSpec& s, const Grid& g, const EngineOptions& options, Pool& p, std::size_t i,
              BinomialDraws& draws)
      : pool(&p),
        installed(p.installed.data()),
        available(p.available.data()),
        afr_dt(p.spec->afr * g.dt),
        rng(make_stream(*s.seed, options.run_index, purpose_id("failures") + i)),
        failures(draws),
        first(p.first_step) {
    const double repair = p.repair_hours / g.dt;  // in steps
    repair_steps = static_cast<std::size_t>(std::max<Index>(1, static_cast<Index>(std::ceil(repair - 1e-9))));
    // The oldest failures still down come back during the step, down this share of it.
    stay_share = 1.0 - std::clamp(repair - static_cast<double>(repair_steps - 1), 0.0, 1.0);
    returning.assign(repair_steps, 0.0);
    // The steps before its first GPU: nothing up, so nothing drawn (binomial()
    // of no trials takes no random numbers), nothing down, none available.
    p.available.head(first).setZero();
    at = static_cast<std::size_t>(first) % repair_steps;
  }

  // The steps from here on have years of `year_hours` (set before the first
  // step and where the year's length changes, not each step).
  void set_year_hours(double year_hours) { failures.set_probability(std::min(1.0, afr_dt / year_hours)); }

  // Step k (the one after the last stepped, from `first` on): the failures
  // of `repair` steps ago come back, the GPUs up draw this step's.
  [[gnu::always_inline]] void step(Index k) {
    double* const slot = returning.data() + at;
    const double now = installed[k];
    double down_now = std::min(std::max(down - *slot, 0.0), now);  // back from repair
    const double up = now - down_now;
    // ⌊up⌋ (up ≥ 0: the conversion truncates, the same as the floor).
    const double failed = static_cast<double>(failures.draw(rng, static_cast<std::int64_t>(up)));
    down_now += failed;
    *slot = failed;
    at = at + 1 == repair_steps ? 0 : at + 1;
    // The oldest failures still down come back during the step: down (1 − the share left over) of it.
    available[k] = std::max(0.0, now - down_now + stay_share * returning[at]);
    down = down_now;
  }

  Pool* pool;
  const double* installed;  // the pool's, per step
  double* available;        // the pool's, per step: written from `first` on
  double afr_dt;            // afr × step
  Rng rng;
  // Its draws at afr × step ÷ year: GPUs up move in a narrow band step to
  // step, so the tables of its last draws serve most of the next ones.
  BinomialDraws::Recent failures;
  double stay_share = 1.0;        // 1 − the share of its last step a repair leaves over
  std::vector<double> returning;  // failures coming back, by step mod repair_steps
  std::size_t repair_steps = 1;   // returning's size: steps a failure stays down, counting its first
  std::size_t at = 0;             // this step's slot of `returning`: k mod repair_steps
  double down = 0.0;
  Index first = 0;  // its first step with a GPU
};

// The pools' draws are independent chains (each step's draw needs the GPUs up
// after the last one): a few pools a step at a time, so one pool's draw does
// not wait for the one before it.
constexpr std::size_t kTogether = 4;
static_assert(kTogether == 4, "walk_together's #pragma GCC unroll takes a literal: change both");

// Steps walks[0, together) (together ≤ kTogether) through the grid: from the
// first step of the first of them, each from its own first step. The counts
// are each pool's own, from its own stream, in its own order of steps.
void walk_together(const Grid& g, FailureWalk* walks, std::size_t together) {
  Index from = g.n, all_from = 0;  // the first step of the first of them to begin, of the last
  for (std::size_t w = 0; w < together; ++w) {
    from = std::min(from, walks[w].first);
    all_from = std::max(all_from, walks[w].first);
  }
  // A stretch of steps of one year length at a time: the walks' failure
  // probability is set once for it.
  auto change = std::upper_bound(g.year_hours_changes.begin(), g.year_hours_changes.end(), from);
  for (Index k = from; k < g.n;) {
    const Index stretch_end = change == g.year_hours_changes.end() ? g.n : *change++;
    for (std::size_t w = 0; w < together; ++w) walks[w].set_year_hours(g.year_hours[k]);
    // Until the last of them begins, some are still waiting; from then on all
    // step, a full group unrolled (its walks' fields at fixed offsets).
    for (const Index waiting_end = std::min(all_from, stretch_end); k < waiting_end; ++k)
      for (std::size_t w = 0; w < together; ++w)
        if (k >= walks[w].first) walks[w].step(k);
    if (together == kTogether)
      for (; k < stretch_end; ++k)
#pragma GCC unroll 4  // kTogether
        for (std::size_t w = 0; w < kTogether; ++w) walks[w].step(k);
    else
      for (; k < stretch_end; ++k)
        for (std::size_t w = 0; w < together; ++w) walks[w].step(k);
  }
}

// A pool kept per step: the totals of its arrays.
void add_up_steps(Pool& p) {
  p.installed_sum = total(p.installed, p.first_step);
  p.available_sum = total(p.available, p.first_step);
}

// Builds every pool's installed-GPU curve, fitting `count: fit` pools to their
// site's caps after the other pools at that site.
std::vector<Pool> build_pools(const ScenarioSpec& s, const Grid& g, const EngineOptions& options, bool on_runs) {
  std::vector<Pool> pools;
  for (const auto& f : s.fleet) {
    const GpuModelSpec& gpu = gpu_of(s, f);
    const auto site_it = std::find_if(s.sites.begin(), s.sites.end(),
                                      [&](const SiteSpec& x) { return x.name == f.site; });
    if (site_it == s.sites.end()) throw ModelError("fleet." + f.name + ".site", "no site named '" + f.site + "'");
    Pool p{&f, &gpu, static_cast<std::size_t>(site_it - s.sites.begin()), {},
           PowerModel(gpu.tdp, gpu.idle, gpu.overhead, f.power_curve.value_or(gpu.power_curve)),
           span_hours(s.time.start, f.repair, s.time.year)};
    if (!f.fit) p.curve = curve_of(f.schedule, static_cast<double>(f.online));
    pools.push_back(std::move(p));
  }
  std::vector<bool> site_has_fit(s.sites.size(), false);
  for (auto& p : pools) {
    if (!p.spec->fit) continue;
    const SiteSpec& site = s.sites[p.site];
    if (site_has_fit[p.site])
      throw ModelError("fleet." + p.spec->name + ".count",
                       "site '" + site.name + "' already has a pool with count: fit; one per site");
    site_has_fit[p.site] = true;
    // Peak full-load IT draw of the other pools at the site.
    double others_w = 0.0;
    for (const auto& q : pools)
      if (&q != &p && q.site == p.site && !q.spec->fit) others_w += q.curve.max_value() * q.power.full_load_w();
    double room_w = std::numeric_limits<double>::infinity();
    if (site.it_power_cap) room_w = std::min(room_w, site.it_power_cap->value - others_w);
    if (site.power_cap) room_w = std::min(room_w, site.power_cap->value / max_pue(site) - others_w);
    // The most whole GPUs that fit (a tiny tolerance absorbs rounding of exact fits).
    const double n = std::max(0.0, std::floor(room_w / p.power.full_load_w() * (1 + 1e-12)));
    if (!(n <= 1e12))  // a model drawing (next to) nothing: no finite count fits
      throw ModelError("fleet." + p.spec->name + ".count",
                       "count: fit finds no finite number of " + p.spec->gpu + " GPUs (it draws " +
                           std::to_string(p.power.full_load_w()) + " W at full load); give a count");
    p.curve = CountCurve::constant_from(static_cast<double>(s.time.start), n);
  }
  // Drawn failures: binomial()'s counts, its sums kept per (GPUs up, probability),
  // shared by the pools (a table depends on nothing else; pools of the same size share them).
  BinomialDraws failures;
  std::vector<FailureWalk> drawn;  // the pools whose failures are drawn
  drawn.reserve(pools.size());
  for (std::size_t i = 0; i < pools.size(); ++i) {
    Pool& p = pools[i];
    p.purchases = purchases_of(p.curve);
    p.capex_per_gpu = p.spec->capex.value;
    if (p.spec->capex_total) {
      // The whole purchase spread over the pool's GPUs: total ÷ its largest count.
      const double most = p.curve.max_value();
      if (most <= 0 && p.spec->capex_total->value > 0)
        throw ModelError("fleet." + p.spec->name + ".capex_total",
                         "the pool never has a GPU, so capex_total has nothing to spread over");
      p.capex_per_gpu = most > 0 ? p.spec->capex_total->value / most : 0.0;
    }
    if (on_runs && !per_step_pool(s, i)) {
      // The segment engine: installed and available are linear in k between
      // the pool's cuts; no per-step arrays.
      for (const CurvePoint& pt : p.curve.points()) cut_at(g, pt.t, p.cuts);
      if (p.spec->afr > 0) p.cuts.insert(p.cuts.end(), g.year_hours_changes.begin(), g.year_hours_changes.end());
      close_cuts(p.cuts, 0, g.n);
      p.installed_runs = runs_of(p.cuts, [&](Index k) { return p.installed_at(g, k); });
      p.available_runs = runs_of(p.cuts, [&](Index k) { return p.available_at(g, k); });
      continue;
    }
    p.installed.resize(g.n);
    p.available.resize(g.n);
    // The step engine adds to busy step by step; the segment engine sizes it
    // when a contract first gets steps of it (so its zeros are still in cache).
    if (!on_runs) p.busy.setZero(g.n);
    p.first_step = fill_step_averages(p.curve, g, p.installed);
    while (p.first_step < g.n && p.installed[p.first_step] == 0.0) ++p.first_step;
    if (!s.seed || p.spec->afr == 0.0) {
      // Expected values: the share down is afr × repair ÷ year.
      if (p.spec->afr == 0.0) p.available = p.installed;
      else
        for (Index k = 0; k < g.n; ++k) p.available[k] = p.installed[k] * (1.0 - p.down_share(g.year_hours[k]));
      add_up_steps(p);
      continue;
    }
    drawn.emplace_back(s, g, options, p, i, failures);
  }
  for (std::size_t first = 0; first < drawn.size(); first += kTogether) {
    const std::size_t together = std::min(drawn.size() - first, kTogether);
    walk_together(g, drawn.data() + first, together);
    for (std::size_t w = first; w < first + together; ++w) add_up_steps(*drawn[w].pool);  // (still in cache)
  }
  return pools;
}

}  // namespace

double Pool::installed_at(const Grid& g, Index k) const {
  return installed.size() ? installed[k] : step_average(curve, g, k);
}

double Pool::available_at(const Grid& g, Index k) const {
  if (available.size()) return available[k];
  return spec->afr == 0.0 ? installed_at(g, k) : installed_at(g, k) * (1.0 - down_share(g.year_hours[k]));
}

double max_pue(const SiteSpec& site) {
  if (site.pue.monthly.empty()) return site.pue.constant;
  return *std::max_element(site.pue.monthly.begin(), site.pue.monthly.end());
}

CountCurve curve_of(const CountSchedule& s, double from) {
  if (s.is_ramp()) {
    std::vector<CurvePoint> pts;
    for (const auto& p : s.ramp) pts.push_back({static_cast<double>(p.at), p.count});
    return CountCurve(std::move(pts));
  }
  return CountCurve::constant_from(from, s.constant.value_or(0.0));
}

CountAsWritten count_as_written(const CountSchedule& s) {
  CountAsWritten out;
  out.unit = s.unit;
  out.gpus_per_unit = s.gpus_per_unit;
  out.ramp = s.is_ramp();
  if (s.is_ramp()) out.gpus = s.ramp.back().count;
  else if (s.constant) out.gpus = *s.constant;
  return out;
}

std::vector<Pool> fleet_stage(const ScenarioSpec& s, const Grid& g, const EngineOptions& options, bool on_runs,
                              Results& r) {
  std::vector<Pool> pools = build_pools(s, g, options, on_runs);

  for (const auto& p : pools) {
    PoolResult pr;
    pr.name = p.spec->name;
    pr.gpu = p.spec->gpu;
    pr.site = p.spec->site;
    pr.installed_end = p.curve.value_at(g.end() - 1e-9);
    pr.gpu_hours_installed = (p.on_runs() ? runs_total(p.installed_runs) : p.installed_sum) * g.dt;
    pr.gpu_hours_available = (p.on_runs() ? runs_total(p.available_runs) : p.available_sum) * g.dt;
    if (p.spec->fit) pr.fitted_count = p.curve.max_value();
    else pr.count = count_as_written(p.spec->schedule);
    pr.capex_per_gpu_usd = p.capex_per_gpu;
    r.pools.push_back(std::move(pr));
  }
  return pools;
}

void fleet_flows(const Segments& seg, const std::vector<Pool>& pools, Flows& f) {
  f.installed_gpus = zero_series(seg);
  f.available_gpus = zero_series(seg);
  std::vector<Run> installed, available;  // every pool's runs (the segment engine)
  for (const Pool& p : pools) {
    if (p.on_runs()) {
      installed.insert(installed.end(), p.installed_runs.begin(), p.installed_runs.end());
      available.insert(available.end(), p.available_runs.begin(), p.available_runs.end());
    } else {  // per step: every step a segment (steps_on), added in place from its first GPU
      const Index m = p.installed.size() - p.first_step;
      f.installed_gpus.a.tail(m) += p.installed.tail(m);
      f.available_gpus.a.tail(m) += p.available.tail(m);
    }
  }
  if (installed.empty()) return;  // (Σ of per-step counts, never −0: adding runs_on's zeros leaves them as they are)
  f.installed_gpus += runs_on(seg, installed);
  f.available_gpus += runs_on(seg, available);
}

}  // namespace gpusim::stages
