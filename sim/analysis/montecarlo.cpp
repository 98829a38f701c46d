#include "sim/analysis/montecarlo.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "models/random.hpp"
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
};

std::vector<Draw> prepare_draws(const DocNode& document, const ScenarioSpec& spec) {
  std::vector<Draw> out;
  for (const auto& u : spec.uncertain) {
    std::string err;
    const auto type = numeric_key_type(document, u.path, err);
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

std::string month_label(HourStamp h) {
  const CivilDate d = civil_from_hours(h);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
  return buf;
}

struct RunOutput {
  // Every scalar of the run's summary, null as NaN. Runs whose summary has the
  // shape of run 0's keep values only (a thousand runs of a large scenario keep
  // numbers, not names); others keep their names too.
  std::vector<double> values;
  std::vector<std::string> names;  // empty: run 0's names
  std::vector<std::string> drawn;
  std::vector<double> revenue, net, cumulative;
  std::vector<std::string> months;
};

}  // namespace

MonteCarloResult run_monte_carlo(const DocNode& document, std::size_t runs, std::uint64_t seed, unsigned threads,
                                 const std::function<void(std::size_t, std::size_t)>& progress) {
  const ScenarioSpec base = read_scenario(document);
  const std::vector<Draw> draws = prepare_draws(document, base);
  std::vector<RunOutput> outputs(runs);
  std::vector<std::string> shape;  // run 0's metric names, set before the other runs start
  auto run_one = [&](std::size_t i) {
        DocNode doc = document;
        Diagnostics diags;
        RunOutput& out = outputs[i];
        for (std::size_t k = 0; k < draws.size(); ++k) {
          Rng rng = make_stream(seed, i, purpose_id("uncertain") + k);
          double v = sample(draws[k], rng);
          // Draws are clamped to the range the key accepts (a count to 0 or more, a PUE to 1–10, …).
          v = std::clamp(v, draws[k].type.min, draws[k].type.max);
          const std::string text = format_base_quantity(v, draws[k].type.unit, draws[k].span_unit);
          out.drawn.push_back(text);
          apply_override(doc, draws[k].path + "=" + text, diags);
        }
        apply_override(doc, "seed=" + std::to_string(seed), diags);
        diags.throw_if_any();
        const ScenarioSpec spec = read_scenario(doc);
        Results r;
        if (spec.solve) {
          r = run_document(doc, EngineOptions{i});
        } else {
          r = run_scenario(spec, EngineOptions{i});
        }
        const auto cells = flatten_all(summary_json(r));
        bool same = i > 0 && cells.size() == shape.size();
        for (std::size_t c = 0; same && c < cells.size(); ++c) same = cells[c].first == shape[c];
        for (const auto& [name, v] : cells) {
          out.values.push_back(v ? *v : std::nan(""));
          if (!same) out.names.push_back(name);
        }
        const Eigen::ArrayXd net = r.series.net_income_usd();
        const Eigen::ArrayXd cash = r.series.cash_flow_usd();
        double cumulative = 0.0;
        for (Eigen::Index k = 0; k < r.series.revenue_usd.size();) {
          const std::string label = month_label(r.step_start(k));
          Eigen::Index j = k;
          double rev = 0, n = 0;
          while (j < r.series.revenue_usd.size() && month_label(r.step_start(j)) == label) {
            rev += r.series.revenue_usd[j];
            n += net[j];
            cumulative += cash[j];
            ++j;
          }
          out.months.push_back(label);
          out.revenue.push_back(rev);
          out.net.push_back(n);
          out.cumulative.push_back(cumulative);
          k = j;
        }
  };
  if (runs > 0) {
    run_one(0);
    shape = outputs[0].names;
    outputs[0].names.clear();
  }
  parallel_for(
      runs > 0 ? runs - 1 : 0, threads, [&](std::size_t i) { run_one(i + 1); },
      progress ? std::function<void(std::size_t, std::size_t)>(
                     [&](std::size_t done, std::size_t) { progress(done + 1, runs); })
               : std::function<void(std::size_t, std::size_t)>());

  MonteCarloResult res;
  res.runs = runs;
  res.seed = seed;
  for (const auto& u : base.uncertain) res.uncertain_names.push_back(u.name);
  std::vector<std::string> order;
  std::map<std::string, std::vector<double>> values;
  const std::vector<std::string> per_run{"utilization.billed", "utilization.busy", "finance.revenue_usd",
                                         "finance.operating_income_usd", "finance.net_income_usd", "finance.npv_usd",
                                         "finance.min_cumulative_cash_usd"};
  res.result_names = per_run;
  for (const auto& o : outputs) {
    const std::vector<std::string>& names = o.names.empty() ? shape : o.names;
    std::vector<double> row;
    for (const auto& want : per_run) {
      const auto at = std::find(names.begin(), names.end(), want);
      row.push_back(at == names.end() ? std::nan("") : o.values[static_cast<std::size_t>(at - names.begin())]);
    }
    res.results.push_back(std::move(row));
    for (std::size_t c = 0; c < o.values.size(); ++c) {
      if (std::isnan(o.values[c])) continue;  // null in this run (an IRR without a sign change)
      auto [it, fresh] = values.try_emplace(names[c]);
      if (fresh) order.push_back(names[c]);
      it->second.push_back(o.values[c]);
    }
    res.drawn.push_back(o.drawn);
  }
  for (const auto& name : order) {
    const auto& v = values[name];
    MetricStats s;
    s.name = name;
    s.count = v.size();
    double sum = 0;
    for (double x : v) sum += x;
    s.mean = sum / static_cast<double>(v.size());
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0;
    // A metric the draws do not move has no spread (not rounding noise).
    if (std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); })) {
      s.mean = v.front();
      s.sd = 0.0;
    }
    s.p5 = percentile(v, 0.05);
    s.p50 = percentile(v, 0.50);
    s.p95 = percentile(v, 0.95);
    res.metrics.push_back(s);
  }
  if (!outputs.empty()) {
    const std::size_t months = outputs.front().months.size();
    for (auto [band, member] : {std::pair{&res.revenue, &RunOutput::revenue}, std::pair{&res.net_income, &RunOutput::net},
                                std::pair{&res.cumulative_cash, &RunOutput::cumulative}}) {
      band->months = outputs.front().months;
      for (std::size_t m = 0; m < months; ++m) {
        std::vector<double> at;
        for (const auto& o : outputs)
          if (m < (o.*member).size()) at.push_back((o.*member)[m]);
        band->p5.push_back(percentile(at, 0.05));
        band->p50.push_back(percentile(at, 0.50));
        band->p95.push_back(percentile(at, 0.95));
      }
    }
  }
  return res;
}

Json monte_carlo_json(const MonteCarloResult& r) {
  Json j;
  j["runs"] = r.runs;
  j["seed"] = r.seed;
  Json metrics = Json::object();
  for (const auto& m : r.metrics)
    metrics[m.name] = {{"mean", m.mean}, {"sd", m.sd}, {"p5", m.p5}, {"p50", m.p50}, {"p95", m.p95}, {"count", m.count}};
  j["metrics"] = metrics;
  return j;
}

std::string monte_carlo_table(const MonteCarloResult& r) {
  std::ostringstream o;
  o << r.runs << " runs, seed " << r.seed << "\n\n";
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-40s %14s %14s %14s %14s %14s\n", "metric", "mean", "sd", "p5", "p50", "p95");
  o << buf;
  const std::vector<std::string> headline{
      "utilization.billed", "utilization.busy", "gpus.gpu_hours_billed", "power.facility_avg_mw", "energy.facility_kwh",
      "finance.revenue_usd", "finance.operating_income_usd", "finance.operating_margin", "finance.net_income_usd",
      "finance.net_margin", "finance.npv_usd", "finance.irr", "finance.min_cumulative_cash_usd"};
  auto num = [](double v) {
    const double a = std::fabs(v);
    char b[64];
    if (a != 0 && (a < 1e-3 || a >= 1e6)) std::snprintf(b, sizeof b, "%.4g", v);
    else std::snprintf(b, sizeof b, "%.4f", v);
    return std::string(b);
  };
  for (const auto& name : headline) {
    for (const auto& m : r.metrics) {
      if (m.name != name) continue;
      std::snprintf(buf, sizeof buf, "%-40s %14s %14s %14s %14s %14s\n", m.name.c_str(), num(m.mean).c_str(),
                    num(m.sd).c_str(), num(m.p5).c_str(), num(m.p50).c_str(), num(m.p95).c_str());
      o << buf;
    }
  }
  for (const auto& m : r.metrics) {
    if (m.name.rfind("customers.", 0) != 0 || m.name.find(".revenue_share") == std::string::npos) continue;
    std::snprintf(buf, sizeof buf, "%-40s %14s %14s %14s %14s %14s\n", m.name.c_str(), num(m.mean).c_str(),
                  num(m.sd).c_str(), num(m.p5).c_str(), num(m.p50).c_str(), num(m.p95).c_str());
    o << buf;
  }
  o << "\nEvery scalar of the summary: --format json.\n";
  return o.str();
}

std::string monte_carlo_runs_csv(const MonteCarloResult& r) {
  std::ostringstream o;
  o << "run";
  for (const auto& n : r.uncertain_names) o << "," << n;
  for (const auto& n : r.result_names) o << "," << n;
  o << "\n";
  for (std::size_t i = 0; i < r.drawn.size(); ++i) {
    o << i;
    for (const auto& t : r.drawn[i]) o << ",\"" << t << "\"";
    if (i < r.results.size())
      for (double v : r.results[i]) o << "," << (std::isnan(v) ? std::string() : format_number(v));
    o << "\n";
  }
  return o.str();
}

std::optional<std::string> check_runs(std::size_t runs) {
  if (runs == 0) return "--runs must be at least 1";
  return std::nullopt;
}

}  // namespace gpusim
