// Electricity prices over time.
//
//   flat:         p(t) = p
//   monthly:      p(t) = p[month(t)]
//   time of use:  p(t) = weekday[hour(t)] Monday–Friday, weekend[hour(t)] Saturday–Sunday
//
// Power is constant within a step, so a step's energy cost is its energy times
// the average price over the step's hours.
#pragma once

#include "models/scenario.hpp"

namespace gpusim {

// The same shapes serve the grid's carbon intensity (kg CO2/Wh): any
// HourlyProfile, read in its base unit.

// The profile's value at hour `t`.
template <class Q>
double value_at(const HourlyProfile<Q>& profile, HourStamp t) {
  using Kind = typename HourlyProfile<Q>::Kind;
  switch (profile.kind) {
    case Kind::flat: return profile.flat.value;
    case Kind::monthly: return profile.monthly[civil_from_hours(t).month - 1].value;
    case Kind::time_of_use: {
      const int hour = civil_from_hours(t).hour;
      const bool weekend = weekday(t) >= 5;
      return (weekend ? profile.weekend : profile.weekday)[hour].value;
    }
  }
  return 0.0;
}
// The average over [t0, t0 + hours).
template <class Q>
double average_value(const HourlyProfile<Q>& profile, HourStamp t0, int hours) {
  if (profile.kind != HourlyProfile<Q>::Kind::time_of_use || hours == 1) return value_at(profile, t0);
  double sum = 0.0;
  for (int h = 0; h < hours; ++h) sum += value_at(profile, t0 + h);
  return sum / hours;
}

// Price in USD/Wh at hour `t`.
double price_at(const TariffSpec& tariff, HourStamp t);
// Average price in USD/Wh over [t0, t0 + hours).
double average_price(const TariffSpec& tariff, HourStamp t0, int hours);
// True when the price depends on the hour of day (then 1 d and 1 h steps differ
// only in how the day's energy is spread, which gpusim takes as even).
bool has_hour_of_day(const TariffSpec& tariff);

}  // namespace gpusim
