// The power and energy stage (docs/model.md "Power", "Site caps and count: fit",
// "Energy and tariffs", "Power purchase agreements", "Carbon", "Colocation"):
// each site's PUE, electricity price and carbon intensity per step, the caps
// check, IT and facility power from the available and busy GPUs, energy and its
// cost split into PPAs and the grid, CO2, and colocation rent.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/tariff.hpp"
#include "sim/engine/stages.hpp"

namespace gpusim::stages {

namespace {

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

// A carbon intensity (kg/Wh) per step: the average over the step's hours.
ArrayXd profile_steps(const CarbonSpec& profile, const Grid& g) {
  ArrayXd out(g.n);
  for (Index k = 0; k < g.n; ++k) out[k] = average_value(profile, g.start + k * g.dt, g.dt);
  return out;
}

// A PPA's [start, end) in hours.
std::pair<double, double> ppa_window(const PpaSpec& ppa, const Grid& g) {
  return {ppa.start ? static_cast<double>(*ppa.start) : g.t0(0), ppa.end ? static_cast<double>(*ppa.end) : g.end()};
}

// The share of each segment's steps that lies inside a PPA's [start, end): the
// steps holding its start and end are segments of their own.
ArrayXd ppa_overlap(const PpaSpec& ppa, const Grid& g, const Segments& seg) {
  const auto [start, end] = ppa_window(ppa, g);
  ArrayXd out(seg.count());
  for (Index i = 0; i < seg.count(); ++i) {
    const Index k = seg.k0(i);
    out[i] = std::max(0.0, std::min(g.t1(k), end) - std::max(g.t0(k), start)) / g.dt;
  }
  return out;
}

// A per-step array's value on each segment (constant over it: its changes are
// cuts); `constant` in every segment when the array is empty.
ArrayXd on_segments(const ArrayXd& per_step, const Segments& seg, double constant = 0.0) {
  if (per_step.size() == 0) return ArrayXd::Constant(seg.count(), constant);
  ArrayXd out(seg.count());
  for (Index i = 0; i < seg.count(); ++i) out[i] = per_step[seg.k0(i)];
  return out;
}

// Site si's PUE in step k.
double pue_at(const ScenarioSpec& s, const SiteSeries& sites, std::size_t si, Index k) {
  return sites.pue[si].size() ? sites.pue[si][k] : s.sites[si].pue.constant;
}

}  // namespace

SiteSeries site_series(const ScenarioSpec& s, const Grid& g) {
  SiteSeries out;
  std::vector<ArrayXd>& pue = out.pue;
  std::vector<ArrayXd>& price = out.price;
  pue.resize(s.sites.size());
  price.resize(s.sites.size());
  out.carbon.resize(s.sites.size());
  for (std::size_t si = 0; si < s.sites.size(); ++si) {
    const SiteSpec& site = s.sites[si];
    // One PUE and a flat tariff stay numbers (pue_at, on_segments): no per-step array.
    if (!site.pue.monthly.empty()) {
      pue[si].resize(g.n);
      for (Index k = 0; k < g.n; ++k) pue[si][k] = site.pue.at_month(g.month[static_cast<std::size_t>(k)]);
    }
    if (site.electricity.kind != TariffSpec::Kind::flat) {
      price[si].resize(g.n);
      for (Index k = 0; k < g.n; ++k) price[si][k] = average_price(site.electricity, g.start + k * g.dt, g.dt);
    }
    if (site.carbon) out.carbon[si] = profile_steps(*site.carbon, g);
    out.ppa_carbon.emplace_back();
    for (const auto& ppa : site.ppa) out.ppa_carbon[si].push_back(ppa.carbon ? profile_steps(*ppa.carbon, g) : ArrayXd());
  }
  return out;
}

void power_energy_cuts(const ScenarioSpec& s, const Grid& g, const SiteSeries& sites, std::vector<Index>& cuts) {
  // (A monthly PUE and the month's length change at month starts: calendar cuts, engine.cpp.)
  for (std::size_t si = 0; si < s.sites.size(); ++si) {
    if (s.sites[si].electricity.kind != TariffSpec::Kind::flat) cut_changes(sites.price[si], g.n, cuts);
    if (sites.carbon[si].size()) cut_changes(sites.carbon[si], g.n, cuts);
    for (const ArrayXd& c : sites.ppa_carbon[si])
      if (c.size()) cut_changes(c, g.n, cuts);
    for (const auto& ppa : s.sites[si].ppa) {
      const auto [start, end] = ppa_window(ppa, g);
      cut_at(g, start, cuts);
      cut_at(g, end, cuts);
    }
  }
}

std::vector<SegSeries> site_full_load(const ScenarioSpec& s, const Segments& seg, const std::vector<Pool>& pools) {
  std::vector<SegSeries> out(s.sites.size(), zero_series(seg));
  std::vector<std::vector<Run>> runs(s.sites.size());
  for (const auto& p : pools) {
    if (p.on_runs()) {
      add_scaled(p.installed_runs, p.power.full_load_w(), runs[p.site]);
      continue;
    }
    const Index m = p.installed.size() - p.first_step;  // (0 before its first GPU)
    out[p.site].a.tail(m) += p.installed.tail(m) * p.power.full_load_w();
  }
  for (std::size_t si = 0; si < s.sites.size(); ++si) out[si] += runs_on(seg, runs[si]);
  return out;
}

void check_site_caps(const ScenarioSpec& s, const std::vector<Pool>& pools, const Grid& g,
                     const SiteSeries& sites) {
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
    auto holds = [&](double cap_w, double site_pue) {
      if (members.size() != 1) return std::string();
      const Pool& only = *members.front();
      const double n = std::floor(cap_w / site_pue / only.power.full_load_w() * (1 + 1e-12));
      return "; it holds " + std::to_string(static_cast<long long>(n)) + " " + only.spec->gpu +
             " GPUs at full load (" + mw_text(only.power.full_load_w()) + " each" +
             (site_pue != 1.0 ? " × PUE" : "") + "), or give count: fit";
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
      const double pue = pue_at(s, sites, si, k);
      const double facility = full_load[k] * pue;
      if (site.power_cap && facility > site.power_cap->value * (1 + tolerance)) {
        throw ModelError("sites." + site.name + ".power_cap",
                         "site '" + site.name + "': the fleet's full-load facility power " +
                             mw_text(facility, site.power_cap->value) + " exceeds power_cap " +
                             mw_text(site.power_cap->value) + " by " +
                             mw_text(facility - site.power_cap->value, site.power_cap->value) + " on " +
                             format_date(g.start + k * g.dt) + holds(site.power_cap->value, pue));
      }
    }
  }
}

EnergyTotals power_energy_stage(const ScenarioSpec& s, const Grid& g, const Segments& seg, const std::vector<Pool>& pools,
                                const SiteSeries& site_steps, Flows& f, Results& r) {
  EnergyTotals out;
  std::vector<SiteResult> sites(s.sites.size());
  std::vector<SegSeries> site_it(s.sites.size(), zero_series(seg));
  // The segment engine's pools are runs: each site's IT power is Σ of scaled
  // runs (a linear power curve), put on the segments once per site.
  std::vector<std::vector<Run>> it_runs(s.sites.size());
  for (const auto& p : pools) {
    if (!p.on_runs()) {
      // Every step a segment (steps_on); none available (so none busy) before its first GPU.
      const Index m = p.available.size() - p.first_step;
      p.power.add_it_power_w(p.available.tail(m), p.busy.tail(m), site_it[p.site].a.tail(m));
      out.server_wh += p.available_sum * p.power.overhead_w() * g.dt;
      continue;
    }
    out.server_wh += runs_total(p.available_runs) * p.power.overhead_w() * g.dt;
    if (p.power.linear()) {
      add_scaled(p.available_runs, p.power.idle_and_overhead_w(), it_runs[p.site]);
      add_scaled(p.busy_runs, p.power.swing_w(), it_runs[p.site]);
      continue;
    }
    // A nonlinear power curve: its IT power step by step (each step a segment).
    const Segments steps = every_step(g.n);
    add_steps(p.power.it_power_w(levels_on(steps, p.available_runs), levels_on(steps, p.busy_runs)), 0, it_runs[p.site]);
  }
  const std::vector<SegSeries> full_load = site_full_load(s, seg, pools);
  const SegSeries zero = zero_series(seg);
  f.co2_known = !s.sites.empty();
  f.it_power_w = f.facility_power_w = f.energy_cost_usd = f.energy_cost_ppa_usd = f.energy_cost_grid_usd =
      f.ppa_energy_wh = f.co2_kg = f.colocation_usd = zero;
  for (std::size_t si = 0; si < s.sites.size(); ++si) {
    const SiteSpec& site = s.sites[si];
    SiteResult& sr = sites[si];
    sr.name = site.name;
    site_it[si] += runs_on(seg, it_runs[si]);
    const SegSeries facility = site_it[si].times(on_segments(site_steps.pue[si], seg, site.pue.constant));
    const SegSeries energy_wh = facility.times(static_cast<double>(g.dt));
    const ArrayXd price = on_segments(site_steps.price[si], seg, site.electricity.flat.value);
    // PPAs: share × overlap of the step's energy at each PPA's price; the rest at the tariff.
    ArrayXd grid_share = ArrayXd::Ones(seg.count());
    SegSeries ppa_cost = zero, ppa_wh = zero;
    SegSeries co2 = zero;  // kg, from PPAs that carry an intensity
    ArrayXd share_at_grid_carbon = ArrayXd::Zero(seg.count());  // PPA shares without their own intensity
    for (std::size_t pi = 0; pi < site.ppa.size(); ++pi) {
      const PpaSpec& ppa = site.ppa[pi];
      const ArrayXd share = ppa_overlap(ppa, g, seg) * ppa.share;
      grid_share -= share;
      ppa_wh += energy_wh.times(share);
      ppa_cost += energy_wh.times(share * ppa.price.value);
      if (ppa.carbon) co2 += energy_wh.times(share * on_segments(site_steps.ppa_carbon[si][pi], seg));
      else share_at_grid_carbon += share;
    }
    grid_share = grid_share.max(0.0);  // shares sum to at most 1 (loader); no rounding below 0
    const SegSeries grid_cost = energy_wh.times(grid_share * price);
    SegSeries cost = ppa_cost;
    cost += grid_cost;
    // CO2: grid energy (and PPA energy without its own intensity) at the site's intensity.
    const ArrayXd at_grid_carbon = grid_share + share_at_grid_carbon;
    const SegSeries needing = energy_wh.times(at_grid_carbon);
    const bool needs_grid_carbon = (needing.a > 0.0).any() || (needing.at_last(seg) > 0.0).any();
    if (site.carbon) co2 += needing.times(on_segments(site_steps.carbon[si], seg));
    const bool co2_known = site.carbon || !needs_grid_carbon;
    f.co2_known = f.co2_known && co2_known;
    f.co2_kg += co2;
    f.it_power_w += site_it[si];
    f.facility_power_w += facility;
    f.energy_cost_usd += cost;
    f.energy_cost_ppa_usd += ppa_cost;
    f.energy_cost_grid_usd += grid_cost;
    f.ppa_energy_wh += ppa_wh;
    sr.it_peak_mw = site_it[si].largest(seg) / 1e6;
    sr.facility_peak_mw = facility.largest(seg) / 1e6;
    sr.it_kwh = site_it[si].total(seg) * g.dt / 1e3;
    sr.facility_kwh = facility.total(seg) * g.dt / 1e3;
    sr.energy_cost_usd = cost.total(seg);
    sr.ppa_kwh = ppa_wh.total(seg) / 1e3;
    sr.grid_kwh = sr.facility_kwh - sr.ppa_kwh;
    sr.ppa_cost_usd = ppa_cost.total(seg);
    sr.grid_cost_usd = grid_cost.total(seg);
    if (co2_known) sr.co2_tonnes = co2.total(seg) / 1e3;
    if (site.colocation) {
      // Rent: the leased power (the IT cap, else the full load) × rate × step ÷ the month's hours.
      const SegSeries leased_w = site.it_power_cap ? SegSeries{ArrayXd::Constant(seg.count(), site.it_power_cap->value),
                                                              ArrayXd::Zero(seg.count())}
                                                   : full_load[si];
      const SegSeries rent = leased_w.times(site.colocation->value * g.dt / on_segments(g.month_hours, seg));
      f.colocation_usd += rent;
      sr.colocation_usd = rent.total(seg);
    }
  }
  r.sites = std::move(sites);
  return out;
}

}  // namespace gpusim::stages
