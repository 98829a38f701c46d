// Explanations of the power and energy stage (sim/engine/power_energy.cpp;
// model.md "Power", "Energy and tariffs", "Colocation"): each site's IT and
// facility energy, its energy bill and colocation rent, and the fleet's
// energy split and average and peak power.
#include "sim/explain/builders.hpp"

namespace gpusim::explain {

namespace {

std::string site_path(const std::string& name, const char* key) { return "sites." + name + "." + key; }

std::vector<std::size_t> pools_at(const Context& ctx, const std::string& site) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < ctx.spec.fleet.size(); ++i)
    if (ctx.spec.fleet[i].site == site) out.push_back(i);
  return out;
}

PowerCurveSpec::Kind curve_of(const Context& ctx, const FleetSpec& f) {
  return f.power_curve.value_or(gpu_of(ctx, f).power_curve).kind;
}

// A pool's IT energy under the linear curve:
// available × (idle + overhead) + busy × (tdp − idle), in kWh.
Node pool_it_kwh(const Context& ctx, std::size_t i) {
  const FleetSpec& f = ctx.spec.fleet[i];
  const PoolResult& pr = ctx.results.pools[i];
  const GpuModelSpec& gpu = gpu_of(ctx, f);
  const double idle = gpu.idle.value, tdp = gpu.tdp.value, overhead = gpu.overhead.value;
  Node base = combine(Op::product, "", "available GPUs' idle and server draw", pr.gpu_hours_available * (idle + overhead),
                      "Wh", "available GPU-hours × (idle + overhead)", kPower,
                      {ctx.explain("pools." + f.name + ".gpu_hours_available"),
                       combine(Op::sum, "", "idle + overhead per GPU", idle + overhead, "W", "idle + overhead", kPower,
                               {catalog_input(ctx, gpu, "idle", "an idle GPU's draw", idle, "W"),
                                catalog_input(ctx, gpu, "overhead", "server overhead per GPU", overhead, "W")})});
  Node swing = combine(Op::product, "", "busy GPUs' extra draw", pr.gpu_hours_busy * (tdp - idle), "Wh",
                       "busy GPU-hours × (tdp − idle)", kPower,
                       {ctx.explain("pools." + f.name + ".gpu_hours_busy"),
                        combine(Op::sum, "", "tdp − idle per GPU", tdp - idle, "W", "tdp − idle", kPower,
                                {catalog_input(ctx, gpu, "tdp", "a busy GPU's draw", tdp, "W"),
                                 minus(catalog_input(ctx, gpu, "idle", "an idle GPU's draw", idle, "W"))})});
  return combine(Op::sum, "", "IT energy of pool " + f.name + " (" + gpu.id + ")",
                 (*base.value + *swing.value) / 1e3, "kWh",
                 "Σₖ IT_p(k) × Δ ÷ 1000, linear curve: (available × (idle + overhead) + busy × (tdp − idle)) ÷ 1000",
                 kPower, {std::move(base), std::move(swing)}, 1e-3);
}

Node site_it_kwh(const Context& ctx, const std::string& name) {
  const SiteRef s = site_of(ctx, name);
  const std::string path = site_path(name, "it_kwh");
  const std::vector<std::size_t> pools = pools_at(ctx, name);
  bool linear = true;
  for (std::size_t i : pools) linear = linear && curve_of(ctx, ctx.spec.fleet[i]) == PowerCurveSpec::Kind::linear;
  if (!linear) {
    std::vector<Node> shown;
    for (std::size_t i : pools) shown.push_back(ctx.explain("pools." + ctx.spec.fleet[i].name + ".gpu_hours_busy"));
    Node n = engine_total(path, "IT energy of the site", s.result->it_kwh, "kWh",
                          "Σₖ Σ_p available_p(k) × (idle + (tdp − idle) × f(u) + overhead) × Δ ÷ 1000", kPower,
                          std::move(shown));
    n.notes.push_back("approximation: the power curve f is evaluated on the step-average load u "
                      "(model.md#approximations-and-limits)");
    return n;
  }
  std::vector<Node> terms;
  for (std::size_t i : pools) terms.push_back(pool_it_kwh(ctx, i));
  return combine(Op::sum, path, "IT energy of the site", s.result->it_kwh, "kWh", "Σ over the site's pools", kPower,
                 std::move(terms));
}

Node site_facility_kwh(const Context& ctx, const std::string& name) {
  const SiteRef s = site_of(ctx, name);
  const std::string path = site_path(name, "facility_kwh");
  Node it = ctx.explain(site_path(name, "it_kwh"));
  if (!s.spec->pue.monthly.empty()) {
    Node n = engine_total(path, "facility energy of the site", s.result->facility_kwh, "kWh",
                          "Σₖ PUE(month(k)) × IT(k) × Δ ÷ 1000", kPower, {std::move(it)});
    n.notes.push_back("12 monthly PUEs (" + s.key + ".pue), each step at its month's");
    return n;
  }
  return combine(Op::product, path, "facility energy of the site", s.result->facility_kwh, "kWh", "IT energy × PUE",
                 kPower, {std::move(it), input(ctx, s.key + ".pue", "PUE", s.spec->pue.constant, "", kPower)});
}

// The grid's part of a site's energy bill: all of it without PPAs.
Node site_grid_cost(const Context& ctx, const std::string& name) {
  const SiteRef s = site_of(ctx, name);
  const std::string path = site_path(name, "grid_cost_usd");
  if (!s.spec->ppa.empty()) {
    Node n = engine_total(path, "the site's energy bought from the grid", s.result->grid_cost_usd, "USD",
                          "Σₖ E(k) × grid share(k) × price(k)", kPpa, explained(ctx, {site_path(name, "grid_kwh")}));
    n.notes.push_back("the PPAs' shares taken out step by step (their windows may cover part of the run)");
    return n;
  }
  Node facility = ctx.explain(site_path(name, "facility_kwh"));
  if (s.spec->electricity.kind != TariffSpec::Kind::flat) {
    Node n = engine_total(path, "the site's energy bought from the grid", s.result->grid_cost_usd, "USD",
                          "Σₖ facility(k) × Δ × price(k)", kEnergy, {std::move(facility)});
    n.notes.push_back(s.spec->electricity.kind == TariffSpec::Kind::monthly
                          ? "12 monthly prices, each step at its month's"
                          : "time-of-use tariff; with 1 d steps the day's mean price, i.e. a flat load over the day "
                            "(model.md#approximations-and-limits)");
    return n;
  }
  return combine(Op::product, path, "the site's energy bought from the grid", s.result->grid_cost_usd, "USD",
                 "facility energy × price (no PPA: all from the grid)", kEnergy,
                 {std::move(facility), input(ctx, s.key + ".electricity", "electricity price",
                                             s.spec->electricity.flat.value * 1e3, "USD/kWh", kEnergy)});
}

// The PPAs' inputs, shown under their totals: each share, and its price or
// its own carbon intensity (c_j; without one its energy counts at the site's).
enum class PpaDetail { share, price, carbon };
std::vector<Node> ppa_inputs(const Context& ctx, const SiteRef& s, PpaDetail detail) {
  std::vector<Node> out;
  const bool is_list = ctx.loaded.locations.count(s.key + ".ppa[0]") > 0;  // as the loader records a list
  for (std::size_t j = 0; j < s.spec->ppa.size(); ++j) {
    const PpaSpec& p = s.spec->ppa[j];
    const std::string key = s.key + ".ppa" + (is_list ? "[" + std::to_string(j) + "]" : std::string());
    out.push_back(input(ctx, key + ".share", "PPA share s_" + std::to_string(j), p.share, "share", kPpa));
    if (detail == PpaDetail::price)
      out.push_back(input(ctx, key + ".price", "PPA price q_" + std::to_string(j), p.price.value * 1e3, "USD/kWh", kPpa));
    if (detail == PpaDetail::carbon && p.carbon) {
      const bool flat = p.carbon->kind == CarbonSpec::Kind::flat;
      Node c = input(ctx, key + ".carbon", "the PPA's own carbon intensity c_" + std::to_string(j),
                     flat ? p.carbon->flat.value * 1e3 : 0.0, "kg/kWh", kCarbon);
      if (!flat) {
        c.value.reset();
        c.notes.push_back(p.carbon->kind == CarbonSpec::Kind::monthly ? "12 monthly values, each step at its month's"
                                                                      : "hourly values, read as the tariff is");
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

Node site_ppa_kwh(const Context& ctx, const std::string& name) {
  const SiteRef s = site_of(ctx, name);
  const std::string path = site_path(name, "ppa_kwh");
  if (s.spec->ppa.empty()) {
    return not_given(path, "the site's energy bought under PPAs", s.result->ppa_kwh, "kWh", "no PPA", kPpa, s.key + ".ppa");
  }
  std::vector<Node> shown = ppa_inputs(ctx, s, PpaDetail::share);
  shown.insert(shown.begin(), ctx.explain(site_path(name, "facility_kwh")));
  return engine_total(path, "the site's energy bought under PPAs", s.result->ppa_kwh, "kWh",
                      "Σₖ Σ_j E(k) × s_j × o_j(k) ÷ 1000", kPpa, std::move(shown));
}

Node site_ppa_cost(const Context& ctx, const std::string& name) {
  const SiteRef s = site_of(ctx, name);
  const std::string path = site_path(name, "ppa_cost_usd");
  if (s.spec->ppa.empty()) {
    return not_given(path, "the site's energy bill under PPAs", s.result->ppa_cost_usd, "USD", "no PPA", kPpa,
                     s.key + ".ppa");
  }
  std::vector<Node> shown = ppa_inputs(ctx, s, PpaDetail::price);
  shown.insert(shown.begin(), ctx.explain(site_path(name, "ppa_kwh")));
  return engine_total(path, "the site's energy bill under PPAs", s.result->ppa_cost_usd, "USD",
                      "Σₖ Σ_j E(k) × s_j × o_j(k) × q_j", kPpa, std::move(shown));
}

Node site_energy_cost(const Context& ctx, const std::string& name) {
  const SiteRef s = site_of(ctx, name);
  const std::string path = site_path(name, "energy_cost_usd");
  return combine(Op::sum, path, "the site's energy bill", s.result->energy_cost_usd, "USD", "PPA cost + grid cost",
                 kPpa, explained(ctx, {site_path(name, "ppa_cost_usd"), site_path(name, "grid_cost_usd")}));
}

Node site_co2(const Context& ctx, const std::string& name) {
  const SiteRef s = site_of(ctx, name);
  const std::string path = site_path(name, "co2_tonnes");
  const std::string label = "the site's CO2";
  if (!s.result->co2_tonnes) {
    Node n = not_given(path, label, std::nullopt, "t", "no figure", kCarbon, s.key + ".carbon");
    n.notes.push_back("null: a site without a carbon intensity has no CO2 figure, never 0");
    return n;
  }
  Node facility = ctx.explain(site_path(name, "facility_kwh"));
  if (s.spec->ppa.empty() && s.spec->carbon && s.spec->carbon->kind == CarbonSpec::Kind::flat)
    return combine(Op::product, path, label, s.result->co2_tonnes, "t", "facility energy × c_site ÷ 1000", kCarbon,
                   {std::move(facility), input(ctx, s.key + ".carbon", "grid carbon intensity c_site",
                                               s.spec->carbon->flat.value * 1e3, "kg/kWh", kCarbon)},
                   1e-3);
  std::vector<Node> shown{std::move(facility)};
  if (s.spec->carbon) {
    Node c = input(ctx, s.key + ".carbon", "grid carbon intensity c_site",
                   s.spec->carbon->kind == CarbonSpec::Kind::flat ? s.spec->carbon->flat.value * 1e3 : 0.0, "kg/kWh",
                   kCarbon);
    if (s.spec->carbon->kind != CarbonSpec::Kind::flat) {
      c.value.reset();
      c.notes.push_back(s.spec->carbon->kind == CarbonSpec::Kind::monthly ? "12 monthly values, each step at its month's"
                                                                          : "hourly values, read as the tariff is");
    }
    shown.push_back(std::move(c));
  }
  for (auto& n : ppa_inputs(ctx, s, PpaDetail::carbon)) shown.push_back(std::move(n));
  Node n = engine_total(path, label, s.result->co2_tonnes, "t",
                        "Σₖ E(k) × [grid share(k) × c_site(k) + Σ_j s_j × o_j(k) × c_j(k)] ÷ 1000", kCarbon,
                        std::move(shown));
  return n;
}

Node site_colocation(const Context& ctx, const std::string& name) {
  const SiteRef s = site_of(ctx, name);
  const std::string path = site_path(name, "colocation_usd");
  const std::string label = "the site's colocation rent";
  if (!s.spec->colocation) {
    Node n = engine_total(path, label, s.result->colocation_usd, "USD", "no colocation", kColocation);
    n.source = "default: none (" + s.key + ".colocation not given)";
    return n;
  }
  Node q = input(ctx, s.key + ".colocation", "rent per kW per month q", s.spec->colocation->value * 1e3,
                 "USD/kW/month", kColocation);
  if (s.spec->it_power_cap && ctx.spec.time.year == YearConvention::days365) {
    const double hours = run_hours_from(ctx, static_cast<double>(ctx.spec.time.start),
                                        static_cast<double>(ctx.spec.time.end));
    return combine(
        Op::product, path, label, s.result->colocation_usd, "USD", "leased kW × q × hours ÷ 730 h a month",
        kColocation,
        {input(ctx, s.key + ".it_power_cap", "leased: the IT power cap", s.spec->it_power_cap->value / 1e3, "kW",
               kColocation),
         std::move(q),
         combine(Op::quotient, "", "months of the run", hours / 730.0, "months", "hours ÷ 730", kColocation,
                 {constant("hours of the run", hours, "h", "time.start to the run end", kTime),
                  constant("hours in a month", 730.0, "h", "year: 365d: 8,760 ÷ 12", kTime)})});
  }
  Node n = engine_total(path, label, s.result->colocation_usd, "USD", "Σₖ leased W(k) × q × Δ ÷ M(k)", kColocation,
                        {std::move(q)});
  n.notes.push_back(s.spec->it_power_cap ? "leased: the IT power cap, from the run's first hour; M(k) the calendar "
                                           "month's hours"
                                         : "leased: the installed GPUs' full-load IT power (no it_power_cap)");
  return n;
}

Node site_peak(const Context& ctx, const std::string& name, bool facility) {
  const SiteRef s = site_of(ctx, name);
  Node n = engine_total(site_path(name, facility ? "facility_peak_mw" : "it_peak_mw"),
                        facility ? "the site's largest step-average facility power" : "the site's largest step-average IT power",
                        facility ? s.result->facility_peak_mw : s.result->it_peak_mw, "MW",
                        facility ? "maxₖ PUE(k) × Σ_p IT_p(k)" : "maxₖ Σ_p IT_p(k)", kPower);
  n.source = "engine: the largest step average";
  n.notes.push_back("approximation: peaks are step averages (model.md#approximations-and-limits)");
  return n;
}

std::vector<std::string> site_paths(const Context& ctx, const char* key) {
  std::vector<std::string> out;
  for (const auto& s : ctx.results.sites) out.push_back(site_path(s.name, key));
  return out;
}

Node sites_sum(const Context& ctx, const std::string& path, const char* key, std::string label, std::string unit,
               const char* anchor) {
  return combine(Op::sum, path, std::move(label), result(ctx, path), std::move(unit), "Σ over sites", anchor,
                 explained(ctx, site_paths(ctx, key)));
}

Node fleet_peak(const Context& ctx, const std::string& path, bool facility) {
  Node n = engine_total(path, facility ? "the largest step-average facility power" : "the largest step-average IT power",
                        result(ctx, path), "MW",
                        facility ? "maxₖ Σ_site PUE(k) × IT_site(k)" : "maxₖ Σ_p IT_p(k)", kPower,
                        explained(ctx, site_paths(ctx, facility ? "facility_peak_mw" : "it_peak_mw")));
  n.source = "engine: the largest step average over the fleet (the sites' peaks need not coincide)";
  n.notes.push_back("approximation: peaks are step averages (model.md#approximations-and-limits)");
  return n;
}

}  // namespace

std::vector<Entry> power_energy_entries() {
  return {
      {"sites.*.it_kwh", site_it_kwh},
      {"sites.*.facility_kwh", site_facility_kwh},
      {"sites.*.energy_cost_usd", site_energy_cost},
      {"sites.*.grid_cost_usd", site_grid_cost},
      {"sites.*.ppa_cost_usd", site_ppa_cost},
      {"sites.*.ppa_kwh", site_ppa_kwh},
      {"sites.*.grid_kwh",
       [](const Context& ctx, const std::string& name) {
         const std::string path = site_path(name, "grid_kwh");
         return combine(Op::sum, path, "the site's energy from the grid", result(ctx, path), "kWh",
                        "facility energy − PPA energy", kPpa,
                        {ctx.explain(site_path(name, "facility_kwh")), minus(ctx.explain(site_path(name, "ppa_kwh")))});
       }},
      {"sites.*.co2_tonnes", site_co2},
      {"energy.ppa_kwh",
       [](const Context& ctx, const std::string&) {
         return sites_sum(ctx, "energy.ppa_kwh", "ppa_kwh", "energy bought under PPAs", "kWh", kPpa);
       }},
      {"energy.grid_kwh",
       [](const Context& ctx, const std::string&) {
         return sites_sum(ctx, "energy.grid_kwh", "grid_kwh", "energy bought from the grid", "kWh", kPpa);
       }},
      {"energy.ppa_cost_usd",
       [](const Context& ctx, const std::string&) {
         return sites_sum(ctx, "energy.ppa_cost_usd", "ppa_cost_usd", "energy bill under PPAs", "USD", kPpa);
       }},
      {"energy.grid_cost_usd",
       [](const Context& ctx, const std::string&) {
         return sites_sum(ctx, "energy.grid_cost_usd", "grid_cost_usd", "energy bill from the grid", "USD", kPpa);
       }},
      {"energy.co2_tonnes",
       [](const Context& ctx, const std::string&) {
         Node n = sites_sum(ctx, "energy.co2_tonnes", "co2_tonnes", "CO2 of the facility energy", "t", kCarbon);
         if (!n.value) {
           n.op = Op::engine;
           n.notes.push_back("null: a site has no carbon intensity, so the fleet has no CO2 figure (never 0)");
         }
         return n;
       }},
      {"energy.co2_kg_per_gpu_hour",
       [](const Context& ctx, const std::string&) {
         Node n = combine(Op::quotient, "energy.co2_kg_per_gpu_hour", "CO2 per billed GPU-hour",
                          result(ctx, "energy.co2_kg_per_gpu_hour"), "kg/gpu-h", "CO2 tonnes × 1000 ÷ billed GPU-hours",
                          kCarbon, explained(ctx, {"energy.co2_tonnes", "gpus.gpu_hours_billed"}), 1e3);
         if (!n.value) {
           n.op = Op::engine;
           n.notes.push_back("null: no CO2 figure, or no billed GPU-hours");
         }
         return n;
       }},
      {"sites.*.colocation_usd", site_colocation},
      {"sites.*.it_peak_mw", [](const Context& ctx, const std::string& s) { return site_peak(ctx, s, false); }},
      {"sites.*.facility_peak_mw", [](const Context& ctx, const std::string& s) { return site_peak(ctx, s, true); }},
      {"energy.it_kwh",
       [](const Context& ctx, const std::string&) {
         return sites_sum(ctx, "energy.it_kwh", "it_kwh", "IT energy", "kWh", kEnergy);
       }},
      {"energy.facility_kwh",
       [](const Context& ctx, const std::string&) {
         return sites_sum(ctx, "energy.facility_kwh", "facility_kwh", "facility energy", "kWh", kEnergy);
       }},
      {"energy.cost_usd",
       [](const Context& ctx, const std::string&) {
         return sites_sum(ctx, "energy.cost_usd", "energy_cost_usd", "energy cost", "USD", kEnergy);
       }},
      {"finance.energy_cost_usd",
       [](const Context& ctx, const std::string&) {
         return combine(Op::same, "finance.energy_cost_usd", "energy cost", result(ctx, "finance.energy_cost_usd"),
                        "USD", "energy.cost_usd", kIncome, explained(ctx, {"energy.cost_usd"}));
       }},
      {"finance.colocation_usd",
       [](const Context& ctx, const std::string&) {
         return sites_sum(ctx, "finance.colocation_usd", "colocation_usd", "colocation rent", "USD", kColocation);
       }},
      {"energy.server_kwh",
       [](const Context& ctx, const std::string&) {
         std::vector<Node> terms;
         for (std::size_t i = 0; i < ctx.spec.fleet.size(); ++i) {
           const GpuModelSpec& gpu = gpu_of(ctx, ctx.spec.fleet[i]);
           const PoolResult& pr = ctx.results.pools[i];
           terms.push_back(combine(Op::product, "", "server overhead energy of pool " + pr.name,
                                   pr.gpu_hours_available * gpu.overhead.value, "Wh",
                                   "available GPU-hours × overhead", kEnergy,
                                   {ctx.explain("pools." + pr.name + ".gpu_hours_available"),
                                    catalog_input(ctx, gpu, "overhead", "server overhead per GPU", gpu.overhead.value,
                                                  "W")}));
         }
         return combine(Op::sum, "energy.server_kwh", "the servers' share of IT energy",
                        result(ctx, "energy.server_kwh"), "kWh", "Σ_p Σₖ available_p(k) × overhead_p × Δ ÷ 1000",
                        kEnergy, std::move(terms), 1e-3);
       }},
      {"energy.gpu_kwh",
       [](const Context& ctx, const std::string&) {
         return combine(Op::sum, "energy.gpu_kwh", "the GPUs' own share of IT energy", result(ctx, "energy.gpu_kwh"),
                        "kWh", "energy.it_kwh − energy.server_kwh", kEnergy,
                        {ctx.explain("energy.it_kwh"), minus(ctx.explain("energy.server_kwh"))});
       }},
      {"energy.cooling_and_losses_kwh",
       [](const Context& ctx, const std::string&) {
         return combine(Op::sum, "energy.cooling_and_losses_kwh", "what PUE adds: cooling and power losses",
                        result(ctx, "energy.cooling_and_losses_kwh"), "kWh", "energy.facility_kwh − energy.it_kwh",
                        kEnergy, {ctx.explain("energy.facility_kwh"), minus(ctx.explain("energy.it_kwh"))});
       }},
      {"power.it_avg_mw",
       [](const Context& ctx, const std::string&) {
         return combine(Op::quotient, "power.it_avg_mw", "average IT power", result(ctx, "power.it_avg_mw"), "MW",
                        "IT energy ÷ run hours (kWh ÷ h ÷ 1000 = MW)", kPower,
                        explained(ctx, {"energy.it_kwh", "time.hours"}), 1e-3);
       }},
      {"power.facility_avg_mw",
       [](const Context& ctx, const std::string&) {
         return combine(Op::quotient, "power.facility_avg_mw", "average facility power",
                        result(ctx, "power.facility_avg_mw"), "MW", "facility energy ÷ run hours (kWh ÷ h ÷ 1000 = MW)",
                        kPower, explained(ctx, {"energy.facility_kwh", "time.hours"}), 1e-3);
       }},
      {"power.it_peak_mw", [](const Context& ctx, const std::string&) { return fleet_peak(ctx, "power.it_peak_mw", false); }},
      {"power.facility_peak_mw",
       [](const Context& ctx, const std::string&) { return fleet_peak(ctx, "power.facility_peak_mw", true); }},
  };
}

}  // namespace gpusim::explain
