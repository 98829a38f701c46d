#include "sim/analysis/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <sstream>
#include <thread>

#include "sim/engine/finite_check.hpp"
#include "sim/engine/solve.hpp"
#include <filesystem>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim {

namespace {
ScenarioError vary_error(const std::string& spec, const std::string& message) {
  const auto eq = spec.find('=');
  const std::string path = eq == std::string::npos ? spec : spec.substr(0, eq);
  Diagnostic d;
  d.loc.file = std::make_shared<const std::string>("--vary " + path);
  d.path = path;
  d.message = message;
  return ScenarioError({d});
}
}  // namespace

VaryAxis parse_vary(const DocNode& document, const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw vary_error(spec, "expected PATH=FROM:TO:STEP or PATH=V1,V2,... (e.g. contracts.Others.price=1.5:4:0.5)");
  VaryAxis axis;
  axis.path = spec.substr(0, eq);
  const std::string values = spec.substr(eq + 1);
  std::string err;
  const auto type = numeric_key_type(document, axis.path, err);
  if (!type) throw vary_error(spec, err);
  const std::string leaf = axis.path.substr(axis.path.rfind('.') + 1);
  if (type->unit != UnitKind::duration && !type->default_unit.empty()) {
    const QuantityResult one = parse_quantity("1 " + type->default_unit, type->unit, leaf, "");
    if (one.ok() && one.value > 0) {
      axis.display_unit = type->default_unit;
      axis.display_factor = one.value;
    }
  }
  auto parse = [&](const std::string& text) {
    const QuantityResult q = parse_quantity(text, type->unit, leaf, type->default_unit);
    if (!q.ok()) throw vary_error(spec, q.error);
    return q;
  };
  if (values.find(':') != std::string::npos && values.find(',') == std::string::npos) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
      const auto colon = values.find(':', start);
      parts.push_back(values.substr(start, colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    if (parts.size() != 3) throw vary_error(spec, "a range is FROM:TO:STEP (three values)");
    const QuantityResult from = parse(parts[0]), to = parse(parts[1]), step = parse(parts[2]);
    // A duration's value is in years or in hours, by how it is written: the three must agree.
    if (type->unit == UnitKind::duration && (from.span.unit != to.span.unit || from.span.unit != step.span.unit))
      throw vary_error(spec, "FROM, TO and STEP must all be in years (y) or all in h, d or w");
    if (step.value <= 0) throw vary_error(spec, "STEP must be more than 0");
    if (to.value < from.value) throw vary_error(spec, "TO must not be less than FROM");
    const double count = std::floor((to.value - from.value) / step.value * (1 + 1e-12) + 1e-9) + 1;
    if (count > 1e6) throw vary_error(spec, "more than 1,000,000 values; use a larger STEP");
    const Span::Unit unit = type->unit == UnitKind::duration ? from.span.unit : Span::Unit::hours;
    for (int i = 0; i < static_cast<int>(count); ++i) {
      // In the key's bare-number unit, without the noise of the sum (2.9, not
      // 2.9000000000000004), then read back as the scenario reads it.
      const double shown = round_decimal_noise((from.value + i * step.value) / axis.display_factor);
      const std::string text = axis.display_unit.empty() ? format_base_quantity(shown, type->unit, unit)
                                                         : format_number(shown) + " " + axis.display_unit;
      axis.values.push_back(parse(text).value);
      axis.texts.push_back(text);
    }
  } else {
    std::size_t start = 0;
    while (start <= values.size()) {
      const auto comma = values.find(',', start);
      const std::string text = values.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const QuantityResult q = parse(text);
      axis.values.push_back(q.value);
      axis.texts.push_back(text);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return axis;
}

std::size_t grid_size(const std::vector<VaryAxis>& axes) {
  double points = 1;  // in double: three axes of a million values do not wrap
  std::string sizes;
  for (const auto& a : axes) {
    points *= static_cast<double>(a.values.size());
    sizes += (sizes.empty() ? "" : " × ") + std::to_string(a.values.size());
  }
  if (points > static_cast<double>(kMaxSweepPoints)) {
    Diagnostic d;
    d.loc.file = std::make_shared<const std::string>("--vary");
    d.message = "the grid has " + format_number(points) + " points (" + sizes + "); a sweep runs at most " +
                std::to_string(kMaxSweepPoints) + " (use fewer values or larger steps)";
    throw ScenarioError({d});
  }
  return static_cast<std::size_t>(points);
}

std::vector<std::vector<std::string>> grid_overrides(const std::vector<VaryAxis>& axes) {
  (void)grid_size(axes);
  std::vector<std::vector<std::string>> points{{}};
  for (const auto& axis : axes) {
    std::vector<std::vector<std::string>> next;
    for (const auto& p : points) {
      for (const auto& text : axis.texts) {
        auto q = p;
        q.push_back(axis.path + "=" + text);
        next.push_back(std::move(q));
      }
    }
    points = std::move(next);
  }
  return points;
}

bool is_sweep_file(const DocNode& doc) { return doc.find("sweep") != nullptr; }

// A sweep file: {sweep: {scenario, set, vary, plot: {metric, contour, title}}}.
SweepPlan read_sweep_file(const std::string& file, const DocNode& doc, const std::vector<std::string>& overrides) {
  Diagnostics diags;
  SweepPlan plan;
  const DocNode* sweep = doc.find("sweep");
  auto fail = [&](const SourceLoc& loc, const std::string& path, const std::string& msg) {
    diags.error(loc, path, msg);
    diags.throw_if_any();
  };
  if (!sweep->is_map()) fail(sweep->loc, "sweep", "expected a map with keys scenario, set, vary, plot");
  for (std::size_t k = 0; k < sweep->keys.size(); ++k) {
    const std::string& key = sweep->keys[k];
    if (key != "scenario" && key != "set" && key != "vary" && key != "plot")
      diags.error(sweep->key_locs[k], "sweep." + key,
                  "unknown key" + did_you_mean(key, {"scenario", "set", "vary", "plot"}) + " (valid keys: scenario, set, vary, plot)");
  }
  diags.throw_if_any();
  const DocNode* scenario = sweep->find("scenario");
  if (!scenario || !scenario->is_scalar()) fail(sweep->loc, "sweep.scenario", "missing required key 'scenario' (the scenario file to sweep)");
  if (scenario->scalar.empty()) fail(scenario->loc, "sweep.scenario", "expected the path of a scenario file (relative to this file)");
  const std::string path = (std::filesystem::path(file).parent_path() / scenario->scalar).lexically_normal().string();
  if (std::error_code ec; std::filesystem::is_directory(path, ec))
    fail(scenario->loc, "sweep.scenario", "'" + path + "' is a directory, not a scenario file");
  if (std::error_code ec; !std::filesystem::exists(path, ec))
    fail(scenario->loc, "sweep.scenario", "cannot read '" + path + "' (no such file, or not readable)");
  const LoadedScenario loaded = [&] {
    std::vector<std::string> sets;
    if (const DocNode* set = sweep->find("set"))
      for (const auto& c : set->children) sets.push_back(c.scalar);
    for (const auto& o : overrides) sets.push_back(o);
    return load_scenario(path, sets);
  }();
  plan.document = loaded.document;
  if (const DocNode* vary = sweep->find("vary")) {
    if (!vary->is_seq()) fail(vary->loc, "sweep.vary", "expected a list of PATH=FROM:TO:STEP or PATH=V1,V2,...");
    for (const auto& c : vary->children) {
      if (!c.is_scalar()) fail(c.loc, "sweep.vary", "expected PATH=FROM:TO:STEP or PATH=V1,V2,...");
      try {
        parse_vary(plan.document, c.scalar);
      } catch (const ScenarioError& e) {
        fail(c.loc, "sweep.vary", e.diagnostics().front().message);
      }
      plan.vary.push_back(c.scalar);
    }
  }
  if (const DocNode* plot = sweep->find("plot")) {
    if (const DocNode* m = plot->find("metric")) plan.plot = m->scalar;
    if (const DocNode* c = plot->find("contour")) plan.contour = parse_result_value(c->scalar);
    if (const DocNode* t = plot->find("title")) plan.title = t->scalar;
    if (const DocNode* t = plot->find("x_label")) plan.x_label = t->scalar;
    if (const DocNode* t = plot->find("y_label")) plan.y_label = t->scalar;
    const std::vector<std::string> plot_keys{"metric", "contour", "title", "x_label", "y_label"};
    for (std::size_t k = 0; k < plot->keys.size(); ++k)
      if (std::find(plot_keys.begin(), plot_keys.end(), plot->keys[k]) == plot_keys.end())
        diags.error(plot->key_locs[k], "sweep.plot." + plot->keys[k],
                    "unknown key" + did_you_mean(plot->keys[k], plot_keys) + " (valid keys: " + join_names(plot_keys) + ")");
    diags.throw_if_any();
  }
  return plan;
}


void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& job,
                  const std::function<void(std::size_t, std::size_t)>& progress) {
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  if (threads == 0) threads = hardware;
  threads = std::min(threads, 4 * hardware);
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(count, 1)));
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  std::size_t first_error_index = count;
  std::mutex progress_mutex;
  auto worker = [&] {
    while (true) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        job(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (i < first_error_index) {
          first_error_index = i;
          first_error = std::current_exception();
        }
      }
      const std::size_t d = done.fetch_add(1) + 1;
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress(d, count);
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

std::vector<Json> run_points(const DocNode& document, const std::vector<std::vector<std::string>>& points,
                             unsigned threads, const std::function<void(std::size_t, std::size_t)>& progress,
                             const RunDistributor* distributor, const EngineOptions& engine) {
  DocumentCopies copies(document);  // a point changes a few keys: copies are reused
  // The points share one time grid (a point of another time span makes its
  // own; a base that does not read leaves each point to report its error).
  EngineOptions shared = engine;
  ScenarioRereader reread(document);  // a point reads again only what it changes
  if (reread.has_base()) shared.grid = time_grid(reread.base().time);
  return run_each<Json>(
      points.size(), threads, distributor,
      [&](std::size_t i) {
        Diagnostics diags;
        const auto lease = copies.with_overrides(points[i], diags);
        diags.throw_if_any();
        const DocNode& doc = lease->document();
        try {
          EngineOptions options = shared;
          options.series = false;  // a point's summary needs no per-step series
          // One summary: checked finite, and kept.
          const auto reading = reread.read(doc, points[i]);
          Json summary = summary_json(run_document(doc, reading->spec(), options, false));
          check_finite_summary(summary, doc);
          return summary;
        } catch (const ModelError& e) {
          // Say which point could not run.
          std::string at;
          for (const auto& o : points[i]) at += (at.empty() ? "" : ", ") + o;
          throw ModelError(e.path(), std::string(e.what()) + " (at the point " + at + ")");
        }
      },
      // A summary travels as CBOR: keys in order, each double's exact bits.
      [](const Json& summary) {
        const std::vector<std::uint8_t> cbor = Json::to_cbor(summary);
        return std::string(cbor.begin(), cbor.end());
      },
      [](std::string_view bytes) { return Json::from_cbor(bytes.begin(), bytes.end()); }, progress);
}

std::string sweep_csv(const std::vector<VaryAxis>& axes, const std::vector<Json>& summaries) {
  if (summaries.empty()) return {};
  // Every scalar of the summary, including those null at the first point (an IRR, say).
  const std::vector<std::string> names = metric_names(summaries.front());
  std::ostringstream csv;
  for (const auto& a : axes) csv << a.path << ",";
  for (std::size_t i = 0; i < names.size(); ++i) csv << names[i] << (i + 1 < names.size() ? "," : "\n");
  std::vector<std::size_t> index(axes.size(), 0);
  for (std::size_t p = 0; p < summaries.size(); ++p) {
    std::size_t rest = p;
    for (std::size_t a = axes.size(); a-- > 0;) {
      index[a] = rest % axes[a].values.size();
      rest /= axes[a].values.size();
    }
    for (std::size_t a = 0; a < axes.size(); ++a) csv << format_number(axes[a].display(index[a])) << ",";
    // Points of one scenario share the summary's shape: read it in one pass, and
    // fall back to lookups by name if a point's shape differs.
    const auto row = flatten_all(summaries[p]);
    const bool same_shape = row.size() == names.size() &&
                            std::equal(row.begin(), row.end(), names.begin(),
                                       [](const auto& cell, const std::string& name) { return cell.first == name; });
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto v = same_shape ? row[i].second : metric_value(summaries[p], names[i]);
      csv << (v ? format_number(*v) : "") << (i + 1 < names.size() ? "," : "\n");
    }
  }
  return csv.str();
}

}  // namespace gpusim
