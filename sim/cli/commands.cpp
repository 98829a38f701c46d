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
#include <string_view>
#include <unistd.h>

#include "models/catalog.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/finite_check.hpp"
#include "sim/engine/locate.hpp"
#include "sim/engine/solve.hpp"
#include "sim/explain/explain.hpp"
#include "sim/analysis/montecarlo.hpp"
#include "sim/analysis/sweep.hpp"
#include "sim/figures/article_charts.hpp"
#include "sim/output/charts.hpp"
#include "sim/figures/registry.hpp"
#include "sim/output/staged_output.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/printer.hpp"
#include "sim/scenario/schema.hpp"

namespace gpusim::cli {

namespace {

// A word of a command line as a shell reads it: quoted when it holds anything
// but letters, digits and _ . / : = , % + - (a space, a quote, a $).
std::string shell_word(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("_./:=,%+-").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (plain) return word;
  if (word.find('\'') == std::string::npos) return "'" + word + "'";
  std::string quoted = "\"";  // "What's it": in double quotes, with \ " $ ` escaped
  for (char c : word) {
    if (c == '\\' || c == '"' || c == '$' || c == '`') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

// The command that draws a chart, for its caption: "gpusim sweep FILE --set
// PATH=VALUE --vary … --plot … --out DIR" (options that change the chart, in a
// fixed order; not --threads, which changes nothing).
std::string chart_command(const std::string& command, const std::string& file,
                          const std::vector<std::pair<std::string, std::string>>& options) {
  std::string out = "gpusim " + command + " " + shell_word(file);
  for (const auto& [flag, value] : options)
    if (!value.empty()) out += " " + flag + " " + shell_word(value);
  return out;
}

// "a,b,c" → {"a", "b", "c"}; empty → {}.
std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; !text.empty() && start <= text.size();) {
    const auto comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Draws a chart into a staging folder; its errors name the final path.
template <class Draw>
void draw_staged(const StagedOutput& staged, Draw&& draw) {
  try {
    draw();
  } catch (const ChartInputError& e) {
    throw ChartInputError(staged.unstaged(e.what()));
  } catch (const ChartError& e) {
    throw ChartError(staged.unstaged(e.what()));
  }
}

}  // namespace

namespace {
// --engine: what every run of the command runs on.
EngineOptions engine_options(const std::string& engine) {
  EngineOptions options;
  if (engine == "segment") options.engine = EngineKind::segment;
  return options;
}
}  // namespace

int run_validate(const ValidateOptions& opts, std::ostream& out, std::ostream& err) {
  int status = 0;
  for (const auto& file : opts.files) {
    try {
      Diagnostics diags;
      const DocNode doc = load_document(file, diags);
      diags.throw_if_any();
      if (is_sweep_file(doc)) {
        const SweepPlan plan = read_sweep_file(file, doc, opts.overrides);
        std::vector<VaryAxis> axes;
        for (const auto& v : plan.vary) axes.push_back(parse_vary(plan.document, v));
        out << file << ": ok (a sweep of " << grid_size(axes) << " points)\n";
        continue;
      }
      // The document already read: a pipe (/dev/stdin) has no second reading.
      LoadedScenario loaded = load_scenario_document(doc, file, opts.overrides);
      // What only a run finds (a fleet over its site's caps, a `value` with no
      // GPU-hours to price, results that are not finite): run it once, without its goal-seek.
      try {
        EngineOptions options = engine_options(opts.engine);
        options.series = false;  // the summary
        check_finite_results(run_scenario(loaded.spec, options), loaded.document);
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
  else if (format == "csv") out << summary_csv(r);
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
  EngineOptions engine = engine_options(opts.engine);
  engine.series = !opts.out_dir.empty();  // timeseries.csv; the summary does not need the per-step series
  Results r;
  try {
    r = run_document(loaded.document, loaded.spec, engine);  // read once, by load_scenario
  } catch (const ModelError& e) {
    err << locate_model_error(loaded, e).str() << "\n1 error; nothing was written\n";
    return 2;
  }
  return print_results(r, opts.format, opts.out_dir, every, out);
}

int run_explain(const ExplainOptions& opts, std::ostream& out, std::ostream& err) {
  explain::Context ctx;
  try {
    ctx = explain::make_context(opts.scenario, opts.overrides, engine_options(opts.engine));
  } catch (const ModelError& e) {
    err << locate_model_error(load_scenario(opts.scenario, opts.overrides), e).str() << "\n1 error; nothing was explained\n";
    return 2;
  }
  explain::Node root;
  try {
    root = explain::explain_path(ctx, opts.path);
  } catch (const explain::UnknownPath& e) {
    err << "gpusim explain: error: " << e.what() << "\n";
    return 2;
  }
  if (opts.format == "json") out << explain::to_json(root, opts.depth).dump(2) << "\n";
  else out << explain::to_text(root, opts.depth);
  return 0;
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
  loaded.spec.solve.reset();  // read_scenario(loaded.document): the document's trials start from
  const EngineOptions engine = engine_options(opts.engine);
  Results r;
  try {
    r = solve_scenario(loaded.document, req, engine, &loaded.spec);
  } catch (const ModelError& e) {
    // The goal came from the command line, not from the file's solve: block.
    err << locate_solve_error(loaded, e).str() << "\n1 error; nothing was written\n";
    return 2;
  }
  return print_results(r, opts.format, "", Period::month, out);
}

namespace {

// "sweep: 120/10000 (1%), about 12 s left" on stderr, only when it is a terminal;
// with `lines` (gpusim-mpi's rank 0, whose stderr is a pipe to mpirun) as a line
// every 10 s instead, readable in a terminal and in a batch job's log alike.
class Progress {
 public:
  explicit Progress(std::string what, bool lines = false)
      : what_(std::move(what)), start_(std::chrono::steady_clock::now()), last_(start_) {
    enabled_ = isatty(fileno(stderr)) != 0;
    lines_ = lines && !enabled_;
    enabled_ = enabled_ || lines_;
  }
  ~Progress() {
    if (enabled_ && shown_ && !lines_) std::fprintf(stderr, "\r\033[K");
  }
  std::function<void(std::size_t, std::size_t)> callback() {
    if (!enabled_) return {};
    return [this](std::size_t done, std::size_t total) {
      const auto now = std::chrono::steady_clock::now();
      const auto every = lines_ ? std::chrono::milliseconds(10000) : std::chrono::milliseconds(200);
      if ((done != total || lines_) && now - last_ < every) return;
      last_ = now;
      shown_ = true;
      const double elapsed = std::chrono::duration<double>(now - start_).count();
      const double left = done ? elapsed * static_cast<double>(total - done) / static_cast<double>(done) : 0.0;
      std::fprintf(stderr, lines_ ? "%s: %zu/%zu (%.0f%%), about %.0f s left\n" : "\r%s: %zu/%zu (%.0f%%), about %.0f s left ",
                   what_.c_str(), done, total, 100.0 * static_cast<double>(done) / static_cast<double>(total), left);
      std::fflush(stderr);
    };
  }

 private:
  std::string what_;
  std::chrono::steady_clock::time_point start_, last_;
  bool enabled_ = false, shown_ = false, lines_ = false;
};

}  // namespace

int run_sweep(const SweepOptions& opts, std::ostream& out, std::ostream& err) {
  Diagnostics diags;
  const DocNode raw = load_document(opts.file, diags);
  diags.throw_if_any();
  SweepPlan plan;
  if (is_sweep_file(raw)) {
    plan = read_sweep_file(opts.file, raw, opts.overrides);
  } else {
    plan.document = load_scenario_document(raw, opts.file, opts.overrides).document;  // read once
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
  const auto points = grid_overrides(axes);  // refuses a grid over kMaxSweepPoints, before anything runs
  const EngineOptions engine = engine_options(opts.engine);
  Progress progress("sweep", opts.distributor != nullptr);
  std::vector<Json> summaries;
  try {
    summaries = run_points(plan.document, points, opts.threads, progress.callback(), opts.distributor, engine);
  } catch (const ModelError& e) {
    err << "gpusim sweep: error: " << e.path() << ": " << e.what() << "\n1 error; nothing was written\n";
    return 2;
  }
  const std::string csv = sweep_csv(axes, summaries);
  const std::vector<std::string> names = metric_names(summaries.front());
  // The charted results: one or more for a line, exactly one for a heatmap.
  const std::vector<std::string> plot_metrics = comma_list(plan.plot);
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
  // Every file, chart included, appears only when all were written.
  StagedOutput staged(opts.out_dir);
  staged.write("sweep.csv", csv);
  if (!plan.plot.empty()) {
    const std::string chart = staged.staged("sweep.svg").string();
    // The results in words: "NPV (USD)", "Operating margin and Revenue (USD)".
    std::vector<MetricWords> words;
    for (const auto& metric : plot_metrics) words.push_back(metric_words(metric));
    std::string in_words;
    for (std::size_t m = 0; m < words.size(); ++m)
      in_words += (m ? m + 1 == words.size() ? " and " : ", " : "") + words[m].with_unit();
    const std::string title = !opts.title.empty() ? opts.title : !plan.title.empty() ? plan.title : in_words;
    auto axis_label = [](const VaryAxis& a) {
      return a.display_unit.empty() ? a.path : a.path + " (" + a.display_unit + ")";
    };
    auto shown = [](const VaryAxis& a) {
      std::vector<double> v;
      for (std::size_t i = 0; i < a.values.size(); ++i) v.push_back(a.display(i));
      return v;
    };
    std::vector<std::pair<std::string, std::string>> flags;
    for (const auto& o : opts.overrides) flags.emplace_back("--set", o);
    for (const auto& v : opts.vary) flags.emplace_back("--vary", v);
    flags.emplace_back("--plot", opts.plot);
    flags.emplace_back("--title", opts.title);
    flags.emplace_back("--out", opts.out_dir);
    const ChartText text{title, plan.x_label.empty() ? axis_label(axes[0]) : plan.x_label,
                         !plan.y_label.empty() ? plan.y_label : axes.size() == 1 ? in_words : axis_label(axes[1]),
                         chart_command("sweep", opts.file, flags)};
    // The contour says what its line is: "NPV = 0", "Billed utilization = 22%".
    std::string contour_label;
    if (plan.contour) {
      const bool one = plot_metrics.size() == 1;
      const bool share = one && !share_hint(plot_metrics[0], "2").empty();  // a fraction of at most 1
      contour_label = (one ? words[0].words + " = " : std::string()) +
                      (share ? format_number(round_decimal_noise(*plan.contour * 100)) + "%"
                             : format_number(*plan.contour)) +
                      (one && !share && *plan.contour != 0 && !words[0].unit.empty() ? " " + words[0].unit : "");
    }
    draw_staged(staged, [&] {
    if (axes.size() == 1) {
      LineChartOptions lo;
      if (plan.contour) lo.horizontal_lines.push_back({*plan.contour, contour_label});
      std::vector<Series> series;
      for (std::size_t m = 0; m < plot_metrics.size(); ++m) series.push_back({words[m].with_unit(), shown(axes[0]), plot_values[m]});
      write_line_chart(chart, text, series, lo);
    } else {
      std::vector<std::vector<double>> z(axes[1].values.size(), std::vector<double>(axes[0].values.size()));
      for (std::size_t i = 0; i < axes[0].values.size(); ++i)
        for (std::size_t j = 0; j < axes[1].values.size(); ++j) z[j][i] = plot_values[0][i * axes[1].values.size() + j];
      HeatmapOptions ho;
      if (plan.contour) ho.contour = ReferenceLine{*plan.contour, contour_label};
      write_heatmap(chart, text, shown(axes[0]), shown(axes[1]), z, words[0].with_unit(), ho);
    }
    });
  }
  staged.commit();
  out << "Table: " << opts.out_dir << "/sweep.csv (" << summaries.size() << " rows)\n";
  if (!plan.plot.empty()) out << "Chart: " << (std::filesystem::path(opts.out_dir) / "sweep.svg").string() << "\n";
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
  const std::vector<std::string> fan = opts.fan.empty() ? default_fan_series() : comma_list(opts.fan);
  if (fan.empty() || fan.size() > 3) {
    err << "gpusim mc: --fan draws 1 to 3 monthly series, not " << fan.size() << "\n";
    return 2;
  }
  const EngineOptions engine = engine_options(opts.engine);
  Progress progress("mc", opts.distributor != nullptr);
  MonteCarloResult r;
  // The monthly bands are drawn only into --out's fan.svg: without --out the
  // runs keep no per-step series (the --fan names are still checked).
  const bool draws_fan = !opts.out_dir.empty();
  try {
    if (!draws_fan) check_monthly_series(fan);
    r = run_monte_carlo(loaded.document, opts.runs, opts.seed, opts.threads, progress.callback(),
                        draws_fan ? fan : std::vector<std::string>{}, opts.distributor, engine.engine);
  } catch (const ModelError& e) {
    if (e.path() == "--fan") {
      err << "--fan: error: " << e.what() << "\n1 error; nothing was written\n";
      return 2;
    }
    err << locate_model_error(loaded, e).str() << "\n1 error; nothing was written\n";
    return 2;
  }
  const std::vector<std::string> metrics = comma_list(opts.metrics);
  for (const auto& metric : metrics) {
    if (std::find(r.result_names.begin(), r.result_names.end(), metric) == r.result_names.end()) {
      err << "--metrics: error: '" << metric << "' is not a result" << did_you_mean(metric, r.result_names)
          << " (results are the JSON summary's paths, e.g. finance.npv_usd, utilization.billed)"
          << "\n1 error; nothing was written\n";
      return 2;
    }
  }
  const Json j = monte_carlo_json(r);
  if (!opts.out_dir.empty()) {
    const std::vector<std::string> months = r.monthly.empty() ? std::vector<std::string>{} : r.monthly.front().months;
    if (months.size() < 2) {
      err << "gpusim mc: the fan chart (fan.svg) needs at least 2 calendar months; " << opts.scenario << " spans "
          << months.size() << "; nothing was written (--format json prints the statistics without --out)\n";
      return 2;
    }
    StagedOutput staged(opts.out_dir);
    staged.write("mc.json", j.dump(2) + "\n");
    staged.write("runs.csv", monte_carlo_runs_csv(r, metrics));
    const std::string chart = staged.staged("fan.svg").string();
    std::vector<FanPanel> panels;
    for (const auto& band : r.monthly) {
      // Named as a result would be ("Net income (USD)"); a flow per day of its month.
      const MetricWords words = metric_words("finance." + band.name);
      const std::string unit = words.unit.empty() ? (band.name.ends_with("_gpus") ? "GPUs" : "") : words.unit;
      const bool flow = band.kind == SeriesKind::flow;
      const std::string title = words.words + (flow                                          ? " per day (monthly average)"
                                               : band.kind == SeriesKind::running_total || band.kind == SeriesKind::closing ? " (month end)"
                                               : band.kind == SeriesKind::level          ? " (monthly average)"
                                                                                          : " (monthly)");
      panels.push_back({title, unit + (flow ? " per day" : ""), band.p5, band.p50, band.p95});
    }
    std::vector<std::pair<std::string, std::string>> flags{{"--runs", std::to_string(r.runs)},
                                                           {"--seed", std::to_string(opts.seed)}};
    for (const auto& o : opts.overrides) flags.emplace_back("--set", o);
    flags.emplace_back("--fan", opts.fan);
    flags.emplace_back("--title", opts.title);
    flags.emplace_back("--out", opts.out_dir);
    const std::string title =
        opts.title.empty() ? loaded.spec.name + ": " + std::to_string(r.runs) + " Monte Carlo runs" : opts.title;
    draw_staged(staged, [&] {
      write_fan_chart(chart, {title, "month", "", chart_command("mc", opts.scenario, flags)}, months, panels);
    });
    staged.commit();
  }
  if (opts.format == "json") out << j.dump(2) << "\n";
  else {
    out << monte_carlo_table(r, metrics);
    if (!opts.out_dir.empty()) out << "Files: " << opts.out_dir << "/mc.json, runs.csv, fan.svg\n";
  }
  return 0;
}

int run_figures_command(const FiguresOptions& opts, std::ostream& out, std::ostream& err) {
  const std::vector<FigureSpec> specs = load_registry(opts.registry);
  std::vector<FigureResult> results;
  EngineOptions engine = engine_options(opts.engine);
  engine.series = false;  // figures and their charts read summaries only
  try {
    results = run_figures(specs, opts.only, opts.threads, engine);
  } catch (const ModelError& e) {
    err << opts.registry << ": error: " << e.path() << ": " << e.what() << "\n";
    return 2;
  }
  std::vector<ChartFile> charts;
  if (!opts.out_dir.empty() || !opts.markdown.empty()) {
    const std::string dir = opts.out_dir.empty() ? std::filesystem::path(opts.markdown).parent_path().string() : opts.out_dir;
    const std::string scenarios = std::filesystem::path(opts.registry).parent_path().string();
    try {
      // The charts, tables and page are staged and appear together, or not at all.
      StagedOutput staged(dir);
      if (opts.only.empty())
        draw_staged(staged, [&] { charts = write_article_charts(scenarios, staged.staged("").string(), results, opts.threads, engine); });
      for (auto& c : charts) c.path = (std::filesystem::path(dir) / std::filesystem::path(c.path).filename()).string();
      staged.write("figures.csv", figures_csv(results));
      staged.write("figures.json", figures_json(results).dump(2) + "\n");
      std::optional<StagedOutput> page;
      if (!opts.markdown.empty()) {
        const auto md = std::filesystem::path(opts.markdown);
        page.emplace(md.parent_path().empty() ? "." : md.parent_path().string());
        page->write(md.filename().string(), figures_markdown(results, charts, md.parent_path().string()));
      }
      staged.commit();
      if (page) page->commit();
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
  std::snprintf(line, sizeof line, "%-10s %8s %8s %10s %12s %8s %6s\n", "id", "tdp W", "idle W", "overhead W",
                "price USD", "/server", "/rack");
  out << line;
  const auto packaging = [](const std::optional<double>& v) { return v ? format_number(*v) : std::string("-"); };
  for (const auto& g : catalog) {
    std::snprintf(line, sizeof line, "%-10s %8.0f %8.0f %10.1f %12.0f %8s %6s\n", g.id.c_str(), g.tdp.value,
                  g.idle.value, g.overhead.value, g.price.value, packaging(g.gpus_per_server).c_str(),
                  packaging(g.gpus_per_rack).c_str());
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
