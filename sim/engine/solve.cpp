#include "sim/engine/solve.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

#include "sim/engine/engine.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/quantity.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim {

namespace {

const DocNode* find_path(const DocNode& doc, const std::vector<std::string>& seg) {
  const DocNode* node = &doc;
  for (const auto& s : seg) {
    if (node->is_map()) {
      node = node->find(s);
    } else if (node->is_seq()) {
      const DocNode* next = nullptr;
      for (const auto& c : node->children)
        if (c.item_name() == s) next = &c;
      node = next;
    } else {
      return nullptr;
    }
    if (!node) return nullptr;
  }
  return node;
}

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
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", x / display_factor());
    return std::string(buf) + " " + type.default_unit;
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

  Results run_at(double x) {
    ++evaluations;
    x = rounded(x);
    DocNode doc = document;
    Diagnostics diags;
    apply_override(doc, request.vary + "=" + text_of(x), diags);
    diags.throw_if_any();
    doc.erase("solve");
    return run_scenario(read_scenario(doc), options);
  }

  static double metric_or_throw(const Json& summary, const std::string& path, const char* key) {
    const auto v = metric_value(summary, path);
    if (!v) {
      const auto names = metric_names(summary);
      throw ModelError(std::string("solve.") + key,
                       "'" + path + "' is not a result" + did_you_mean(path, names) +
                           " (results are the JSON summary's paths, e.g. finance.net_income_usd, "
                           "utilization.billed, customers.NAME.revenue_share)");
    }
    return *v;
  }

  // The target's value in this summary.
  double goal(const Json& summary) const {
    return request.equals_metric ? metric_or_throw(summary, *request.equals_metric, "equals") : request.equals;
  }

  // The most recent run, kept so that the root Brent ends on is not run twice.
  std::optional<double> last_x;
  std::optional<Results> last_results;

  double value_at(double x) {
    Results r = run_at(x);
    // Only the groups the target and goal live in.
    const std::string group = request.target.substr(0, request.target.find('.'));
    const bool one_group = !request.equals_metric ||
                           request.equals_metric->substr(0, request.equals_metric->find('.')) == group;
    Json summary = summary_json(r, one_group ? group : std::string());
    // A path not in that group: the whole summary, for the error's suggestions.
    if (!metric_value(summary, request.target) ||
        (request.equals_metric && !metric_value(summary, *request.equals_metric)))
      summary = summary_json(r);
    last_x = x;
    last_results = std::move(r);
    return metric_or_throw(summary, request.target, "target") - goal(summary);
  }
};

// A duration's value is in years or in hours by how it is written (the key's
// value, else the first bound): the bounds must be written the same way.
double parse_bound(const std::string& text, const KeyType& type, const std::string& path, const char* which,
                   std::optional<Span::Unit>& span_unit) {
  const QuantityResult r = parse_quantity(text, type.unit, path, type.default_unit);
  if (!r.ok()) throw ModelError(std::string("solve.") + which, r.error);
  if (type.unit == UnitKind::duration) {
    if (!span_unit) span_unit = r.span.unit;
    if (*span_unit != r.span.unit)
      throw ModelError(std::string("solve.") + which,
                       "'" + text + "': the value and bounds of " + path +
                           " must all be in years (y) or all in h, d or w");
  }
  return r.value;
}

// Brent's method on [a, b] with f(a), f(b) of opposite signs.
double brent(Objective& f, double a, double b, double fa, double fb) {
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
    fb = f.value_at(b);
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

}  // namespace

Results solve_scenario(const DocNode& document, const SolveRequest& request, const EngineOptions& options) {
  std::string err;
  const auto type = numeric_key_type(document, request.vary, err);
  if (!type) throw ModelError("solve.vary", err);
  Objective f{document, request, *type, options};
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
  double lo = request.low ? parse_bound(*request.low, *type, request.vary, "low", written_unit) : 0.0;
  double hi = request.high ? parse_bound(*request.high, *type, request.vary, "high", written_unit)
                           : std::max(2.0 * std::fabs(current), 1.0);
  // A duration not written anywhere is varied in its key's default unit (a life in years).
  f.span_unit = written_unit.value_or(type->default_unit == "y" ? Span::Unit::years : Span::Unit::hours);
  if (request.vary == "time.duration" && f.span_unit == Span::Unit::hours) {
    DocNode base = document;
    base.erase("solve");
    f.whole_steps_h = read_scenario(base).time.step_hours;
  }
  if (hi <= lo) throw ModelError("solve.high", "the search range is empty (high must be more than low)");
  // Without a given high end, move it up until the scenario runs there (a cap
  // of 1 W holds no GPU).
  double f_hi = 0.0;
  for (int i = 0;; ++i) {
    try {
      f_hi = f.value_at(hi);
      break;
    } catch (const std::exception& e) {
      if (!is_trial_failure(e) || request.high || i >= 40) throw;
      hi *= 2;
    }
  }
  double f_lo = 0.0;
  try {
    f_lo = f.value_at(lo);
  } catch (const std::exception& e) {
    // A key that must be more than 0 (a life, a term) rejects the default low
    // end of 0: start above it instead, at the first of these shares of the
    // high end that the key accepts. A low end the user gave stands.
    if (!is_trial_failure(e) || request.low) throw;
    bool found = false;
    for (double share : {1e-6, 1e-3, 1e-2, 0.1, 0.5}) {
      try {
        lo = hi * share;
        f_lo = f.value_at(lo);
        found = true;
        break;
      } catch (const std::exception& e2) {
        if (!is_trial_failure(e2)) throw;
      }
    }
    if (!found) throw ModelError("solve.low", "no value of " + request.vary + " from 0 up to " + f.readable(hi / 2) +
                                                 " is accepted; give --low (or solve.low)");
  }
  // Widen upwards when no bound was given and no sign change is in sight.
  // Stop widening where the key no longer accepts the value (a count above 1T)
  // or the scenario can no longer run (a fleet over its site's cap).
  for (int i = 0; !request.high && (f_lo > 0) == (f_hi > 0) && f_lo != 0 && f_hi != 0 && i < 40; ++i) {
    try {
      const double f_next = f.value_at(2 * hi);
      hi *= 2;
      f_hi = f_next;
    } catch (const std::exception& e) {
      if (!is_trial_failure(e)) throw;
      break;
    }
  }
  double a = lo, fa = f_lo, b = hi, fb = f_hi;
  double lowest = std::min(f_lo, f_hi), highest = std::max(f_lo, f_hi);
  bool bracketed = f_lo == 0 || f_hi == 0 || (f_lo > 0) != (f_hi > 0);
  if (!bracketed) {
    // A non-monotone target may cross and cross back inside the range: scan
    // 16 sub-intervals for the first sign change.
    const int parts = 16;
    double prev_x = lo, prev_f = f_lo;
    for (int i = 1; i < parts; ++i) {
      const double x = lo + (hi - lo) * i / parts;
      double fx = 0.0;
      try {
        fx = f.value_at(x);
      } catch (const std::exception& e) {
        // A value the key does not take or the scenario cannot run with: skip it.
        if (!is_trial_failure(e)) throw;
        continue;
      }
      lowest = std::min(lowest, fx);
      highest = std::max(highest, fx);
      if (fx == 0 || (prev_f > 0) != (fx > 0)) {
        a = prev_x;
        fa = prev_f;
        b = x;
        fb = fx;
        bracketed = true;
        break;
      }
      prev_x = x;
      prev_f = fx;
    }
  }
  if (!bracketed) {
    throw ModelError("solve.target",
                     "no value of " + request.vary + " from " + f.readable(lo) + " to " + f.readable(hi) +
                         " makes " + request.target + " equal " +
                         (request.equals_metric ? *request.equals_metric : format_number(request.equals)) +
                         " (over that range the difference goes from " + format_number(lowest) + " to " +
                         format_number(highest) + "); give solve.low/high (or --low/--high) to search elsewhere");
  }
  const double x = fa == 0 ? a : fb == 0 ? b : brent(f, a, b, fa, fb);
  Results r = (f.last_x && *f.last_x == x) ? std::move(*f.last_results) : f.run_at(x);
  SolveResult s;
  s.vary = request.vary;
  s.target = request.target;
  s.value = f.rounded(x) / f.display_factor();  // in the key's bare-number unit
  s.value_text = f.text_of(f.rounded(x));
  const Json final_summary = summary_json(r);
  s.target_value = f.goal(final_summary);
  s.achieved = *metric_value(final_summary, request.target);
  s.evaluations = f.evaluations;
  r.solve = s;
  return r;
}

Results run_document(const DocNode& document, const EngineOptions& options) {
  const ScenarioSpec spec = read_scenario(document);
  if (!spec.solve) return run_scenario(spec, options);
  return solve_scenario(document,
                        {spec.solve->vary, spec.solve->target, spec.solve->equals, spec.solve->equals_metric,
                         spec.solve->low, spec.solve->high},
                        options);
}

std::optional<std::string> set_solve_equals(SolveRequest& request, const std::string& value) {
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
