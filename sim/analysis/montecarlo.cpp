#include "sim/engine/finite_check.hpp"
#include "sim/analysis/montecarlo.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "models/random.hpp"
#include "sim/analysis/distribute.hpp"
#include "sim/analysis/sweep.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/solve.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim {

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

namespace {

struct Draw {
  std::string path;
  KeyType type;
  Span::Unit span_unit = Span::Unit::hours;
  UncertainSpec::Dist dist;
  double low = 0, high = 0, mode = 0, mean = 0, sd = 0;
  // The key's bare-number unit (USD/gpu-h, gpus) and its size in base units,
  // for the drawn values in the table and runs.csv.
  std::string display_unit;
  double display_factor = 1.0;
};

std::vector<Draw> prepare_draws(const DocNode& document, const ScenarioSpec& spec) {
  std::vector<Draw> out;
  for (const auto& u : spec.uncertain) {
    std::string err;
    const auto type = numeric_key_type(document, u.path, err, true);
    if (!type) throw ModelError("uncertain." + u.name + ".path", err);
    Draw d{u.path, *type, Span::Unit::hours, u.dist};
    const std::string leaf = u.path.substr(u.path.rfind('.') + 1);
    auto get = [&](const std::optional<std::string>& text, double& target) {
      if (!text) return;
      const QuantityResult q = parse_quantity(*text, type->unit, leaf, type->default_unit);
      target = q.value;  // validated by the loader
      if (type->unit == UnitKind::duration) d.span_unit = q.span.unit;
    };
    get(u.low, d.low);
    get(u.high, d.high);
    get(u.mode, d.mode);
    get(u.mean, d.mean);
    get(u.sd, d.sd);
    if (type->unit == UnitKind::duration) {
      d.display_unit = d.span_unit == Span::Unit::years ? "y" : "h";
    } else if (!type->default_unit.empty()) {
      const QuantityResult one = parse_quantity("1 " + type->default_unit, type->unit, leaf, "");
      if (one.ok() && one.value > 0) {
        d.display_unit = type->default_unit;
        d.display_factor = one.value;
      }
    } else {
      d.display_unit = base_unit_name(type->unit);
    }
    out.push_back(d);
  }
  return out;
}

double sample(const Draw& d, Rng& rng) {
  switch (d.dist) {
    case UncertainSpec::Dist::uniform: return uniform(rng, d.low, d.high);
    case UncertainSpec::Dist::normal: return normal(rng, d.mean, d.sd);
    case UncertainSpec::Dist::triangular: return triangular(rng, d.low, d.mode, d.high);
    case UncertainSpec::Dist::lognormal: return lognormal(rng, d.mean, d.sd);
  }
  return 0.0;
}

struct RunOutput {
  // Every scalar of the run's summary, null as NaN. Runs whose summary has the
  // shape of run 0's keep values only (a thousand runs of a large scenario keep
  // numbers, not names); others keep their names too.
  std::vector<double> values;
  std::vector<std::string> names;  // empty: run 0's names
  std::vector<std::string> drawn;
  std::vector<double> drawn_values;  // in each input's display unit
  std::vector<std::vector<double>> monthly;  // per requested series, per month (per day for a flow)
  std::vector<std::string> months;
};

// A run's output as bytes (gpusim-mpi sends it to rank 0): doubles keep their bits.
// Every field must travel: a field added to RunOutput goes here and in decode_run.
static_assert(sizeof(RunOutput) == 6 * sizeof(std::vector<double>), "encode_run and decode_run: send every field");
std::string encode_run(const RunOutput& out) {
  ByteWriter w;
  w.f64s(out.values);
  w.strs(out.names);
  w.strs(out.drawn);
  w.f64s(out.drawn_values);
  w.u64(out.monthly.size());
  for (const auto& series : out.monthly) w.f64s(series);
  w.strs(out.months);
  return w.take();
}

RunOutput decode_run(std::string_view bytes) {
  ByteReader r(bytes);
  RunOutput out;
  out.values = r.f64s();
  out.names = r.strs();
  out.drawn = r.strs();
  out.drawn_values = r.f64s();
  const std::uint64_t series = r.u64();
  for (std::uint64_t c = 0; c < series; ++c) out.monthly.push_back(r.f64s());
  out.months = r.strs();
  if (!r.done()) throw std::runtime_error("a run's result arrived with bytes to spare");
  return out;
}

MetricStats stats_of(std::string name, const std::vector<double>& v) {
  MetricStats s;
  s.name = std::move(name);
  s.count = v.size();
  if (v.empty()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0;
  s.p5 = percentile(v, 0.05);
  s.p50 = percentile(v, 0.50);
  s.p95 = percentile(v, 0.95);
  // A metric the draws do not move has no spread: runs that differ by less
  // than 10⁻⁹ of its size differ by rounding (of sums, of a goal-seek's
  // tolerance), not by the draws. Its sd is 0 and its percentiles its mean.
  const auto [smallest, largest] = std::minmax_element(v.begin(), v.end());
  if (*largest - *smallest <= 1e-9 * std::max(std::fabs(*smallest), std::fabs(*largest))) {
    if (*largest == *smallest) s.mean = v.front();  // exactly, not a sum ÷ n
    s.sd = 0.0;
    s.p5 = s.p50 = s.p95 = s.mean;
  }
  return s;
}

}  // namespace

std::vector<std::string> default_fan_series() { return {"revenue_usd", "net_income_usd", "cumulative_cash_usd"}; }

MonteCarloResult run_monte_carlo(const DocNode& document, std::size_t runs, std::uint64_t seed, unsigned threads,
                                 const std::function<void(std::size_t, std::size_t)>& progress,
                                 const std::vector<std::string>& monthly, const RunDistributor* distributor,
                                 EngineKind engine) {
  const ScenarioSpec base = read_scenario(document);
  const std::vector<Draw> draws = prepare_draws(document, base);
  // The requested monthly series, as columns of the time series.
  const PeriodTable columns = period_table(Results{}, Period::month);
  std::vector<std::size_t> monthly_columns;
  for (const auto& name : monthly) {
    const auto at = std::find(columns.columns.begin(), columns.columns.end(), name);
    if (at == columns.columns.end())
      throw ModelError("--fan", "'" + name + "' is not a monthly series" + did_you_mean(name, columns.columns) +
                                    " (series: " + join_names(columns.columns) + ")");
    monthly_columns.push_back(static_cast<std::size_t>(at - columns.columns.begin()));
  }
  std::vector<std::string> shape;  // run 0's metric names, set before the other runs start
  // A run changes a few keys of the document: copies are reused, not made per run.
  DocumentCopies copies(document);
  auto run_one = [&](std::size_t i) {
        Diagnostics diags;
        RunOutput out;
        std::vector<std::string> assignments;
        for (std::size_t k = 0; k < draws.size(); ++k) {
          Rng rng = make_stream(seed, i, purpose_id("uncertain") + k);
          double v = sample(draws[k], rng);
          // Draws are clamped to the range the key accepts (a count to 0 or more, a PUE to 1–10, …).
          v = std::clamp(v, draws[k].type.min, draws[k].type.max);
          // A count of GPUs is a whole number (fleet.*.count, contracts.*.gpus, a ramp point's count).
          if (draws[k].type.unit == UnitKind::count) v = std::round(v);
          const std::string text = format_base_quantity(v, draws[k].type.unit, draws[k].span_unit);
          out.drawn.push_back(text);
          out.drawn_values.push_back(v / draws[k].display_factor);
          assignments.push_back(draws[k].path + "=" + text);
        }
        assignments.push_back("seed=" + std::to_string(seed));
        const auto lease = copies.with_overrides(assignments, diags);
        const DocNode& doc = lease->document();
        diags.throw_if_any();
        const ScenarioSpec spec = read_scenario(doc);
        Results r;
        std::vector<std::pair<std::string, std::optional<double>>> cells;
        try {
          if (spec.solve) {
            r = run_document(doc, EngineOptions{i, engine, !monthly.empty()});  // checks its results are finite
            cells = flatten_all(summary_json(r));
          } else {
            r = run_scenario(spec, EngineOptions{i, engine, !monthly.empty()});  // --fan: monthly series
            cells = flatten_all(summary_json(r));  // once: for the check and the values
            check_finite_cells(cells, doc);
          }
        } catch (const ModelError& e) {
          throw ModelError(e.path(), std::string(e.what()) + " (in run " + std::to_string(i) + ")");
        }
        bool same = i > 0 && cells.size() == shape.size();
        for (std::size_t c = 0; same && c < cells.size(); ++c) same = cells[c].first == shape[c];
        for (const auto& [name, v] : cells) {
          out.values.push_back(v ? *v : std::nan(""));
          if (!same) out.names.push_back(name);
        }
        out.monthly.assign(monthly_columns.size(), {});
        if (monthly_columns.empty()) return out;  // no --fan: no monthly table
        const PeriodTable table = period_table(r, Period::month);
        for (std::size_t m = 0; m < table.rows.size(); ++m) {
          out.months.push_back(table.period_starts[m].substr(0, 7));
          for (std::size_t c = 0; c < monthly_columns.size(); ++c) {
            const std::size_t column = monthly_columns[c];
            const double v = table.rows[m][column];
            // A flow per day of its month: February's 28 days do not read as a dip.
            out.monthly[c].push_back(table.kinds[column] == SeriesKind::flow ? v / (table.hours[m] / 24.0) : v);
          }
        }
        return out;
  };
  std::vector<RunOutput> outputs;
  outputs.reserve(runs);
  // Run 0 first, here (on every rank under gpusim-mpi): its summary's shape
  // lets the other runs keep numbers only.
  if (runs > 0) {
    outputs.push_back(run_one(0));
    shape = outputs[0].names;
    outputs[0].names.clear();
  }
  std::vector<RunOutput> rest = run_each<RunOutput>(
      runs > 0 ? runs - 1 : 0, threads, distributor, [&](std::size_t i) { return run_one(i + 1); }, encode_run,
      decode_run,
      progress ? std::function<void(std::size_t, std::size_t)>(
                     [&](std::size_t done, std::size_t) { progress(done + 1, runs); })
               : std::function<void(std::size_t, std::size_t)>());
  for (auto& o : rest) outputs.push_back(std::move(o));
  std::vector<RunOutput>().swap(rest);

  MonteCarloResult res;
  res.runs = runs;
  res.seed = seed;
  for (const auto& u : base.uncertain) res.uncertain_names.push_back(u.name);
  for (const auto& d : draws) {
    res.uncertain_paths.push_back(d.path);
    res.uncertain_units.push_back(d.display_unit);
  }
  // Every name met, in first-met order (run 0's summary order first).
  std::vector<std::string> order;
  std::map<std::string, std::size_t> column_of;
  for (const auto& o : outputs)
    for (const auto& name : o.names.empty() ? shape : o.names)
      if (column_of.try_emplace(name, order.size()).second) order.push_back(name);
  res.result_names = order;
  std::vector<std::vector<double>> values(order.size());
  // Runs shaped as run 0 (almost all) map their cells to columns through one table.
  std::vector<std::size_t> shape_columns;
  for (const auto& name : shape) shape_columns.push_back(column_of.at(name));
  std::vector<std::size_t> own_columns;
  for (const auto& o : outputs) {
    const std::vector<std::size_t>* run_columns = &shape_columns;
    if (!o.names.empty()) {
      own_columns.clear();
      for (const auto& name : o.names) own_columns.push_back(column_of.at(name));
      run_columns = &own_columns;
    }
    std::vector<double> row(order.size(), std::nan(""));
    for (std::size_t c = 0; c < o.values.size(); ++c) {
      const std::size_t column = (*run_columns)[c];
      row[column] = o.values[c];
      if (!std::isnan(o.values[c])) values[column].push_back(o.values[c]);  // null: an IRR without a sign change
    }
    res.results.push_back(std::move(row));
    res.drawn.push_back(o.drawn);
    res.drawn_values.push_back(o.drawn_values);
  }
  for (std::size_t c = 0; c < order.size(); ++c)
    if (!values[c].empty()) res.metrics.push_back(stats_of(order[c], values[c]));
  for (std::size_t k = 0; k < draws.size(); ++k) {
    std::vector<double> drawn;
    for (const auto& o : outputs) drawn.push_back(o.drawn_values[k]);
    res.uncertain_stats.push_back(stats_of(res.uncertain_names[k], drawn));
  }
  if (!outputs.empty()) {
    for (std::size_t c = 0; c < monthly_columns.size(); ++c) {
      MonthlyBand band;
      band.name = monthly[c];
      band.kind = columns.kinds[monthly_columns[c]];
      band.months = outputs.front().months;
      for (std::size_t m = 0; m < band.months.size(); ++m) {
        std::vector<double> at;
        for (const auto& o : outputs)
          if (m < o.monthly[c].size() && std::isfinite(o.monthly[c][m])) at.push_back(o.monthly[c][m]);
        band.p5.push_back(percentile(at, 0.05));
        band.p50.push_back(percentile(at, 0.50));
        band.p95.push_back(percentile(at, 0.95));
      }
      res.monthly.push_back(std::move(band));
    }
  }
  return res;
}

Json monte_carlo_json(const MonteCarloResult& r) {
  Json j;
  j["runs"] = r.runs;
  j["seed"] = r.seed;
  // Metric names are unique (run_monte_carlo's columns): appended, not looked up
  // (an ordered object's [] searches it: a campus's 40,000 metrics took seconds).
  Json metrics = Json::object();
  auto& entries = metrics.get_ref<Json::object_t&>();
  entries.reserve(r.metrics.size());
  for (const auto& m : r.metrics)
    entries.emplace_back(m.name, Json{{"mean", m.mean}, {"sd", m.sd}, {"p5", m.p5}, {"p50", m.p50}, {"p95", m.p95}, {"count", m.count}});
  j["metrics"] = std::move(metrics);
  Json drawn = Json::object();
  for (std::size_t k = 0; k < r.uncertain_stats.size(); ++k) {
    const MetricStats& m = r.uncertain_stats[k];
    drawn[m.name] = {{"path", r.uncertain_paths[k]}, {"unit", r.uncertain_units[k]}, {"mean", m.mean},
                     {"sd", m.sd}, {"p5", m.p5}, {"p50", m.p50}, {"p95", m.p95}};
  }
  j["uncertain"] = drawn;
  return j;
}

std::vector<std::string> default_table_metrics(const MonteCarloResult& r) {
  std::vector<std::string> out{"utilization.billed", "utilization.busy", "gpus.gpu_hours_billed",
                               "power.facility_avg_mw", "energy.facility_kwh", "finance.revenue_usd",
                               "finance.operating_income_usd", "finance.operating_margin", "finance.net_income_usd",
                               "finance.net_margin", "finance.npv_usd", "finance.irr",
                               "finance.min_cumulative_cash_usd"};
  for (const auto& m : r.metrics)
    if (m.name.rfind("customers.", 0) == 0 && m.name.find(".revenue_share") != std::string::npos)
      out.push_back(m.name);
  return out;
}

std::vector<std::string> default_runs_csv_metrics() {
  return {"utilization.billed", "utilization.busy", "finance.revenue_usd", "finance.operating_income_usd",
          "finance.net_income_usd", "finance.npv_usd", "finance.min_cumulative_cash_usd"};
}

namespace {
std::string stats_row(const std::string& label, const MetricStats& m) {
  auto num = [](double v) {
    const double a = std::fabs(v);
    char b[64];
    if (a != 0 && (a < 1e-3 || a >= 1e6)) std::snprintf(b, sizeof b, "%.4g", v);
    else std::snprintf(b, sizeof b, "%.4f", v);
    return std::string(b);
  };
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-40s %14s %14s %14s %14s %14s\n", label.c_str(), num(m.mean).c_str(),
                num(m.sd).c_str(), num(m.p5).c_str(), num(m.p50).c_str(), num(m.p95).c_str());
  return buf;
}
}  // namespace

std::string monte_carlo_table(const MonteCarloResult& r, const std::vector<std::string>& metrics) {
  std::ostringstream o;
  o << r.runs << " runs, seed " << r.seed << "\n\n";
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-40s %14s %14s %14s %14s %14s\n", "metric", "mean", "sd", "p5", "p50", "p95");
  o << buf;
  for (const auto& name : metrics.empty() ? default_table_metrics(r) : metrics)
    for (const auto& m : r.metrics)
      if (m.name == name) o << stats_row(m.name, m);
  if (!r.uncertain_stats.empty()) {
    o << "\n";
    std::snprintf(buf, sizeof buf, "%-40s %14s %14s %14s %14s %14s\n", "drawn (uncertain:)", "mean", "sd", "p5", "p50",
                  "p95");
    o << buf;
    for (std::size_t k = 0; k < r.uncertain_stats.size(); ++k) {
      const std::string unit = r.uncertain_units[k].empty() ? "" : " (" + r.uncertain_units[k] + ")";
      o << stats_row(r.uncertain_names[k] + unit, r.uncertain_stats[k]);
    }
  }
  o << "\nEvery scalar of the summary: --format json.\n";
  return o.str();
}

std::string monte_carlo_runs_csv(const MonteCarloResult& r, const std::vector<std::string>& metrics) {
  const std::vector<std::string> columns = metrics.empty() ? default_runs_csv_metrics() : metrics;
  std::vector<std::size_t> at;
  for (const auto& name : columns)
    at.push_back(static_cast<std::size_t>(std::find(r.result_names.begin(), r.result_names.end(), name) -
                                          r.result_names.begin()));
  std::ostringstream o;
  o << "run";
  for (std::size_t k = 0; k < r.uncertain_names.size(); ++k) {
    const std::string unit = r.uncertain_units[k].empty() ? "" : " (" + r.uncertain_units[k] + ")";
    o << "," << csv_field(r.uncertain_names[k] + unit);
  }
  for (const auto& n : columns) o << "," << n;
  o << "\n";
  for (std::size_t i = 0; i < r.drawn_values.size(); ++i) {
    o << i;
    for (double v : r.drawn_values[i]) o << "," << format_number(v);
    for (std::size_t c : at) {
      const double v = i < r.results.size() && c < r.results[i].size() ? r.results[i][c] : std::nan("");
      o << "," << (std::isnan(v) ? std::string() : format_number(v));
    }
    o << "\n";
  }
  return o.str();
}

std::optional<std::string> check_runs(std::size_t runs) {
  if (runs == 0 || runs > kMaxMonteCarloRuns) return "--runs must be from 1 to " + std::to_string(kMaxMonteCarloRuns);
  return std::nullopt;
}

}  // namespace gpusim
