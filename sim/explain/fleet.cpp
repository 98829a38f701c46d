// Explanations of the fleet stage (sim/engine/fleet.cpp; model.md "GPUs
// installed and available", "Site caps and count: fit"): each pool's installed
// and available GPU-hours, its count at the end, a fitted count, and their
// totals over the fleet.
#include <algorithm>

#include "models/calendar.hpp"
#include "sim/explain/builders.hpp"

namespace gpusim::explain {

namespace {

double max_pue_of(const SiteSpec& site) {
  double most = site.pue.constant;
  if (!site.pue.monthly.empty()) most = *std::max_element(site.pue.monthly.begin(), site.pue.monthly.end());
  return most;
}

std::string pool_path(const std::string& name, const char* key) { return "pools." + name + "." + key; }

Node fitted_count(const Context& ctx, const std::string& name) {
  const PoolRef p = pool_of(ctx, name);
  if (!p.result->fitted_count) {
    Node n = engine_total(pool_path(name, "fitted_count"), "GPUs fitted to the site's caps", std::nullopt, "GPUs",
                          "N = ⌊room ÷ (tdp + overhead)⌋", kCaps);
    n.notes.push_back("null: the pool's count is not `fit`");
    return n;
  }
  const GpuModelSpec& gpu = gpu_of(ctx, *p.spec);
  std::vector<Node> shown;
  for (const auto& site : ctx.spec.sites) {
    if (site.name != p.spec->site) continue;
    if (site.it_power_cap)
      shown.push_back(input(ctx, "sites." + site.name + ".it_power_cap", "the site's IT power cap",
                            site.it_power_cap->value / 1e6, "MW", kCaps));
    if (site.power_cap) {
      shown.push_back(input(ctx, "sites." + site.name + ".power_cap", "the site's facility power cap",
                            site.power_cap->value / 1e6, "MW", kCaps));
      shown.push_back(input(ctx, "sites." + site.name + ".pue",
                            site.pue.monthly.empty() ? "PUE" : "the largest of the 12 monthly PUEs", max_pue_of(site),
                            "", kCaps));
    }
  }
  shown.push_back(catalog_input(ctx, gpu, "tdp", "a busy GPU's draw", gpu.tdp.value, "W"));
  shown.push_back(catalog_input(ctx, gpu, "overhead", "server overhead per GPU", gpu.overhead.value, "W"));
  Node n = engine_total(pool_path(name, "fitted_count"), "GPUs fitted to the site's caps", p.result->fitted_count,
                        "GPUs",
                        "N = ⌊room ÷ (tdp + overhead)⌋, room = min(it_power_cap − others, power_cap ÷ max PUE − "
                        "others)",
                        kCaps, std::move(shown));
  n.source = "engine: count: fit (" + p.key + ".count)";
  return n;
}

Node installed(const Context& ctx, const std::string& name) {
  const PoolRef p = pool_of(ctx, name);
  const std::string path = pool_path(name, "gpu_hours_installed");
  const double value = p.result->gpu_hours_installed;
  const double end = static_cast<double>(ctx.spec.time.end);
  if (p.spec->fit) {
    const double hours = run_hours_from(ctx, static_cast<double>(ctx.spec.time.start), end);
    return combine(Op::product, path, "installed GPU-hours of the pool", value, "gpu-h",
                   "N_fit × hours of the run", kFleet,
                   {fitted_count(ctx, name), constant("hours of the run", hours, "h", "time.start to the run end", kTime)});
  }
  if (!p.spec->schedule.is_ramp()) {
    const double count = p.spec->schedule.constant.value_or(0.0);
    const double hours = run_hours_from(ctx, static_cast<double>(p.spec->online), end);
    return combine(Op::product, path, "installed GPU-hours of the pool", value, "gpu-h",
                   "Σₖ installed_p(k) × Δ = N × hours of [max(online, start), end)", kFleet,
                   {input(ctx, p.key + ".count", "GPUs installed", count, "GPUs", kFleet),
                    constant("hours installed within the run", hours, "h",
                             "from " + p.key + ".online (" + format_date(p.spec->online) + ") or the run start to the run end",
                             kTime)});
  }
  Node n = engine_total(path, "installed GPU-hours of the pool", value, "gpu-h",
                        "Σₖ avg_k(n_p) × Δ: the ramp's exact integral over the run", kTime,
                        {input(ctx, p.key + ".ramp", "the ramp (GPUs at its last point)",
                               p.spec->schedule.ramp.back().count, "GPUs", kFleet)});
  return n;
}

Node available(const Context& ctx, const std::string& name) {
  const PoolRef p = pool_of(ctx, name);
  const std::string path = pool_path(name, "gpu_hours_available");
  const double value = p.result->gpu_hours_available;
  const std::string label = "available GPU-hours of the pool (installed, less those down for repair)";
  Node inst = ctx.explain(pool_path(name, "gpu_hours_installed"));
  const double repair_h = span_hours(ctx.spec.time.start, p.spec->repair, ctx.spec.time.year);
  Node afr = input(ctx, p.key + ".afr", "annual failure rate", p.spec->afr, "share", kFleet);
  Node repair = input(ctx, p.key + ".repair", "repair time", repair_h, "h", kFleet);
  if (p.spec->afr == 0.0) {
    Node n = combine(Op::same, path, label, value, "gpu-h", "available = installed (afr = 0: none down)", kFleet,
                     {std::move(inst), std::move(afr)});
    return n;
  }
  if (ctx.spec.seed) {
    Node n = engine_total(path, label, value, "gpu-h", "Σₖ available_p(k) × Δ, failures drawn", kFleet,
                          {std::move(inst), std::move(afr), std::move(repair)});
    n.notes.push_back("drawn: under seed " + std::to_string(*ctx.spec.seed) +
                      " each step Binomial(⌊up⌋, afr × Δ ÷ Y) GPUs fail and stay down `repair` hours "
                      "(model.md#random-numbers-in-a-run)");
    return n;
  }
  const std::optional<double> year_h = constant_year_hours(ctx);
  if (!year_h || p.spec->afr * repair_h / *year_h > 1.0) {
    Node n = engine_total(path, label, value, "gpu-h",
                          "Σₖ installed_p(k) × (1 − min(1, afr × repair_h ÷ Y(k))) × Δ", kFleet,
                          {std::move(inst), std::move(afr), std::move(repair)});
    n.notes.push_back("Y(k) differs between the run's years (or the share down reaches 100%): summed step by step");
    return n;
  }
  Node down = combine(Op::quotient, "", "down share (afr × repair_h ÷ Y)", p.spec->afr * repair_h / *year_h, "share",
                      "afr × repair_h ÷ Y", kFleet,
                      {combine(Op::product, "", "failures × hours down, per GPU-year", p.spec->afr * repair_h, "h",
                               "afr × repair_h", kFleet, {std::move(afr), std::move(repair)}),
                       year_hours_node(ctx, *year_h)});
  Node up = combine(Op::sum, "", "share up (1 − down share)", 1.0 - p.spec->afr * repair_h / *year_h, "share",
                    "1 − down share", kFleet,
                    {constant("all GPUs", 1.0, "share", "1"), minus(std::move(down))});
  Node n = combine(Op::product, path, label, value, "gpu-h", "installed GPU-hours × (1 − afr × repair_h ÷ Y)", kFleet,
                   {std::move(inst), std::move(up)});
  n.notes.push_back("expected value: a constant share down, no warm-up (model.md#approximations-and-limits)");
  return n;
}

Node installed_end(const Context& ctx, const std::string& name) {
  const PoolRef p = pool_of(ctx, name);
  const std::string path = pool_path(name, "installed_end");
  const std::string label = "GPUs installed just before the run ends";
  if (p.spec->fit)
    return combine(Op::same, path, label, p.result->installed_end, "GPUs", "N_fit", kFleet, {fitted_count(ctx, name)});
  if (!p.spec->schedule.is_ramp() && p.spec->online < ctx.spec.time.end)
    return combine(Op::same, path, label, p.result->installed_end, "GPUs", "n_p(end − 10⁻⁹ h) = N", kFleet,
                   {input(ctx, p.key + ".count", "GPUs installed", p.spec->schedule.constant.value_or(0.0), "GPUs",
                          kFleet)});
  Node n = engine_total(path, label, p.result->installed_end, "GPUs", "n_p(end − 10⁻⁹ h)", kLadder);
  n.source = "engine: the pool's count curve at the run's end (" + p.key + ")";
  return n;
}

std::vector<std::string> pool_paths(const Context& ctx, const char* key) {
  std::vector<std::string> out;
  for (const auto& p : ctx.results.pools) out.push_back(pool_path(p.name, key));
  return out;
}

Node fleet_sum(const Context& ctx, const std::string& path, const char* pool_key, std::string label, std::string unit,
               std::string equation) {
  return combine(Op::sum, path, std::move(label), result(ctx, path), std::move(unit), std::move(equation), kLadder,
                 explained(ctx, pool_paths(ctx, pool_key)));
}

// A count as written (1,056 racks) and in GPUs (× the model's GPUs per rack or
// server); null for `fit`, `all` and `gpu_hours`.
Node count_node(const Context& ctx, const CountAsWritten& c, const std::string& path, const std::string& key,
                const std::string& gpu_id, bool in_gpus) {
  const std::string unit = count_unit_name(c.unit);
  if (!c.gpus) {
    Node n = engine_total(path, in_gpus ? "count in GPUs" : "count as written", std::nullopt, in_gpus ? "GPUs" : unit,
                          "none", kFleet);
    n.notes.push_back("null: the count is not a number written in the file (count: fit, gpus: all or gpu_hours)");
    return n;
  }
  const double written = *c.gpus / c.gpus_per_unit;
  Node as_written = input(ctx, key, c.ramp ? "the ramp's last point, as written" : "count as written", written, unit, kFleet);
  if (!in_gpus) return combine(Op::same, path, "count as written", written, unit, "as written", kFleet, {std::move(as_written)});
  if (c.unit == CountUnit::gpus)
    return combine(Op::same, path, "count in GPUs", *c.gpus, "GPUs", "written in GPUs", kFleet, {std::move(as_written)});
  const std::string field = c.unit == CountUnit::racks ? "gpus_per_rack" : "gpus_per_server";
  Node per = constant(std::string("GPUs per ") + (c.unit == CountUnit::racks ? "rack" : "server"), c.gpus_per_unit, "GPUs",
                      "catalog " + gpu_id + "." + field + " (docs/catalog.md)", kFleet);
  return combine(Op::product, path, "count in GPUs", *c.gpus, "GPUs", "count as written × GPUs per " + unit.substr(0, unit.size() - 1),
                 kFleet, {std::move(as_written), std::move(per)});
}

Node pool_count(const Context& ctx, const std::string& name, bool in_gpus) {
  const PoolRef p = pool_of(ctx, name);
  return count_node(ctx, p.result->count, "pools." + name + (in_gpus ? ".count_gpus" : ".count_as_written"),
                    p.key + (p.spec->schedule.is_ramp() ? ".ramp" : ".count"), p.spec->gpu, in_gpus);
}

Node contract_count(const Context& ctx, const std::string& name, bool in_gpus) {
  const ContractRef c = contract_of(ctx, name);
  return count_node(ctx, c.result->count, "contracts." + name + (in_gpus ? ".count_gpus" : ".count_as_written"),
                    c.key + ".gpus", ctx.spec.fleet[pool_index(ctx, c.spec->pool)].gpu, in_gpus);
}

}  // namespace

std::vector<Entry> fleet_entries() {
  return {
      {"pools.*.gpu_hours_installed", installed},
      {"pools.*.gpu_hours_available", available},
      {"pools.*.installed_end", installed_end},
      {"pools.*.fitted_count", fitted_count},
      {"pools.*.count_as_written", [](const Context& ctx, const std::string& n) { return pool_count(ctx, n, false); }},
      {"pools.*.count_gpus", [](const Context& ctx, const std::string& n) { return pool_count(ctx, n, true); }},
      {"contracts.*.count_as_written",
       [](const Context& ctx, const std::string& n) { return contract_count(ctx, n, false); }},
      {"contracts.*.count_gpus", [](const Context& ctx, const std::string& n) { return contract_count(ctx, n, true); }},
      {"gpus.gpu_hours_installed",
       [](const Context& ctx, const std::string&) {
         return fleet_sum(ctx, "gpus.gpu_hours_installed", "gpu_hours_installed", "installed GPU-hours", "gpu-h",
                          "Σ_p Σₖ installed_p(k) × Δ");
       }},
      {"gpus.gpu_hours_available",
       [](const Context& ctx, const std::string&) {
         return fleet_sum(ctx, "gpus.gpu_hours_available", "gpu_hours_available", "available GPU-hours", "gpu-h",
                          "Σ_p Σₖ available_p(k) × Δ");
       }},
      {"gpus.installed_end",
       [](const Context& ctx, const std::string&) {
         return fleet_sum(ctx, "gpus.installed_end", "installed_end", "GPUs installed at the end", "GPUs",
                          "Σ_p n_p(end − 10⁻⁹ h)");
       }},
      {"gpus.installed_avg",
       [](const Context& ctx, const std::string&) {
         return combine(Op::quotient, "gpus.installed_avg", "average GPUs installed", result(ctx, "gpus.installed_avg"),
                        "GPUs", "installed GPU-hours ÷ run hours", kLadder,
                        explained(ctx, {"gpus.gpu_hours_installed", "time.hours"}));
       }},
  };
}

}  // namespace gpusim::explain
