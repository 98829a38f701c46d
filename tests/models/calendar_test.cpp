// Tests for models/calendar.*: civil dates ↔ hour stamps, leap years,
// weekdays, and spans written in years under both year conventions.
#include "models/calendar.hpp"

#include <gtest/gtest.h>

namespace gpusim {
namespace {

TEST(Calendar, DaysFromCivilKnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  // 30 years of which 7 leap (72 76 80 84 88 92 96): 30 × 365 + 7 = 10,957.
  EXPECT_EQ(days_from_civil(2000, 1, 1), 10957);
  // 2000..2023: 24 × 365 + 6 leap days (00 04 08 12 16 20) = 8,766; 10,957 + 8,766 = 19,723.
  EXPECT_EQ(days_from_civil(2024, 1, 1), 19723);
  // Jan 31 + Feb 28 days after Jan 1 = day 59 of 2024: 19,723 + 59 = 19,782.
  EXPECT_EQ(days_from_civil(2024, 2, 29), 19782);
  EXPECT_EQ(days_from_civil(1900, 3, 1), -25508);
}

TEST(Calendar, RoundTripEveryDayFrom1900To2200) {
  // Every day (and a few hours of it) survives civil → hours → civil.
  std::int64_t expected_days = days_from_civil(1900, 1, 1);
  for (int y = 1900; y <= 2200; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= days_in_month(y, m); ++d) {
        ASSERT_EQ(days_from_civil(y, m, d), expected_days) << y << "-" << m << "-" << d;
        ++expected_days;
        for (int h : {0, 13, 23}) {
          const CivilDate c{y, m, d, h};
          ASSERT_EQ(civil_from_hours(to_hours(c)), c);
        }
      }
    }
  }
  // 1900-01-01 to 2201-01-01: 301 years, 73 leap years (1904..2196 is 74 multiples of 4,
  // minus 2100; 1900 and 2200 are not leap) → 301 × 365 + 73 = 109,938 days.
  EXPECT_EQ(expected_days - days_from_civil(1900, 1, 1), 109938);
}

TEST(Calendar, NegativeHoursBefore1970) {
  // One hour before the epoch is 1969-12-31 23:00.
  EXPECT_EQ(civil_from_hours(-1), (CivilDate{1969, 12, 31, 23}));
  EXPECT_EQ(civil_from_hours(-24), (CivilDate{1969, 12, 31, 0}));
  EXPECT_EQ(civil_from_hours(-25), (CivilDate{1969, 12, 30, 23}));
}

TEST(Calendar, LeapYears) {
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_TRUE(is_leap_year(2000));   // divisible by 400
  EXPECT_FALSE(is_leap_year(1900));  // divisible by 100, not 400
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_FALSE(is_leap_year(2023));
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(2023, 2), 28);
  EXPECT_EQ(days_in_month(2024, 4), 30);
  EXPECT_EQ(days_in_month(2024, 12), 31);
}

TEST(Calendar, WeekdayOfKnownDates) {
  // 0 = Monday … 6 = Sunday.
  EXPECT_EQ(weekday(to_hours({1970, 1, 1})), 3);      // Thursday
  EXPECT_EQ(weekday(to_hours({1969, 12, 31})), 2);    // Wednesday
  EXPECT_EQ(weekday(to_hours({2000, 1, 1})), 5);      // Saturday
  EXPECT_EQ(weekday(to_hours({2024, 1, 1})), 0);      // Monday
  EXPECT_EQ(weekday(to_hours({2024, 2, 29, 23})), 3); // Thursday, late evening still Thursday
  EXPECT_EQ(weekday(to_hours({2026, 7, 1})), 2);      // Wednesday
  EXPECT_EQ(weekday(to_hours({1900, 3, 1})), 3);      // Thursday
}

TEST(Calendar, CalendarYearsHaveTheirOwnLength) {
  const HourStamp y2024 = to_hours({2024, 1, 1});
  const HourStamp y2023 = to_hours({2023, 1, 1});
  // 2024 is leap: 366 × 24 = 8,784 h; 2023: 365 × 24 = 8,760 h.
  EXPECT_DOUBLE_EQ(span_hours(y2024, Span::of_years(1), YearConvention::calendar), 8784.0);
  EXPECT_DOUBLE_EQ(span_hours(y2023, Span::of_years(1), YearConvention::calendar), 8760.0);
  // Under year: 365d every year is 8,760 h.
  EXPECT_DOUBLE_EQ(span_hours(y2024, Span::of_years(1), YearConvention::days365), 8760.0);
  EXPECT_DOUBLE_EQ(hours_in_year_from(y2024, YearConvention::calendar), 8784.0);
  EXPECT_DOUBLE_EQ(hours_in_year_from(y2024, YearConvention::days365), 8760.0);
  EXPECT_DOUBLE_EQ(year_hours_at(to_hours({2024, 7, 1}), YearConvention::calendar), 8784.0);
  EXPECT_DOUBLE_EQ(year_hours_at(to_hours({2025, 7, 1}), YearConvention::calendar), 8760.0);
  EXPECT_DOUBLE_EQ(year_hours_at(to_hours({2024, 7, 1}), YearConvention::days365), 8760.0);
}

TEST(Calendar, EndOfSpanCalendarVs365d) {
  const HourStamp mid2026 = to_hours({2026, 7, 1});
  // 5 calendar years from 2026-07-01 reach 2031-07-01: 1,826 days (one Feb 29, 2028) = 43,824 h.
  EXPECT_DOUBLE_EQ(end_of_span(mid2026, Span::of_years(5), YearConvention::calendar),
                   static_cast<double>(to_hours({2031, 7, 1})));
  EXPECT_DOUBLE_EQ(span_hours(mid2026, Span::of_years(5), YearConvention::calendar), 43824.0);
  // 5 × 8,760 = 43,800 h under 365d.
  EXPECT_DOUBLE_EQ(span_hours(mid2026, Span::of_years(5), YearConvention::days365), 43800.0);
  // Hours spans ignore the convention: 365d = 8,760 h.
  EXPECT_DOUBLE_EQ(span_hours(mid2026, Span::of_hours(8760), YearConvention::calendar), 8760.0);
}

TEST(Calendar, Feb29PlusOneYearIsFeb28) {
  const HourStamp leap_day = to_hours({2024, 2, 29, 6});
  EXPECT_DOUBLE_EQ(end_of_span(leap_day, Span::of_years(1), YearConvention::calendar),
                   static_cast<double>(to_hours({2025, 2, 28, 6})));
  // 2024-02-29 → 2025-02-28 is 365 days = 8,760 h.
  EXPECT_DOUBLE_EQ(span_hours(leap_day, Span::of_years(1), YearConvention::calendar), 8760.0);
  // Four years land on a leap day again.
  EXPECT_DOUBLE_EQ(end_of_span(leap_day, Span::of_years(4), YearConvention::calendar),
                   static_cast<double>(to_hours({2028, 2, 29, 6})));
}

TEST(Calendar, FractionalYearsUseTheFollowingYear) {
  // 1.5 y from 2023-01-01: one year to 2024-01-01, then half of 2024's 8,784 h = 4,392 h.
  const HourStamp y2023 = to_hours({2023, 1, 1});
  EXPECT_DOUBLE_EQ(end_of_span(y2023, Span::of_years(1.5), YearConvention::calendar),
                   static_cast<double>(to_hours({2024, 1, 1})) + 4392.0);
  // Under 365d: 1.5 × 8,760 = 13,140 h.
  EXPECT_DOUBLE_EQ(span_hours(y2023, Span::of_years(1.5), YearConvention::days365), 13140.0);
}

TEST(Calendar, FormatDate) {
  EXPECT_EQ(format_date(0), "1970-01-01");
  EXPECT_EQ(format_date(to_hours({2024, 3, 1})), "2024-03-01");
  EXPECT_EQ(format_date(to_hours({2024, 3, 1, 6})), "2024-03-01T06:00");
  EXPECT_EQ(format_date(to_hours({2024, 12, 31, 23})), "2024-12-31T23:00");
  EXPECT_EQ(format_date(-1), "1969-12-31T23:00");
}

}  // namespace
}  // namespace gpusim
