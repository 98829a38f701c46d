#include "sim/cli/commands.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <optional>
#include <sstream>
#include <unistd.h>

#include "models/catalog.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/locate.hpp"
#include "sim/engine/solve.hpp"
#include "sim/analysis/montecarlo.hpp"
#include "sim/analysis/sweep.hpp"
#include "sim/figures/article_charts.hpp"
#include "sim/output/charts.hpp"
#include "sim/figures/registry.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim::cli {

int run_validate(const ValidateOptions& opts, std::ostream& out, std::ostream& err) {
  int status = 0;
  for (const auto& file : opts.files) {
    try {
      Diagnostics diags;
      const DocNode doc = load_document(file, diags);
      diags.throw_if_any();
      if (is_sweep_file(doc)) {
        const SweepPlan plan = read_sweep_file(file, doc, opts.overrides);
        std::size_t points = 1;
        for (const auto& v : plan.vary) points *= parse_vary(plan.document, v).values.size();
        out << file << ": ok (a sweep of " << points << " points)\n";
        continue;
      }
      LoadedScenario loaded = load_scenario(file, opts.overrides);
      // What only a run finds (a fleet over its site's caps, a `value` with no
      // GPU-hours to price): run it once, without its goal-seek.
      try {
        (void)run_scenario(loaded.spec);
      } catch (const ModelError& e) {
        err << locate_model_error(loaded, e).str() << "\n1 error; nothing was run\n";
        status = 2;
        continue;
      }
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
    err << locate_model_error(loaded, e).str() << "\n1 error; nothing was written\n";
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
  if (const auto error = set_solve_equals(req, opts.target.substr(eq + 1))) {
    err << "gpusim solve: " << *error << "\n";
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
    // The goal came from the command line, not from the file's solve: block.
    err << locate_solve_error(loaded, e).str() << "\n1 error; nothing was written\n";
    return 2;
  }
  return print_results(r, opts.format, "", Period::month, out);
}

namespace {

// "sweep: 120/10000 (1%), about 12 s left" on stderr, only when it is a terminal.
class Progress {
 public:
  explicit Progress(std::string what) : what_(std::move(what)), start_(std::chrono::steady_clock::now()) {
    enabled_ = isatty(fileno(stderr)) != 0;
  }
  ~Progress() {
    if (enabled_ && shown_) std::fprintf(stderr, "\r\033[K");
  }
  std::function<void(std::size_t, std::size_t)> callback() {
    if (!enabled_) return {};
    return [this](std::size_t done, std::size_t total) {
      const auto now = std::chrono::steady_clock::now();
      if (done != total && now - last_ < std::chrono::milliseconds(200)) return;
      last_ = now;
      shown_ = true;
      const double elapsed = std::chrono::duration<double>(now - start_).count();
      const double left = done ? elapsed * static_cast<double>(total - done) / static_cast<double>(done) : 0.0;
      std::fprintf(stderr, "\r%s: %zu/%zu (%.0f%%), about %.0f s left ", what_.c_str(), done, total,
                   100.0 * static_cast<double>(done) / static_cast<double>(total), left);
      std::fflush(stderr);
    };
  }

 private:
  std::string what_;
  std::chrono::steady_clock::time_point start_, last_{};
  bool enabled_ = false, shown_ = false;
};

}  // namespace

int run_sweep(const SweepOptions& opts, std::ostream& out, std::ostream& err) {
  Diagnostics diags;
  const DocNode raw = load_document(opts.file, diags);
  diags.throw_if_any();
  SweepPlan plan;
  if (raw.find("sweep")) {
    plan = read_sweep_file(opts.file, raw, opts.overrides);
  } else {
    plan.document = load_scenario(opts.file, opts.overrides).document;
  }
  for (const auto& v : opts.vary) plan.vary.push_back(v);
  if (!opts.plot.empty()) plan.plot = opts.plot;
  if (plan.vary.empty()) {
    err << "gpusim sweep: nothing to vary (give --vary PATH=FROM:TO:STEP, or a sweep file with vary:)\n";
    return 2;
  }
  std::vector<VaryAxis> axes;
  for (const auto& v : plan.vary) axes.push_back(parse_vary(plan.document, v));
  if (!plan.plot.empty() && axes.size() > 2) {
    err << "gpusim sweep: --plot draws one varied key (a line) or two (a heatmap), not " << axes.size() << "\n";
    return 2;
  }
  const auto points = grid_overrides(axes);
  Progress progress("sweep");
  std::vector<Json> summaries;
  try {
    summaries = run_points(plan.document, points, opts.threads, progress.callback());
  } catch (const ModelError& e) {
    err << "gpusim sweep: error: " << e.path() << ": " << e.what() << "\n1 error; nothing was written\n";
    return 2;
  }
  const std::string csv = sweep_csv(axes, summaries);
  const std::vector<std::string> names = metric_names(summaries.front());
  // The charted results: one or more for a line, exactly one for a heatmap.
  std::vector<std::string> plot_metrics;
  for (std::size_t start = 0; !plan.plot.empty() && start <= plan.plot.size();) {
    const auto comma = plan.plot.find(',', start);
    plot_metrics.push_back(plan.plot.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (plot_metrics.size() > 1 && axes.size() == 2) {
    err << "gpusim sweep: a heatmap (two varied keys) charts one result; --plot has " << plot_metrics.size() << "\n";
    return 2;
  }
  for (const auto& metric : plot_metrics) {
    if (!metric_value(summaries.front(), metric) && std::find(names.begin(), names.end(), metric) == names.end()) {
      err << "gpusim sweep: --plot '" << metric << "' is not a result" << did_you_mean(metric, names) << "\n";
      return 2;
    }
  }
  std::vector<std::vector<double>> plot_values(plot_metrics.size());
  for (const auto& summary : summaries) {
    for (std::size_t m = 0; m < plot_metrics.size(); ++m) {
      const auto v = metric_value(summary, plot_metrics[m]);
      plot_values[m].push_back(v ? *v : std::nan(""));
    }
  }
  if (opts.out_dir.empty()) {
    out << csv;
    if (!plan.plot.empty()) err << "gpusim sweep: note: the chart is written only with --out DIR\n";
    return 0;
  }
  write_files_atomically(opts.out_dir, {{"sweep.csv", csv}});
  out << "Table: " << opts.out_dir << "/sweep.csv (" << summaries.size() << " rows)\n";
  if (!plan.plot.empty()) {
    const std::string chart = (std::filesystem::path(opts.out_dir) / "sweep.svg").string();
    const std::string title = plan.title.empty() ? plan.plot : plan.title;
    auto axis_label = [](const VaryAxis& a) {
      return a.display_unit.empty() ? a.path : a.path + " (" + a.display_unit + ")";
    };
    auto shown = [](const VaryAxis& a) {
      std::vector<double> v;
      for (std::size_t i = 0; i < a.values.size(); ++i) v.push_back(a.display(i));
      return v;
    };
    const ChartText text{title, plan.x_label.empty() ? axis_label(axes[0]) : plan.x_label,
                         !plan.y_label.empty() ? plan.y_label : axes.size() == 1 ? plan.plot : axis_label(axes[1]),
                         "gpusim sweep " + opts.file};
    if (axes.size() == 1) {
      LineChartOptions lo;
      if (plan.contour) lo.horizontal_lines.push_back({*plan.contour, "break-even"});
      std::vector<Series> series;
      for (std::size_t m = 0; m < plot_metrics.size(); ++m) series.push_back({plot_metrics[m], shown(axes[0]), plot_values[m]});
      write_line_chart(chart, text, series, lo);
    } else {
      std::vector<std::vector<double>> z(axes[1].values.size(), std::vector<double>(axes[0].values.size()));
      for (std::size_t i = 0; i < axes[0].values.size(); ++i)
        for (std::size_t j = 0; j < axes[1].values.size(); ++j) z[j][i] = plot_values[0][i * axes[1].values.size() + j];
      HeatmapOptions ho;
      if (plan.contour) ho.contour = ReferenceLine{*plan.contour, format_number(*plan.contour)};
      write_heatmap(chart, text, shown(axes[0]), shown(axes[1]), z, plot_metrics[0], ho);
    }
    out << "Chart: " << chart << "\n";
  }
  return 0;
}

int run_mc(const McOptions& opts, std::ostream& out, std::ostream& err) {
  if (const auto error = check_runs(opts.runs)) {
    err << "gpusim mc: " << *error << "\n";
    return 2;
  }
  const LoadedScenario loaded = load_scenario(opts.scenario, opts.overrides);
  if (loaded.spec.uncertain.empty())
    err << "gpusim mc: note: " << opts.scenario
        << " has no uncertain: inputs; runs differ only by demand noise and drawn failures, if any\n";
  Progress progress("mc");
  MonteCarloResult r;
  try {
    r = run_monte_carlo(loaded.document, opts.runs, opts.seed, opts.threads, progress.callback());
  } catch (const ModelError& e) {
    err << locate_model_error(loaded, e).str() << "\n1 error; nothing was written\n";
    return 2;
  }
  const Json j = monte_carlo_json(r);
  if (!opts.out_dir.empty()) {
    write_files_atomically(opts.out_dir, {{"mc.json", j.dump(2) + "\n"}, {"runs.csv", monte_carlo_runs_csv(r)}});
    const std::string chart = (std::filesystem::path(opts.out_dir) / "fan.svg").string();
    auto millions = [](std::vector<double> v) {
      for (auto& x : v) x /= 1e6;
      return v;
    };
    write_fan_chart(chart, {loaded.spec.name + ": " + std::to_string(r.runs) + " Monte Carlo runs", "month", "",
                            "gpusim mc " + opts.scenario + " --seed " + std::to_string(opts.seed)},
                    r.revenue.months,
                    {FanPanel{"Revenue per month", "USD millions", millions(r.revenue.p5), millions(r.revenue.p50), millions(r.revenue.p95)},
                     FanPanel{"Net income per month", "USD millions", millions(r.net_income.p5), millions(r.net_income.p50), millions(r.net_income.p95)},
                     FanPanel{"Cumulative cash", "USD millions", millions(r.cumulative_cash.p5), millions(r.cumulative_cash.p50), millions(r.cumulative_cash.p95)}});
  }
  if (opts.format == "json") out << j.dump(2) << "\n";
  else {
    out << monte_carlo_table(r);
    if (!opts.out_dir.empty()) out << "Files: " << opts.out_dir << "/mc.json, runs.csv, fan.svg\n";
  }
  return 0;
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
  if (opts.format == "json") {
    out << catalog_json().dump(2) << "\n";
    return 0;
  }
  const auto catalog = builtin_catalog();
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
