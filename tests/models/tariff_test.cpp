// Tests for models/tariff.*: flat, monthly and time-of-use electricity prices,
// the weekday/weekend split and averages over a day.
#include "models/tariff.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace gpusim {
namespace {

void expect_rel(double actual, double expected) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::fabs(expected));
}

HourStamp at(int y, int m, int d, int h = 0) { return to_hours({y, m, d, h}); }

TariffSpec time_of_use() {
  // Weekdays: 0.05 USD/kWh at night (0–7 h, 20–23 h), 0.20 in the day (8–19 h);
  // weekends: 0.03 all day.
  TariffSpec t;
  t.kind = TariffSpec::Kind::time_of_use;
  for (int h = 0; h < 24; ++h) {
    t.weekday.push_back(usd_per_kwh(h >= 8 && h < 20 ? 0.20 : 0.05));
    t.weekend.push_back(usd_per_kwh(0.03));
  }
  return t;
}

TEST(Tariff, FlatIsTheSameEveryHour) {
  TariffSpec t;
  t.flat = usd_per_kwh(0.08);
  expect_rel(price_at(t, at(2024, 1, 1)), 0.08e-3);  // USD/Wh
  expect_rel(average_price(t, at(2024, 7, 6), 24), 0.08e-3);
  EXPECT_FALSE(has_hour_of_day(t));
}

TEST(Tariff, MonthlyPicksTheMonth) {
  // Month m costs m cents per kWh.
  TariffSpec t;
  t.kind = TariffSpec::Kind::monthly;
  for (int m = 1; m <= 12; ++m) t.monthly.push_back(usd_per_kwh(0.01 * m));
  expect_rel(price_at(t, at(2024, 3, 15, 13)), 0.03e-3);
  expect_rel(price_at(t, at(2024, 12, 31, 23)), 0.12e-3);
  expect_rel(average_price(t, at(2024, 2, 29), 24), 0.02e-3);
  EXPECT_FALSE(has_hour_of_day(t));
}

TEST(Tariff, TimeOfUseWeekdayVersusWeekend) {
  const TariffSpec t = time_of_use();
  EXPECT_TRUE(has_hour_of_day(t));
  // 2024-01-01 was a Monday; 2024-01-06 a Saturday; 2024-01-07 a Sunday.
  expect_rel(price_at(t, at(2024, 1, 1, 7)), 0.05e-3);
  expect_rel(price_at(t, at(2024, 1, 1, 8)), 0.20e-3);
  expect_rel(price_at(t, at(2024, 1, 5, 19)), 0.20e-3);  // Friday
  expect_rel(price_at(t, at(2024, 1, 5, 20)), 0.05e-3);
  expect_rel(price_at(t, at(2024, 1, 6, 12)), 0.03e-3);  // Saturday noon
  expect_rel(price_at(t, at(2024, 1, 7, 9)), 0.03e-3);   // Sunday
}

TEST(Tariff, TimeOfUseAverageOverADay) {
  const TariffSpec t = time_of_use();
  // Weekday: (12 × 0.05 + 12 × 0.20) / 24 = 0.125 USD/kWh; weekend 0.03.
  expect_rel(average_price(t, at(2024, 1, 3), 24), 0.125e-3);
  expect_rel(average_price(t, at(2024, 1, 6), 24), 0.03e-3);
  // Hours 6..9 of a Monday: (0.05 + 0.05 + 0.20 + 0.20)/4 = 0.125.
  expect_rel(average_price(t, at(2024, 1, 1, 6), 4), 0.125e-3);
  // A one-hour "average" is the hour's price.
  expect_rel(average_price(t, at(2024, 1, 1, 12), 1), 0.20e-3);
}

}  // namespace
}  // namespace gpusim
