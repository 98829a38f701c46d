#include "models/tariff.hpp"

namespace gpusim {

double price_at(const TariffSpec& tariff, HourStamp t) { return value_at(tariff, t); }

double average_price(const TariffSpec& tariff, HourStamp t0, int hours) { return average_value(tariff, t0, hours); }

bool has_hour_of_day(const TariffSpec& tariff) { return tariff.kind == TariffSpec::Kind::time_of_use; }

}  // namespace gpusim
