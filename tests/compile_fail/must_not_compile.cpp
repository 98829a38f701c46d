// Each CASE_ must fail to compile: the unit types forbid it. Built by ctest
// (tests/CMakeLists.txt); with no CASE_ defined the file must compile.
#include "models/units.hpp"

using namespace gpusim;

double control() {
  Power p = watts(700);
  Energy e = p * hours(2);        // power × time is energy
  Money m = e * usd_per_kwh(0.08);  // energy × price is money
  return m.value;
}

#if defined(CASE_power_plus_money)
auto bad = watts(700) + usd(1);  // watts plus dollars
#elif defined(CASE_energy_from_power)
Energy bad = watts(700);  // a power is not an energy
#elif defined(CASE_money_times_energy_price_wrong)
auto bad = usd(1) * usd_per_kwh(0.08);  // dollars × (dollars per kWh) has no meaning
#elif defined(CASE_gpu_hours_plus_hours)
auto bad = gpu_hours(1) + hours(1);  // GPU-hours are not hours
#elif defined(CASE_assign_double)
Power bad = 700.0;  // a bare number has no unit
#endif
