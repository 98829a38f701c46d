#include "sim/cli/commands.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <cstdio>

#include "models/catalog.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/solve.hpp"
#include "sim/figures/article_charts.hpp"
#include "sim/figures/registry.hpp"
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
  const std::string value = opts.target.substr(eq + 1);
  if (const auto v = parse_result_value(value)) {
    req.equals = *v;
  } else if (value.find('.') != std::string::npos && std::isalpha(static_cast<unsigned char>(value.front()))) {
    req.equals_metric = value;
  } else {
    err << "gpusim solve: --target value '" << value
        << "' is not a number or a result path (e.g. 0, 62%, 1.5B USD, finance.revenue_usd)\n";
    return 2;
  }
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

int run_figures_command(const FiguresOptions& opts, std::ostream& out, std::ostream& err) {
  const std::vector<FigureSpec> specs = load_registry(opts.registry);
  std::vector<FigureResult> results;
  try {
    results = run_figures(specs, opts.only, opts.threads);
  } catch (const ModelError& e) {
    err << opts.registry << ": error: " << e.path() << ": " << e.what() << "\n";
    return 2;
  }
  std::vector<ChartFile> charts;
  if (!opts.out_dir.empty() || !opts.markdown.empty()) {
    const std::string dir = opts.out_dir.empty() ? std::filesystem::path(opts.markdown).parent_path().string() : opts.out_dir;
    const std::string scenarios = std::filesystem::path(opts.registry).parent_path().string();
    try {
      if (opts.only.empty()) charts = write_article_charts(scenarios, dir, results, opts.threads);
      write_files_atomically(dir, {{"figures.csv", figures_csv(results)}, {"figures.json", figures_json(results).dump(2) + "\n"}});
      if (!opts.markdown.empty()) {
        const auto md = std::filesystem::path(opts.markdown);
        write_files_atomically(md.parent_path().empty() ? "." : md.parent_path().string(),
                               {{md.filename().string(), figures_markdown(results, charts, md.parent_path().string())}});
      }
    } catch (const ModelError& e) {
      err << "gpusim figures: error: " << e.path() << ": " << e.what() << "\n";
      return 2;
    }
  }
  if (opts.format == "json") out << figures_json(results).dump(2) << "\n";
  else {
    out << figures_table(results);
    if (!opts.out_dir.empty()) out << "Table: " << opts.out_dir << "/figures.csv\n";
    for (const auto& c : charts) out << "Chart: " << c.path << "\n";
    if (!opts.markdown.empty()) out << "Page: " << opts.markdown << "\n";
  }
  const bool all_ok = std::all_of(results.begin(), results.end(), [](const FigureResult& r) { return r.ok; });
  return all_ok ? 0 : 1;
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
