// Tests for models/finance.*: NPV, IRR and payback on hand-written legs, and
// debt balances and interest for bullet, linear and annuity amortization.
#include "models/finance.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace gpusim {
namespace {

void expect_rel(double actual, double expected) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::fabs(expected)));
}

constexpr double kYear = 8760.0;

TEST(Npv, DiscountsEachFlowByItsTime) {
  // −100 now, +110 in a year: at 10% NPV = −100 + 110/1.1 = 0; at 0% it is 10.
  const Leg leg{{0.0, -100.0}, {1.0, 110.0}};
  EXPECT_NEAR(npv(leg, 0.10), 0.0, 1e-12);
  expect_rel(npv(leg, 0.0), 10.0);
  // At 5%: −100 + 110/1.05 = 4.761904761904762.
  expect_rel(npv(leg, 0.05), -100.0 + 110.0 / 1.05);
  // Half a year: 110 × 1.1^−0.5.
  expect_rel(npv({{0.5, 110.0}}, 0.10), 110.0 / std::sqrt(1.1));
}

TEST(Irr, OnePeriod) {
  // −100 at t=0, +110 at t=1 → IRR 10%.
  const auto r = irr({{0.0, -100.0}, {1.0, 110.0}});
  ASSERT_TRUE(r);
  expect_rel(*r, 0.10);
}

TEST(Irr, TwoPeriods) {
  // −100, 0, +121 → (1 + r)² = 1.21 → 10%.
  const auto r = irr({{0.0, -100.0}, {1.0, 0.0}, {2.0, 121.0}});
  ASSERT_TRUE(r);
  expect_rel(*r, 0.10);
  // −100, +60, +60: with x = 1/(1+r), 60x² + 60x − 100 = 0 → x = (−60 + √27,600)/120.
  const double x = (-60.0 + std::sqrt(27600.0)) / 120.0;
  const auto r2 = irr({{0.0, -100.0}, {1.0, 60.0}, {2.0, 60.0}});
  ASSERT_TRUE(r2);
  expect_rel(*r2, 1.0 / x - 1.0);
}

TEST(Irr, NegativeAndUndefined) {
  // −100 then +80: −20%.
  const auto r = irr({{0.0, -100.0}, {1.0, 80.0}});
  ASSERT_TRUE(r);
  expect_rel(*r, -0.20);
  // No sign change: no IRR.
  EXPECT_FALSE(irr({{0.0, 100.0}, {1.0, 10.0}}));
  EXPECT_FALSE(irr({{0.0, -100.0}, {1.0, -10.0}}));
  EXPECT_FALSE(irr({}));
}

// A borrowing pattern (money in, then out) has NPV rising through 0 with the
// rate: no IRR as a return. +100 then −110: NPV(r) = 100 − 110/(1+r) rises.
TEST(Irr, NullForALoanPatternOrSeveralRoots) {
  EXPECT_FALSE(irr({{0.0, 100.0}, {1.0, -110.0}}));
  // −100, +230, −132: NPV = 0 at (1+r) = 1.1 and 1.2 (x² − 2.3x + 1.32 = 0): two roots, no IRR.
  EXPECT_FALSE(irr({{0.0, -100.0}, {1.0, 230.0}, {2.0, -132.0}}));
}

// Recovered and lost again: no payback; recovered for good after a dip: the last crossing.
TEST(Payback, MustStayRecoveredToTheEnd) {
  // Cumulative −100, +20, −30: ends negative → null.
  EXPECT_FALSE(payback_years({{1.0, -100.0}, {2.0, 120.0}, {3.0, -50.0}}));
  // Cumulative −100, +20, −30, +30: the last crossing, in period 4 after 30/60 of its flow → 3.5.
  const auto p = payback_years({{1.0, -100.0}, {2.0, 120.0}, {3.0, -50.0}, {4.0, 60.0}});
  ASSERT_TRUE(p);
  expect_rel(*p, 3.5);
}

TEST(Payback, InterpolatesInThePeriodItCrosses) {
  // Flows at the end of periods 1, 2, 3: −100, +60, +60; cumulative −100, −40, +20.
  // It crosses in period 3 (from t=2 to t=3) after 40/60 of its flow: 2 + 2/3.
  const auto p = payback_years({{1.0, -100.0}, {2.0, 60.0}, {3.0, 60.0}});
  ASSERT_TRUE(p);
  expect_rel(*p, 2.0 + 2.0 / 3.0);
}

TEST(Payback, NeverNegativeOrNeverRecovered) {
  const auto zero = payback_years({{1.0, 10.0}, {2.0, 10.0}});
  ASSERT_TRUE(zero);
  EXPECT_EQ(*zero, 0.0);
  EXPECT_FALSE(payback_years({{1.0, -100.0}, {2.0, 50.0}}));
}

TEST(Debt, BulletChargesRateTimesPrincipalEachYear) {
  // 1,000 at 10% for 2 years (8,760 h each): 100 of interest a year, repaid at maturity.
  const DebtModel d(1000.0, 0.10, 0.0, 2 * kYear, kYear, DebtSpec::Amortization::bullet);
  expect_rel(d.interest_between(0, kYear), 100.0);
  expect_rel(d.interest_between(kYear, 2 * kYear), 100.0);
  EXPECT_EQ(d.interest_between(2 * kYear, 3 * kYear), 0.0);
  EXPECT_EQ(d.interest_between(-kYear, 0), 0.0);
  // Half a year: 50.
  expect_rel(d.interest_between(0, kYear / 2), 50.0);
  EXPECT_EQ(d.balance(-1), 0.0);
  EXPECT_EQ(d.balance(0), 1000.0);
  EXPECT_EQ(d.balance(2 * kYear - 1), 1000.0);
  EXPECT_EQ(d.balance(2 * kYear), 0.0);
  EXPECT_EQ(d.drawn_between(0, 1), 1000.0);
  EXPECT_EQ(d.drawn_between(1, 2), 0.0);
  EXPECT_EQ(d.repaid_between(0, 2 * kYear - 1), 0.0);
  EXPECT_EQ(d.repaid_between(2 * kYear - 1, 2 * kYear), 1000.0);
  EXPECT_EQ(d.repaid_between(2 * kYear, 3 * kYear), 0.0);
}

TEST(Debt, LinearRepaysEvenlyAndChargesOnTheFallingBalance) {
  // 1,000 at 10% over 2 years. Year 1: δ ∫ B = 0.1 × 1,000 × (1 − ¼) = 75;
  // year 2: 0.1 × 1,000 × ¼ = 25. Half the principal is repaid each year.
  const DebtModel d(1000.0, 0.10, 0.0, 2 * kYear, kYear, DebtSpec::Amortization::linear);
  expect_rel(d.interest_between(0, kYear), 75.0);
  expect_rel(d.interest_between(kYear, 2 * kYear), 25.0);
  expect_rel(d.repaid_between(0, kYear), 500.0);
  expect_rel(d.repaid_between(kYear, 2 * kYear), 500.0);
  expect_rel(d.balance(kYear), 500.0);
  EXPECT_EQ(d.balance(2 * kYear), 0.0);
}

TEST(Debt, AnnuityPaysAConstantAmountAndReachesZero) {
  // 1,000 at 10% over 5 years. Continuous annuity: payment rate = P δ / (1 − e^{−δT})
  // per hour, δ = 0.1/8,760, T = 5 × 8,760 → per year 1,000 × 0.1 / (1 − e^{−0.5}).
  const double P = 1000.0, T = 5 * kYear, delta = 0.10 / kYear;
  const DebtModel d(P, 0.10, 0.0, T, kYear, DebtSpec::Amortization::annuity);
  const double payment_per_hour = P * delta / (1.0 - std::exp(-delta * T));
  expect_rel(payment_per_hour * kYear, 100.0 / (1.0 - std::exp(-0.5)));
  double repaid = 0.0;
  for (int y = 0; y < 5; ++y) {
    const double a = y * kYear, b = (y + 1) * kYear;
    // Interest + principal over any period = payment rate × its length.
    expect_rel(d.interest_between(a, b) + d.repaid_between(a, b), payment_per_hour * kYear);
    repaid += d.repaid_between(a, b);
  }
  expect_rel(repaid, P);  // Σ repaid = principal
  // A micro-hour before maturity the balance is one micro-hour of principal payment
  // (≈ 0.029 USD/h × 1e-6 h); at maturity it is exactly 0.
  EXPECT_NEAR(d.balance(T - 1e-6), 0.0, 1e-7);
  EXPECT_EQ(d.balance(T), 0.0);
  // Monthly pieces too (730 h).
  double monthly_repaid = 0.0;
  for (int m = 0; m < 60; ++m) {
    expect_rel(d.interest_between(m * 730.0, (m + 1) * 730.0) + d.repaid_between(m * 730.0, (m + 1) * 730.0),
               payment_per_hour * 730.0);
    monthly_repaid += d.repaid_between(m * 730.0, (m + 1) * 730.0);
  }
  expect_rel(monthly_repaid, P);
  // Balance at τ: P (e^{δT} − e^{δτ}) / (e^{δT} − 1); at τ = 2.5 y: 1,000 (e^{0.5} − e^{0.25})/(e^{0.5} − 1).
  expect_rel(d.balance(2.5 * kYear), P * (std::exp(0.5) - std::exp(0.25)) / (std::exp(0.5) - 1.0));
}

TEST(Debt, AnnuityAtZeroRateIsLinear) {
  const DebtModel d(1000.0, 0.0, 0.0, 2 * kYear, kYear, DebtSpec::Amortization::annuity);
  expect_rel(d.balance(kYear), 500.0);
  EXPECT_EQ(d.interest_between(0, 2 * kYear), 0.0);
  expect_rel(d.repaid_between(0, 2 * kYear), 1000.0);
}

TEST(Debt, DrawnBeforeTheWindowOnlyRepaysInIt) {
  // Drawn at t = 0, linear over 2 years: a window from 1 year on sees no draw,
  // 500 repaid and 25 interest.
  const DebtModel d(1000.0, 0.10, 0.0, 2 * kYear, kYear, DebtSpec::Amortization::linear);
  EXPECT_EQ(d.drawn_between(kYear, 3 * kYear), 0.0);
  expect_rel(d.repaid_between(kYear, 3 * kYear), 500.0);
  expect_rel(d.interest_between(kYear, 3 * kYear), 25.0);
}

TEST(Debt, BetweenEachBoundGivesEachPairsInterestAndRepayment) {
  // Bounds before the draw (−1,000 h), at it (0), inside, at maturity (2 y) and
  // after: add_…_between adds what the pairwise calls give, bit for bit.
  const std::vector<double> bounds = {-1000.0, -10.0, 0.0, 24.0, 0.5 * kYear, kYear, 1.5 * kYear,
                                      2 * kYear, 2 * kYear + 24.0, 3 * kYear};
  for (const auto kind : {DebtSpec::Amortization::bullet, DebtSpec::Amortization::linear,
                          DebtSpec::Amortization::annuity}) {
    for (const double start : {0.0, 24.0, -3 * kYear}) {
      SCOPED_TRACE(std::to_string(static_cast<int>(kind)) + " from " + std::to_string(start));
      const DebtModel d(1000.0, 0.10, start, 2 * kYear, kYear, kind);
      std::vector<double> interest(bounds.size() - 1, 1.0), repaid(bounds.size() - 1, 2.0);
      d.add_interest_between(bounds, interest.data());
      d.add_repaid_between(bounds, repaid.data());
      for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
        EXPECT_EQ(interest[i], 1.0 + d.interest_between(bounds[i], bounds[i + 1])) << i;
        EXPECT_EQ(repaid[i], 2.0 + d.repaid_between(bounds[i], bounds[i + 1])) << i;
      }
    }
  }
}

}  // namespace
}  // namespace gpusim
