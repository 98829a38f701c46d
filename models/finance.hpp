// Finance vocabulary: dated cash flows, legs, NPV/IRR/payback, and debt.
//
//   NPV(r)  = Σ_k CF_k × (1 + r)^(−t_k)          t_k in years from the valuation date
//   IRR     = the r with NPV(r) = 0, when NPV falls through 0 exactly once on a
//             grid from −99% to 1000% (then bisection); null otherwise
//   payback = the last t at which cumulative cash, having been negative, reaches
//             0 and stays at 0 or more to the end (linear within the period)
//
// Debt (balance B(t) between draw s and maturity s + T, τ = t − s, hourly rate
// δ = rate ÷ hours in the year after s):
//   bullet:  B = P, repaid at s + T
//   linear:  B = P (1 − τ/T)
//   annuity: B = P (e^{δT} − e^{δτ}) ÷ (e^{δT} − 1)   (constant payment rate)
//   interest over [t0, t1) = δ ∫ B(t) dt
#pragma once

#include <optional>
#include <vector>

#include "models/scenario.hpp"

namespace gpusim {

struct CashFlow {
  double t_years = 0.0;  // from the valuation date
  double amount = 0.0;   // USD, positive = inflow
};
using Leg = std::vector<CashFlow>;

double npv(const Leg& leg, double rate_per_year);
std::optional<double> irr(const Leg& leg);
// Needs the leg in time order; t of each flow is the end of its period, and
// `period_start` the start of the first period (for interpolation).
std::optional<double> payback_years(const Leg& leg, double period_start = 0.0);

class DebtModel {
 public:
  // Times in hours since 1970; `year_hours` converts the yearly rate.
  DebtModel(double principal_usd, double rate_per_year, double start_h, double term_h,
            double year_hours, DebtSpec::Amortization amortization);

  double balance(double t) const;  // right-continuous: drawn at start, 0 from maturity
  double interest_between(double t0, double t1) const;
  double drawn_between(double t0, double t1) const;     // principal in at [t0, t1)
  double repaid_between(double t0, double t1) const;    // principal out in (t0, t1]

 private:
  double cumulative_balance(double t) const;  // ∫_{start}^{t} B
  double principal_, delta_, start_, term_;
  DebtSpec::Amortization amortization_;
  double exp_term_, expm1_term_;  // e^(δT) and e^(δT) − 1, formed once (every balance needs them)
};

}  // namespace gpusim
