#include "models/units.hpp"

#include <gtest/gtest.h>

namespace gpusim {

TEST(Units, PowerTimesHoursIsEnergy) {
  // 6 GW × 1 h = 6 GWh = 6,000,000 kWh (article B4).
  const Energy e = gigawatts(6) * hours(1);
  EXPECT_DOUBLE_EQ(in_kwh(e), 6e6);
}

TEST(Units, EnergyTimesPriceIsMoney) {
  // 1,000 kWh × 0.08 USD/kWh = 80 USD.
  EXPECT_DOUBLE_EQ((kilowatt_hours(1000) * usd_per_kwh(0.08)).value, 80.0);
}

TEST(Units, GpuHoursTimesPriceIsMoneyAndBack) {
  // 300M GPU-h × 2.5 USD/GPU-h = 750M USD; 750M USD ÷ 300M GPU-h = 2.5.
  const Money m = gpu_hours(300e6) * usd_per_gpu_hour(2.5);
  EXPECT_DOUBLE_EQ(m.value, 750e6);
  EXPECT_DOUBLE_EQ((m / gpu_hours(300e6)).value, 2.5);
}

TEST(Units, SameDimensionRatioIsPlainNumber) {
  EXPECT_DOUBLE_EQ(megawatts(360) / gigawatts(1), 0.36);
}

TEST(Units, ConversionsOfDisplayUnits) {
  EXPECT_DOUBLE_EQ(in_mw(kilowatts(1500)), 1.5);
  EXPECT_DOUBLE_EQ(in_usd_per_kw_month(usd_per_kw_month(196)), 196.0);
}

}  // namespace gpusim
