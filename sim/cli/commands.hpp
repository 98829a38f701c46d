// The gpusim commands, each a function from options to an exit status that
// writes to the given streams (so tests can run them without a process).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gpusim::cli {

struct ValidateOptions {
  std::vector<std::string> files;
  std::vector<std::string> overrides;
  bool print = false;
};
int run_validate(const ValidateOptions& opts, std::ostream& out, std::ostream& err);

struct RunOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  std::string format = "table";  // table | json
  std::string out_dir;           // empty: no files
  std::string every = "month";   // step | day | month | quarter | year
};
int run_run(const RunOptions& opts, std::ostream& out, std::ostream& err);

struct SolveOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  std::string vary;
  std::string target;  // METRIC=VALUE
  std::string low, high;
  std::string format = "table";
};
int run_solve(const SolveOptions& opts, std::ostream& out, std::ostream& err);

struct FiguresOptions {
  std::string registry = "scenarios/figures.yaml";
  std::vector<std::string> only;
  std::string format = "table";
  std::string out_dir;   // figures.csv, figures.json and the charts
  std::string markdown;  // the generated figures page (e.g. docs/figures.md)
  unsigned threads = 0;
};
int run_figures_command(const FiguresOptions& opts, std::ostream& out, std::ostream& err);

struct CatalogOptions {
  std::string format = "table";
};
int run_catalog(const CatalogOptions& opts, std::ostream& out);

struct DocsOptions {
  std::string topic;
};
int run_docs(const DocsOptions& opts, std::ostream& out);

}  // namespace gpusim::cli
