#include "models/finance.hpp"

#include <algorithm>
#include <cmath>

namespace gpusim {

double npv(const Leg& leg, double rate_per_year) {
  double sum = 0.0;
  for (const auto& cf : leg) sum += cf.amount * std::pow(1.0 + rate_per_year, -cf.t_years);
  return sum;
}

std::optional<double> irr(const Leg& leg) {
  bool pos = false, neg = false;
  for (const auto& cf : leg) {
    pos = pos || cf.amount > 0;
    neg = neg || cf.amount < 0;
  }
  if (!pos || !neg) return std::nullopt;
  // NPV on a grid of rates: the IRR is defined only when NPV falls through zero
  // exactly once (an investment: money out, then back). Several crossings (no
  // unique rate) or a rise through zero (a loan: money in, then out) give null.
  const double grid[] = {-0.99, -0.9, -0.75, -0.5, -0.25, -0.1, 0.0, 0.05, 0.1, 0.2, 0.3, 0.5,
                         0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0};
  double f[std::size(grid)];
  for (std::size_t i = 0; i < std::size(grid); ++i) f[i] = npv(leg, grid[i]);
  int crossings = 0;
  std::size_t at = 0;
  for (std::size_t i = 1; i < std::size(grid); ++i) {
    if ((f[i - 1] < 0) != (f[i] < 0)) {
      ++crossings;
      at = i;
    }
  }
  if (crossings != 1 || !(f[at - 1] >= 0 && f[at] < 0)) return std::nullopt;
  double a = grid[at - 1], b = grid[at], fa = f[at - 1];
  for (int it = 0; it < 200 && b - a > 1e-12; ++it) {
    const double m = 0.5 * (a + b);
    const double fm = npv(leg, m);
    if ((fm < 0) == (fa < 0)) {
      a = m;
      fa = fm;
    } else {
      b = m;
    }
  }
  return 0.5 * (a + b);
}

std::optional<double> payback_years(const Leg& leg, double period_start) {
  // The last time cumulative cash rises from below 0 to 0 or more, provided it
  // stays there to the end: a business that recovers its cash and loses it
  // again has not paid back.
  double cum = 0.0;
  bool was_negative = false;
  std::optional<double> crossing;
  double prev_t = period_start;
  for (const auto& cf : leg) {
    const double before = cum;
    cum += cf.amount;
    if (cum < 0) {
      was_negative = true;
      crossing.reset();
    } else if (before < 0) {
      const double share = -before / cf.amount;  // of this period's flow needed
      crossing = prev_t + share * (cf.t_years - prev_t);
    }
    prev_t = cf.t_years;
  }
  if (!was_negative) return 0.0;
  return crossing;
}

DebtModel::DebtModel(double principal_usd, double rate_per_year, double start_h, double term_h,
                     double year_hours, DebtSpec::Amortization amortization)
    : principal_(principal_usd),
      delta_(rate_per_year / year_hours),
      start_(start_h),
      term_(term_h),
      amortization_(amortization),
      exp_term_(std::exp(delta_ * term_)),
      expm1_term_(std::expm1(delta_ * term_)) {}

double DebtModel::balance(double t) const {
  if (t < start_ || t >= start_ + term_) return 0.0;
  const double tau = t - start_;
  switch (amortization_) {
    case DebtSpec::Amortization::bullet: return principal_;
    case DebtSpec::Amortization::linear: return principal_ * (1.0 - tau / term_);
    case DebtSpec::Amortization::annuity:
      if (delta_ * term_ < 1e-12) return principal_ * (1.0 - tau / term_);
      return principal_ * (exp_term_ - std::exp(delta_ * tau)) / expm1_term_;
  }
  return 0.0;
}

double DebtModel::cumulative_balance(double t) const {
  const double tau = std::clamp(t - start_, 0.0, term_);
  switch (amortization_) {
    case DebtSpec::Amortization::bullet: return principal_ * tau;
    case DebtSpec::Amortization::linear: return principal_ * (tau - tau * tau / (2.0 * term_));
    case DebtSpec::Amortization::annuity: {
      if (delta_ * term_ < 1e-12) return principal_ * (tau - tau * tau / (2.0 * term_));
      return principal_ * (exp_term_ * tau - std::expm1(delta_ * tau) / delta_) / expm1_term_;
    }
  }
  return 0.0;
}

double DebtModel::interest_between(double t0, double t1) const {
  return delta_ * (cumulative_balance(t1) - cumulative_balance(t0));
}

double DebtModel::drawn_between(double t0, double t1) const {
  return (start_ >= t0 && start_ < t1) ? principal_ : 0.0;
}

double DebtModel::repaid_between(double t0, double t1) const {
  if (t1 <= start_) return 0.0;
  const double from = std::max(t0, start_);
  const double b0 = from == start_ ? principal_ : balance(from);
  return b0 - balance(t1);
}

}  // namespace gpusim
