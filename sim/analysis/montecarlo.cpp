#include "sim/engine/finite_check.hpp"
#include "sim/analysis/montecarlo.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "models/random.hpp"
#include "sim/analysis/distribute.hpp"
#include "sim/analysis/sweep.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/solve.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim {

namespace {

// Puts the values of `ranks` (ascending, unique positions in sorted order)
// at those positions of [first, last), which holds the ranks from its own
// position in `base` on: nth_element at the middle rank, then each side for
// the ranks on it. The same values a full sort puts there, in O(n log ranks).
void place_ranks(double* first, double* last, double* base, const std::size_t* rank_first,
                 const std::size_t* rank_last) {
  if (rank_first == rank_last) return;
  const std::size_t* middle = rank_first + (rank_last - rank_first) / 2;
  double* at = base + *middle;
  std::nth_element(first, at, last);
  place_ranks(first, at, base, rank_first, middle);
  place_ranks(at + 1, last, base, middle + 1, rank_last);
}

// Percentiles by linear interpolation between order statistics (each q in
// [0, 1], ascending): the ranks below each position placed by place_ranks, the
// rank above each the least of what lies between it and the next placed rank.
// Reorders `values`.
template <std::size_t N>
std::array<double, N> percentiles(std::span<double> values, const std::array<double, N>& qs) {
  std::array<double, N> out;
  if (values.empty()) {
    out.fill(std::nan(""));
    return out;
  }
  const std::size_t n = values.size();
  std::array<double, N> positions;
  std::array<std::size_t, N> ranks;
  for (std::size_t k = 0; k < N; ++k) {
    positions[k] = qs[k] * static_cast<double>(n - 1);
    ranks[k] = static_cast<std::size_t>(std::floor(positions[k]));
  }
  const auto ranks_end = std::unique(ranks.begin(), ranks.end());
  place_ranks(values.data(), values.data() + n, values.data(), ranks.data(), &*ranks_end);
  for (std::size_t k = 0; k < N; ++k) {
    const std::size_t lo = static_cast<std::size_t>(std::floor(positions[k]));
    double above = values[lo];
    if (lo + 1 < n) {
      // Everything after lo up to the next placed rank (or the end) is at least
      // values[lo] and at most that rank's value: the least of it is rank lo + 1.
      const auto next = std::upper_bound(ranks.begin(), ranks_end, lo);
      const std::size_t stop = next == ranks_end ? n : *next + 1;
      above = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo + 1),
                                values.begin() + static_cast<std::ptrdiff_t>(stop));
    }
    out[k] = values[lo] + (positions[k] - static_cast<double>(lo)) * (above - values[lo]);
  }
  return out;
}

}  // namespace

double percentile(std::vector<double> values, double q) { return percentiles(std::span<double>(values), std::array{q})[0]; }

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

// The statistics of a metric's values in run order; reorders `v` (its percentiles).
MetricStats stats_of(std::string name, std::span<double> v) {
  MetricStats s;
  s.name = std::move(name);
  s.count = v.size();
  if (v.empty()) return s;
  double sum = 0, smallest = v.front(), largest = v.front();
  for (double x : v) {
    sum += x;
    smallest = std::min(smallest, x);
    largest = std::max(largest, x);
  }
  s.mean = sum / static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0;
  // A metric the draws do not move has no spread: runs that differ by less
  // than 10⁻⁹ of its size differ by rounding (of sums, of a goal-seek's
  // tolerance), not by the draws. Its sd is 0 and its percentiles its mean.
  if (largest - smallest <= 1e-9 * std::max(std::fabs(smallest), std::fabs(largest))) {
    if (largest == smallest) s.mean = v.front();  // exactly, not a sum ÷ n
    s.sd = 0.0;
    s.p5 = s.p50 = s.p95 = s.mean;
    return s;
  }
  const auto [p5, p50, p95] = percentiles(v, std::array{0.05, 0.50, 0.95});
  s.p5 = p5;
  s.p50 = p50;
  s.p95 = p95;
  return s;
}

}  // namespace

std::vector<MetricStats> column_stats(const std::vector<std::string>& names,
                                      const std::vector<std::vector<double>>& rows, unsigned threads) {
  // Columns in chunks, each chunk a job (threads share them; each writes its
  // own slot, joined in order), a chunk's columns 32 at a time: four cache
  // lines of each row per block.
  constexpr std::size_t kBlock = 32, kChunk = 64 * kBlock;
  const std::size_t chunks = (names.size() + kChunk - 1) / kChunk;
  std::vector<std::vector<MetricStats>> chunk_stats(chunks);
  parallel_for(chunks, threads, [&](std::size_t chunk) {
    std::vector<double> gathered(kBlock * rows.size());
    const std::size_t chunk_end = std::min(names.size(), (chunk + 1) * kChunk);
    for (std::size_t first = chunk * kChunk; first < chunk_end; first += kBlock) {
      const std::size_t width = std::min(kBlock, chunk_end - first);
      for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t k = 0; k < width; ++k) gathered[k * rows.size() + r] = rows[r][first + k];
      for (std::size_t k = 0; k < width; ++k) {
        // A column's values in run order, without the runs where it is null.
        double* begin = gathered.data() + k * rows.size();
        double* end = std::remove_if(begin, begin + rows.size(), [](double v) { return std::isnan(v); });
        if (end != begin)
          chunk_stats[chunk].push_back(
              stats_of(names[first + k], std::span<double>(begin, static_cast<std::size_t>(end - begin))));
      }
    }
  });
  std::vector<MetricStats> out;
  out.reserve(names.size());
  for (auto& stats : chunk_stats)
    for (auto& m : stats) out.push_back(std::move(m));
  return out;
}

std::vector<std::string> default_fan_series() { return {"revenue_usd", "net_income_usd", "cumulative_cash_usd"}; }

namespace {
// Each name's column in `columns` (a monthly period table's); an unknown name throws.
std::vector<std::size_t> monthly_series_columns(const PeriodTable& columns, const std::vector<std::string>& names) {
  std::vector<std::size_t> out;
  for (const auto& name : names) {
    const auto at = std::find(columns.columns.begin(), columns.columns.end(), name);
    if (at == columns.columns.end())
      throw ModelError("--fan", "'" + name + "' is not a monthly series" + did_you_mean(name, columns.columns) +
                                    " (series: " + join_names(columns.columns) + ")");
    out.push_back(static_cast<std::size_t>(at - columns.columns.begin()));
  }
  return out;
}
}  // namespace

void check_monthly_series(const std::vector<std::string>& names) {
  monthly_series_columns(period_table(Results{}, Period::month), names);
}

MonteCarloResult run_monte_carlo(const DocNode& document, std::size_t runs, std::uint64_t seed, unsigned threads,
                                 const std::function<void(std::size_t, std::size_t)>& progress,
                                 const std::vector<std::string>& monthly, const RunDistributor* distributor,
                                 EngineKind engine) {
  // A run's document differs from this one by its draws: only what they change is read again.
  ScenarioRereader reread(document, read_scenario(document));
  const ScenarioSpec& base = reread.base();
  const std::vector<Draw> draws = prepare_draws(document, base);
  // The requested monthly series, as columns of the time series.
  const PeriodTable columns = period_table(Results{}, Period::month);
  const std::vector<std::size_t> monthly_columns = monthly_series_columns(columns, monthly);
  SummaryCells shape;  // run 0's metric names (no values), set before the other runs start
  // A run changes a few keys of the document: copies are reused, not made per run.
  DocumentCopies copies(document);
  const std::shared_ptr<const stages::Grid> grid = time_grid(base.time);  // the runs share it (a drawn time span makes its own)
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
        const auto reading = reread.read(doc, assignments);
        const ScenarioSpec& spec = reading->spec();
        Results r;
        // Run 0's cells are the shape; a later run's values alone while its
        // names are run 0's (compared, not stored), its own cells otherwise.
        SummaryCells cells;
        std::optional<SummaryNumbers> shaped;
        try {
          if (spec.solve) {
            r = run_document(doc, spec, EngineOptions{i, engine, !monthly.empty(), true, grid});  // checks its results are finite
          } else {
            r = run_scenario(spec, EngineOptions{i, engine, !monthly.empty(), true, grid});  // --fan: monthly series
          }
          if (i > 0) shaped = summary_values_named_as(r, shape);
          if (!shaped) cells = summary_cells(r);
          const auto not_finite = [](const std::optional<double>& v) { return v && !std::isfinite(*v); };
          const bool finite =
              shaped ? shaped->finite : std::none_of(cells.values.begin(), cells.values.end(), not_finite);
          if (!spec.solve && !finite) check_finite_results(r, doc);  // names them and throws
        } catch (const ModelError& e) {
          throw ModelError(e.path(), std::string(e.what()) + " (in run " + std::to_string(i) + ")");
        }
        if (shaped) {
          out.values = std::move(shaped->values);  // a null NaN already
        } else {
          out.values.resize(cells.values.size());
          for (std::size_t c = 0; c < cells.values.size(); ++c)
            out.values[c] = cells.values[c] ? *cells.values[c] : std::nan("");
        }
        if (i == 0) {
          shape = std::move(cells);  // its names, groups and keys (the values are in out.values)
          shape.values.clear();
        } else if (!shaped) {
          out.names.reserve(cells.size());
          for (std::size_t c = 0; c < cells.size(); ++c) out.names.emplace_back(cells.name(c));
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
  if (runs > 0) outputs.push_back(run_one(0));
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
  // Every name met, in first-met order (run 0's summary order first). The
  // lookup's keys view run 0's names and the runs' own; it is never iterated.
  std::vector<std::string> order;
  order.reserve(shape.size());
  std::unordered_map<std::string_view, std::size_t> column_of;
  column_of.reserve(shape.size());
  const auto column_for = [&](std::string_view name) {
    const auto [at, fresh] = column_of.try_emplace(name, order.size());
    if (fresh) order.emplace_back(name);
    return at->second;
  };
  std::vector<std::size_t> shape_columns(shape.size());
  for (std::size_t c = 0; c < shape.size(); ++c) shape_columns[c] = column_for(shape.name(c));
  std::vector<std::vector<std::size_t>> own_columns(outputs.size());  // runs not shaped as run 0
  for (std::size_t i = 0; i < outputs.size(); ++i)
    for (const auto& name : outputs[i].names) own_columns[i].push_back(column_for(name));
  // Almost always every run has run 0's shape and its names are unique: then
  // a run's values are its row, as they are, and each metric's statistics
  // gather a column of the rows. Otherwise each run's cells go to their columns.
  bool rows_are_values = order.size() == shape.size();
  for (const auto& o : outputs) rows_are_values = rows_are_values && o.names.empty();
  std::vector<std::vector<double>> column_values(rows_are_values ? 0 : order.size());
  res.results.reserve(outputs.size());
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    RunOutput& o = outputs[i];
    if (rows_are_values) {
      res.results.push_back(std::move(o.values));
    } else {
      const std::vector<std::size_t>& run_columns = o.names.empty() ? shape_columns : own_columns[i];
      std::vector<double> row(order.size(), std::nan(""));
      for (std::size_t c = 0; c < o.values.size(); ++c) {
        row[run_columns[c]] = o.values[c];
        if (!std::isnan(o.values[c])) column_values[run_columns[c]].push_back(o.values[c]);  // null: an IRR without a sign change
      }
      res.results.push_back(std::move(row));
      std::vector<double>().swap(o.values);
    }
    res.drawn.push_back(std::move(o.drawn));
    res.drawn_values.push_back(std::move(o.drawn_values));
  }
  if (rows_are_values) {
    res.metrics = column_stats(order, res.results, threads);
  } else {
    for (std::size_t c = 0; c < order.size(); ++c)
      if (!column_values[c].empty()) res.metrics.push_back(stats_of(order[c], std::span<double>(column_values[c])));
  }
  res.result_names = std::move(order);
  for (std::size_t k = 0; k < draws.size(); ++k) {
    std::vector<double> drawn;
    for (const auto& values : res.drawn_values) drawn.push_back(values[k]);
    res.uncertain_stats.push_back(stats_of(res.uncertain_names[k], std::span<double>(drawn)));
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
        const auto [p5, p50, p95] = percentiles(std::span<double>(at), std::array{0.05, 0.50, 0.95});
        band.p5.push_back(p5);
        band.p50.push_back(p50);
        band.p95.push_back(p95);
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
  for (const auto& m : r.metrics) {
    // Built in place, not from an initializer list (a temporary array per key).
    Json stats = Json::object();
    auto& fields = stats.get_ref<Json::object_t&>();
    fields.reserve(6);
    fields.emplace_back("mean", m.mean);
    fields.emplace_back("sd", m.sd);
    fields.emplace_back("p5", m.p5);
    fields.emplace_back("p50", m.p50);
    fields.emplace_back("p95", m.p95);
    fields.emplace_back("count", m.count);
    entries.emplace_back(m.name, std::move(stats));
  }
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
  std::unordered_map<std::string_view, const MetricStats*> by_name;  // looked up, never iterated
  by_name.reserve(r.metrics.size());
  for (const auto& m : r.metrics) by_name.try_emplace(m.name, &m);
  for (const auto& name : metrics.empty() ? default_table_metrics(r) : metrics)
    if (const auto at = by_name.find(name); at != by_name.end()) o << stats_row(name, *at->second);
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
