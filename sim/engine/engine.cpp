#include "sim/engine/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "models/finance.hpp"
#include "models/power.hpp"
#include "models/random.hpp"
#include "models/schedule.hpp"
#include "models/tariff.hpp"

namespace gpusim {

using Eigen::ArrayXd;
using Eigen::Index;

void StepSeries::resize(Index n) {
  for (ArrayXd* a : {&installed_gpus, &available_gpus, &contracted_gpus, &billed_gpu_hours,
                     &busy_gpu_hours, &shortfall_gpu_hours, &unserved_gpu_hours, &it_power_w,
                     &facility_power_w, &it_energy_wh, &facility_energy_wh, &revenue_usd,
                     &energy_cost_usd, &colocation_usd, &opex_usd, &depreciation_usd, &interest_usd,
                     &other_usd, &tax_usd, &capex_usd, &debt_drawn_usd, &debt_repaid_usd}) {
    a->setZero(n);
  }
}

ArrayXd StepSeries::operating_income_usd() const {
  return revenue_usd - energy_cost_usd - colocation_usd - opex_usd - depreciation_usd;
}

ArrayXd StepSeries::net_income_usd() const {
  return operating_income_usd() - interest_usd + other_usd - tax_usd;
}

ArrayXd StepSeries::cash_flow_usd() const {
  return revenue_usd - energy_cost_usd - colocation_usd - opex_usd - interest_usd + other_usd -
         tax_usd - capex_usd + debt_drawn_usd - debt_repaid_usd;
}

namespace {

// Σ a, in a fixed order with eight running sums (twice as fast as total(a) here,
// and the same on every machine and thread count).
double total(const ArrayXd& a) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const double* p = a.data();
  const Index n = a.size(), whole = n - n % 8;
  for (Index i = 0; i < whole; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += p[i + j];
  double tail = 0.0;
  for (Index i = whole; i < n; ++i) tail += p[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

struct Grid {
  HourStamp start = 0;
  int dt = 1;
  Index n = 0;
  YearConvention year = YearConvention::calendar;
  std::vector<int> month;          // 1..12 per step
  std::vector<int> year_of;        // calendar year per step
  ArrayXd year_hours;              // denominator of "/y" rates per step
  ArrayXd month_hours;             // denominator of "/month" rates per step

  double t0(Index k) const { return static_cast<double>(start + k * dt); }
  double t1(Index k) const { return static_cast<double>(start + (k + 1) * dt); }
  double end() const { return t0(n); }
  // Steps overlapping [a, b): [first, last).
  std::pair<Index, Index> range(double a, double b) const {
    const double s = static_cast<double>(start);
    const Index first = std::clamp<Index>(static_cast<Index>(std::floor((a - s) / dt)), 0, n);
    const Index last = std::clamp<Index>(static_cast<Index>(std::ceil((b - s) / dt)), 0, n);
    return {first, std::max(first, last)};
  }
};

Grid make_grid(const TimeSpec& t) {
  Grid g;
  g.start = t.start;
  g.dt = t.step_hours;
  g.n = (t.end - t.start) / t.step_hours;
  g.year = t.year;
  g.month.resize(static_cast<std::size_t>(g.n));
  g.year_of.resize(static_cast<std::size_t>(g.n));
  g.year_hours.resize(g.n);
  g.month_hours.resize(g.n);
  CivilDate d{};
  for (Index k = 0; k < g.n; ++k) {
    const HourStamp h = g.start + k * g.dt;
    // The date changes at most once a day: convert only then.
    if (k == 0 || g.dt >= 24 || ((h % 24) + 24) % 24 == 0) d = civil_from_hours(h);
    g.month[static_cast<std::size_t>(k)] = d.month;
    g.year_of[static_cast<std::size_t>(k)] = d.year;
    g.year_hours[k] = t.year == YearConvention::days365 ? 8760.0 : (is_leap_year(d.year) ? 8784.0 : 8760.0);
    g.month_hours[k] = t.year == YearConvention::days365 ? 730.0 : 24.0 * days_in_month(d.year, d.month);
  }
  return g;
}

// A power in the unit that suits `scale` (a cap): MW from 1 MW up (three
// decimals, as the caps are usually written), kW from 1 kW, else W.
std::string mw_text(double w, double scale) {
  char buf[64];
  const double a = std::fabs(scale);
  if (a >= 1e6) std::snprintf(buf, sizeof buf, "%.3f MW", w / 1e6);
  else if (a >= 1e3) std::snprintf(buf, sizeof buf, "%.3f kW", w / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f W", w);
  return buf;
}
std::string mw_text(double w) { return mw_text(w, w); }

const GpuModelSpec& gpu_of(const ScenarioSpec& s, const FleetSpec& f) {
  for (const auto& g : s.catalog)
    if (g.id == f.gpu) return g;
  throw ModelError("fleet." + f.name + ".gpu", "unknown GPU model '" + f.gpu + "'");
}

double max_pue(const SiteSpec& site) {
  if (site.pue.monthly.empty()) return site.pue.constant;
  return *std::max_element(site.pue.monthly.begin(), site.pue.monthly.end());
}

struct Pool {
  const FleetSpec* spec = nullptr;
  const GpuModelSpec* gpu = nullptr;
  std::size_t site = 0;
  CountCurve curve;
  PowerModel power;
  double repair_hours = 0.0;
  ArrayXd installed, available, busy;  // per step, GPUs (averages)
  double down_share(double year_hours) const {
    return std::min(1.0, spec->afr * repair_hours / year_hours);
  }
};

CountCurve curve_of(const CountSchedule& s, double from) {
  if (s.is_ramp()) {
    std::vector<CurvePoint> pts;
    for (const auto& p : s.ramp) pts.push_back({static_cast<double>(p.at), p.count});
    return CountCurve(std::move(pts));
  }
  return CountCurve::constant_from(from, s.constant.value_or(0.0));
}

// Builds every pool's installed-GPU curve, fitting `count: fit` pools to their
// site's caps after the other pools at that site.
std::vector<Pool> build_pools(const ScenarioSpec& s, const Grid& g, const EngineOptions& options) {
  std::vector<Pool> pools;
  for (const auto& f : s.fleet) {
    const GpuModelSpec& gpu = gpu_of(s, f);
    const auto site_it = std::find_if(s.sites.begin(), s.sites.end(),
                                      [&](const SiteSpec& x) { return x.name == f.site; });
    if (site_it == s.sites.end()) throw ModelError("fleet." + f.name + ".site", "no site named '" + f.site + "'");
    Pool p{&f, &gpu, static_cast<std::size_t>(site_it - s.sites.begin()), {},
           PowerModel(gpu.tdp, gpu.idle, gpu.overhead, f.power_curve.value_or(gpu.power_curve)),
           span_hours(s.time.start, f.repair, s.time.year), {}, {}, {}};
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
  for (std::size_t i = 0; i < pools.size(); ++i) {
    Pool& p = pools[i];
    p.installed.resize(g.n);
    p.available.resize(g.n);
    p.busy.setZero(g.n);
    if (p.curve.points().size() == 1) {  // a constant count from one date
      const CurvePoint& only = p.curve.points().front();
      for (Index k = 0; k < g.n; ++k) p.installed[k] = only.value * overlap(g.t0(k), g.t1(k), only.t, g.end()) / g.dt;
    } else {
      for (Index k = 0; k < g.n; ++k) p.installed[k] = p.curve.integral(g.t0(k), g.t1(k)) / g.dt;
    }
    if (!s.seed || p.spec->afr == 0.0) {
      // Expected values: the share down is afr × repair ÷ year.
      if (p.spec->afr == 0.0) p.available = p.installed;
      else
        for (Index k = 0; k < g.n; ++k) p.available[k] = p.installed[k] * (1.0 - p.down_share(g.year_hours[k]));
      continue;
    }
    // Drawn failures: each step, Binomial(GPUs up, afr × step ÷ year) GPUs fail
    // at its start and stay down for `repair`: whole steps, and the share of a
    // step left over (a 12 h repair at 1 d steps is down half the step).
    Rng rng = make_stream(*s.seed, options.run_index, purpose_id("failures") + i);
    const double repair = p.repair_hours / g.dt;  // in steps
    const Index repair_steps = std::max<Index>(1, static_cast<Index>(std::ceil(repair - 1e-9)));
    // The oldest failures still down come back during the step, down this share of it.
    const double last_share = std::clamp(repair - static_cast<double>(repair_steps - 1), 0.0, 1.0);
    std::vector<double> returning(static_cast<std::size_t>(repair_steps), 0.0);
    double down = 0.0;
    for (Index k = 0; k < g.n; ++k) {
      double& slot = returning[static_cast<std::size_t>(k % repair_steps)];
      down -= slot;  // back from repair
      slot = 0.0;
      down = std::min(std::max(down, 0.0), p.installed[k]);
      const double up = p.installed[k] - down;
      const double prob = std::min(1.0, p.spec->afr * g.dt / g.year_hours[k]);
      const double failed = static_cast<double>(binomial(rng, static_cast<std::int64_t>(std::floor(up)), prob));
      down += failed;
      slot = failed;
      const double oldest = returning[static_cast<std::size_t>((k + 1) % repair_steps)];
      p.available[k] = std::max(0.0, p.installed[k] - down + (1.0 - last_share) * oldest);
    }
  }
  return pools;
}

void check_site_caps(const ScenarioSpec& s, const std::vector<Pool>& pools, const Grid& g,
                     const std::vector<ArrayXd>& pue) {
  for (std::size_t si = 0; si < s.sites.size(); ++si) {
    const SiteSpec& site = s.sites[si];
    if (!site.it_power_cap && !site.power_cap) continue;
    // The caps hold at every instant, not on step averages (else a ramp peaking
    // inside a day passes at 1 d steps and fails at 1 h). The site's full load is
    // piecewise linear between its pools' points and jumps only up, at a curve's
    // first point, so its most in a step is at the step's start, at a point inside
    // the step, or just before its end.
    std::vector<const Pool*> members;
    std::vector<double> knots;
    double most_ever_w = 0.0;  // every pool at its largest count at once: an upper bound
    for (const auto& p : pools) {
      if (p.site != si) continue;
      members.push_back(&p);
      for (const auto& pt : p.curve.points()) knots.push_back(pt.t);
      most_ever_w += p.curve.max_value() * p.power.full_load_w();
    }
    // Under both caps even at the bound (and the highest PUE): nothing to check step by step.
    const bool it_ok = !site.it_power_cap || most_ever_w <= site.it_power_cap->value;
    const bool facility_ok = !site.power_cap || most_ever_w * max_pue(site) <= site.power_cap->value;
    if (it_ok && facility_ok) continue;
    std::sort(knots.begin(), knots.end());
    const auto load_at = [&](double t, bool just_before) {
      double w = 0.0;
      for (const Pool* p : members) {
        const auto& pts = p->curve.points();
        if (pts.empty() || (just_before && t <= pts.front().t)) continue;
        w += p->curve.value_at(t) * p->power.full_load_w();
      }
      return w;
    };
    ArrayXd full_load(g.n);
    for (Index k = 0; k < g.n; ++k) {
      double most = std::max(load_at(g.t0(k), false), load_at(g.t1(k), true));
      for (auto it = std::upper_bound(knots.begin(), knots.end(), g.t0(k)); it != knots.end() && *it < g.t1(k); ++it)
        most = std::max(most, load_at(*it, false));
      full_load[k] = most;
    }
    // With one pool at the site, say how many of its GPUs the cap holds.
    auto holds = [&](double cap_w, double pue_at) {
      if (members.size() != 1) return std::string();
      const Pool& only = *members.front();
      const double n = std::floor(cap_w / pue_at / only.power.full_load_w() * (1 + 1e-12));
      return "; it holds " + std::to_string(static_cast<long long>(n)) + " " + only.spec->gpu +
             " GPUs at full load (" + mw_text(only.power.full_load_w()) + " each" +
             (pue_at != 1.0 ? " × PUE" : "") + "), or give count: fit";
    };
    for (Index k = 0; k < g.n; ++k) {
      const double tolerance = 1e-9;
      if (site.it_power_cap && full_load[k] > site.it_power_cap->value * (1 + tolerance)) {
        throw ModelError("sites." + site.name + ".it_power_cap",
                         "site '" + site.name + "': the fleet's full-load IT power " +
                             mw_text(full_load[k], site.it_power_cap->value) + " exceeds it_power_cap " +
                             mw_text(site.it_power_cap->value) + " by " +
                             mw_text(full_load[k] - site.it_power_cap->value, site.it_power_cap->value) + " on " +
                             format_date(g.start + k * g.dt) + holds(site.it_power_cap->value, 1.0));
      }
      const double facility = full_load[k] * pue[si][k];
      if (site.power_cap && facility > site.power_cap->value * (1 + tolerance)) {
        throw ModelError("sites." + site.name + ".power_cap",
                         "site '" + site.name + "': the fleet's full-load facility power " +
                             mw_text(facility, site.power_cap->value) + " exceeds power_cap " +
                             mw_text(site.power_cap->value) + " by " +
                             mw_text(facility - site.power_cap->value, site.power_cap->value) + " on " +
                             format_date(g.start + k * g.dt) + holds(site.power_cap->value, pue[si][k]));
      }
    }
  }
}

struct ContractRun {
  const ContractSpec* spec = nullptr;
  const char* list = "contracts";
  std::size_t pool = 0;
  double start = 0, end = 0;  // window, hours
  CountCurve curve;           // gpus as a curve (constant or ramp); unused for gpu_hours/all
  double rate_gpus = 0;       // gpu_hours spread evenly: GPUs
  double price = 0;           // USD per GPU-hour
};

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

// GPU-hours the contract asks for over its whole window (for `value` pricing).
double contracted_over_window(const ContractRun& c, const Pool& pool, const ScenarioSpec& s) {
  if (c.spec->gpu_hours) return c.spec->gpu_hours->value;
  if (c.spec->whole_pool) {
    const double down = pool.down_share(year_hours_at(static_cast<HourStamp>(c.start), s.time.year));
    return pool.curve.integral(c.start, c.end) * (1.0 - down);
  }
  return c.curve.integral(c.start, c.end);
}

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

double expense_between(const ExpenseSpec& e, const Grid& g, Index k, double run_start, double run_end) {
  if (e.amount) {
    const double at = static_cast<double>(*e.at);
    return (at >= g.t0(k) && at < g.t1(k)) ? e.amount->value : 0.0;
  }
  const double a = e.start ? static_cast<double>(*e.start) : run_start;
  const double b = e.end ? static_cast<double>(*e.end) : run_end;
  return e.rate->value * overlap(g.t0(k), g.t1(k), a, b) / g.year_hours[k];
}


}  // namespace

Results run_scenario(const ScenarioSpec& s, const EngineOptions& options) {
  const Grid g = make_grid(s.time);
  Results r;
  r.scenario = s.name;
  r.time = s.time;
  StepSeries& ts = r.series;
  ts.resize(g.n);
  const double run_start = g.t0(0), run_end = g.end();

  // Per-site PUE and tariff per step.
  std::vector<ArrayXd> pue(s.sites.size()), price(s.sites.size());
  for (std::size_t si = 0; si < s.sites.size(); ++si) {
    pue[si].resize(g.n);
    price[si].resize(g.n);
    const SiteSpec& site = s.sites[si];
    if (site.pue.monthly.empty()) pue[si].setConstant(site.pue.constant);
    else
      for (Index k = 0; k < g.n; ++k) pue[si][k] = site.pue.at_month(g.month[static_cast<std::size_t>(k)]);
    if (site.electricity.kind == TariffSpec::Kind::flat) price[si].setConstant(site.electricity.flat.value);
    else
      for (Index k = 0; k < g.n; ++k) price[si][k] = average_price(site.electricity, g.start + k * g.dt, g.dt);
  }

  std::vector<Pool> pools = build_pools(s, g, options);
  check_site_caps(s, pools, g, pue);
  std::vector<ContractRun> contracts = build_contracts(s, pools);

  // Allocation: per pool, contracts in allocation order take what is left.
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

  // Power, energy, colocation per site; capex and depreciation per pool.
  std::vector<SiteResult> sites(s.sites.size());
  std::vector<ArrayXd> site_it(s.sites.size(), ArrayXd::Zero(g.n));
  std::vector<ArrayXd> site_full_load(s.sites.size(), ArrayXd::Zero(g.n));
  double server_wh = 0.0;  // Σ available × overhead × step: the servers' share of IT energy
  for (auto& p : pools) {
    PoolResult pr;
    pr.name = p.spec->name;
    pr.gpu = p.spec->gpu;
    pr.site = p.spec->site;
    pr.installed_end = p.curve.value_at(run_end - 1e-9);
    pr.gpu_hours_installed = total(p.installed) * g.dt;
    pr.gpu_hours_available = total(p.available) * g.dt;
    pr.gpu_hours_busy = total(p.busy) * g.dt;
    if (p.spec->fit) pr.fitted_count = p.curve.max_value();
    site_it[p.site] += p.power.it_power_w(p.available, p.busy);
    server_wh += total(p.available) * p.power.overhead_w() * g.dt;
    site_full_load[p.site] += p.installed * p.power.full_load_w();
    ts.installed_gpus += p.installed;
    ts.available_gpus += p.available;
    const double capex_per_gpu = p.spec->capex.value;
    for (const Purchase& buy : purchases_of(p.curve)) {
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
    r.pools.push_back(std::move(pr));
  }
  for (std::size_t si = 0; si < s.sites.size(); ++si) {
    const SiteSpec& site = s.sites[si];
    SiteResult& sr = sites[si];
    sr.name = site.name;
    const ArrayXd facility = site_it[si] * pue[si];
    const ArrayXd cost = facility * g.dt * price[si];
    ts.it_power_w += site_it[si];
    ts.facility_power_w += facility;
    ts.energy_cost_usd += cost;
    sr.it_peak_mw = site_it[si].size() ? site_it[si].maxCoeff() / 1e6 : 0.0;
    sr.facility_peak_mw = facility.size() ? facility.maxCoeff() / 1e6 : 0.0;
    sr.it_kwh = total(site_it[si]) * g.dt / 1e3;
    sr.facility_kwh = total(facility) * g.dt / 1e3;
    sr.energy_cost_usd = total(cost);
    if (site.colocation) {
      for (Index k = 0; k < g.n; ++k) {
        const double leased_w = site.it_power_cap ? site.it_power_cap->value : site_full_load[si][k];
        const double rent = leased_w * site.colocation->value * g.dt / g.month_hours[k];
        ts.colocation_usd[k] += rent;
        sr.colocation_usd += rent;
      }
    }
  }
  r.sites = std::move(sites);
  ts.it_energy_wh = ts.it_power_w * g.dt;
  ts.facility_energy_wh = ts.facility_power_w * g.dt;

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

  // Customers, in order of first appearance in the file.
  std::vector<std::string> order;
  for (const auto* list : {&s.contracts, &s.demand})
    for (const auto& c : *list)
      if (std::find(order.begin(), order.end(), c.customer) == order.end()) order.push_back(c.customer);
  const double total_revenue = total(ts.revenue_usd);
  for (const auto& name : order) {
    CustomerResult cu;
    cu.name = name;
    for (const auto& cr : contract_results) {
      if (cr.customer != name) continue;
      cu.gpu_hours += cr.billed_gpu_hours;
      cu.revenue_usd += cr.revenue_usd;
    }
    cu.revenue_share = total_revenue > 0 ? cu.revenue_usd / total_revenue : 0.0;
    r.customers.push_back(cu);
  }
  // Contract results in file order (contracts, then demand), not allocation order.
  for (const auto* list : {&s.contracts, &s.demand})
    for (const auto& c : *list)
      for (std::size_t i = 0; i < contracts.size(); ++i)
        if (contracts[i].spec == &c) r.contracts.push_back(contract_results[i]);

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
  const MonthlyCash monthly = monthly_cash(cash, g, run_start, s.time.year);
  m.min_cumulative_cash_usd = monthly.min_cumulative;
  m.npv_usd = npv(monthly.at_middle, s.finance.discount_rate);
  m.irr = irr(monthly.at_middle);
  m.payback_years = payback_years(monthly.at_end, 0.0);
  return r;
}

}  // namespace gpusim
