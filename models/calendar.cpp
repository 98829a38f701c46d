#include "models/calendar.hpp"

#include <cmath>
#include <cstdio>

namespace gpusim {

std::int64_t days_from_civil(int year, int month, int day) {
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_hours(HourStamp h) {
  std::int64_t days = h >= 0 ? h / 24 : (h - 23) / 24;
  const int hour = static_cast<int>(h - days * 24);
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day, hour};
}

HourStamp to_hours(const CivilDate& d) {
  return days_from_civil(d.year, d.month, d.day) * 24 + d.hour;
}

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

int weekday(HourStamp h) {
  const std::int64_t days = h >= 0 ? h / 24 : (h - 23) / 24;
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  const std::int64_t w = (days + 3) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

std::string format_date(HourStamp h) {
  const CivilDate d = civil_from_hours(h);
  char buf[32];
  if (d.hour == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:00", d.year, d.month, d.day, d.hour);
  }
  return buf;
}

namespace {
HourStamp add_calendar_years(HourStamp from, int years) {
  CivilDate d = civil_from_hours(from);
  d.year += years;
  if (d.month == 2 && d.day == 29 && !is_leap_year(d.year)) d.day = 28;
  return to_hours(d);
}
}  // namespace

double hours_in_year_from(HourStamp from, YearConvention conv) {
  if (conv == YearConvention::days365) return 8760.0;
  return static_cast<double>(add_calendar_years(from, 1) - from);
}

double end_of_span(HourStamp from, const Span& span, YearConvention conv) {
  if (span.unit == Span::Unit::hours) return static_cast<double>(from) + span.amount;
  if (conv == YearConvention::days365) return static_cast<double>(from) + span.amount * 8760.0;
  const double whole = std::floor(span.amount);
  const double frac = span.amount - whole;
  // Spans are bounded by validation (≤ 1000 y), so the cast is safe.
  const HourStamp base = add_calendar_years(from, static_cast<int>(whole));
  return static_cast<double>(base) + frac * hours_in_year_from(base, conv);
}

double span_hours(HourStamp from, const Span& span, YearConvention conv) {
  return end_of_span(from, span, conv) - static_cast<double>(from);
}

double year_hours_at(HourStamp at, YearConvention conv) {
  if (conv == YearConvention::days365) return 8760.0;
  return is_leap_year(civil_from_hours(at).year) ? 8784.0 : 8760.0;
}

}  // namespace gpusim
