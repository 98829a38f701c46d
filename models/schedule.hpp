// GPU counts over time, as piecewise-linear curves, and the purchases they imply.
//
//   n(t) = 0                                       t < t_0
//        = c_i + (c_{i+1} − c_i)(t − t_i)/(t_{i+1} − t_i)   t_i ≤ t < t_{i+1}
//        = c_last                                  t ≥ t_last
//
// A constant count N from `online` is the one-point curve {(online, N)}. The
// engine counts with exact averages over a step: avg = ∫_{t0}^{t1} n(t) dt / (t1 − t0),
// so results do not depend on the step size.
//
// Purchases: GPUs enter service where the curve rises — a jump of c_0 at t_0,
// then (c_{i+1} − c_i) spread evenly over [t_i, t_{i+1}] where it increases.
// Where it falls, GPUs retire (no purchase, no sale).
#pragma once

#include <vector>

namespace gpusim {

struct CurvePoint {
  double t = 0.0;      // hours since 1970-01-01
  double value = 0.0;  // GPUs
};

class CountCurve {
 public:
  CountCurve() = default;
  // Points with strictly increasing t. An empty curve is zero everywhere.
  explicit CountCurve(std::vector<CurvePoint> points);
  static CountCurve constant_from(double t, double count) { return CountCurve({{t, count}}); }

  double value_at(double t) const;            // n(t), right-continuous
  double integral(double t0, double t1) const;  // ∫_{t0}^{t1} n(t) dt (GPU-hours), t0 ≤ t1
  double average(double t0, double t1) const { return t1 > t0 ? integral(t0, t1) / (t1 - t0) : value_at(t0); }
  double max_value() const;
  const std::vector<CurvePoint>& points() const { return points_; }
  CountCurve scaled(double k) const;

 private:
  // ∫_{-∞}^{t} n(s) ds, from the points.
  double cumulative(double t) const;
  std::vector<CurvePoint> points_;
  std::vector<double> cum_;  // cumulative integral at each point
};

// A batch of GPUs entering service: `count` GPUs spread evenly over [start, end]
// (start == end: all at once).
struct Purchase {
  double start = 0.0;
  double end = 0.0;
  double count = 0.0;
};

std::vector<Purchase> purchases_of(const CountCurve& curve);

// GPUs of `p` entering service within [t0, t1).
double purchased_between(const Purchase& p, double t0, double t1);

// Straight-line depreciation of a purchase: each GPU loses 1/life of its cost
// per hour for `life` hours after it enters service. Returns the GPU-equivalents
// depreciated over [t0, t1): ∫_{t0}^{t1} (1/life) × |{GPUs in service for less than life}| dt.
// Multiply by the capex per GPU for money.
double depreciated_between(const Purchase& p, double life_hours, double t0, double t1);

// Length of the overlap of [a0, a1) and [b0, b1), or 0.
inline double overlap(double a0, double a1, double b0, double b1) {
  const double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
  return hi > lo ? hi - lo : 0.0;
}

}  // namespace gpusim
