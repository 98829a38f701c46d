// The registry of explanations: every numeric summary path pattern → its
// builder (one list per engine stage), the run an explanation reads, and the
// helpers the stage files share.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/calendar.hpp"
#include "models/schedule.hpp"
#include "sim/engine/solve.hpp"
#include "sim/explain/builders.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/schema.hpp"

namespace gpusim::explain {

namespace {

const std::vector<Entry>& registry() {
  static const std::vector<Entry> kEntries = [] {  // immutable after construction
    std::vector<Entry> all;
    for (auto* list : {&fleet_entries, &allocation_entries, &power_energy_entries, &money_entries, &summary_entries})
      for (auto& e : (*list)()) all.push_back(std::move(e));
    return all;
  }();
  return kEntries;
}

// "contracts.Microsoft.revenue_usd" against "contracts.*.revenue_usd": the
// item's name (which may hold dots) in `item`.
bool matches(const std::string& pattern, const std::string& path, std::string& item) {
  const auto star = pattern.find('*');
  if (star == std::string::npos) {
    item.clear();
    return pattern == path;
  }
  const std::string head = pattern.substr(0, star), tail = pattern.substr(star + 1);
  if (path.size() <= head.size() + tail.size()) return false;
  if (path.compare(0, head.size(), head) != 0) return false;
  if (path.compare(path.size() - tail.size(), tail.size(), tail) != 0) return false;
  item = path.substr(head.size(), path.size() - head.size() - tail.size());
  return true;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string dist_text(const UncertainSpec& u) {
  const auto p = [](const std::optional<std::string>& v) { return v.value_or("?"); };
  switch (u.dist) {
    case UncertainSpec::Dist::uniform: return "uniform(low " + p(u.low) + ", high " + p(u.high) + ")";
    case UncertainSpec::Dist::normal: return "normal(mean " + p(u.mean) + ", sd " + p(u.sd) + ")";
    case UncertainSpec::Dist::triangular:
      return "triangular(low " + p(u.low) + ", mode " + p(u.mode) + ", high " + p(u.high) + ")";
    case UncertainSpec::Dist::lognormal: return "lognormal(mean " + p(u.mean) + ", sd " + p(u.sd) + ")";
  }
  return "?";
}

}  // namespace

std::string number_text(double v) { return number(v); }

Context make_context(const std::string& file, const std::vector<std::string>& overrides, const EngineOptions& engine) {
  LoadedScenario loaded = load_scenario(file, overrides);
  Results results = run_document(loaded.document, engine);
  return make_context(std::move(loaded), std::move(results));
}

Context make_context(LoadedScenario loaded, Results results) {
  Context ctx;
  ctx.file = loaded.file;
  ctx.loaded = std::move(loaded);
  ctx.results = std::move(results);
  ctx.spec = ctx.loaded.spec;
  if (ctx.results.solve) {
    // The spec the final run used: the solved value written back, as goal-seek does.
    DocNode solved = ctx.loaded.document;
    Diagnostics diags;
    apply_override(solved, ctx.results.solve->vary + "=" + ctx.results.solve->value_text, diags);
    diags.throw_if_any();
    ctx.spec = read_scenario(solved);
  }
  ctx.summary = summary_json(ctx.results);
  ctx.paths = metric_names(ctx.summary);
  ctx.sorted_paths = ctx.paths;
  std::sort(ctx.sorted_paths.begin(), ctx.sorted_paths.end());
  for (std::size_t i = 0; i < ctx.results.contracts.size(); ++i) ctx.contract_index[ctx.results.contracts[i].name] = i;
  for (std::size_t i = 0; i < ctx.results.pools.size(); ++i) ctx.pool_index[ctx.results.pools[i].name] = i;
  for (std::size_t i = 0; i < ctx.results.sites.size(); ++i) ctx.site_index[ctx.results.sites[i].name] = i;
  return ctx;
}

Node Context::explain(const std::string& path) const { return explain_path(*this, path); }

Node explain_path(const Context& ctx, const std::string& path) {
  if (!std::binary_search(ctx.sorted_paths.begin(), ctx.sorted_paths.end(), path)) {
    const std::string hint = did_you_mean(path, ctx.paths);
    throw UnknownPath("'" + path + "' is not a numeric result of " + ctx.file + hint +
                      " (the paths are those of `gpusim run " + ctx.file +
                      " --format json`, e.g. utilization.billed, finance.net_income_usd, "
                      "contracts.NAME.revenue_usd)");
  }
  for (const Entry& e : registry()) {
    std::string item;
    if (matches(e.pattern, path, item)) {
      Node n = e.build(ctx, item);
      n.path = path;
      return n;
    }
  }
  throw std::logic_error("no explanation registered for the summary path '" + path + "'");
}

std::vector<std::string> explainable_paths(const Context& ctx) { return ctx.paths; }

std::optional<double> result(const Context& ctx, const std::string& path) {
  return metric_value(ctx.summary, path);
}

Node combine(Op op, std::string path, std::string label, std::optional<double> value, std::string unit,
             std::string equation, std::string anchor, std::vector<Node> children, double factor) {
  Node n;
  n.path = std::move(path);
  n.label = std::move(label);
  n.value = value;
  n.unit = std::move(unit);
  n.op = op;
  n.factor = factor;
  n.equation = std::move(equation);
  n.anchor = std::move(anchor);
  n.children = std::move(children);
  return n;
}

Node engine_total(std::string path, std::string label, std::optional<double> value, std::string unit,
                  std::string equation, std::string anchor, std::vector<Node> shown) {
  Node n = combine(Op::engine, std::move(path), std::move(label), value, std::move(unit), std::move(equation),
                   std::move(anchor), std::move(shown));
  n.source = "engine: summed over the run's steps";
  return n;
}

Node not_given(std::string path, std::string label, std::optional<double> value, std::string unit, std::string equation,
               std::string anchor, const std::string& key) {
  Node n = engine_total(std::move(path), std::move(label), value, std::move(unit), std::move(equation), std::move(anchor));
  n.source = "default: none (" + key + " not given)";
  return n;
}

Node input(const Context& ctx, const std::string& key, std::string label, double value, std::string unit,
           std::string anchor) {
  Node n = combine(Op::input, key, std::move(label), value, std::move(unit), "input", std::move(anchor), {});
  const auto it = ctx.loaded.locations.find(key);
  if (it != ctx.loaded.locations.end()) {
    n.source = it->second.str();
  } else {
    const std::optional<std::string> d = key_default_doc(key);
    n.source = "default: " + d.value_or("none") + " (docs/scenario-format.md)";
  }
  if (ctx.results.solve && ctx.results.solve->vary == key) {
    const SolveResult& s = *ctx.results.solve;
    std::string bracket = "0 to twice the written value, doubled until the target is crossed";
    if (ctx.spec.solve && (ctx.spec.solve->low || ctx.spec.solve->high))
      bracket = ctx.spec.solve->low.value_or("0") + " to " + ctx.spec.solve->high.value_or("twice the written value");
    n.notes.push_back("solved: " + s.vary + " = " + s.value_text + " so that " + s.target + " = " +
                      number(s.target_value) + " (achieved " + number(s.achieved) + ") in " +
                      std::to_string(s.evaluations) + " trials, bracket " + bracket + " (model.md#goal-seek)");
  }
  for (const auto& u : ctx.spec.uncertain)
    if (u.path == key)
      n.notes.push_back("uncertain: `gpusim mc` draws it in each run from " + dist_text(u) + " (uncertain." +
                        u.name + "); this single run uses the value as written (model.md#monte-carlo)");
  return n;
}

Node catalog_input(const Context& ctx, const GpuModelSpec& gpu, const std::string& field, std::string label,
                   double value, std::string unit) {
  const std::string key = "catalog." + gpu.id + "." + field;
  Node n = combine(Op::input, key, std::move(label), value, std::move(unit), "input", "catalog.md", {});
  const auto it = ctx.loaded.locations.find(key);
  n.source = it != ctx.loaded.locations.end()
                 ? it->second.str()
                 : "catalog " + gpu.id + " (built-in, models/catalog.cpp; docs/catalog.md): " + gpu.source;
  return n;
}

Node constant(std::string label, double value, std::string unit, std::string why, std::string anchor) {
  Node n = combine(Op::input, "", std::move(label), value, std::move(unit), "constant", std::move(anchor), {});
  n.source = std::move(why);
  return n;
}

Node minus(Node n) {
  n.sign = -n.sign;
  return n;
}

ContractRef contract_of(const Context& ctx, const std::string& name) {
  const auto it = ctx.contract_index.find(name);
  const std::size_t reserved = ctx.spec.contracts.size();
  if (it == ctx.contract_index.end() || it->second >= reserved + ctx.spec.demand.size())
    throw UnknownPath("no contract named '" + name + "'");
  const std::size_t i = it->second;
  return {&ctx.results.contracts[i], i < reserved ? &ctx.spec.contracts[i] : &ctx.spec.demand[i - reserved],
          std::string(i < reserved ? "contracts." : "demand.") + name};
}

std::size_t pool_index(const Context& ctx, const std::string& name) {
  const auto it = ctx.pool_index.find(name);
  if (it == ctx.pool_index.end()) throw UnknownPath("no pool named '" + name + "'");
  return it->second;
}

std::size_t site_index(const Context& ctx, const std::string& name) {
  const auto it = ctx.site_index.find(name);
  if (it == ctx.site_index.end()) throw UnknownPath("no site named '" + name + "'");
  return it->second;
}

PoolRef pool_of(const Context& ctx, const std::string& name) {
  const std::size_t i = pool_index(ctx, name);
  return {i, &ctx.results.pools[i], &ctx.spec.fleet[i], "fleet." + name};
}

SiteRef site_of(const Context& ctx, const std::string& name) {
  const std::size_t i = site_index(ctx, name);
  return {&ctx.results.sites[i], &ctx.spec.sites[i], "sites." + name};
}

const GpuModelSpec& gpu_of(const Context& ctx, const FleetSpec& pool) {
  for (const auto& g : ctx.spec.catalog)
    if (g.id == pool.gpu) return g;
  throw std::logic_error("no catalog entry '" + pool.gpu + "'");
}

double run_hours_from(const Context& ctx, double from, double to) {
  return overlap(from, to, static_cast<double>(ctx.spec.time.start), static_cast<double>(ctx.spec.time.end));
}

std::optional<double> constant_year_hours(const Context& ctx) {
  const TimeSpec& t = ctx.spec.time;
  if (t.year == YearConvention::days365) return 8760.0;
  const int first = civil_from_hours(t.start).year, last = civil_from_hours(t.end - 1).year;
  bool leap = false, common = false;
  for (int y = first; y <= last; ++y) (is_leap_year(y) ? leap : common) = true;
  if (leap && common) return std::nullopt;
  return leap ? 8784.0 : 8760.0;
}

Node year_hours_node(const Context& ctx, double year_hours) {
  return constant("Y, hours in the year of a /y rate", year_hours, "h",
                  ctx.spec.time.year == YearConvention::days365
                      ? "year: 365d (every year 8,760 h)"
                      : "year: calendar (every year of the run " + std::string(year_hours > 8760 ? "leap" : "common") + ")",
                  kTime);
}

std::vector<Node> explained(const Context& ctx, const std::vector<std::string>& paths) {
  std::vector<Node> out;
  for (const auto& p : paths) out.push_back(ctx.explain(p));
  return out;
}

}  // namespace gpusim::explain
