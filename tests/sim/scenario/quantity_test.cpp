// Tests for sim/scenario/quantity.*: every unit of every UnitKind, the k/M/B/T
// multipliers, thousands separators, and every error message, exactly.
#include "sim/scenario/quantity.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gpusim {
namespace {

// Parses `text` as `kind` and expects success; returns the base-unit value.
double ok(const std::string& text, UnitKind kind, const std::string& default_unit = "") {
  const QuantityResult r = parse_quantity(text, kind, "key", default_unit);
  EXPECT_TRUE(r.ok()) << "'" << text << "': " << r.error;
  return r.value;
}

// Parses `text` as `kind` for key `key` and returns the error ("" when it parsed).
std::string err(const std::string& text, UnitKind kind, const std::string& key = "key",
                const std::string& default_unit = "") {
  return parse_quantity(text, kind, key, default_unit).error;
}

TEST(Quantity, CarbonIntensities) {
  // Base kg CO2 per Wh: 0.366 kg/kWh = 0.366e-3; 400 g/kWh = 0.4e-3; 0.5 t/MWh = 0.5e-3.
  EXPECT_DOUBLE_EQ(ok("0.366 kg/kWh", UnitKind::carbon_intensity), 0.366e-3);
  EXPECT_DOUBLE_EQ(ok("400 g/kWh", UnitKind::carbon_intensity), 0.4e-3);
  EXPECT_DOUBLE_EQ(ok("0.5 t/MWh", UnitKind::carbon_intensity), 0.5e-3);
  EXPECT_DOUBLE_EQ(ok("0.366", UnitKind::carbon_intensity, "kg/kWh"), 0.366e-3);
  EXPECT_EQ(err("0.4 USD/kWh", UnitKind::carbon_intensity, "carbon"),
            "'USD/kWh' is energy price; carbon is a carbon intensity: kg/kWh, g/kWh or t/MWh");
}

TEST(Quantity, PowerUnits) {
  EXPECT_DOUBLE_EQ(ok("700 W", UnitKind::power), 700.0);
  EXPECT_DOUBLE_EQ(ok("10.2 kW", UnitKind::power), 10200.0);
  EXPECT_DOUBLE_EQ(ok("360 MW", UnitKind::power), 360e6);
  EXPECT_DOUBLE_EQ(ok("6 GW", UnitKind::power), 6e9);
  EXPECT_DOUBLE_EQ(ok("1 TW", UnitKind::power), 1e12);
  // A unit written against the number: "6MW" is 6 MW, not 6 M(ega) W.
  EXPECT_DOUBLE_EQ(ok("6MW", UnitKind::power), 6e6);
  // A bare number is read in the key's default unit.
  EXPECT_DOUBLE_EQ(ok("700", UnitKind::power, "W"), 700.0);
  EXPECT_DOUBLE_EQ(ok("360", UnitKind::power, "MW"), 360e6);
}

TEST(Quantity, EnergyUnits) {
  EXPECT_DOUBLE_EQ(ok("5 Wh", UnitKind::energy), 5.0);
  EXPECT_DOUBLE_EQ(ok("5 kWh", UnitKind::energy), 5e3);
  EXPECT_DOUBLE_EQ(ok("5 MWh", UnitKind::energy), 5e6);
  // B4: 6 GW × 1 h = 6 GWh = 6e9 Wh.
  EXPECT_DOUBLE_EQ(ok("6 GWh", UnitKind::energy), 6e9);
  // B4: a year at 6 GW = 52.56 TWh = 5.256e13 Wh.
  EXPECT_DOUBLE_EQ(ok("52.56 TWh", UnitKind::energy), 5.256e13);
}

TEST(Quantity, MoneyWithMultipliers) {
  EXPECT_DOUBLE_EQ(ok("30000 USD", UnitKind::money), 30000.0);
  EXPECT_DOUBLE_EQ(ok("30k USD", UnitKind::money), 30e3);
  EXPECT_DOUBLE_EQ(ok("200M USD", UnitKind::money), 200e6);
  EXPECT_DOUBLE_EQ(ok("1.3B USD", UnitKind::money), 1.3e9);
  EXPECT_DOUBLE_EQ(ok("2T USD", UnitKind::money), 2e12);
  EXPECT_DOUBLE_EQ(ok("60BUSD", UnitKind::money), 60e9);
  EXPECT_DOUBLE_EQ(ok("35000", UnitKind::money, "USD"), 35000.0);
  EXPECT_DOUBLE_EQ(ok("-500M USD", UnitKind::money), -500e6);
}

TEST(Quantity, EnergyPrices) {
  // Base unit USD/Wh: 0.08 USD/kWh = 0.08 / 1000 USD/Wh = 8e-5.
  EXPECT_DOUBLE_EQ(ok("0.08 USD/kWh", UnitKind::energy_price), 8e-5);
  // 80 USD/MWh = 80 / 1e6 USD/Wh = 8e-5, the same price.
  EXPECT_DOUBLE_EQ(ok("80 USD/MWh", UnitKind::energy_price), 8e-5);
  EXPECT_DOUBLE_EQ(ok("0.00008 USD/Wh", UnitKind::energy_price), 8e-5);
  EXPECT_DOUBLE_EQ(ok("0.0806", UnitKind::energy_price, "USD/kWh"), 8.06e-5);
}

TEST(Quantity, GpuHourPrices) {
  EXPECT_DOUBLE_EQ(ok("2.50 USD/gpu-h", UnitKind::gpu_hour_price), 2.5);
  EXPECT_DOUBLE_EQ(ok("2.99 USD/GPU-h", UnitKind::gpu_hour_price), 2.99);
  EXPECT_DOUBLE_EQ(ok("3.5 USD/gpu-hour", UnitKind::gpu_hour_price), 3.5);
  EXPECT_DOUBLE_EQ(ok("2.1", UnitKind::gpu_hour_price, "USD/gpu-h"), 2.1);
}

TEST(Quantity, PowerPrices) {
  // Base USD/W/month: 150 USD/kW/month = 0.15 USD/W/month.
  EXPECT_DOUBLE_EQ(ok("150 USD/kW/month", UnitKind::power_price), 0.15);
  // 150,000 USD/MW/month = 150000 / 1e6 = 0.15 USD/W/month.
  EXPECT_DOUBLE_EQ(ok("150000 USD/MW/month", UnitKind::power_price), 0.15);
  EXPECT_DOUBLE_EQ(ok("0.15 USD/W/month", UnitKind::power_price), 0.15);
}

TEST(Quantity, MoneyRates) {
  EXPECT_DOUBLE_EQ(ok("200M USD/y", UnitKind::money_rate), 200e6);
  EXPECT_DOUBLE_EQ(ok("200M USD/year", UnitKind::money_rate), 200e6);
  // 1M USD/month × 12 months = 12M USD/y.
  EXPECT_DOUBLE_EQ(ok("1M USD/month", UnitKind::money_rate), 12e6);
}

TEST(Quantity, GpuHoursWithMultipliers) {
  EXPECT_DOUBLE_EQ(ok("300M gpu-h", UnitKind::gpu_hours), 300e6);
  // A1: 250,000 × 8,760 h = 2.19e9 GPU-h.
  EXPECT_DOUBLE_EQ(ok("2.19B GPU-h", UnitKind::gpu_hours), 2.19e9);
  EXPECT_DOUBLE_EQ(ok("5k gpu-hours", UnitKind::gpu_hours), 5e3);
  EXPECT_DOUBLE_EQ(ok("300M", UnitKind::gpu_hours), 300e6);
}

TEST(Quantity, Durations) {
  QuantityResult r = parse_quantity("5h", UnitKind::duration, "repair");
  EXPECT_EQ(r.span, Span::of_hours(5));
  r = parse_quantity("3d", UnitKind::duration, "repair");  // 3 × 24 = 72 h
  EXPECT_EQ(r.span, Span::of_hours(72));
  r = parse_quantity("2 w", UnitKind::duration, "repair");  // 2 × 168 = 336 h
  EXPECT_EQ(r.span, Span::of_hours(336));
  r = parse_quantity("6y", UnitKind::duration, "life");  // years stay years
  EXPECT_EQ(r.span, Span::of_years(6));
  r = parse_quantity("1.5y", UnitKind::duration, "life");
  EXPECT_EQ(r.span, Span::of_years(1.5));
  r = parse_quantity("6", UnitKind::duration, "life", "y");  // bare in the default unit
  EXPECT_EQ(r.span, Span::of_years(6));
  r = parse_quantity("48", UnitKind::duration, "repair", "h");
  EXPECT_EQ(r.span, Span::of_hours(48));
}

TEST(Quantity, Percentages) {
  EXPECT_DOUBLE_EQ(ok("62%", UnitKind::fraction), 0.62);
  EXPECT_DOUBLE_EQ(ok("100 %", UnitKind::fraction), 1.0);
  EXPECT_DOUBLE_EQ(ok("0.62", UnitKind::fraction), 0.62);
  EXPECT_DOUBLE_EQ(ok("11%/y", UnitKind::rate_per_year), 0.11);
  EXPECT_DOUBLE_EQ(ok("11%", UnitKind::rate_per_year), 0.11);  // % serves a yearly rate
  EXPECT_DOUBLE_EQ(ok("0.11", UnitKind::rate_per_year), 0.11);
}

TEST(Quantity, Counts) {
  EXPECT_DOUBLE_EQ(ok("250k", UnitKind::count), 250e3);
  EXPECT_DOUBLE_EQ(ok("1.5M", UnitKind::count), 1.5e6);
  EXPECT_DOUBLE_EQ(ok("2B", UnitKind::count), 2e9);
  EXPECT_DOUBLE_EQ(ok("20000", UnitKind::count), 20000.0);
  EXPECT_DOUBLE_EQ(ok("20000 GPUs", UnitKind::count), 20000.0);
  EXPECT_DOUBLE_EQ(ok("250k gpus", UnitKind::count), 250e3);
  EXPECT_DOUBLE_EQ(ok("1.3", UnitKind::ratio), 1.3);
}

TEST(Quantity, ThousandsSeparators) {
  EXPECT_DOUBLE_EQ(ok("250,000", UnitKind::count), 250000.0);
  EXPECT_DOUBLE_EQ(ok("250_000", UnitKind::count), 250000.0);
  EXPECT_DOUBLE_EQ(ok("1,000,000.5 USD", UnitKind::money), 1000000.5);
  EXPECT_DOUBLE_EQ(ok("8,760 h", UnitKind::duration), 8760.0);
  const std::string want = "count is a count: a number, optionally with k, M or B (250k)";
  EXPECT_EQ(err("25,00", UnitKind::count, "count"), "'25,00' is not a well-formed number (" + want + ")");
  EXPECT_EQ(err("2,5000", UnitKind::count, "count"), "'2,5000' is not a well-formed number (" + want + ")");
  EXPECT_EQ(err(",250", UnitKind::count, "count"), "',250' is not a well-formed number (" + want + ")");
  EXPECT_EQ(err("1,,000", UnitKind::count, "count"), "'1,,000' is not a well-formed number (" + want + ")");
}

TEST(Quantity, WrongDimensionNamesBothKinds) {
  EXPECT_EQ(err("700 Wh", UnitKind::power, "tdp"), "'Wh' is energy; tdp is a power: W, kW, MW or GW");
  EXPECT_EQ(err("6 GW", UnitKind::energy, "e"), "'GW' is power; e is an energy: Wh, kWh, MWh, GWh or TWh");
  EXPECT_EQ(err("2.5 USD/gpu-h", UnitKind::energy_price, "electricity"),
            "'USD/gpu-h' is price per GPU-hour; electricity is an energy price: USD/kWh or USD/MWh");
  EXPECT_EQ(err("30000 USD", UnitKind::gpu_hour_price, "price"),
            "'USD' is amount of money; price is a price per GPU-hour: USD/gpu-h");
  EXPECT_EQ(err("3d", UnitKind::power, "tdp"), "'d' is duration; tdp is a power: W, kW, MW or GW");
  EXPECT_EQ(err("62%", UnitKind::count, "count"),
            "'%' is percentage; count is a count: a number, optionally with k, M or B (250k)");
  EXPECT_EQ(err("11%/y", UnitKind::fraction, "afr"),
            "'%/y' is rate per year; afr is a percentage: a percentage such as 62% or a fraction such as 0.62");
  EXPECT_EQ(err("200M USD/y", UnitKind::money, "capex"),
            "'USD/y' is amount per year; capex is an amount of money: USD, e.g. 30000 USD or 1.3B USD");
  EXPECT_EQ(err("150 USD/kW/month", UnitKind::energy_price, "electricity"),
            "'USD/kW/month' is price per kW of capacity per month; electricity is an energy price: "
            "USD/kWh or USD/MWh");
  EXPECT_EQ(err("300M gpu-h", UnitKind::duration, "term"),
            "'gpu-h' is number of GPU-hours; term is a duration: h, d, w or y");
}

TEST(Quantity, UnknownUnit) {
  EXPECT_EQ(err("700 Watts", UnitKind::power, "tdp"), "unknown unit 'Watts'; tdp is a power: W, kW, MW or GW");
  EXPECT_EQ(err("6 gw", UnitKind::power, "tdp"), "unknown unit 'gw'; tdp is a power: W, kW, MW or GW");
  EXPECT_EQ(err("2.5 EUR/gpu-h", UnitKind::gpu_hour_price, "price"),
            "unknown unit 'EUR/gpu-h'; price is a price per GPU-hour: USD/gpu-h");
  // A multiplier must be written against the number.
  EXPECT_EQ(err("250 k", UnitKind::count, "count"),
            "unknown unit 'k'; count is a count: a number, optionally with k, M or B (250k)");
  EXPECT_EQ(err("1e", UnitKind::ratio, "pue"), "unknown unit 'e'; pue is a plain number: a plain number such as 1.3");
}

TEST(Quantity, NotANumber) {
  EXPECT_EQ(err("lots", UnitKind::count, "count"),
            "'lots' is not a number (count is a count: a number, optionally with k, M or B (250k))");
  EXPECT_EQ(err("W", UnitKind::power, "tdp"), "'W' is not a number (tdp is a power: W, kW, MW or GW)");
  EXPECT_EQ(err("-", UnitKind::power, "tdp"), "'-' is not a number (tdp is a power: W, kW, MW or GW)");
}

TEST(Quantity, NanAndInfinityAreNotFinite) {
  const std::string want = "(pue is a plain number: a plain number such as 1.3)";
  for (const char* text : {"nan", "NaN", ".nan", ".NaN", ".NAN", "inf", ".inf", "-.inf", "+.inf", ".Inf",
                           "-inf", "Infinity", "-Infinity"}) {
    EXPECT_EQ(err(text, UnitKind::ratio, "pue"), "'" + std::string(text) + "' is not a finite number " + want)
        << text;
  }
}

TEST(Quantity, OutOfRangeNumbers) {
  EXPECT_EQ(err("1e400", UnitKind::ratio, "pue"),
            "'1e400' is too large to be a finite number (pue is a plain number: a plain number such as 1.3)");
  EXPECT_EQ(err("1e400 W", UnitKind::power, "tdp"),
            "'1e400 W' is too large to be a finite number (tdp is a power: W, kW, MW or GW)");
  // Finite number, infinite once multiplied: 1e300 × 1e12 overflows.
  EXPECT_EQ(err("1e300 TW", UnitKind::power, "tdp"),
            "'1e300 TW' is too large to be a finite number (tdp is a power: W, kW, MW or GW)");
  // A number too small for a double is zero, not "too large" (regression: it was HUGE_VAL).
  EXPECT_EQ(ok("1e-400 W", UnitKind::power), 0.0);
}

TEST(Quantity, EmptyValue) {
  EXPECT_EQ(err("", UnitKind::power, "tdp"), "missing value (tdp is a power: W, kW, MW or GW)");
  EXPECT_EQ(err("   ", UnitKind::money, "capex"),
            "missing value (capex is an amount of money: USD, e.g. 30000 USD or 1.3B USD)");
}

TEST(Quantity, PlainNumber) {
  EXPECT_EQ(parse_plain_number("250k"), 250e3);
  EXPECT_EQ(parse_plain_number(" 1.5M "), 1.5e6);
  EXPECT_EQ(parse_plain_number("250,000"), 250000.0);
  EXPECT_EQ(parse_plain_number("2B"), 2e9);
  EXPECT_FALSE(parse_plain_number("25,00"));
  EXPECT_FALSE(parse_plain_number("250 W"));
  EXPECT_FALSE(parse_plain_number("250kk"));
  EXPECT_FALSE(parse_plain_number(""));
  EXPECT_FALSE(parse_plain_number("x"));
}

TEST(Quantity, KindNamesForMessages) {
  EXPECT_EQ(unit_kind_noun(UnitKind::power), "a power");
  EXPECT_EQ(unit_kind_noun(UnitKind::energy), "an energy");
  EXPECT_EQ(unit_kind_choices(UnitKind::power), "W, kW, MW or GW");
  EXPECT_EQ(base_unit_name(UnitKind::power), "W");
  EXPECT_EQ(base_unit_name(UnitKind::energy_price), "USD/Wh");
  EXPECT_EQ(base_unit_name(UnitKind::gpu_hour_price), "USD/gpu-h");
  EXPECT_EQ(base_unit_name(UnitKind::ratio), "");
  EXPECT_EQ(base_unit_name(UnitKind::duration), "h");
}

TEST(Quantity, FormatBaseQuantityReadsBackExactly) {
  struct Case {
    double value;
    UnitKind kind;
    const char* text;
  };
  const Case cases[] = {
      {700, UnitKind::power, "700 W"},
      {6e9, UnitKind::power, "6000000000 W"},
      {8e-5, UnitKind::energy_price, "8e-05 USD/Wh"},  // the shortest text that reads back
      {2.5, UnitKind::gpu_hour_price, "2.5 USD/gpu-h"},
      {0.15, UnitKind::power_price, "0.15 USD/W/month"},
      {200e6, UnitKind::money_rate, "200000000 USD/y"},
      {3e8, UnitKind::gpu_hours, "300000000 gpu-h"},
      {0.62, UnitKind::fraction, "0.62"},
      {0.11, UnitKind::rate_per_year, "0.11"},
      {1.3, UnitKind::ratio, "1.3"},
      {250000, UnitKind::count, "250000 gpus"},
      {1.3e9, UnitKind::money, "1300000000 USD"},
      {1e12, UnitKind::energy, "1000000000000 Wh"},
  };
  for (const auto& c : cases) {
    const std::string text = format_base_quantity(c.value, c.kind);
    EXPECT_EQ(text, c.text);
    const QuantityResult back = parse_quantity(text, c.kind, "key");
    ASSERT_TRUE(back.ok()) << back.error;
    EXPECT_EQ(back.value, c.value) << text;  // exact
  }
  EXPECT_EQ(format_base_quantity(6, UnitKind::duration, Span::Unit::years), "6y");
  EXPECT_EQ(format_base_quantity(72, UnitKind::duration), "72h");
  EXPECT_EQ(parse_quantity("6y", UnitKind::duration, "life").span, Span::of_years(6));
}

}  // namespace
}  // namespace gpusim
