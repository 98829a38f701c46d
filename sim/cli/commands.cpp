#include "sim/cli/commands.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

#include "models/catalog.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/solve.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim::cli {

int run_validate(const ValidateOptions& opts, std::ostream& out, std::ostream& err) {
  int status = 0;
  for (const auto& file : opts.files) {
    try {
      LoadedScenario loaded = load_scenario(file, opts.overrides);
      if (opts.print) {
        out << "# " << file << " as gpusim reads it\n" << print_scenario(loaded.spec);
      } else {
        out << file << ": ok\n";
      }
    } catch (const ScenarioError& e) {
      err << e.report();
      status = 2;
    }
  }
  return status;
}

namespace {

// A model error as a located diagnostic: the key it blames, where it is written.
std::string located(const LoadedScenario& loaded, const ModelError& e) {
  std::string path = e.path();
  while (true) {
    auto it = loaded.locations.find(path);
    if (it != loaded.locations.end()) return Diagnostic{it->second, e.path(), e.what()}.str();
    const auto dot = path.rfind('.');
    if (dot == std::string::npos) break;
    path = path.substr(0, dot);
  }
  return loaded.file + ": error: " + e.path() + ": " + e.what();
}

bool parse_period(const std::string& text, Period& out) {
  const std::pair<const char*, Period> names[] = {{"step", Period::step}, {"day", Period::day},
                                                  {"month", Period::month}, {"quarter", Period::quarter},
                                                  {"year", Period::year}};
  for (const auto& [name, p] : names)
    if (text == name) {
      out = p;
      return true;
    }
  return false;
}

int print_results(const Results& r, const std::string& format, const std::string& out_dir, Period every,
                  std::ostream& out) {
  const Json summary = summary_json(r);
  if (!out_dir.empty()) {
    write_files_atomically(out_dir, {{"summary.json", summary.dump(2) + "\n"},
                                     {"timeseries.csv", timeseries_csv(r, every)},
                                     {"customers.csv", customers_csv(r)}});
  }
  if (format == "json") out << summary.dump(2) << "\n";
  else out << summary_table(r);
  return 0;
}

}  // namespace

int run_run(const RunOptions& opts, std::ostream& out, std::ostream& err) {
  Period every = Period::month;
  if (!parse_period(opts.every, every)) {
    err << "gpusim run: --every must be step, day, month, quarter or year\n";
    return 2;
  }
  const LoadedScenario loaded = load_scenario(opts.scenario, opts.overrides);
  Results r;
  try {
    r = run_document(loaded.document);
  } catch (const ModelError& e) {
    err << located(loaded, e) << "\n1 error; nothing was written\n";
    return 2;
  }
  return print_results(r, opts.format, opts.out_dir, every, out);
}

int run_solve(const SolveOptions& opts, std::ostream& out, std::ostream& err) {
  const auto eq = opts.target.find('=');
  if (eq == std::string::npos || eq == 0) {
    err << "gpusim solve: --target must be METRIC=VALUE, e.g. finance.net_income_usd=0\n";
    return 2;
  }
  SolveRequest req;
  req.vary = opts.vary;
  req.target = opts.target.substr(0, eq);
  std::string value = opts.target.substr(eq + 1);
  double scale = 1.0;
  if (!value.empty() && value.back() == '%') {
    value.pop_back();
    scale = 0.01;
  }
  for (const char* unit : {" USD", "USD", " MW", " kWh", " gpu-h"}) {
    const std::string u = unit;
    if (value.size() > u.size() && value.compare(value.size() - u.size(), u.size(), u) == 0) {
      value = value.substr(0, value.size() - u.size());
      break;
    }
  }
  const auto v = parse_plain_number(value);
  if (!v || !std::isfinite(*v)) {
    err << "gpusim solve: --target value '" << opts.target.substr(eq + 1)
        << "' is not a number (e.g. 0, 62%, 1.5B USD)\n";
    return 2;
  }
  req.equals = *v * scale;
  if (!opts.low.empty()) req.low = opts.low;
  if (!opts.high.empty()) req.high = opts.high;
  LoadedScenario loaded = load_scenario(opts.scenario, opts.overrides);
  loaded.document.erase("solve");
  Results r;
  try {
    r = solve_scenario(loaded.document, req);
  } catch (const ModelError& e) {
    err << located(loaded, e) << "\n1 error; nothing was written\n";
    return 2;
  }
  return print_results(r, opts.format, "", Period::month, out);
}

int run_catalog(const CatalogOptions& opts, std::ostream& out) {
  const auto catalog = builtin_catalog();
  if (opts.format == "json") {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& g : catalog) {
      arr.push_back({{"id", g.id},
                     {"tdp_w", g.tdp.value},
                     {"idle_w", g.idle.value},
                     {"overhead_w", g.overhead.value},
                     {"price_usd", g.price.value},
                     {"source", g.source}});
    }
    out << arr.dump(2) << "\n";
    return 0;
  }
  char line[256];
  std::snprintf(line, sizeof line, "%-10s %8s %8s %10s %12s\n", "id", "tdp W", "idle W", "overhead W", "price USD");
  out << line;
  for (const auto& g : catalog) {
    std::snprintf(line, sizeof line, "%-10s %8.0f %8.0f %10.1f %12.0f\n", g.id.c_str(), g.tdp.value,
                  g.idle.value, g.overhead.value, g.price.value);
    out << line;
  }
  out << "\nSources:\n";
  for (const auto& g : catalog) out << "  " << g.id << ": " << g.source << "\n";
  return 0;
}

int run_docs(const DocsOptions& opts, std::ostream& out) {
  if (opts.topic == "scenario-format") out << scenario_format_markdown();
  return 0;
}

}  // namespace gpusim::cli
