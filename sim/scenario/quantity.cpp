#include "sim/scenario/quantity.hpp"

#include "sim/scenario/printer.hpp"
#include "sim/scenario/schema.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

namespace gpusim {

namespace {

struct UnitDef {
  std::string_view name;
  UnitKind kind;
  double factor;  // base units per one of this unit
  bool years = false;  // durations: counts years
};

// Every unit gpusim reads. The first unit of each kind listed in kChoices is the
// one shown in messages; the factor-1 unit is the base.
constexpr std::array kUnits{
    UnitDef{"W", UnitKind::power, 1.0},
    UnitDef{"kW", UnitKind::power, 1e3},
    UnitDef{"MW", UnitKind::power, 1e6},
    UnitDef{"GW", UnitKind::power, 1e9},
    UnitDef{"TW", UnitKind::power, 1e12},
    UnitDef{"Wh", UnitKind::energy, 1.0},
    UnitDef{"kWh", UnitKind::energy, 1e3},
    UnitDef{"MWh", UnitKind::energy, 1e6},
    UnitDef{"GWh", UnitKind::energy, 1e9},
    UnitDef{"TWh", UnitKind::energy, 1e12},
    UnitDef{"USD", UnitKind::money, 1.0},
    UnitDef{"USD/Wh", UnitKind::energy_price, 1.0},
    UnitDef{"USD/kWh", UnitKind::energy_price, 1e-3},
    UnitDef{"USD/MWh", UnitKind::energy_price, 1e-6},
    UnitDef{"USD/gpu-h", UnitKind::gpu_hour_price, 1.0},
    UnitDef{"USD/GPU-h", UnitKind::gpu_hour_price, 1.0},
    UnitDef{"USD/gpu-hour", UnitKind::gpu_hour_price, 1.0},
    UnitDef{"USD/W/month", UnitKind::power_price, 1.0},
    UnitDef{"USD/kW/month", UnitKind::power_price, 1e-3},
    UnitDef{"USD/MW/month", UnitKind::power_price, 1e-6},
    UnitDef{"USD/W", UnitKind::capacity_cost, 1.0},
    UnitDef{"USD/kW", UnitKind::capacity_cost, 1e-3},
    UnitDef{"USD/MW", UnitKind::capacity_cost, 1e-6},
    UnitDef{"USD/y", UnitKind::money_rate, 1.0},
    UnitDef{"USD/year", UnitKind::money_rate, 1.0},
    UnitDef{"USD/month", UnitKind::money_rate, 12.0},
    UnitDef{"gpu-h", UnitKind::gpu_hours, 1.0},
    UnitDef{"GPU-h", UnitKind::gpu_hours, 1.0},
    UnitDef{"gpu-hours", UnitKind::gpu_hours, 1.0},
    UnitDef{"h", UnitKind::duration, 1.0},
    UnitDef{"d", UnitKind::duration, 24.0},
    UnitDef{"w", UnitKind::duration, 168.0},
    UnitDef{"y", UnitKind::duration, 1.0, true},
    UnitDef{"%", UnitKind::fraction, 0.01},
    UnitDef{"%/y", UnitKind::rate_per_year, 0.01},
    UnitDef{"kg/kWh", UnitKind::carbon_intensity, 1e-3},
    UnitDef{"g/kWh", UnitKind::carbon_intensity, 1e-6},
    UnitDef{"t/MWh", UnitKind::carbon_intensity, 1e-3},
    UnitDef{"kg/MWh", UnitKind::carbon_intensity, 1e-6},
    UnitDef{"kg/Wh", UnitKind::carbon_intensity, 1.0},
    UnitDef{"gpus", UnitKind::count, 1.0},
    UnitDef{"GPUs", UnitKind::count, 1.0},
};

const UnitDef* find_unit(std::string_view name) {
  // By name, the first of a name winning (every quantity read looks up one or two).
  static const std::unordered_map<std::string_view, const UnitDef*> kByName = [] {
    std::unordered_map<std::string_view, const UnitDef*> m;
    for (const auto& u : kUnits) m.emplace(u.name, &u);
    return m;
  }();
  const auto it = kByName.find(name);
  return it == kByName.end() ? nullptr : it->second;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Reads the leading number: digits with optional '_' or well-formed ',' thousands
// separators, a fraction and an exponent. Returns the characters consumed (0: none).
std::size_t read_number(std::string_view s, double& out, bool& bad) {
  std::size_t i = 0;
  std::string digits;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) digits += s[i++];
  const std::size_t int_start = i;
  int group = -1;  // digits since the last comma; -1 before any comma
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == ',')) {
    if (s[i] == ',') {
      if (i == int_start || (group != -1 && group != 3)) bad = true;
      group = 0;
    } else if (s[i] != '_') {
      digits += s[i];
      if (group != -1) ++group;
    }
    ++i;
  }
  if (group != -1 && group != 3) bad = true;
  bool any_digit = i > int_start;
  if (i < s.size() && s[i] == '.') {
    digits += s[i++];
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      digits += s[i++];
      any_digit = true;
    }
  }
  if (!any_digit) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
      digits += s.substr(i, j - i);
      i = j;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) digits += s[i++];
    }
  }
  const char* first = digits.data();
  if (*first == '+') ++first;
#if defined(__cpp_lib_to_chars)
  const auto res = std::from_chars(first, digits.data() + digits.size(), out);
  if (res.ec == std::errc::result_out_of_range) {
    // Too large (±HUGE_VAL) or too small (0 or a denormal): strtod tells which.
    out = std::strtod(digits.c_str(), nullptr);
  } else if (res.ec != std::errc() || res.ptr != digits.data() + digits.size()) {
    bad = true;
  }
#else
  // libc++ before 14 (emscripten's, for the browser page in web/) has no
  // floating-point from_chars; `digits` holds only digits, a point and an
  // exponent, which strtod reads the same way.
  char* end = nullptr;
  out = std::strtod(first, &end);
  if (end != digits.data() + digits.size()) bad = true;
#endif
  return i;
}

double multiplier_of(char c) {
  switch (c) {
    case 'k': return 1e3;
    case 'M': return 1e6;
    case 'B': return 1e9;
    case 'T': return 1e12;
    default: return 0.0;
  }
}

// "5 years" for a duration: "; write 5y" (the unit letters gpusim reads).
std::string duration_word_hint(std::string_view unit, UnitKind kind, std::string_view number) {
  if (kind != UnitKind::duration) return "";
  std::string word;
  for (char c : unit) word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [prefix, letter] : {std::pair{"year", "y"}, std::pair{"week", "w"}, std::pair{"day", "d"},
                                       std::pair{"hour", "h"}, std::pair{"yr", "y"}, std::pair{"hr", "h"}}) {
    if (word.rfind(prefix, 0) == 0) return "; write " + std::string(trim(number)) + letter;
  }
  return "";
}

}  // namespace

std::string unit_kind_noun(UnitKind kind) {
  switch (kind) {
    case UnitKind::power: return "a power";
    case UnitKind::energy: return "an energy";
    case UnitKind::money: return "an amount of money";
    case UnitKind::energy_price: return "an energy price";
    case UnitKind::gpu_hour_price: return "a price per GPU-hour";
    case UnitKind::power_price: return "a price per kW of capacity per month";
    case UnitKind::capacity_cost: return "a cost per unit of capacity";
    case UnitKind::money_rate: return "an amount per year";
    case UnitKind::gpu_hours: return "a number of GPU-hours";
    case UnitKind::duration: return "a duration";
    case UnitKind::fraction: return "a percentage";
    case UnitKind::rate_per_year: return "a rate per year";
    case UnitKind::count: return "a count";
    case UnitKind::ratio: return "a plain number";
    case UnitKind::date: return "a date";
    case UnitKind::carbon_intensity: return "a carbon intensity";
  }
  return "a value";
}

std::string unit_kind_choices(UnitKind kind) {
  switch (kind) {
    case UnitKind::power: return "W, kW, MW or GW";
    case UnitKind::energy: return "Wh, kWh, MWh, GWh or TWh";
    case UnitKind::money: return "USD, e.g. 30000 USD or 1.3B USD";
    case UnitKind::energy_price: return "USD/kWh or USD/MWh";
    case UnitKind::gpu_hour_price: return "USD/gpu-h";
    case UnitKind::power_price: return "USD/kW/month or USD/MW/month";
    case UnitKind::capacity_cost: return "USD/MW or USD/kW, e.g. 10M USD/MW";
    case UnitKind::money_rate: return "USD/y or USD/month";
    case UnitKind::gpu_hours: return "gpu-h, e.g. 300M gpu-h";
    case UnitKind::duration: return "h, d, w or y";
    case UnitKind::fraction: return "a percentage such as 62% or a fraction such as 0.62";
    case UnitKind::rate_per_year: return "a percentage per year such as 11% or 11%/y";
    case UnitKind::count: return "a number, optionally with k, M or B (250k)";
    case UnitKind::ratio: return "a plain number such as 1.3";
    case UnitKind::date: return "YYYY-MM-DD or YYYY-MM-DDTHH:00";
    case UnitKind::carbon_intensity: return "kg/kWh, g/kWh or t/MWh";
  }
  return "";
}

std::string base_unit_name(UnitKind kind) {
  for (const auto& u : kUnits)
    if (u.kind == kind && u.factor == 1.0 && !u.years) return std::string(u.name);
  return "";
}

std::optional<double> parse_plain_number(std::string_view text) {
  text = trim(text);
  double v = 0.0;
  bool bad = false;
  const std::size_t n = read_number(text, v, bad);
  if (n == 0 || bad) return std::nullopt;
  std::string_view rest = text.substr(n);
  if (!rest.empty()) {
    const double m = multiplier_of(rest.front());
    if (m == 0.0 || rest.size() != 1) return std::nullopt;
    v *= m;
  }
  return v;
}

QuantityResult parse_quantity(std::string_view text, UnitKind kind, std::string_view key,
                              std::string_view default_unit) {
  QuantityResult r;
  // What the key takes, for messages (built only for one).
  const auto want = [&] { return std::string(key) + " is " + unit_kind_noun(kind) + ": " + unit_kind_choices(kind); };
  const std::string_view s = trim(text);
  if (s.empty()) {
    r.error = "missing value (" + want() + ")";
    return r;
  }
  if (kind == UnitKind::date) {
    HourStamp h = 0;
    const std::string err = parse_date(std::string(s), h);
    if (!err.empty()) r.error = "'" + std::string(s) + "' is not a date (" + want() + ")";
    else r.value = static_cast<double>(h);
    return r;
  }
  double number = 0.0;
  bool bad = false;
  const std::size_t n = read_number(s, number, bad);
  if (n == 0) {
    // YAML's .nan/.inf in any case and sign, and the C spellings nan/inf/infinity.
    std::string lower;
    for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view word = lower;
    if (!word.empty() && (word.front() == '+' || word.front() == '-')) word.remove_prefix(1);
    if (!word.empty() && word.front() == '.') word.remove_prefix(1);
    if (word == "nan" || word == "inf" || word == "infinity") {
      r.error = "'" + std::string(s) + "' is not a finite number (" + want() + ")";
    } else {
      r.error = "'" + std::string(s) + "' is not a number (" + want() + ")";
    }
    return r;
  }
  if (bad) {
    r.error = "'" + std::string(s) + "' is not a well-formed number (" + want() + ")";
    return r;
  }
  if (!std::isfinite(number)) {
    r.error = "'" + std::string(s) + "' is too large to be a finite number (" + want() + ")";
    return r;
  }
  std::string_view rest = s.substr(n);
  std::string_view unit = trim(rest);
  double mult = 1.0;
  // "6MW" is 6 MW, "250k" is 250 thousand, "300M gpu-h" is 300 million GPU-hours:
  // a whole remainder that is a unit wins; otherwise a leading k/M/B/T multiplies.
  if (!unit.empty() && !find_unit(unit) && !rest.empty() && multiplier_of(rest.front()) != 0.0) {
    mult = multiplier_of(rest.front());
    unit = trim(rest.substr(1));
  }
  if (unit.empty()) unit = default_unit;
  double factor = 1.0;
  bool years = false;
  if (!unit.empty()) {
    const UnitDef* u = find_unit(unit);
    // `%` also serves a per-year rate; a bare count may say "GPUs".
    if (u && u->kind == UnitKind::fraction && kind == UnitKind::rate_per_year) {
      factor = u->factor;
    } else if (!u) {
      r.error = "unknown unit '" + std::string(unit) + "'; " + want() + duration_word_hint(unit, kind, s.substr(0, n));
      return r;
    } else if (u->kind != kind) {
      std::string noun = unit_kind_noun(u->kind);
      // "a power" -> "power" in "`Wh` is energy"
      const auto sp = noun.find(' ');
      if (sp != std::string::npos && (noun.rfind("a ", 0) == 0 || noun.rfind("an ", 0) == 0))
        noun = noun.substr(sp + 1);
      r.error = "'" + std::string(unit) + "' is " + noun + "; " + want();
      return r;
    } else {
      factor = u->factor;
      years = u->years;
    }
  } else if (kind == UnitKind::duration) {
    factor = 1.0;  // hours
  }
  const double value = number * mult * factor;
  if (!std::isfinite(value)) {
    r.error = "'" + std::string(s) + "' is too large to be a finite number (" + want() + ")";
    return r;
  }
  r.value = value;
  if (kind == UnitKind::duration) r.span = years ? Span::of_years(value) : Span::of_hours(value);
  return r;
}

std::optional<double> parse_result_value(std::string_view text) {
  std::string t(trim(text));
  double scale = 1.0;
  for (const char* unit : {"%", " USD", "USD", " MW", " kWh", " gpu-h", " USD/gpu-h"}) {
    const std::string u = unit;
    if (t.size() > u.size() && t.compare(t.size() - u.size(), u.size(), u) == 0) {
      t = t.substr(0, t.size() - u.size());
      if (u == "%") scale = 0.01;
      break;
    }
  }
  const auto v = parse_plain_number(t);
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return *v * scale;
}

std::string share_hint(const std::string& metric, std::string_view text) {
  const auto ends_with = [&](std::string_view tail) {
    return metric.size() >= tail.size() && metric.compare(metric.size() - tail.size(), tail.size(), tail) == 0;
  };
  const bool share = metric.rfind("utilization.", 0) == 0 || ends_with("_share") || ends_with("_margin");
  const std::string written(trim(text));
  if (!share || written.find('%') != std::string::npos) return "";
  const auto value = parse_result_value(written);
  if (!value || *value <= 1.0) return "";
  return "shares are fractions: write " + format_number(*value / 100) + " or " + format_number(*value) + "%";
}

std::string format_base_quantity(double value, UnitKind kind, Span::Unit span_unit) {
  if (kind == UnitKind::date) return format_date(static_cast<HourStamp>(std::llround(value)));
  std::string out = format_number(value);  // the shortest text that reads back

  if (kind == UnitKind::duration) return out + (span_unit == Span::Unit::years ? "y" : "h");
  const std::string unit = base_unit_name(kind);
  if (kind == UnitKind::fraction || kind == UnitKind::rate_per_year || unit.empty()) return out;
  return out + " " + unit;
}

}  // namespace gpusim
