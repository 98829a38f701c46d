// The browser's entry points into gpusim: a thin embind layer over the same
// loader, engine and writers as `gpusim run` (nothing here computes a result).
//
// Every call takes a JSON request and returns a JSON answer (strings, so the
// page needs no embind types). Scenario files live in the module's in-memory
// file system at the paths the command sees from the repository root
// ("scenarios/articles/x.yaml"), so `extends` and error places read the same.
//
//   write_files({"PATH": "TEXT", …})                         → {"ok": true}
//   run({"scenario": PATH, "text": TEXT?, "set": [..], "series": bool})
//     → {"ok": true, "summary": "<gpusim run --format json>", "monthly_csv": "…",
//        "keys": [{"path", "text", "value", "unit", "min", "max"}, …]}
//     | {"ok": false, "errors": [{"file", "line", "col", "path", "message", "text"}], "report": "…"}
//   heatmap({"scenario", "text"?, "set", "x": AXIS, "y": AXIS, "metric"})   AXIS = "PATH=V1,V2,…"
//     → {"ok": true, "x": [..], "y": [..], "values": [[row per y]…]} | {"ok": false, …}
//   explain({"scenario", "text"?, "set", "path", "depth"?})
//     → {"ok": true, "text": "<gpusim explain>", "json": "<gpusim explain --format json>"}
//     | {"ok": false, "errors": [..], "report": "<the command's stderr>"}
#include <emscripten/bind.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/analysis/sweep.hpp"
#include "sim/engine/locate.hpp"
#include "sim/engine/solve.hpp"
#include "sim/explain/explain.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/quantity.hpp"
#include "sim/scenario/loader.hpp"

namespace {

using gpusim::Json;
namespace fs = std::filesystem;

void write_file(const std::string& path, const std::string& text) {
  const fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

Json error_json(const gpusim::Diagnostic& d) {
  return {{"file", d.loc.file ? *d.loc.file : std::string()},
          {"line", d.loc.line},
          {"col", d.loc.col},
          {"path", d.path},
          {"message", d.message},
          {"text", d.str()}};
}

Json errors_answer(const std::vector<gpusim::Diagnostic>& diags, const std::string& report) {
  Json errors = Json::array();
  for (const auto& d : diags) errors.push_back(error_json(d));
  return {{"ok", false}, {"errors", errors}, {"report", report}};
}

std::vector<std::string> overrides_of(const Json& request) {
  std::vector<std::string> out;
  if (request.contains("set"))
    for (const auto& s : request["set"]) out.push_back(s.get<std::string>());
  return out;
}

// The request's scenario as `gpusim run SCENARIO --set …` loads it, after
// writing the editor's text (when given) to its path.
gpusim::LoadedScenario load_request(const Json& request) {
  const std::string path = request.at("scenario").get<std::string>();
  if (request.contains("text")) write_file(path, request["text"].get<std::string>());
  return gpusim::load_scenario(path, overrides_of(request));
}

std::string segment(const std::string& name) {
  return name.find('.') == std::string::npos ? name : "[" + name + "]";
}

// Every key of the merged document that holds one number with a unit: the
// `--set` paths a slider can move, each with its value in its display unit
// and its accepted range (null where unbounded).
void numeric_keys(const gpusim::DocNode& document, const gpusim::DocNode& node, const std::string& path,
                  Json& out) {
  if (node.is_map()) {
    for (std::size_t i = 0; i < node.keys.size(); ++i) {
      if (path.empty() && node.keys[i] == "uncertain") continue;  // Monte Carlo's own inputs
      numeric_keys(document, node.children[i], path.empty() ? segment(node.keys[i])
                                                            : path + "." + segment(node.keys[i]), out);
    }
  } else if (node.is_seq()) {
    for (const auto& item : node.children)
      if (item.is_map() && !item.item_name().empty())
        numeric_keys(document, item, path + "." + segment(item.item_name()), out);
  } else if (node.is_scalar()) {
    std::string error;
    const auto type = gpusim::numeric_key_type(document, path, error);
    if (!type || node.scalar.find_first_of(",:") != std::string::npos) return;
    try {
      const gpusim::VaryAxis axis = gpusim::parse_vary(document, path + "=" + node.scalar);
      if (axis.values.size() != 1) return;
      const double f = axis.display_factor;
      out.push_back({{"path", path},
                     {"text", node.scalar},
                     {"value", axis.display(0)},
                     {"unit", axis.display_unit.empty() ? gpusim::base_unit_name(type->unit) : axis.display_unit},
                     {"min", std::isfinite(type->min) ? Json(type->min / f) : Json(nullptr)},
                     {"max", std::isfinite(type->max) ? Json(type->max / f) : Json(nullptr)}});
    } catch (const gpusim::ScenarioError&) {
      // Not a single number (a list, a date): no slider.
    }
  }
}

std::string run(const std::string& request_text) {
  const Json request = Json::parse(request_text);
  gpusim::LoadedScenario loaded;
  try {
    loaded = load_request(request);
  } catch (const gpusim::ScenarioError& e) {
    return errors_answer(e.diagnostics(), e.report()).dump();
  }
  gpusim::Results results;
  try {
    results = gpusim::run_document(loaded.document);
  } catch (const gpusim::ModelError& e) {
    const gpusim::Diagnostic d = gpusim::locate_model_error(loaded, e);
    return errors_answer({d}, d.str() + "\n1 error; nothing was written\n").dump();
  }
  Json answer = {{"ok", true}, {"summary", gpusim::summary_json(results).dump(2)}};
  if (request.value("series", false))
    answer["monthly_csv"] = gpusim::timeseries_csv(results, gpusim::Period::month);
  if (request.value("keys", false)) {
    Json keys = Json::array();
    numeric_keys(loaded.document, loaded.document, "", keys);
    answer["keys"] = keys;
  }
  return answer.dump();
}

std::string heatmap(const std::string& request_text) {
  const Json request = Json::parse(request_text);
  gpusim::LoadedScenario loaded;
  try {
    loaded = load_request(request);
    const gpusim::VaryAxis x = gpusim::parse_vary(loaded.document, request.at("x").get<std::string>());
    const gpusim::VaryAxis y = gpusim::parse_vary(loaded.document, request.at("y").get<std::string>());
    // One thread: the page is single-threaded (run_points then runs inline).
    const std::vector<Json> summaries = gpusim::run_points(loaded.document, gpusim::grid_overrides({y, x}), 1);
    const std::string metric = request.at("metric").get<std::string>();
    Json values = Json::array();
    for (std::size_t j = 0; j < y.values.size(); ++j) {
      Json row = Json::array();
      for (std::size_t i = 0; i < x.values.size(); ++i) {
        const auto v = gpusim::metric_value(summaries[j * x.values.size() + i], metric);
        row.push_back(v ? Json(*v) : Json(nullptr));
      }
      values.push_back(row);
    }
    Json xs = Json::array(), ys = Json::array();
    for (std::size_t i = 0; i < x.values.size(); ++i) xs.push_back(x.display(i));
    for (std::size_t j = 0; j < y.values.size(); ++j) ys.push_back(y.display(j));
    return Json{{"ok", true}, {"x", xs}, {"y", ys}, {"values", values}}.dump();
  } catch (const gpusim::ScenarioError& e) {
    return errors_answer(e.diagnostics(), e.report()).dump();
  } catch (const gpusim::ModelError& e) {
    const gpusim::Diagnostic d = gpusim::locate_model_error(loaded, e);  // names the point
    return errors_answer({d}, d.str() + "\n1 error; nothing was run\n").dump();
  }
}

// `gpusim explain SCENARIO PATH --set … [--depth N]`: the same library call
// (sim/explain/), as text and as the command's JSON.
std::string explain(const std::string& request_text) {
  const Json request = Json::parse(request_text);
  const std::string path = request.at("scenario").get<std::string>();
  if (request.contains("text")) write_file(path, request["text"].get<std::string>());
  const std::vector<std::string> overrides = overrides_of(request);
  const int depth = request.value("depth", -1);
  try {
    const gpusim::explain::Context ctx = gpusim::explain::make_context(path, overrides);
    const gpusim::explain::Node root = gpusim::explain::explain_path(ctx, request.at("path").get<std::string>());
    return Json{{"ok", true},
                {"text", gpusim::explain::to_text(root, depth)},
                {"json", gpusim::explain::to_json(root, depth).dump(2)}}.dump();
  } catch (const gpusim::ScenarioError& e) {
    return errors_answer(e.diagnostics(), e.report()).dump();
  } catch (const gpusim::ModelError& e) {
    const gpusim::Diagnostic d = gpusim::locate_model_error(gpusim::load_scenario(path, overrides), e);
    return errors_answer({d}, d.str() + "\n1 error; nothing was explained\n").dump();
  } catch (const gpusim::explain::UnknownPath& e) {
    return Json{{"ok", false}, {"errors", Json::array()},
                {"report", std::string("gpusim explain: error: ") + e.what() + "\n"}}.dump();
  }
}

std::string write_files(const std::string& files_text) {
  const Json files = Json::parse(files_text);  // named: items() of a temporary would dangle
  for (const auto& [path, text] : files.items()) write_file(path, text.get<std::string>());
  return Json{{"ok", true}}.dump();
}

}  // namespace

EMSCRIPTEN_BINDINGS(gpusim) {
  emscripten::function("run", &run);
  emscripten::function("heatmap", &heatmap);
  emscripten::function("explain", &explain);
  emscripten::function("write_files", &write_files);
}
