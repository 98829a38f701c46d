#include "sim/engine/solve.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <limits>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/engine/finite_check.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/quantity.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim {

namespace {

struct Objective {
  const DocNode& document;
  const SolveRequest& request;
  KeyType type;
  EngineOptions options;
  Span::Unit span_unit = Span::Unit::hours;
  int evaluations = 0;

  // The value as written into the scenario: in the key's bare-number unit when
  // it has one (0.088 USD/kWh), else in the base unit.
  std::string text_of(double x) const {
    if (type.unit == UnitKind::duration || type.default_unit.empty()) return format_base_quantity(x, type.unit, span_unit);
    return format_number(x / display_factor()) + " " + type.default_unit;  // the shortest text that reads back
  }
  // In the key's bare-number unit, for people: 0.08 USD/kWh, not 8e-05 USD/Wh.
  double display_factor() const {
    if (type.unit == UnitKind::duration || type.default_unit.empty()) return 1.0;
    const QuantityResult one = parse_quantity("1 " + type.default_unit, type.unit, "", "");
    return one.ok() && one.value > 0 ? one.value : 1.0;
  }
  std::string display_unit() const {
    if (type.unit == UnitKind::duration) return span_unit == Span::Unit::years ? "y" : "h";
    return type.default_unit.empty() ? base_unit_name(type.unit) : type.default_unit;
  }
  std::string readable(double x) const {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", x / display_factor());
    const std::string unit = display_unit();
    return std::string(buf) + (unit.empty() ? "" : (unit == "y" || unit == "h" ? "" : " ") + unit);
  }

  // The run's length must be whole steps: trial values of time.duration (in
  // hours) are rounded to them, so the target is a step function of it.
  double whole_steps_h = 0.0;
  double rounded(double x) const { return whole_steps_h > 0 ? std::round(x / whole_steps_h) * whole_steps_h : x; }

  // Trials write the value into a reused copy of the document, without `solve:`.
  DocumentCopies copies{document};
  // The document as read: a trial reads again only what it changes.
  std::optional<ScenarioRereader> reread;  // set before the first trial
  Results run_at(double x) {
    ++evaluations;
    x = rounded(x);
    Diagnostics diags;
    const std::vector<std::string> assignments{request.vary + "=" + text_of(x), "solve=~"};
    const auto lease = copies.with_overrides(assignments, diags);
    diags.throw_if_any();
    const auto reading = reread->read(lease->document(), assignments);
    const ScenarioSpec& spec = reading->spec();
    if (!options.grid) options.grid = time_grid(spec.time);  // the trials share it (a trial of another span makes its own)
    return run_scenario(spec, options);
  }

  // The result at `path` in this summary; nullopt when it is null there (an
  // IRR without a sign change, a payback never reached). A path that names no
  // result is the user's error.
  static std::optional<double> metric_or_throw(const Json& summary, const std::string& path, const char* key) {
    if (const auto v = metric_value(summary, path)) return v;
    const auto names = metric_names(summary);
    if (std::find(names.begin(), names.end(), path) != names.end()) return std::nullopt;
    throw ModelError(std::string("solve.") + key,
                     "'" + path + "' is not a result" + did_you_mean(path, names) +
                         " (results are the JSON summary's paths, e.g. finance.net_income_usd, "
                         "utilization.billed, customers.NAME.revenue_share)");
  }

  // The target's value in this summary (nullopt: null there).
  std::optional<double> goal(const Json& summary) const {
    if (!request.equals_metric) return request.equals;
    return metric_or_throw(summary, *request.equals_metric, "equals");
  }

  // The most recent run, kept so that the root Brent ends on is not run twice.
  std::optional<double> last_x;
  std::optional<Results> last_results;

  // The target's value and its difference from the goal at x; nullopt when
  // either is null in that run ("not reached").
  struct Reading {
    double target = 0.0, diff = 0.0;
  };
  // The summary the target and goal are read from: only the groups they live
  // in, or the whole summary when a path is not there (for the error's suggestions).
  Json target_summary(const Results& r) const {
    const std::string group = request.target.substr(0, request.target.find('.'));
    const bool one_group = !request.equals_metric ||
                           request.equals_metric->substr(0, request.equals_metric->find('.')) == group;
    Json summary = summary_json(r, one_group ? group : std::string());
    if (!metric_value(summary, request.target) ||
        (request.equals_metric && !metric_value(summary, *request.equals_metric)))
      summary = summary_json(r);
    return summary;
  }

  std::optional<Reading> value_at(double x) {
    Results r = run_at(x);
    const Json summary = target_summary(r);
    last_x = x;
    last_results = std::move(r);
    const auto target = metric_or_throw(summary, request.target, "target");
    const auto wanted = goal(summary);
    if (!target || !wanted) return std::nullopt;
    return Reading{*target, *target - *wanted};
  }
};

// One trial of the search: a difference from the goal, a run where the target
// (or the result it must equal) is null, or a value the scenario cannot take or
// run with (a key's range, a site's cap).
struct Trial {
  enum class Kind { value, not_reached, cannot_run };
  Kind kind = Kind::value;
  double x = 0.0;
  double target = 0.0, diff = 0.0;  // for a value
  std::string why;                  // for the others
  std::exception_ptr error;         // cannot_run: what the run threw
  bool blames_vary = false;         // cannot_run: the error names the varied key
  bool usable() const { return kind == Kind::value; }
};

// A duration's value is in years or in hours by how it is written (the key's
// value, else the first bound): the bounds must be written the same way.
double parse_bound(const std::string& text, const KeyType& type, const std::string& path, const char* which,
                   std::optional<Span::Unit>& span_unit) {
  const QuantityResult r = parse_quantity(text, type.unit, path, type.default_unit);
  if (!r.ok()) throw ModelError(std::string("solve.") + which, r.error);
  double value = 0.0;  // a bound outside the key's range is the bound's error, not a trial's
  if (const std::string range_error = solve_bound_error(text, type, path, value); !range_error.empty())
    throw ModelError(std::string("solve.") + which, range_error);
  if (type.unit == UnitKind::duration) {
    if (!span_unit) span_unit = r.span.unit;
    if (*span_unit != r.span.unit)
      throw ModelError(std::string("solve.") + which,
                       "'" + text + "': the value and bounds of " + path +
                           " must all be in years (y) or all in h, d or w");
  }
  return r.value;
}

// A result for a message: six significant digits, shortest form
// (-1720000000, not -1719999961.376152).
std::string six_digits(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return format_number(std::strtod(buf, nullptr));
}

// Brent's method on [a, b] with f(a), f(b) of opposite signs.
double brent(const std::function<double(double)>& f, double a, double b, double fa, double fb) {
  double c = a, fc = fa, d = b - a, e = d;
  for (int iter = 0; iter < 200; ++iter) {
    if ((fb > 0) == (fc > 0)) {
      c = a;
      fc = fa;
      d = e = b - a;
    }
    if (std::fabs(fc) < std::fabs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tol = 1e-9 * std::max(std::fabs(b), 1e-12) * 0.5;
    const double m = 0.5 * (c - b);
    if (std::fabs(m) <= tol || fb == 0.0) return b;
    if (std::fabs(e) >= tol && std::fabs(fa) > std::fabs(fb)) {
      double p, q, r;
      const double s = fb / fa;
      if (a == c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        q = fa / fc;
        r = fb / fc;
        p = s * (2 * m * q * (q - r) - (b - a) * (r - 1));
        q = (q - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < std::min(3 * m * q - std::fabs(tol * q), std::fabs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += std::fabs(d) > tol ? d : (m > 0 ? tol : -tol);
    fb = f(b);
  }
  return b;
}

// A trial value the scenario cannot take or run with (a key's range, a site's
// cap) — as opposed to a goal that names no result, which is the user's error.
bool is_trial_failure(const std::exception& e) {
  if (dynamic_cast<const ScenarioError*>(&e)) return true;
  const auto* m = dynamic_cast<const ModelError*>(&e);
  return m && m->path().rfind("solve.", 0) != 0;
}

// Why a trial could not run, in words (the first error of a scenario error,
// with its key).
std::string failure_text(const std::exception& e) {
  if (const auto* s = dynamic_cast<const ScenarioError*>(&e); s && !s->diagnostics().empty()) {
    const Diagnostic& d = s->diagnostics().front();
    return (d.path.empty() ? "" : d.path + ": ") + d.message;
  }
  if (const auto* m = dynamic_cast<const ModelError*>(&e)) return m->path() + ": " + m->what();
  return e.what();
}

// The key a trial's failure blames.
std::string failure_key(const std::exception& e) {
  if (const auto* s = dynamic_cast<const ScenarioError*>(&e); s && !s->diagnostics().empty())
    return s->diagnostics().front().path;
  if (const auto* m = dynamic_cast<const ModelError*>(&e)) return m->path();
  return "";
}

// The search: every trial run, its kind, and the bracketing steps of
// model.md's goal-seek section.
struct Search {
  Objective& f;
  const SolveRequest& request;

  Trial at(double x) {
    Trial t;
    t.x = x;
    try {
      if (const auto reading = f.value_at(x)) {
        t.target = reading->target;
        t.diff = reading->diff;
      } else {
        t.kind = Trial::Kind::not_reached;
        t.why = request.target + (request.equals_metric ? " or " + *request.equals_metric : std::string()) +
                " is null (not reached)";
      }
    } catch (const std::exception& e) {
      if (!is_trial_failure(e)) throw;
      t.kind = Trial::Kind::cannot_run;
      t.why = "the scenario cannot run (" + failure_text(e) + ")";
      t.error = std::current_exception();
      t.blames_vary = failure_key(e) == request.vary;
    }
    return t;
  }

  // Bisects between a usable trial and one that is not, down to 10⁻⁷ of the
  // larger magnitude: the usable trial nearest the boundary. `beyond` is left
  // holding the unusable trial nearest it (its `why` says what is past it).
  Trial edge(Trial good, Trial& beyond) {
    for (int i = 0; i < 60; ++i) {
      const double width = std::fabs(beyond.x - good.x);
      const double mid = 0.5 * (good.x + beyond.x);
      if (width <= 1e-7 * std::max(std::fabs(good.x), std::fabs(beyond.x)) ||
          f.rounded(mid) == f.rounded(good.x) || f.rounded(mid) == f.rounded(beyond.x))
        break;
      Trial t = at(mid);
      if (t.usable()) good = t;
      else beyond = t;
    }
    return good;
  }
};

bool brackets(const Trial& a, const Trial& b) { return a.diff == 0 || b.diff == 0 || (a.diff > 0) != (b.diff > 0); }

}  // namespace

Results solve_scenario(const DocNode& document, const SolveRequest& request, const EngineOptions& options,
                       const ScenarioSpec* read) {
  std::string err;
  const auto type = numeric_key_type(document, request.vary, err);
  if (!type) throw ModelError("solve.vary", err);
  Objective f{document, request, *type, options};
  if (read) f.reread.emplace(document, *read);
  else f.reread.emplace(document);
  // Trials find the IRR only when the target or goal is the IRR (the final run finds it).
  const auto is_irr = [](const std::string& path) { return path == "finance.irr"; };
  f.options.irr = options.irr && (is_irr(request.target) || (request.equals_metric && is_irr(*request.equals_metric)));
  // The current value (0 when the key is not written).
  double current = 0.0;
  std::optional<Span::Unit> written_unit;
  if (const DocNode* node = find_path(document, split_path(request.vary)); node && node->is_scalar()) {
    const QuantityResult q = parse_quantity(node->scalar, type->unit, request.vary, type->default_unit);
    if (q.ok()) {
      current = q.value;
      if (type->unit == UnitKind::duration) written_unit = q.span.unit;
    }
  }
  const double lo = request.low ? parse_bound(*request.low, *type, request.vary, "low", written_unit) : 0.0;
  const double hi = request.high ? parse_bound(*request.high, *type, request.vary, "high", written_unit)
                                 : std::max(2.0 * std::fabs(current), 1.0);
  // A duration not written anywhere is varied in its key's default unit (a life in years).
  f.span_unit = written_unit.value_or(type->default_unit == "y" ? Span::Unit::years : Span::Unit::hours);
  if (request.vary == "time.duration" && f.span_unit == Span::Unit::hours) {
    DocNode base = document;
    base.erase("solve");
    f.whole_steps_h = read_scenario(base).time.step_hours;
  }
  if (hi <= lo) throw ModelError("solve.high", "the search range is empty (high must be more than low)");
  Search search{f, request};

  // 1. A value where the target can be read: the high end, the low end, points
  // between them, then (without a given high) the high end doubled.
  std::vector<double> probes{hi, lo};
  for (double share : {0.5, 0.1, 1e-2, 1e-3, 1e-6}) probes.push_back(lo + (hi - lo) * share);
  if (!request.high)
    for (int k = 1; k <= 40; ++k) probes.push_back(std::ldexp(hi, k));
  std::vector<Trial> tried;
  std::optional<Trial> anchor;
  for (double x : probes) {
    tried.push_back(search.at(x));
    if (tried.back().usable()) {
      anchor = tried.back();
      break;
    }
  }
  if (!anchor) {
    // A scenario that cannot run whatever the value (a fleet over its site's
    // cap): that error, at the key the user wrote, not at a trial value.
    for (const auto& t : tried)
      if (t.kind == Trial::Kind::cannot_run && !t.blames_vary) std::rethrow_exception(t.error);
    const double top = std::max_element(tried.begin(), tried.end(), [](const Trial& p, const Trial& q) {
                         return p.x < q.x;
                       })->x;
    throw ModelError("solve.target", "no value of " + request.vary + " tried from " + f.readable(lo) + " to " +
                                         f.readable(top) + " gives " + request.target + " a value: at " +
                                         f.readable(tried.front().x) + " " + tried.front().why +
                                         "; give solve.low/high (or --low/--high) to search elsewhere");
  }
  // 2. The ends: each end the target cannot be read at is moved to the
  // boundary between it and the value found (bisecting on "runs").
  auto found_at = [&](double x) -> std::optional<Trial> {
    for (const auto& t : tried)
      if (t.x == x) return t;
    return std::nullopt;
  };
  std::optional<Trial> below, above;  // the unusable trials past each end, when the end is a boundary
  Trial low_end = *anchor, high_end = *anchor;
  if (anchor->x <= hi) {
    const auto known = found_at(lo);
    if (Trial t = known ? *known : search.at(lo); t.usable()) low_end = t;
    else {
      below = t;
      low_end = search.edge(*anchor, *below);
    }
    if (anchor->x < hi) {
      above = *found_at(hi);
      high_end = search.edge(*anchor, *above);
    }
  } else {
    // Found above the high end by doubling: every value tried below it failed;
    // the boundary is between the highest of them and it.
    below = *std::max_element(tried.begin(), tried.end() - 1,
                              [](const Trial& p, const Trial& q) { return p.x < q.x; });
    low_end = search.edge(*anchor, *below);
  }
  // 3. Widening, without a given high end and no boundary above: double while
  // the ends' differences have the same sign; at a value that cannot be used,
  // stop at the boundary below it.
  for (int i = 0; !request.high && !above && !brackets(low_end, high_end) && i < 40; ++i) {
    Trial next = search.at(2 * high_end.x);
    if (next.usable()) {
      high_end = next;
    } else {
      above = next;
      high_end = search.edge(high_end, *above);
    }
  }
  // 4. The bracket: the ends, or the first of 16 sub-intervals whose usable
  // ends differ in sign (a target may cross and cross back).
  Trial a = low_end, b = high_end;
  double lowest = std::min(a.diff, b.diff), highest = std::max(a.diff, b.diff);
  bool bracketed = brackets(a, b);
  if (!bracketed) {
    const int parts = 16;
    Trial prev = low_end;
    for (int i = 1; i < parts && !bracketed; ++i) {
      const Trial t = search.at(low_end.x + (high_end.x - low_end.x) * i / parts);
      if (!t.usable()) continue;  // skipped: not reached, or cannot run
      lowest = std::min(lowest, t.diff);
      highest = std::max(highest, t.diff);
      if (brackets(prev, t)) {
        a = prev;
        b = t;
        bracketed = true;
      }
      prev = t;
    }
  }
  if (!bracketed) {
    std::string limits;
    if (below) limits += "; below " + f.readable(low_end.x) + " " + below->why;
    if (above) limits += "; above " + f.readable(high_end.x) + " " + above->why;
    throw ModelError("solve.target",
                     "no value of " + request.vary + " from " + f.readable(low_end.x) + " to " +
                         f.readable(high_end.x) + " makes " + request.target + " equal " +
                         (request.equals_metric ? *request.equals_metric : format_number(request.equals)) +
                         " (" + request.target + " is " + six_digits(low_end.target) + " at " +
                         f.readable(low_end.x) + " and " + six_digits(high_end.target) + " at " +
                         f.readable(high_end.x) + "; over that range the difference goes from " +
                         six_digits(lowest) + " to " + six_digits(highest) + ")" + limits +
                         "; give solve.low/high (or --low/--high) to search elsewhere");
  }
  // 5. Brent's method inside the bracket, where every trial must be usable.
  const auto diff_inside = [&](double x) {
    const Trial t = search.at(x);
    if (!t.usable())
      throw ModelError("solve.target", "inside the bracket from " + f.readable(a.x) + " to " + f.readable(b.x) +
                                           ", at " + f.readable(x) + " " + t.why +
                                           "; give solve.low/high (or --low/--high) to narrow the search");
    return t.diff;
  };
  const double x = a.diff == 0 ? a.x : b.diff == 0 ? b.x : brent(diff_inside, a.x, b.x, a.diff, b.diff);
  Results r = (f.last_x && *f.last_x == x) ? std::move(*f.last_results) : f.run_at(x);
  if (options.irr) complete_irr(r);
  SolveResult s;
  s.vary = request.vary;
  s.target = request.target;
  s.value = f.rounded(x) / f.display_factor();  // in the key's bare-number unit
  s.value_text = f.text_of(f.rounded(x));
  const Json final_summary = f.target_summary(r);
  s.target_value = f.goal(final_summary).value_or(std::nan(""));
  s.achieved = metric_value(final_summary, request.target).value_or(std::nan(""));
  s.evaluations = f.evaluations;
  // A contract's value is what a deal announces; its price per GPU-hour follows.
  if (const auto seg = split_path(request.vary); seg.size() == 3 && seg[2] == "value") {
    for (const auto& c : r.contracts)
      if (c.list == seg[0] && c.name == seg[1]) s.derived_price_usd_per_gpu_hour = c.price_usd_per_gpu_hour;
  }
  r.solve = s;
  return r;
}

Results run_document(const DocNode& document, const EngineOptions& options, bool check_finite) {
  return run_document(document, read_scenario(document), options, check_finite);
}

Results run_document(const DocNode& document, const ScenarioSpec& spec, const EngineOptions& options,
                     bool check_finite) {
  Results r = !spec.solve ? run_scenario(spec, options)
                          : solve_scenario(document,
                                           {spec.solve->vary, spec.solve->target, spec.solve->equals,
                                            spec.solve->equals_metric, spec.solve->low, spec.solve->high},
                                           options, &spec);
  if (check_finite) check_finite_results(r, document);
  return r;
}

std::optional<std::string> set_solve_equals(SolveRequest& request, const std::string& value) {
  if (const std::string hint = share_hint(request.target, value); !hint.empty())
    return "--target '" + request.target + "=" + value + "': " + request.target + " is a share, at most 1; " + hint;
  if (const auto v = parse_result_value(value)) {
    request.equals = *v;
    request.equals_metric.reset();
    return std::nullopt;
  }
  if (value.find('.') != std::string::npos && std::isalpha(static_cast<unsigned char>(value.front()))) {
    request.equals_metric = value;
    return std::nullopt;
  }
  return "--target value '" + value +
         "' is not a number or a result path (e.g. 0, 62%, 1.5B USD, finance.revenue_usd)";
}

}  // namespace gpusim
