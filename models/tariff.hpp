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

// Price in USD/Wh at hour `t`.
double price_at(const TariffSpec& tariff, HourStamp t);
// Average price in USD/Wh over [t0, t0 + hours).
double average_price(const TariffSpec& tariff, HourStamp t0, int hours);
// True when the price depends on the hour of day (then 1 d and 1 h steps differ
// only in how the day's energy is spread, which gpusim takes as even).
bool has_hour_of_day(const TariffSpec& tariff);

}  // namespace gpusim
