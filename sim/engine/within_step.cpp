// Demand and what is left within one step (docs/model.md "Allocation"): shapes
// over the step's fraction u ∈ [0, 1], and min(want, left) split at a crossing.
#include "sim/engine/within_step.hpp"

#include <algorithm>
#include <cmath>

namespace gpusim::stages {

namespace {

using Piece = StepShape::Piece;

double value_in(const Piece& p, double u) {
  return p.u1 > p.u0 ? p.v0 + (p.v1 - p.v0) * (u - p.u0) / (p.u1 - p.u0) : p.v0;
}

// n(t) just after t, and just before t (the curve jumps only at its first point).
double right_value(const CountCurve& c, double t) { return c.value_at(t); }
double left_value(const CountCurve& c, double t) {
  return c.points().empty() || t <= c.points().front().t ? 0.0 : c.value_at(t);
}

// factor × n(t) over step [t0, t1) within [a, b), zero outside it, with a
// piece break at a, b and every point of the curve inside the step.
StepShape curve_shape(const CountCurve* c, double level, double t0, double t1, double a, double b, double factor) {
  std::vector<double> ts = {t0, t1};
  if (a > t0 && a < t1) ts.push_back(a);
  if (b > t0 && b < t1) ts.push_back(b);
  if (c)
    for (const CurvePoint& pt : c->points())
      if (pt.t > t0 && pt.t < t1) ts.push_back(pt.t);
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
  StepShape s;
  const double dt = t1 - t0;
  for (std::size_t i = 0; i + 1 < ts.size(); ++i) {
    const double x0 = ts[i], x1 = ts[i + 1];
    Piece p{(x0 - t0) / dt, (x1 - t0) / dt, 0.0, 0.0};
    if (x0 >= a && x1 <= b) {
      p.v0 = factor * (c ? right_value(*c, x0) : level);
      p.v1 = factor * (c ? left_value(*c, x1) : level);
    }
    s.pieces.push_back(p);
  }
  return s;
}

// Both shapes on their common breaks: [u0, u1) with want and left at each end.
struct Pair {
  double u0, u1, w0, w1, l0, l1;
};
std::vector<Pair> on_common_breaks(const StepShape& want, const StepShape& left) {
  std::vector<double> us = {1.0};
  for (const Piece& p : want.pieces) us.push_back(p.u0);
  for (const Piece& p : left.pieces) us.push_back(p.u0);
  std::sort(us.begin(), us.end());
  us.erase(std::unique(us.begin(), us.end()), us.end());
  std::vector<Pair> out;
  std::size_t wi = 0, li = 0;
  for (std::size_t i = 0; i + 1 < us.size(); ++i) {
    const double u0 = us[i], u1 = us[i + 1];
    while (wi + 1 < want.pieces.size() && want.pieces[wi].u1 <= u0) ++wi;
    while (li + 1 < left.pieces.size() && left.pieces[li].u1 <= u0) ++li;
    const Piece& w = want.pieces[wi];
    const Piece& l = left.pieces[li];
    out.push_back({u0, u1, value_in(w, u0), value_in(w, u1), value_in(l, u0), value_in(l, u1)});
  }
  return out;
}

}  // namespace

StepShape StepShape::linear(double average, double rise) {
  return StepShape{{Piece{0.0, 1.0, average - 0.5 * rise, average + 0.5 * rise}}};
}

double StepShape::average() const {
  double sum = 0.0;
  for (const Piece& p : pieces) sum += (p.u1 - p.u0) * 0.5 * (p.v0 + p.v1);
  return sum;
}

bool StepShape::is_linear(double& rise) const {
  const double first = pieces.front().v0, last = pieces.back().v1;
  double largest = 0.0;
  for (const Piece& p : pieces) largest = std::max({largest, std::fabs(p.v0), std::fabs(p.v1)});
  const double tolerance = 1e-12 * largest;
  for (const Piece& p : pieces) {
    const double line0 = first + (last - first) * p.u0, line1 = first + (last - first) * p.u1;
    if (std::fabs(p.v0 - line0) > tolerance || std::fabs(p.v1 - line1) > tolerance) return false;
  }
  rise = last - first;
  return true;
}

namespace {
bool opposite_signs(double d0, double d1) { return (d0 < 0.0 && d1 > 0.0) || (d0 > 0.0 && d1 < 0.0); }
}  // namespace

double want_minus_left(double want, double left) {
  const double d = want - left;
  return std::fabs(d) <= 1e-12 * std::max(std::fabs(want), std::fabs(left)) ? 0.0 : d;
}

bool crosses(double want, double want_rise, double left, double left_rise) {
  const double d0 = want_minus_left(want - 0.5 * want_rise, left - 0.5 * left_rise);
  const double d1 = want_minus_left(want + 0.5 * want_rise, left + 0.5 * left_rise);
  return opposite_signs(d0, d1);
}

Take take_within_step(const StepShape& want, StepShape& left, double& got_average) {
  const std::vector<Pair> pairs = on_common_breaks(want, left);
  bool above = false, below = false;  // want − left > 0, < 0 somewhere
  for (const Pair& x : pairs)
    for (double d : {want_minus_left(x.w0, x.l0), want_minus_left(x.w1, x.l1)}) {
      above = above || d > 0.0;
      below = below || d < 0.0;
    }
  StepShape rest;
  if (!above) {  // it fits: left − want
    for (const Pair& x : pairs) rest.pieces.push_back({x.u0, x.u1, x.l0 - x.w0, x.l1 - x.w1});
    left = rest;
    return Take::fits;
  }
  if (!below) {  // it takes all that is left
    left = StepShape::linear(0.0, 0.0);
    return Take::takes_all;
  }
  // Crossed: on each piece it gets want where want ≤ left and left where want ≥ left,
  // split where want − left is 0.
  got_average = 0.0;
  auto add = [&](double u0, double u1, double w0, double w1, double l0, double l1, bool fits) {
    if (u1 <= u0) return;
    const double g0 = fits ? w0 : l0, g1 = fits ? w1 : l1;
    got_average += (u1 - u0) * 0.5 * (g0 + g1);
    rest.pieces.push_back({u0, u1, l0 - g0, l1 - g1});
  };
  for (const Pair& x : pairs) {
    const double d0 = want_minus_left(x.w0, x.l0), d1 = want_minus_left(x.w1, x.l1);
    if (opposite_signs(d0, d1)) {
      const double s = (x.w0 - x.l0) / ((x.w0 - x.l0) - (x.w1 - x.l1));  // where want − left is 0, of the piece
      const double u = x.u0 + (x.u1 - x.u0) * s;
      const double w = x.w0 + (x.w1 - x.w0) * s, l = x.l0 + (x.l1 - x.l0) * s;
      add(x.u0, u, x.w0, w, x.l0, l, d0 < 0.0);
      add(u, x.u1, w, x.w1, l, x.l1, d0 > 0.0);
    } else {
      add(x.u0, x.u1, x.w0, x.w1, x.l0, x.l1, d0 <= 0.0 && d1 <= 0.0);
    }
  }
  left = rest;
  return Take::crossed;
}

bool drawn_available(const ScenarioSpec& s, const Pool& pool) { return s.seed && pool.spec->afr > 0.0; }

double curve_rise(const CountCurve& curve, const Grid& g, Index k) {
  return left_value(curve, g.t1(k)) - right_value(curve, g.t0(k));
}

void steps_with_points_inside(const CountCurve& curve, const Grid& g, Index k0, Index k1, std::vector<Index>& out) {
  const double start = static_cast<double>(g.start);
  for (const CurvePoint& pt : curve.points()) {
    const Index k = static_cast<Index>(std::floor((pt.t - start) / g.dt));
    if (k >= k0 && k < k1 && pt.t > g.t0(k)) out.push_back(k);
  }
}

namespace {
bool point_inside(const CountCurve& curve, double t0, double t1) {
  const auto& pts = curve.points();
  const auto it = std::upper_bound(pts.begin(), pts.end(), t0, [](double t, const CurvePoint& p) { return t < p.t; });
  return it != pts.end() && it->t < t1;
}
double up_share(const Pool& pool, const Grid& g, Index k) { return 1.0 - pool.down_share(g.year_hours[k]); }
}  // namespace

StepShape available_shape(const Pool& pool, const Grid& g, Index k, bool drawn) {
  if (drawn) return StepShape::linear(pool.available[k], 0.0);
  return curve_shape(&pool.curve, 0.0, g.t0(k), g.t1(k), g.t0(k), g.t1(k), up_share(pool, g, k));
}

bool available_linear(const Pool& pool, const Grid& g, Index k, bool drawn, double& rise) {
  rise = 0.0;
  if (drawn) return true;
  if (point_inside(pool.curve, g.t0(k), g.t1(k))) return false;
  if (pool.curve.points().size() > 1) rise = curve_rise(pool.curve, g, k) * up_share(pool, g, k);
  return true;
}

StepShape want_shape(const ContractRun& c, const Pool& pool, const Grid& g, Index k, bool drawn) {
  const double t0 = g.t0(k), t1 = g.t1(k);
  if (c.spec->whole_pool) {
    if (drawn) return curve_shape(nullptr, pool.available[k] * c.scale, t0, t1, c.start, c.bill_end, 1.0);
    return curve_shape(&pool.curve, 0.0, t0, t1, c.start, c.bill_end, up_share(pool, g, k) * c.scale);
  }
  if (c.spec->gpu_hours) return curve_shape(nullptr, c.rate_gpus * c.scale, t0, t1, c.start, c.bill_end, 1.0);
  return curve_shape(&c.curve, 0.0, t0, t1, c.start, c.bill_end, c.scale);
}

bool want_linear(const ContractRun& c, const Pool& pool, const Grid& g, Index k, bool drawn, double& rise) {
  rise = 0.0;
  if (c.start > g.t0(k) || c.bill_end < g.t1(k)) return false;  // its window starts or ends inside
  if (c.spec->whole_pool) {
    const bool linear = available_linear(pool, g, k, drawn, rise);
    rise *= c.scale;
    return linear;
  }
  if (c.spec->gpu_hours) return true;
  if (point_inside(c.curve, g.t0(k), g.t1(k))) return false;
  if (c.curve.points().size() > 1) rise = curve_rise(c.curve, g, k) * c.scale;
  return true;
}

}  // namespace gpusim::stages
