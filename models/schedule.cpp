#include "models/schedule.hpp"

#include <algorithm>
#include <array>

namespace gpusim {

CountCurve::CountCurve(std::vector<CurvePoint> points) : points_(std::move(points)) {
  cum_.resize(points_.size());
  double acc = 0.0;
  for (std::size_t i = 0; i < points_.size(); ++i) {
    if (i > 0) {
      const double dt = points_[i].t - points_[i - 1].t;
      acc += 0.5 * (points_[i].value + points_[i - 1].value) * dt;
    }
    cum_[i] = acc;
  }
}

double CountCurve::value_at(double t) const {
  if (points_.empty() || t < points_.front().t) return 0.0;
  if (t >= points_.back().t) return points_.back().value;
  const auto it = std::upper_bound(points_.begin(), points_.end(), t,
                                   [](double x, const CurvePoint& p) { return x < p.t; });
  const CurvePoint& b = *it;
  const CurvePoint& a = *(it - 1);
  return a.value + (b.value - a.value) * (t - a.t) / (b.t - a.t);
}

double CountCurve::cumulative(double t) const {
  if (points_.empty() || t <= points_.front().t) return 0.0;
  if (t >= points_.back().t) return cum_.back() + points_.back().value * (t - points_.back().t);
  const auto it = std::upper_bound(points_.begin(), points_.end(), t,
                                   [](double x, const CurvePoint& p) { return x < p.t; });
  const std::size_t i = static_cast<std::size_t>(it - points_.begin()) - 1;
  const double v = value_at(t);
  return cum_[i] + 0.5 * (points_[i].value + v) * (t - points_[i].t);
}

double CountCurve::integral(double t0, double t1) const {
  if (points_.size() == 1) {  // a constant count from one date: no search
    const double from = std::max(t0, points_.front().t);
    return t1 > from ? points_.front().value * (t1 - from) : 0.0;
  }
  return cumulative(t1) - cumulative(t0);
}

double CountCurve::max_value() const {
  double m = 0.0;
  for (const auto& p : points_) m = std::max(m, p.value);
  return m;
}

CountCurve CountCurve::scaled(double k) const {
  std::vector<CurvePoint> pts = points_;
  for (auto& p : pts) p.value *= k;
  return CountCurve(std::move(pts));
}

std::vector<Purchase> purchases_of(const CountCurve& curve) {
  std::vector<Purchase> out;
  const auto& pts = curve.points();
  if (pts.empty()) return out;
  if (pts.front().value > 0) out.push_back({pts.front().t, pts.front().t, pts.front().value});
  for (std::size_t i = 1; i < pts.size(); ++i) {
    const double rise = pts[i].value - pts[i - 1].value;
    if (rise > 0) out.push_back({pts[i - 1].t, pts[i].t, rise});
  }
  return out;
}

double purchased_between(const Purchase& p, double t0, double t1) {
  if (p.end == p.start) return (p.start >= t0 && p.start < t1) ? p.count : 0.0;
  return p.count * overlap(p.start, p.end, t0, t1) / (p.end - p.start);
}

double depreciated_between(const Purchase& p, double life_hours, double t0, double t1) {
  if (life_hours <= 0 || t1 <= t0) return 0.0;
  if (p.end == p.start) return p.count / life_hours * overlap(p.start, p.start + life_hours, t0, t1);
  // GPUs enter at rate r over [a, b]; one entering at τ depreciates over [τ, τ + L).
  // Depreciation = (r / L) ∫_a^b overlap(τ, τ + L, t0, t1) dτ; the integrand is
  // piecewise linear in τ with kinks at t0 − L, t1 − L, t0, t1: trapezoids are exact.
  const double a = p.start, b = p.end, L = life_hours;
  std::array<double, 6> knots{a, b, t0 - L, t1 - L, t0, t1};
  std::sort(knots.begin(), knots.end());
  double integral = 0.0;
  for (std::size_t i = 0; i + 1 < knots.size(); ++i) {
    const double lo = std::max(a, knots[i]);
    const double hi = std::min(b, knots[i + 1]);
    if (hi <= lo) continue;
    const double f_lo = overlap(lo, lo + L, t0, t1);
    const double f_hi = overlap(hi, hi + L, t0, t1);
    integral += 0.5 * (f_lo + f_hi) * (hi - lo);
  }
  const double rate = p.count / (b - a);
  return rate / L * integral;
}

}  // namespace gpusim
