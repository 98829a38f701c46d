// Random valid scenarios for tests: a fixed-seed generator (splitmix64,
// written here so that the scenarios are the same on every machine) of
// scenario text with 1–3 sites, 1–4 pools (constant counts, ramps on
// midnights, count: fit), 0–5 contracts and demands of random kinds, sizes,
// prices, activities and windows, opex, other items, debt and tax; optionally
// deal terms (escalation or a price decline, prepayments, renewals,
// terminations), windows starting and ending at any hour, and a seed.
// Used by tests/sim/engine/invariants_test.cpp and segment_test.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "models/calendar.hpp"
#include "models/catalog.hpp"
#include "models/schedule.hpp"
#include "models/scenario.hpp"

namespace gpusim::testing {

// What generate() may add beyond the invariants test's scenarios (each draws
// more numbers only when on, so the scenarios without them stay the same).
struct GenerateOptions {
  bool deal_terms = false;  // escalation / price_decline, prepayment, renewal, terminate on reserved contracts
  bool any_hour = false;    // contract windows and ramp points at any hour, not only midnights
  bool seed = false;        // a `seed:` (renewals drawn; noise and failures when present)
  bool drawn = false;       // under a seed, failures on as many pools as without one, noise on more demand
};

// splitmix64 (Steele, Lea, Flood 2014): a portable, fixed sequence.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) from the top 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [lo, hi] (the modulo bias is irrelevant here).
  long long between(long long lo, long long hi) {
    return lo + static_cast<long long>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return uniform() < p; }
  // Uniform-enough in [0, n) for n ≪ 2^64, and an element of a vector.
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

 private:
  std::uint64_t state_;
};

struct GpuPower {
  double tdp = 0, idle = 0, overhead = 0;
  double full_load() const { return tdp + overhead; }
};

struct PoolPlan {
  std::string name, gpu;
  int site = 0;
  CountCurve curve;  // installed GPUs (for sizing caps and contracts)
  bool fit = false;
  bool linear = true;
};

struct SitePlan {
  std::string name;
  std::vector<double> pue;  // 1 value or 12
  bool time_of_use = false;
  bool flat = false;
  double flat_price = 0;    // USD/kWh when flat
};

struct ContractPlan {  // of the generator, not the engine's
  std::string name;
  bool reserved = true, take_or_pay = true;
  double activity = 1;
};

struct Generated {
  std::string yaml;  // with STEP for the step
  std::vector<SitePlan> sites;
  std::vector<PoolPlan> pools;
  std::vector<ContractPlan> contracts;  // contracts, then demand (file order)
  bool steps_comparable = true;         // no time-of-use, only linear power curves
};

inline std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

inline std::string date(HourStamp h) { return format_date(h); }

inline const std::map<std::string, GpuPower>& gpu_table() {
  static const std::map<std::string, GpuPower> table = [] {
    std::map<std::string, GpuPower> t;
    for (const auto& g : builtin_catalog()) t[g.id] = {g.tdp.value, g.idle.value, g.overhead.value};
    t["T1"] = {1000, 200, 300};
    return t;
  }();
  return table;
}

// Minimum of a piecewise-linear curve over [a, b).
inline double min_over(const CountCurve& c, double a, double b) {
  double m = std::min(c.value_at(a), c.value_at(b - 1e-6));
  for (const auto& p : c.points())
    if (p.t > a && p.t < b) m = std::min(m, c.value_at(p.t));
  return m;
}

inline double max_over_all(const CountCurve& c) { return c.max_value(); }

inline Generated generate(SplitMix64& rng, const GenerateOptions& opts = {}) {
  Generated g;
  std::ostringstream y;
  const int year = static_cast<int>(rng.between(2023, 2024));
  const HourStamp start = to_hours({year, static_cast<int>(rng.between(1, 12)), static_cast<int>(rng.between(1, 28)), 0});
  // Mostly short runs; a quarter cross at least one new year (for tax by calendar year).
  const long long days = rng.chance(0.25) ? rng.between(200, 420) : rng.between(10, 120);
  const HourStamp end = start + days * 24;
  const bool y365 = rng.chance(0.5);
  auto random_day = [&](HourStamp from, HourStamp to) {  // a midnight in [from, to]
    return from + rng.between(0, (to - from) / 24) * 24;
  };
  // A contract's instant: a midnight, or with any_hour any hour of that day.
  auto random_instant = [&](HourStamp from, HourStamp to) {
    const HourStamp day = random_day(from, to);
    return opts.any_hour ? day + rng.between(0, 23) : day;
  };
  const bool tight = rng.chance(0.75);

  y << "name: random\n";
  if (opts.seed) y << "seed: " << rng.between(0, 1000000) << "\n";
  y << "time: {start: " << date(start) << ", end: " << date(end) << ", step: STEP"
    << (y365 ? ", year: 365d" : "") << "}\n";
  y << "catalog:\n  T1: {tdp: 1000 W, idle: 200 W, overhead: 300 W, price: 10000 USD}\n";

  // Pools first (in memory), so that caps can be set above their full load.
  const std::vector<std::string> gpus = {"T1", "H100-SXM", "B200", "MI300X"};
  const int n_sites = static_cast<int>(rng.between(1, 3));
  const int n_pools = static_cast<int>(rng.between(1, 4));
  std::ostringstream fleet;
  for (int i = 0; i < n_pools; ++i) {
    PoolPlan p;
    p.name = "p" + std::to_string(i);
    p.gpu = gpus[static_cast<std::size_t>(rng.between(0, 3))];
    p.site = static_cast<int>(rng.between(0, n_sites - 1));
    fleet << "  - {name: " << p.name << ", gpu: " << p.gpu << ", site: s" << p.site;
    const double r = rng.uniform();
    if (r < 0.08 && i == 0) {
      // A fitted pool: sized by the engine to its site's caps (set below), from the start.
      p.fit = true;
      fleet << ", count: fit";
    } else if (r < 0.55) {
      const double count = static_cast<double>(rng.between(10, 5000));
      HourStamp online = start;
      if (rng.chance(0.5)) online = random_day(start - 400 * 24, end - 24);
      fleet << ", count: " << num(count) << ", online: " << date(online);
      p.curve = CountCurve::constant_from(static_cast<double>(online), count);
    } else {
      const int n_points = static_cast<int>(rng.between(2, 4));
      std::vector<HourStamp> at;
      HourStamp t = random_day(start - 60 * 24, start + (end - start) / 2);
      for (int k = 0; k < n_points; ++k) {
        at.push_back(t);
        t += rng.between(1, std::max<long long>(1, days / 2)) * 24;
      }
      std::vector<CurvePoint> pts;
      fleet << ", ramp: [";
      for (int k = 0; k < n_points; ++k) {
        const double count = static_cast<double>(rng.between(0, 5000));
        pts.push_back({static_cast<double>(at[static_cast<std::size_t>(k)]), count});
        fleet << (k ? ", " : "") << "{at: " << date(at[static_cast<std::size_t>(k)]) << ", count: " << num(count) << "}";
      }
      fleet << "]";
      p.curve = CountCurve(pts);
    }
    if (rng.chance(0.5)) fleet << ", capex: " << rng.between(0, 40000) << " USD";
    if (rng.chance(0.6)) {
      if (rng.chance(0.7)) fleet << ", life: " << rng.between(1, 6) << "y";
      else fleet << ", life: " << rng.between(30, 2000) << "d";
    }
    // Under a seed failures are drawn: fewer pools have them (unless `drawn`), so that more scenarios have none.
    if (rng.chance(0.5) && !(opts.seed && !opts.drawn && rng.chance(0.7)))
      fleet << ", afr: " << rng.between(1, 20) << "%, repair: " << rng.between(1, 10) << "d";
    if (rng.chance(0.08)) {
      p.linear = false;
      fleet << ", power_curve: " << (rng.chance(0.5) ? "square" : "cubic");
    }
    fleet << "}\n";
    g.pools.push_back(p);
  }

  // Sites.
  y << "sites:\n";
  for (int s = 0; s < n_sites; ++s) {
    SitePlan site;
    site.name = "s" + std::to_string(s);
    y << "  - {name: " << site.name;
    if (rng.chance(0.3)) {
      y << ", pue: [";
      for (int m = 0; m < 12; ++m) {
        site.pue.push_back(1.0 + 0.01 * static_cast<double>(rng.between(0, 60)));
        y << (m ? ", " : "") << num(site.pue.back());
      }
      y << "]";
    } else {
      site.pue.push_back(1.0 + 0.01 * static_cast<double>(rng.between(0, 60)));
      y << ", pue: " << num(site.pue.back());
    }
    double max_pue = 0;
    for (double v : site.pue) max_pue = std::max(max_pue, v);
    const double e = rng.uniform();
    if (e < 0.5) {
      site.flat = true;
      site.flat_price = 0.001 * static_cast<double>(rng.between(30, 200));
      y << ", electricity: " << num(site.flat_price) << " USD/kWh";
    } else if (e < 0.8) {
      y << ", electricity: [";
      for (int m = 0; m < 12; ++m) y << (m ? ", " : "") << num(0.001 * static_cast<double>(rng.between(30, 200))) << " USD/kWh";
      y << "]";
    } else if (rng.chance(0.5)) {
      site.time_of_use = true;
      g.steps_comparable = false;
      y << ", electricity: {weekday: [";
      for (int h = 0; h < 24; ++h) y << (h ? ", " : "") << num(0.001 * static_cast<double>(rng.between(30, 300)));
      y << "], weekend: [";
      for (int h = 0; h < 24; ++h) y << (h ? ", " : "") << num(0.001 * static_cast<double>(rng.between(30, 300)));
      y << "]}";
    } else {
      site.flat = true;
      site.flat_price = 0.0806;  // the default tariff
    }
    // Caps above the site's peak full-load draw (a fitted pool then fills the room left).
    double full_w = 0;
    bool has_fit = false;
    for (const auto& p : g.pools) {
      if (p.site != s) continue;
      if (p.fit) has_fit = true;
      else full_w += max_over_all(p.curve) * gpu_table().at(p.gpu).full_load();
    }
    const bool it_cap = has_fit || rng.chance(0.4);
    const bool power_cap = !has_fit ? rng.chance(0.2) : rng.chance(0.3);
    if (it_cap) y << ", it_power_cap: " << num(std::ceil(full_w * (1.1 + rng.uniform()) + 1e6)) << " W";
    if (power_cap) y << ", power_cap: " << num(std::ceil(full_w * max_pue * (1.1 + rng.uniform()) + 2e6)) << " W";
    if (rng.chance(0.4)) y << ", colocation: " << rng.between(50, 250) << " USD/kW/month";
    y << "}\n";
    g.sites.push_back(site);
  }
  for (const auto& p : g.pools)
    if (!p.linear) g.steps_comparable = false;
  y << "fleet:\n" << fleet.str();

  // Contracts and demand.
  const int n_contracts = static_cast<int>(rng.between(0, 5));
  std::ostringstream contracts, demand;
  std::vector<ContractPlan> in_contracts, in_demand;
  for (int i = 0; i < n_contracts; ++i) {
    ContractPlan c;
    c.name = "c" + std::to_string(i);
    const PoolPlan& pool = g.pools[static_cast<std::size_t>(rng.between(0, n_pools - 1))];
    const double kind_roll = rng.uniform();
    const std::string kind = kind_roll < 0.6 ? "reserved" : kind_roll < 0.85 ? "on_demand" : "spot";
    c.reserved = kind == "reserved";
    const bool to_demand = !c.reserved && rng.chance(0.7);
    std::ostringstream& out = to_demand ? demand : contracts;
    out << "  - {name: " << c.name << ", pool: " << pool.name;
    if (!to_demand || kind != "on_demand") out << ", kind: " << kind;
    if (rng.chance(0.3)) out << ", customer: cust" << rng.between(0, 2);
    // Window on midnights.
    HourStamp a = start, b = end;
    bool has_start = false;
    if (rng.chance(0.5)) {
      a = random_instant(start - 30 * 24, end - 24);
      has_start = true;
      out << ", start: " << date(a);
    }
    const double w = rng.uniform();
    if (w < 0.3) {
      b = random_instant(std::max(a, start) + 24, end + 60 * 24);
      out << ", end: " << date(b);
    } else if (w < 0.45 && !to_demand) {
      const long long term_days = rng.between(1, days + 60);
      b = a + term_days * 24;
      out << ", term: " << term_days << "d";
    } else if (w < 0.5 && !to_demand && has_start) {
      // A term in years: under the calendar it ends on the same date a year later.
      out << ", term: 1y";
      b = static_cast<HourStamp>(end_of_span(a, Span::of_years(1), y365 ? YearConvention::days365 : YearConvention::calendar));
    }
    const double lo = static_cast<double>(std::max(a, start)), hi = static_cast<double>(std::min(b, end));
    // Size: in tight scenarios each contract wants at most a fifth of the pool's
    // minimum (after the worst repair share) over its window, so none goes short.
    double room = pool.fit ? 0.0 : min_over(pool.curve, lo, hi) * 0.95 / 5.0;
    if (!tight) room = pool.fit ? 1000.0 : std::max(1.0, max_over_all(pool.curve)) * rng.uniform();
    const double size = std::floor(room * rng.uniform());
    const double s = rng.uniform();
    bool sized_in_hours = false;
    if (s < 0.1 && !tight && !to_demand) {
      out << ", gpus: all";
    } else if (s < 0.35 && c.reserved && b > a) {
      out << ", gpu_hours: " << num(size * static_cast<double>(b - a)) << " gpu-h";
      sized_in_hours = true;
    } else if (s < 0.6 && hi > lo) {
      // A ramp inside the window, never above `size`.
      const HourStamp r0 = random_instant(static_cast<HourStamp>(lo), static_cast<HourStamp>(hi));
      const HourStamp r1 = r0 + rng.between(1, 60) * 24 + (opts.any_hour ? rng.between(0, 23) : 0);
      out << ", gpus: [{at: " << date(r0) << ", count: " << num(std::floor(size * rng.uniform())) << "}, {at: "
          << date(r1) << ", count: " << num(size) << "}]";
    } else {
      out << ", gpus: " << num(size);
    }
    const bool by_value = c.reserved && rng.chance(0.3) && (sized_in_hours || size > 0);
    if (by_value) {
      out << ", value: " << rng.between(1000, 50000000) << " USD";
    } else {
      out << ", price: " << num(0.01 * static_cast<double>(rng.between(0, 600))) << " USD/gpu-h";
    }
    if (opts.deal_terms && c.reserved && !to_demand) {
      const double roll = rng.uniform();
      if (roll < 0.2 && !by_value) out << ", price_decline: " << rng.between(1, 40) << "%";
      else if (roll < 0.45) out << ", escalation: " << rng.between(1, 15) << "%";
      if (rng.chance(0.25)) out << ", prepayment: " << rng.between(5, 100) << "%";
      if (b - a >= 72 && rng.chance(0.2)) {
        out << ", terminate: {at: " << date(a + 24 + rng.between(0, (b - a - 48) / 24) * 24 + (opts.any_hour ? rng.between(0, 23) : 0))
            << ", fee: " << rng.between(0, 1000000) << " USD}";
      } else if (rng.chance(0.3)) {
        out << ", renewal: {term: " << rng.between(1, 400) << "d, probability: " << rng.between(0, 100)
            << "%, price_change: " << rng.between(-30, 30) << "%}";
      }
    }
    if (opts.seed && to_demand && rng.chance(opts.drawn ? 0.3 : 0.1)) out << ", noise: " << rng.between(1, 30) << "%";
    if (rng.chance(0.6)) {
      c.activity = 0.01 * static_cast<double>(rng.between(0, 100));
      out << ", activity: " << num(c.activity * 100) << "%";
    }
    if (c.reserved && rng.chance(0.25)) {
      c.take_or_pay = false;
      out << ", take_or_pay: false";
    }
    out << "}\n";
    (to_demand ? in_demand : in_contracts).push_back(c);
  }
  // A contract with `value` but no GPU-hours in its window cannot be priced; the
  // generator only gives `value` to contracts sized > 0, but a ramp may still ask
  // for nothing inside the run — the engine then reports it (checked below).
  if (!in_contracts.empty()) y << "contracts:\n" << contracts.str();
  if (!in_demand.empty()) y << "demand:\n" << demand.str();
  g.contracts = in_contracts;
  g.contracts.insert(g.contracts.end(), in_demand.begin(), in_demand.end());

  // Finance.
  y << "finance:\n";
  const int n_opex = static_cast<int>(rng.between(0, 2));
  if (n_opex) {
    y << "  opex:\n";
    for (int i = 0; i < n_opex; ++i) {
      y << "    - {name: o" << i;
      if (rng.chance(0.3)) {
        y << ", amount: " << rng.between(1000, 1000000) << " USD, at: " << date(random_day(start, end - 24));
      } else {
        y << ", amount: " << rng.between(100000, 100000000) << " USD/y";
        if (rng.chance(0.4)) {
          const HourStamp a = random_day(start - 30 * 24, end - 24);
          y << ", start: " << date(a) << ", end: " << date(a + rng.between(1, 400) * 24);
        }
      }
      y << "}\n";
    }
  }
  const int n_other = static_cast<int>(rng.between(0, 2));
  if (n_other) {
    y << "  other:\n";
    for (int i = 0; i < n_other; ++i) {
      const long long amount = rng.between(-5000000, 5000000);
      if (rng.chance(0.5)) y << "    - {name: x" << i << ", amount: " << amount << " USD, at: " << date(random_day(start, end - 24)) << "}\n";
      else y << "    - {name: x" << i << ", amount: " << amount << " USD/y}\n";
    }
  }
  const int n_debt = static_cast<int>(rng.between(0, 2));
  if (n_debt) {
    y << "  debt:\n";
    const char* kinds[] = {"bullet", "linear", "annuity"};
    for (int i = 0; i < n_debt; ++i) {
      y << "    - {name: d" << i << ", principal: " << rng.between(1, 500) << "M USD, rate: " << rng.between(0, 15)
        << "%, amortization: " << kinds[rng.between(0, 2)];
      if (rng.chance(0.6)) y << ", start: " << date(random_day(start - 400 * 24, end - 24));
      if (rng.chance(0.5)) y << ", term: " << rng.between(1, 5) << "y";
      else y << ", term: " << rng.between(10, 700) << "d";
      y << "}\n";
    }
  }
  if (rng.chance(0.5)) y << "  tax_rate: " << rng.between(0, 40) << "%\n";
  y << "  discount_rate: " << rng.between(0, 20) << "%\n";
  g.yaml = y.str();
  return g;
}

}  // namespace gpusim::testing
