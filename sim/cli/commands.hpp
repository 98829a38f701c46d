// The gpusim commands, each a function from options to an exit status that
// writes to the given streams (so tests can run them without a process).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace gpusim {
class RunDistributor;  // sim/analysis/distribute.hpp
}

namespace gpusim::cli {

struct ValidateOptions {
  std::vector<std::string> files;
  std::vector<std::string> overrides;
  bool print = false;
  std::string engine = "step";   // --engine: step | segment (docs/model.md "The segment engine")
};
int run_validate(const ValidateOptions& opts, std::ostream& out, std::ostream& err);

struct RunOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  std::string format = "table";  // table | json | csv
  std::string out_dir;           // empty: no files
  std::string every = "month";   // step | day | month | quarter | year
  std::string engine = "step";   // --engine: step | segment (docs/model.md "The segment engine")
};
int run_run(const RunOptions& opts, std::ostream& out, std::ostream& err);

struct SolveOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  std::string vary;
  std::string target;  // METRIC=VALUE
  std::string low, high;
  std::string format = "table";
  std::string engine = "step";   // --engine: step | segment (docs/model.md "The segment engine")
};
int run_solve(const SolveOptions& opts, std::ostream& out, std::ostream& err);

struct ExplainOptions {
  std::string scenario;
  std::string path;  // a numeric result path of the JSON summary
  std::vector<std::string> overrides;
  int depth = -1;                // levels below the result; negative: all
  std::string format = "text";   // text | json
  std::string engine = "step";   // --engine: step | segment (docs/model.md "The segment engine")
};
int run_explain(const ExplainOptions& opts, std::ostream& out, std::ostream& err);

struct FiguresOptions {
  std::string registry = "scenarios/figures.yaml";
  std::vector<std::string> only;
  std::string format = "table";
  std::string out_dir;   // figures.csv, figures.json and the charts
  std::string markdown;  // the generated figures page (e.g. docs/figures.md)
  unsigned threads = 0;
  std::string engine = "step";   // --engine: step | segment (docs/model.md "The segment engine")
};
int run_figures_command(const FiguresOptions& opts, std::ostream& out, std::ostream& err);

struct SweepOptions {
  std::string file;  // a scenario, or a sweep file (top-level `sweep:`)
  std::vector<std::string> vary;
  std::vector<std::string> overrides;
  std::string out_dir;  // sweep.csv (and sweep.svg with --plot) there; else CSV on stdout
  std::string plot;     // metric to chart (a line for one varied key, a heatmap for two)
  std::string title;    // the chart's title; empty: the sweep file's, else the metric in words
  unsigned threads = 0;
  std::string engine = "step";   // --engine: step | segment (docs/model.md "The segment engine")
  const RunDistributor* distributor = nullptr;  // gpusim-mpi: the points run across MPI ranks
};
int run_sweep(const SweepOptions& opts, std::ostream& out, std::ostream& err);

struct McOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  std::size_t runs = 1000;
  std::uint64_t seed = 1;
  std::string format = "table";
  std::string out_dir;  // mc.json, runs.csv and the fan chart
  std::string fan;      // timeseries.csv columns for the fan chart, comma-separated; empty: the default three
  std::string metrics;  // results for the table and runs.csv, comma-separated; empty: the defaults
  std::string title;    // the fan chart's title; empty: "NAME: N Monte Carlo runs"
  unsigned threads = 0;
  std::string engine = "step";   // --engine: step | segment (docs/model.md "The segment engine")
  const RunDistributor* distributor = nullptr;  // gpusim-mpi: the runs go across MPI ranks
};
int run_mc(const McOptions& opts, std::ostream& out, std::ostream& err);

struct CatalogOptions {
  std::string format = "table";
};
int run_catalog(const CatalogOptions& opts, std::ostream& out);

struct DocsOptions {
  std::string topic;
};
int run_docs(const DocsOptions& opts, std::ostream& out);

// Where the command line prints and where its runs go. gpusim: stdout and
// stderr, runs on this process. gpusim-mpi (sim/mpi/main.cpp): rank 0 prints
// and writes; the other ranks print nothing and take part only in `sweep` and
// `mc`, whose runs go through the distributor.
struct CommandLine {
  std::ostream& out;
  std::ostream& err;
  const RunDistributor* distributor = nullptr;
  bool writer = true;  // false: a gpusim-mpi rank other than 0
};
// The gpusim command line (sim/cli/main.cpp): parse, dispatch, exit status.
int run_command_line(int argc, char** argv, const CommandLine& context);

}  // namespace gpusim::cli
