// Strong quantity types for the boundaries of gpusim.
//
// Every physical or monetary quantity that crosses a module boundary (a spec
// struct, a result) is a Quantity<Dim>, so that adding watts to dollars does not
// compile. Inside hot loops the engine works on plain doubles / Eigen arrays in
// the base unit of each dimension, named with the unit at the end
// (`it_power_w`, `cost_usd`).
//
// Base units (the `.value` of each type):
//   Power          W
//   Energy         Wh
//   Money          USD
//   Hours          h          (a duration that is a fixed number of hours)
//   GpuHours       GPU-h
//   EnergyPrice    USD/Wh     (parsed from USD/kWh or USD/MWh)
//   GpuHourPrice   USD/GPU-h
//   PowerPrice     USD/W/month (colocation; parsed from USD/kW/month)
//   MoneyRate      USD/year   (a "/y" amount; a year per the scenario's `year`)
//   CarbonIntensity kg CO2/Wh (parsed from kg/kWh, g/kWh or t/MWh)
//
// Products and quotients that have a meaning are defined below:
//   Power × Hours = Energy;  Energy ÷ Hours = Power;  Energy × EnergyPrice = Money;
//   GpuHours × GpuHourPrice = Money;  Money ÷ GpuHours = GpuHourPrice.
#pragma once

#include <compare>

namespace gpusim {

template <class Dim>
struct Quantity {
  double value = 0.0;  // in the dimension's base unit (see above)

  constexpr Quantity() = default;
  constexpr explicit Quantity(double v) : value(v) {}

  constexpr Quantity operator+(Quantity o) const { return Quantity(value + o.value); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(value - o.value); }
  constexpr Quantity operator-() const { return Quantity(-value); }
  constexpr Quantity& operator+=(Quantity o) { value += o.value; return *this; }
  constexpr Quantity& operator-=(Quantity o) { value -= o.value; return *this; }
  constexpr Quantity operator*(double k) const { return Quantity(value * k); }
  constexpr Quantity operator/(double k) const { return Quantity(value / k); }
  // The ratio of two quantities of the same dimension is a plain number.
  constexpr double operator/(Quantity o) const { return value / o.value; }
  constexpr auto operator<=>(const Quantity&) const = default;
};

template <class Dim>
constexpr Quantity<Dim> operator*(double k, Quantity<Dim> q) { return q * k; }

namespace dim {
struct Power {};
struct Energy {};
struct Money {};
struct Hours {};
struct GpuHours {};
struct EnergyPrice {};
struct GpuHourPrice {};
struct PowerPrice {};
struct MoneyRate {};
struct CarbonIntensity {};
}  // namespace dim

using Power = Quantity<dim::Power>;                // W
using Energy = Quantity<dim::Energy>;              // Wh
using Money = Quantity<dim::Money>;                // USD
using Hours = Quantity<dim::Hours>;                // h
using GpuHours = Quantity<dim::GpuHours>;          // GPU-h
using EnergyPrice = Quantity<dim::EnergyPrice>;    // USD/Wh
using GpuHourPrice = Quantity<dim::GpuHourPrice>;  // USD/GPU-h
using PowerPrice = Quantity<dim::PowerPrice>;      // USD/W/month
using MoneyRate = Quantity<dim::MoneyRate>;        // USD/year
using CarbonIntensity = Quantity<dim::CarbonIntensity>;  // kg CO2/Wh

constexpr Energy operator*(Power p, Hours t) { return Energy(p.value * t.value); }
constexpr Energy operator*(Hours t, Power p) { return p * t; }
constexpr Power operator/(Energy e, Hours t) { return Power(e.value / t.value); }
constexpr Money operator*(Energy e, EnergyPrice price) { return Money(e.value * price.value); }
constexpr Money operator*(GpuHours h, GpuHourPrice price) { return Money(h.value * price.value); }
constexpr GpuHourPrice operator/(Money m, GpuHours h) { return GpuHourPrice(m.value / h.value); }

// Convenience constructors in the units people write.
constexpr Power watts(double w) { return Power(w); }
constexpr Power kilowatts(double kw) { return Power(kw * 1e3); }
constexpr Power megawatts(double mw) { return Power(mw * 1e6); }
constexpr Power gigawatts(double gw) { return Power(gw * 1e9); }
constexpr Energy kilowatt_hours(double kwh) { return Energy(kwh * 1e3); }
constexpr Money usd(double v) { return Money(v); }
constexpr Hours hours(double h) { return Hours(h); }
constexpr GpuHours gpu_hours(double h) { return GpuHours(h); }
constexpr GpuHourPrice usd_per_gpu_hour(double v) { return GpuHourPrice(v); }
constexpr EnergyPrice usd_per_kwh(double v) { return EnergyPrice(v / 1e3); }
constexpr PowerPrice usd_per_kw_month(double v) { return PowerPrice(v / 1e3); }
constexpr CarbonIntensity kg_per_kwh(double v) { return CarbonIntensity(v / 1e3); }

constexpr double in_kwh(Energy e) { return e.value / 1e3; }
constexpr double in_mw(Power p) { return p.value / 1e6; }
constexpr double in_usd_per_kwh(EnergyPrice p) { return p.value * 1e3; }
constexpr double in_usd_per_kw_month(PowerPrice p) { return p.value * 1e3; }

}  // namespace gpusim
