// The gpusim command: parses the command line and dispatches; every command's
// work lives in sim/ and is printed by sim/cli/commands.cpp.
//
// Exit status: 0 success; 1 a check failed; 2 bad input (usage or scenario
// error; message on stderr, nothing written); 3 internal error.
//
// gpusim-mpi (sim/mpi/main.cpp) runs the same command line on every MPI rank:
// it compiles this file with GPUSIM_NO_MAIN and calls run_command_line.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "sim/analysis/montecarlo.hpp"
#include "sim/analysis/sweep.hpp"
#include "sim/cli/commands.hpp"
#include "sim/output/charts.hpp"
#include "sim/output/staged_output.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/schema.hpp"

namespace {
// A whole number from `lo` to `hi`, checked as text before CLI11 converts it
// (which would wrap -1 or clamp 2^64 silently).
CLI::Validator whole_number(const std::string& name, std::uint64_t lo, std::uint64_t hi, const std::string& expected) {
  return CLI::Validator(
      [=](std::string& v) {
        bool ok = !v.empty() && v.size() <= 20 && v.find_first_not_of("0123456789") == std::string::npos;
        if (ok) {
          errno = 0;
          const unsigned long long n = std::strtoull(v.c_str(), nullptr, 10);
          ok = errno != ERANGE && n >= lo && n <= hi;
        }
        return ok ? std::string() : "'" + v + "': expected " + expected;
      },
      name);
}

// --engine, the same for every command that runs the engine.
void add_engine_option(CLI::App* command, std::string& engine) {
  command->add_option("--engine", engine, "Allocation engine: step (default, the reference) or segment")
      ->check(CLI::IsMember({"step", "segment"}));
}
}  // namespace

int gpusim::cli::run_command_line(int argc, char** argv, const CommandLine& context) {
  using namespace gpusim::cli;
  CLI::App app{"gpusim — a simulator of GPU fleets and their economics", "gpusim"};
  app.set_version_flag("--version", std::string("gpusim ") + GPUSIM_VERSION);
  app.require_subcommand(1);
  const CLI::Validator kThreads = whole_number("N", 0, gpusim::kMaxThreads, "a whole number from 0 (all hardware threads) to 1024");
  app.footer("Exit status: 0 ok; 1 a check failed; 2 bad input; 3 internal error.\n"
             "Docs: docs/cli.md, docs/scenario-format.md, docs/model.md.");

  RunOptions run;
  auto* r = app.add_subcommand("run", "Run a scenario: utilization ladder, power, energy, money");
  r->add_option("scenario", run.scenario, "Scenario file")->required();
  r->add_option("--set", run.overrides, "Override a key: PATH=VALUE (repeatable)")->allow_extra_args(false);
  r->add_option("--format", run.format, "table (default), json, or csv (metric,value)")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  r->add_option("--out", run.out_dir, "Write summary.json, timeseries.csv, customers.csv to DIR");
  r->add_option("--every", run.every, "Time series period: step, day, month (default), quarter, year")
      ->check(CLI::IsMember({"step", "day", "month", "quarter", "year"}));
  add_engine_option(r, run.engine);

  SolveOptions solve;
  auto* s = app.add_subcommand("solve", "Goal-seek: vary one key until a result equals a target");
  s->add_option("scenario", solve.scenario, "Scenario file")->required();
  s->add_option("--vary", solve.vary, "Scenario key path to vary, e.g. contracts.Others.price")->required();
  s->add_option("--target", solve.target, "METRIC=VALUE, e.g. finance.net_income_usd=0")->required();
  s->add_option("--low", solve.low, "Lower end of the search, in the key's unit");
  s->add_option("--high", solve.high, "Upper end of the search, in the key's unit");
  s->add_option("--set", solve.overrides, "Override a key: PATH=VALUE (repeatable)")->allow_extra_args(false);
  s->add_option("--format", solve.format, "table (default), json, or csv (metric,value)")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  add_engine_option(s, solve.engine);

  ExplainOptions explain;
  auto* x = app.add_subcommand("explain", "Show how a result came to be: its equation and inputs, as a tree");
  x->add_option("scenario", explain.scenario, "Scenario file")->required();
  x->add_option("path", explain.path, "Result path of the JSON summary, e.g. utilization.billed")->required();
  x->add_option("--set", explain.overrides, "Override a key: PATH=VALUE (repeatable)");
  x->add_option("--depth", explain.depth, "Levels of inputs to show below the result (default: all)")
      ->check(CLI::NonNegativeNumber);
  x->add_option("--format", explain.format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  add_engine_option(x, explain.engine);

  SweepOptions sweep;
  auto* w = app.add_subcommand("sweep", "Run a scenario over a grid of values; one CSV row per point");
  w->add_option("file", sweep.file, "Scenario file, or a sweep file (with a top-level sweep:)")->required();
  w->add_option("--vary", sweep.vary, "PATH=FROM:TO:STEP or PATH=V1,V2,... (repeatable: a grid)")->allow_extra_args(false);
  w->add_option("--set", sweep.overrides, "Override a key: PATH=VALUE (repeatable)")->allow_extra_args(false);
  w->add_option("--out", sweep.out_dir, "Write DIR/sweep.csv (and DIR/sweep.svg with --plot); else CSV to stdout");
  w->add_option("--plot", sweep.plot, "Chart this result: a line for one varied key, a heatmap for two");
  w->add_option("--title", sweep.title, "The chart's title (default: the sweep file's, else the result in words)");
  w->add_option("--threads", sweep.threads, "Worker threads (0, the default: all hardware threads; at most 1024); output does not depend on it")
      ->check(kThreads);
  add_engine_option(w, sweep.engine);

  McOptions mc;
  auto* m = app.add_subcommand("mc", "Monte Carlo over the scenario's uncertain inputs, noise and failures");
  m->add_option("scenario", mc.scenario, "Scenario file")->required();
  m->add_option("--runs", mc.runs, "Number of runs (default 1000; 1 to 1,000,000)")
      ->check(whole_number("RUNS", 0, UINT64_MAX, "a whole number (from 1 to 1000000)"));  // the range: check_runs
  m->add_option("--seed", mc.seed, "Seed (default 1): same seed, same output")
      ->check(whole_number("SEED", 0, UINT64_MAX, "a whole number from 0 to 18446744073709551615"));
  m->add_option("--set", mc.overrides, "Override a key: PATH=VALUE (repeatable)")->allow_extra_args(false);
  m->add_option("--format", mc.format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
  m->add_option("--out", mc.out_dir, "Write mc.json, runs.csv and fan.svg (the --fan series by month) to DIR");
  m->add_option("--fan", mc.fan,
                "Monthly series for fan.svg, 1 to 3 timeseries.csv columns (default "
                "revenue_usd,net_income_usd,cumulative_cash_usd)");
  m->add_option("--metrics", mc.metrics, "Results for the table and runs.csv: PATH,... (default: the headline results)");
  m->add_option("--title", mc.title, "The fan chart's title (default: the scenario's name and the number of runs)");
  m->add_option("--threads", mc.threads, "Worker threads (0, the default: all hardware threads; at most 1024); output does not depend on it")
      ->check(kThreads);
  add_engine_option(m, mc.engine);

  FiguresOptions figures;
  auto* f = app.add_subcommand("figures", "Regenerate the article figures: published beside reproduced, charts");
  f->add_option("--registry", figures.registry, "Figure registry (default scenarios/figures.yaml)");
  f->add_option("--only", figures.only, "Only this figure id (repeatable)")->allow_extra_args(false);
  f->add_option("--format", figures.format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
  f->add_option("--out", figures.out_dir, "Write figures.csv, figures.json and the charts (SVG) to DIR");
  f->add_option("--markdown", figures.markdown, "Write the figures page (with the charts) to FILE");
  f->add_option("--threads", figures.threads, "Worker threads (0, the default: all hardware threads; at most 1024)")
      ->check(kThreads);
  add_engine_option(f, figures.engine);

  ValidateOptions validate;
  auto* v = app.add_subcommand("validate", "Check scenario files; print 'FILE: ok' or every error");
  v->add_option("files", validate.files, "Scenario files")->required();
  v->add_option("--set", validate.overrides, "Override a key: PATH=VALUE (repeatable)")->allow_extra_args(false);
  v->add_flag("--print", validate.print, "Print the scenario as understood: defaults filled, units shown");
  add_engine_option(v, validate.engine);

  CatalogOptions catalog;
  auto* c = app.add_subcommand("catalog", "List the built-in GPU models with their sources");
  c->add_option("--format", catalog.format, "table or json")->check(CLI::IsMember({"table", "json"}));

  DocsOptions docs;
  auto* d = app.add_subcommand("docs", "Print generated documentation (scenario-format)");
  d->add_option("topic", docs.topic, "scenario-format")->required()->check(CLI::IsMember({"scenario-format"}));

  // The first word that is not an option names the command: an unknown one gets
  // a suggestion and the list of commands, not CLI11's "A subcommand is required".
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word.front() == '-') continue;
    const CLI::App& commands = app;
    const std::vector<const CLI::App*> subs = commands.get_subcommands(nullptr);
    std::vector<std::string> names;
    for (const CLI::App* sub : subs) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), word) != names.end()) break;
    context.err << "gpusim: error: unknown command '" << word << "'" << gpusim::did_you_mean(word, names)
                  << "\nCommands:\n";
    for (const CLI::App* sub : subs) {
      char line[160];
      std::snprintf(line, sizeof line, "  %-10s %s\n", sub->get_name().c_str(), sub->get_description().c_str());
      context.err << line;
    }
    context.err << "Run 'gpusim COMMAND --help' for a command's options.\n";
    return 2;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e, context.out, context.err);
  } catch (const CLI::ParseError& e) {
    app.exit(e, context.out, context.err);
    return 2;
  }
  // Under gpusim-mpi, ranks other than 0 take part in sweeps and Monte Carlos only.
  if (!context.writer && !*w && !*m) return 0;
  sweep.distributor = mc.distributor = context.distributor;
  std::ostream& out = context.out;
  std::ostream& err = context.err;

  // SIGINT/SIGTERM remove the --out staging folders and chart scratch folders in use.
  gpusim::install_signal_cleanup();
  try {
    if (*w) return run_sweep(sweep, out, err);
    if (*m) return run_mc(mc, out, err);
    if (*f) return run_figures_command(figures, out, err);
    if (*r) return run_run(run, out, err);
    if (*s) return run_solve(solve, out, err);
    if (*x) return run_explain(explain, out, err);
    if (*v) return run_validate(validate, out, err);
    if (*c) return run_catalog(catalog, out);
    if (*d) return run_docs(docs, out);
  } catch (const gpusim::ScenarioError& e) {
    err << e.report();
    return 2;
  } catch (const gpusim::OutputError& e) {
    err << "gpusim: --out: error: " << e.what() << "\n";
    return 2;
  } catch (const gpusim::ChartInputError& e) {
    // Results that cannot be charted (one point, no finite value): the input's doing.
    err << "gpusim: cannot draw the chart: " << e.what() << "\n1 error; nothing was written\n";
    return 2;
  } catch (const gpusim::ChartError& e) {
    err << "gpusim: could not draw a chart: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    err << "gpusim: internal error: " << e.what() << "\n";
    return 3;
  }
  return 3;
}

#ifndef GPUSIM_NO_MAIN
int main(int argc, char** argv) {
  // gpusim knows nothing of MPI: under `mpirun -n N` each rank would run the
  // whole job and write the same files. Say so (once) and stop.
  for (const auto& [size_name, rank_name] :
       {std::pair{"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"}, std::pair{"PMI_SIZE", "PMI_RANK"}}) {
    const char* size = std::getenv(size_name);
    if (!size || std::string(size) == "1" || std::string(size) == "0") continue;
    const char* rank = std::getenv(rank_name);
    // One write, so that mpirun's own notice about the ranks' exit cannot cut it.
    if (!rank || std::string(rank) == "0")
      std::cerr << std::string("gpusim: started as ") + size +
                       " MPI ranks, each of which would run the whole job; run gpusim-mpi instead: it splits sweeps "
                       "and Monte Carlos across the ranks (docs/cluster.md)\n";
    return 2;
  }
  return gpusim::cli::run_command_line(argc, argv, {std::cout, std::cerr});
}
#endif
