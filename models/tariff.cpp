#include "models/tariff.hpp"

namespace gpusim {

double price_at(const TariffSpec& tariff, HourStamp t) {
  switch (tariff.kind) {
    case TariffSpec::Kind::flat: return tariff.flat.value;
    case TariffSpec::Kind::monthly: return tariff.monthly[civil_from_hours(t).month - 1].value;
    case TariffSpec::Kind::time_of_use: {
      const int hour = civil_from_hours(t).hour;
      const bool weekend = weekday(t) >= 5;
      return (weekend ? tariff.weekend : tariff.weekday)[hour].value;
    }
  }
  return 0.0;
}

double average_price(const TariffSpec& tariff, HourStamp t0, int hours) {
  if (tariff.kind != TariffSpec::Kind::time_of_use || hours == 1) return price_at(tariff, t0);
  double sum = 0.0;
  for (int h = 0; h < hours; ++h) sum += price_at(tariff, t0 + h);
  return sum / hours;
}

bool has_hour_of_day(const TariffSpec& tariff) { return tariff.kind == TariffSpec::Kind::time_of_use; }

}  // namespace gpusim
