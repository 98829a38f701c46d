// Tests for models/schedule.*: count curves (exact trapezoid integrals and step
// averages of ramps), the purchases a curve implies, and straight-line
// depreciation of instant and spread purchases, with lives in calendar years
// and under the 365-day convention.
#include "models/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/calendar.hpp"

namespace gpusim {
namespace {

constexpr double kRel = 1e-9;

void expect_rel(double actual, double expected) {
  EXPECT_NEAR(actual, expected, kRel * std::max(1.0, std::fabs(expected)));
}

TEST(CountCurve, EmptyCurveIsZeroEverywhere) {
  const CountCurve c;
  EXPECT_EQ(c.value_at(0), 0.0);
  EXPECT_EQ(c.integral(-100, 100), 0.0);
  EXPECT_EQ(c.max_value(), 0.0);
}

TEST(CountCurve, ConstantFromAPointIsZeroBeforeIt) {
  // 7 GPUs from t = 5: ∫_0^10 = 7 × (10 − 5) = 35; average over [0, 10) = 3.5.
  const CountCurve c = CountCurve::constant_from(5, 7);
  EXPECT_EQ(c.value_at(4.999), 0.0);
  EXPECT_EQ(c.value_at(5), 7.0);
  expect_rel(c.integral(0, 10), 35.0);
  expect_rel(c.average(0, 10), 3.5);
}

TEST(CountCurve, RampValuesInterpolateLinearly) {
  const CountCurve c({{0, 0}, {10, 100}});
  EXPECT_EQ(c.value_at(-1), 0.0);
  expect_rel(c.value_at(2.5), 25.0);
  EXPECT_EQ(c.value_at(10), 100.0);
  EXPECT_EQ(c.value_at(1e6), 100.0);
}

TEST(CountCurve, RampIntegralIsTheTrapezoid) {
  const CountCurve c({{0, 0}, {10, 100}});
  // Whole rise: ½ × 10 × 100 = 500.
  expect_rel(c.integral(0, 10), 500.0);
  // [2, 4): (20 + 40) / 2 × 2 = 60; its average is 30.
  expect_rel(c.integral(2, 4), 60.0);
  expect_rel(c.average(2, 4), 30.0);
  // [−5, 15): 0 before, 500 on the rise, 100 × 5 after = 1,000.
  expect_rel(c.integral(-5, 15), 1000.0);
}

TEST(CountCurve, AverageOverAStepThatStraddlesAKink) {
  // Rise 0 → 100 over [0, 10), then flat. [5, 15): (50 + 100)/2 × 5 + 100 × 5 = 875; average 87.5.
  const CountCurve c({{0, 0}, {10, 100}, {20, 100}});
  expect_rel(c.integral(5, 15), 875.0);
  expect_rel(c.average(5, 15), 87.5);
}

TEST(CountCurve, FallingRampAndSteps) {
  // 100 falling to 0 over [0, 10): ½ × 10 × 100 = 500; constant 0 afterwards.
  const CountCurve c({{0, 100}, {10, 0}});
  expect_rel(c.integral(0, 20), 500.0);
  // A step up expressed as two points an hour apart: 0 → 50 over [10, 11), then 50:
  // ∫_0^20 = ½ × 1 × 50 + 9 × 50 = 475.
  const CountCurve step({{10, 0}, {11, 50}});
  expect_rel(step.integral(0, 20), 475.0);
}

TEST(CountCurve, IntegralIsAdditiveOverSteps) {
  // Hourly pieces of a multi-point ramp add up to the whole (step size does not matter).
  const CountCurve c({{3, 10}, {27, 250}, {40, 90}, {100, 400}});
  double hourly = 0.0;
  for (int t = 0; t < 120; ++t) hourly += c.integral(t, t + 1);
  double daily = 0.0;
  for (int t = 0; t < 120; t += 24) daily += c.integral(t, t + 24);
  // Exact: [3,27): (10+250)/2 × 24 = 3,120; [27,40): (250+90)/2 × 13 = 2,210;
  // [40,100): (90+400)/2 × 60 = 14,700; [100,120): 400 × 20 = 8,000 → 28,030.
  expect_rel(c.integral(0, 120), 28030.0);
  expect_rel(hourly, 28030.0);
  expect_rel(daily, 28030.0);
}

TEST(CountCurve, ScaledAndMax) {
  const CountCurve c({{0, 10}, {10, 30}, {20, 20}});
  EXPECT_EQ(c.max_value(), 30.0);
  // ∫_0^20 = (10+30)/2 × 10 + (30+20)/2 × 10 = 450; scaled by 2 = 900.
  expect_rel(c.scaled(2).integral(0, 20), 900.0);
}

TEST(Purchases, JumpThenRisesNotFalls) {
  // 10 at t=0 (a jump), +20 over [0,10], −10 over [10,20] (retire), +30 over [20,30].
  const CountCurve c({{0, 10}, {10, 30}, {20, 20}, {30, 50}});
  const auto buys = purchases_of(c);
  ASSERT_EQ(buys.size(), 3u);
  EXPECT_EQ(buys[0].start, 0.0);
  EXPECT_EQ(buys[0].end, 0.0);
  EXPECT_EQ(buys[0].count, 10.0);
  EXPECT_EQ(buys[1].start, 0.0);
  EXPECT_EQ(buys[1].end, 10.0);
  EXPECT_EQ(buys[1].count, 20.0);
  EXPECT_EQ(buys[2].start, 20.0);
  EXPECT_EQ(buys[2].end, 30.0);
  EXPECT_EQ(buys[2].count, 30.0);
}

TEST(Purchases, ARampFromZeroBuysNothingAtItsFirstPoint) {
  const auto buys = purchases_of(CountCurve({{0, 0}, {10, 100}}));
  ASSERT_EQ(buys.size(), 1u);
  EXPECT_EQ(buys[0].count, 100.0);
}

TEST(Purchases, InstantPurchaseFallsInTheStepHoldingIt) {
  const Purchase p{5, 5, 100};
  EXPECT_EQ(purchased_between(p, 0, 5), 0.0);   // [0, 5) excludes 5
  EXPECT_EQ(purchased_between(p, 5, 6), 100.0);
  EXPECT_EQ(purchased_between(p, 4, 24), 100.0);
}

TEST(Purchases, SpreadPurchaseSplitsByOverlap) {
  // 20 GPUs over [0, 10]: 2 per hour. [2, 5) → 6; [8, 20) → 4; [−5, 0) → 0.
  const Purchase p{0, 10, 20};
  expect_rel(purchased_between(p, 2, 5), 6.0);
  expect_rel(purchased_between(p, 8, 20), 4.0);
  EXPECT_EQ(purchased_between(p, -5, 0), 0.0);
  // Hourly pieces sum to the whole.
  double sum = 0.0;
  for (int t = -3; t < 15; ++t) sum += purchased_between(p, t, t + 1);
  expect_rel(sum, 20.0);
}

TEST(Depreciation, InstantPurchaseIsConstantOverItsLife) {
  // 100 GPUs at t=0, life 50 h: 2 GPU-equivalents per hour for 50 h.
  const Purchase p{0, 0, 100};
  expect_rel(depreciated_between(p, 50, 0, 10), 20.0);   // 100/50 × 10
  expect_rel(depreciated_between(p, 50, 40, 60), 20.0);  // only [40, 50) counts
  EXPECT_EQ(depreciated_between(p, 50, 50, 100), 0.0);   // fully depreciated
  EXPECT_EQ(depreciated_between(p, 50, -10, 0), 0.0);    // before service
  expect_rel(depreciated_between(p, 50, -1e6, 1e6), 100.0);
}

TEST(Depreciation, SpreadPurchaseIsATrapezoidInTime) {
  // 100 GPUs entering evenly over [0, 10] (10 per hour), life 20 h.
  const Purchase p{0, 10, 100};
  // [0,10): a GPU entering at τ depreciates (10 − τ)/20 there: 10/20 × ∫_0^10 (10 − τ) dτ = ½ × 50 = 25.
  expect_rel(depreciated_between(p, 20, 0, 10), 25.0);
  // [10,20): every GPU is in service throughout: 100 × 10/20 = 50.
  expect_rel(depreciated_between(p, 20, 10, 20), 50.0);
  // [20,30): a GPU entering at τ has τ hours left: 10/20 × ∫_0^10 τ dτ = 25.
  expect_rel(depreciated_between(p, 20, 20, 30), 25.0);
  expect_rel(depreciated_between(p, 20, 30, 100), 0.0);
  // Total = the purchase.
  expect_rel(depreciated_between(p, 20, -5, 100), 100.0);
}

TEST(Depreciation, PurchaseSpreadOverAStep) {
  // Same purchase, step [2, 6): τ ∈ [0,2) contributes 4 h each, τ ∈ [2,6] contributes 6 − τ:
  // ∫ = 4 × 2 + ∫_2^6 (6 − τ) dτ = 8 + 8 = 16; × rate 10 / life 20 = 8.
  const Purchase p{0, 10, 100};
  expect_rel(depreciated_between(p, 20, 2, 6), 8.0);
  // A purchase spread inside one daily step: 100 GPUs over [3, 5], life 1,000 h, step [0, 24):
  // rate 50/h, ∫_3^5 (24 − τ) dτ = 48 − 8 = 40 → 50 × 40 / 1,000 = 2.
  const Purchase inside{3, 5, 100};
  expect_rel(depreciated_between(inside, 1000, 0, 24), 2.0);
  expect_rel(purchased_between(inside, 0, 24), 100.0);
}

TEST(Depreciation, HourlyAndDailyStepsAddUpTheSame) {
  const Purchase p{7, 103, 250};
  const double life = 500;
  double hourly = 0.0, daily = 0.0;
  for (int t = 0; t < 24 * 30; ++t) hourly += depreciated_between(p, life, t, t + 1);
  for (int t = 0; t < 24 * 30; t += 24) daily += depreciated_between(p, life, t, t + 24);
  expect_rel(hourly, 250.0);
  expect_rel(daily, 250.0);
}

TEST(Depreciation, LifeInCalendarYearsVersus365Days) {
  const HourStamp jan2024 = to_hours({2024, 1, 1, 0});
  // 1y from 2024-01-01: 366 days under the calendar, 365 under year: 365d.
  expect_rel(span_hours(jan2024, Span::of_years(1), YearConvention::calendar), 8784.0);
  expect_rel(span_hours(jan2024, Span::of_years(1), YearConvention::days365), 8760.0);
  // 6y from 2023-01-01: 2023..2028 has 2 leap years (2024, 2028): (6 × 365 + 2) × 24 = 52,608 h.
  const HourStamp jan2023 = to_hours({2023, 1, 1, 0});
  expect_rel(span_hours(jan2023, Span::of_years(6), YearConvention::calendar), 52608.0);
  expect_rel(span_hours(jan2023, Span::of_years(6), YearConvention::days365), 52560.0);
  // 100 GPUs at 2024-01-01, life 1y: over January (744 h) they lose 100 × 744/8,784
  // (calendar) or 100 × 744/8,760 (365d).
  const Purchase p{static_cast<double>(jan2024), static_cast<double>(jan2024), 100};
  const double t0 = static_cast<double>(jan2024), t1 = t0 + 744;
  expect_rel(depreciated_between(p, span_hours(jan2024, Span::of_years(1), YearConvention::calendar), t0, t1),
             100.0 * 744 / 8784);
  expect_rel(depreciated_between(p, span_hours(jan2024, Span::of_years(1), YearConvention::days365), t0, t1),
             100.0 * 744 / 8760);
}

TEST(Overlap, Intervals) {
  EXPECT_EQ(overlap(0, 10, 5, 20), 5.0);
  EXPECT_EQ(overlap(0, 10, 10, 20), 0.0);
  EXPECT_EQ(overlap(0, 10, 2, 3), 1.0);
  EXPECT_EQ(overlap(5, 6, 0, 1), 0.0);
}

}  // namespace
}  // namespace gpusim
