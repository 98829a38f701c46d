#include "sim/cli/commands.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "models/catalog.hpp"
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
