// Parsing quantities as scenario files write them: "6 GW", "2.50 USD/gpu-h",
// "250k", "62%", "6y", "1.3B USD", "300M gpu-h".
//
// A value is a number, optionally with a multiplier k, M, B or T written against
// it (thousand, million, billion, trillion), then optionally a unit. A bare
// number is read in the key's default unit. Values come back in the base unit
// of their dimension (models/units.hpp): W, Wh, USD, USD/Wh, USD/GPU-h,
// USD/W/month, USD/y, GPU-h; fractions for percentages; Spans for durations.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/calendar.hpp"

namespace gpusim {

enum class UnitKind {
  power,           // W, kW, MW, GW, TW
  energy,          // Wh, kWh, MWh, GWh, TWh
  money,           // USD
  energy_price,    // USD/kWh, USD/MWh, USD/Wh
  gpu_hour_price,  // USD/gpu-h
  power_price,     // USD/kW/month, USD/MW/month, USD/W/month
  capacity_cost,   // USD/MW, USD/kW, USD/W: a one-off cost per unit of capacity
  money_rate,      // USD/y, USD/month
  gpu_hours,       // gpu-h
  duration,        // h, d, w, y
  fraction,        // %, or a bare fraction 0..1
  rate_per_year,   // %/y or %, or a bare fraction per year
  count,           // a number of GPUs: bare, k/M/B suffix
  ratio,           // a plain number (PUE)
  date,            // YYYY-MM-DD or YYYY-MM-DDTHH:00, as hours since 1970 (Monte Carlo draws)
  carbon_intensity,  // kg/kWh, g/kWh, t/MWh (base kg/Wh)
};

// "a power", "an energy", … for messages.
std::string unit_kind_noun(UnitKind kind);
// The units accepted for a kind, for messages and docs: "W, kW, MW or GW".
std::string unit_kind_choices(UnitKind kind);
// The unit whose factor is 1 (the base), e.g. "W", "USD/gpu-h"; "" for plain numbers.
std::string base_unit_name(UnitKind kind);

struct QuantityResult {
  double value = 0.0;  // in the base unit (for durations: Span.amount)
  Span span;           // for durations
  std::string error;   // empty when parsed
  bool ok() const { return error.empty(); }
};

// Parses `text` as a quantity of `kind` for key `key` (named in messages).
// `default_unit` is the unit a bare number is read in ("" = the base unit).
QuantityResult parse_quantity(std::string_view text, UnitKind kind, std::string_view key,
                              std::string_view default_unit = "");

// Parses a number with an optional k/M/B/T multiplier and nothing else.
std::optional<double> parse_plain_number(std::string_view text);

// A value in a result's units, as a goal-seek target or a published figure is
// written: a number with optional k/M/B/T, then optionally %, USD, MW, kWh or
// gpu-h ("62%" → 0.62, "1.5B USD" → 1.5e9). nullopt when it is not one.
std::optional<double> parse_result_value(std::string_view text);
// A target for a share (utilization.*, a *_share, a *_margin: fractions of at
// most 1) written as a bare number above 1 ("62"): the hint "shares are
// fractions: write 0.62 or 62%"; empty otherwise.
std::string share_hint(const std::string& metric, std::string_view text);

// Formats a base-unit value back in the base unit, so that parse_quantity reads
// it back exactly (17 significant digits): "700 W", "2.5 USD/gpu-h", "6y".
std::string format_base_quantity(double value, UnitKind kind, Span::Unit span_unit = Span::Unit::hours);

}  // namespace gpusim
