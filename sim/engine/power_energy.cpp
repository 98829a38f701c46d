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

// The share of each step that lies inside a PPA's [start, end).
ArrayXd ppa_overlap(const PpaSpec& ppa, const Grid& g) {
  const double start = ppa.start ? static_cast<double>(*ppa.start) : g.t0(0);
  const double end = ppa.end ? static_cast<double>(*ppa.end) : g.end();
  ArrayXd out(g.n);
  for (Index k = 0; k < g.n; ++k)
    out[k] = std::max(0.0, std::min(g.t1(k), end) - std::max(g.t0(k), start)) / g.dt;
  return out;
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
    pue[si].resize(g.n);
    price[si].resize(g.n);
    const SiteSpec& site = s.sites[si];
    if (site.pue.monthly.empty()) pue[si].setConstant(site.pue.constant);
    else
      for (Index k = 0; k < g.n; ++k) pue[si][k] = site.pue.at_month(g.month[static_cast<std::size_t>(k)]);
    if (site.electricity.kind == TariffSpec::Kind::flat) price[si].setConstant(site.electricity.flat.value);
    else
      for (Index k = 0; k < g.n; ++k) price[si][k] = average_price(site.electricity, g.start + k * g.dt, g.dt);
    if (site.carbon) out.carbon[si] = profile_steps(*site.carbon, g);
  }
  return out;
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

EnergyTotals power_energy_stage(const ScenarioSpec& s, const Grid& g, const std::vector<Pool>& pools,
                                const SiteSeries& site_steps, Results& r) {
  StepSeries& ts = r.series;
  const std::vector<ArrayXd>& pue = site_steps.pue;
  const std::vector<ArrayXd>& price = site_steps.price;
  EnergyTotals out;
  std::vector<SiteResult> sites(s.sites.size());
  std::vector<ArrayXd> site_it(s.sites.size(), ArrayXd::Zero(g.n));
  std::vector<ArrayXd> site_full_load(s.sites.size(), ArrayXd::Zero(g.n));
  // The segment engine's pools are runs: each site's IT power and full load
  // are Σ of scaled runs (a linear power curve), added up once per site.
  std::vector<std::vector<Run>> it_runs(s.sites.size()), full_load_runs(s.sites.size());
  for (const auto& p : pools) {
    if (!p.on_runs()) {
      site_it[p.site] += p.power.it_power_w(p.available, p.busy);
      out.server_wh += total(p.available) * p.power.overhead_w() * g.dt;
      site_full_load[p.site] += p.installed * p.power.full_load_w();
      continue;
    }
    out.server_wh += runs_total(p.available_runs) * p.power.overhead_w() * g.dt;
    add_scaled(p.installed_runs, p.power.full_load_w(), full_load_runs[p.site]);
    if (p.power.linear()) {
      add_scaled(p.available_runs, p.power.idle_and_overhead_w(), it_runs[p.site]);
      add_scaled(p.busy_runs, p.power.swing_w(), it_runs[p.site]);
      continue;
    }
    // A nonlinear power curve: its IT power step by step.
    ArrayXd available = ArrayXd::Zero(g.n), busy = ArrayXd::Zero(g.n);
    add_runs(p.available_runs, available);
    add_runs(p.busy_runs, busy);
    site_it[p.site] += p.power.it_power_w(available, busy);
  }
  for (std::size_t si = 0; si < s.sites.size(); ++si) {
    add_runs(it_runs[si], site_it[si]);
    add_runs(full_load_runs[si], site_full_load[si]);
  }
  ts.co2_known = !s.sites.empty();
  for (std::size_t si = 0; si < s.sites.size(); ++si) {
    const SiteSpec& site = s.sites[si];
    SiteResult& sr = sites[si];
    sr.name = site.name;
    const ArrayXd facility = site_it[si] * pue[si];
    const ArrayXd energy_wh = facility * g.dt;
    // PPAs: share × overlap of the step's energy at each PPA's price; the rest at the tariff.
    ArrayXd grid_share = ArrayXd::Ones(g.n);
    ArrayXd ppa_cost = ArrayXd::Zero(g.n), ppa_wh = ArrayXd::Zero(g.n);
    ArrayXd co2 = ArrayXd::Zero(g.n);  // kg, from PPAs that carry an intensity
    ArrayXd share_at_grid_carbon = ArrayXd::Zero(g.n);  // PPA shares without their own intensity
    for (const auto& ppa : site.ppa) {
      const ArrayXd share = ppa_overlap(ppa, g) * ppa.share;
      grid_share -= share;
      ppa_wh += energy_wh * share;
      ppa_cost += energy_wh * share * ppa.price.value;
      if (ppa.carbon) co2 += energy_wh * share * profile_steps(*ppa.carbon, g);
      else share_at_grid_carbon += share;
    }
    grid_share = grid_share.max(0.0);  // shares sum to at most 1 (loader); no rounding below 0
    const ArrayXd grid_cost = facility * g.dt * grid_share * price[si];
    const ArrayXd cost = ppa_cost + grid_cost;
    // CO2: grid energy (and PPA energy without its own intensity) at the site's intensity.
    const ArrayXd at_grid_carbon = grid_share + share_at_grid_carbon;
    const bool needs_grid_carbon = ((energy_wh * at_grid_carbon) > 0.0).any();
    if (site.carbon) co2 += energy_wh * at_grid_carbon * site_steps.carbon[si];
    const bool co2_known = site.carbon || !needs_grid_carbon;
    ts.co2_known = ts.co2_known && co2_known;
    ts.co2_kg += co2;
    ts.it_power_w += site_it[si];
    ts.facility_power_w += facility;
    ts.energy_cost_usd += cost;
    ts.energy_cost_ppa_usd += ppa_cost;
    ts.energy_cost_grid_usd += grid_cost;
    ts.ppa_energy_wh += ppa_wh;
    sr.it_peak_mw = site_it[si].size() ? site_it[si].maxCoeff() / 1e6 : 0.0;
    sr.facility_peak_mw = facility.size() ? facility.maxCoeff() / 1e6 : 0.0;
    sr.it_kwh = total(site_it[si]) * g.dt / 1e3;
    sr.facility_kwh = total(facility) * g.dt / 1e3;
    sr.energy_cost_usd = total(cost);
    sr.ppa_kwh = total(ppa_wh) / 1e3;
    sr.grid_kwh = sr.facility_kwh - sr.ppa_kwh;
    sr.ppa_cost_usd = total(ppa_cost);
    sr.grid_cost_usd = total(grid_cost);
    if (co2_known) sr.co2_tonnes = total(co2) / 1e3;
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
  out.site_full_load_w = std::move(site_full_load);
  ts.it_energy_wh = ts.it_power_w * g.dt;
  ts.facility_energy_wh = ts.facility_power_w * g.dt;

  return out;
}

}  // namespace gpusim::stages
