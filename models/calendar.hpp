// Calendar arithmetic for the time grid: civil dates, hours since 1970-01-01
// 00:00 UTC, and spans that may be written in years.
//
// A year is either the calendar's (2024 has 8,784 h) or, under the articles'
// convention `year: 365d`, always 8,760 h. The YearConvention decides how a span
// "6y" and a rate "/y" turn into hours.
#pragma once

#include <cstdint>
#include <string>

namespace gpusim {

// Hours since 1970-01-01T00:00 (UTC, no leap seconds). A whole-hour instant.
using HourStamp = std::int64_t;

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;   // 0..23
  auto operator<=>(const CivilDate&) const = default;
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(int year, int month, int day);
CivilDate civil_from_hours(HourStamp h);
HourStamp to_hours(const CivilDate& d);
bool is_leap_year(int year);
int days_in_month(int year, int month);
// 0 = Monday … 6 = Sunday.
int weekday(HourStamp h);
// "2024-03-01" or "2024-03-01T06:00" (the hour only when not midnight).
std::string format_date(HourStamp h);

enum class YearConvention {
  calendar,  // a year is the calendar's: 8,760 or 8,784 h
  days365,   // a year is always 8,760 h (the articles' convention)
};

// A duration as written: in hours (h, d, w) or in years (y).
struct Span {
  enum class Unit { hours, years };
  double amount = 0.0;
  Unit unit = Unit::hours;

  static Span of_hours(double h) { return {h, Unit::hours}; }
  static Span of_years(double y) { return {y, Unit::years}; }
  auto operator<=>(const Span&) const = default;
};

// Hours in the year that starts at `from` (8,760 or 8,784 under the calendar).
double hours_in_year_from(HourStamp from, YearConvention conv);
// The instant `span` after `from`: calendar years add whole calendar years
// (Feb 29 → Feb 28) and a fractional year as that share of the following year.
double end_of_span(HourStamp from, const Span& span, YearConvention conv);
// Length of `span` in hours when it starts at `from`.
double span_hours(HourStamp from, const Span& span, YearConvention conv);
// Hours in the calendar year containing `at` (or 8,760 under days365): the
// denominator of "/y" rates.
double year_hours_at(HourStamp at, YearConvention conv);

}  // namespace gpusim
