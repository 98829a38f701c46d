#include "sim/scenario/printer.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace gpusim {

std::string format_number(double v) {
  if (v == 0) return "0";
  char buf[64];
  if (std::fabs(v) < 1e15 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
#if defined(__cpp_lib_to_chars)
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
#else
  // libc++ before 14 (emscripten's, for the browser page in web/) has no
  // floating-point to_chars: the shortest %g that reads back exactly.
  for (int digits = 1; digits < 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) return buf;
  }
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
#endif
}

double round_decimal_noise(double v) {
  if (!std::isfinite(v) || v == 0) return v;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return std::strtod(buf, nullptr);
}

namespace {

// The shortest number that the loader, multiplying it by `factor` (the unit's
// base units), turns back into exactly `value`; nullopt when there is none (then
// the caller prints in the base unit). Without this, 0.06 USD/kWh is stored as
// 6e-5 USD/Wh and printed as 0.060000000000000005, drifting on every round trip.
std::optional<std::string> exact_in_unit(double value, double factor) {
  const double scaled = value / factor;
  for (int digits = 1; digits <= 17; ++digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, scaled);
    const double x = std::strtod(buf, nullptr);
    if (x * factor == value) return format_number(x);
  }
  return std::nullopt;
}

std::string power(Power p) {
  const double w = p.value;
  if (std::fabs(w) >= 1e9)
    if (auto gw = exact_in_unit(w, 1e9)) return *gw + " GW";
  if (std::fabs(w) >= 1e6)
    if (auto mw = exact_in_unit(w, 1e6)) return *mw + " MW";
  return format_number(w) + " W";
}
std::string money(Money m) { return format_number(m.value) + " USD"; }
std::string percent(double f) {
  if (auto pct = exact_in_unit(f, 0.01)) return *pct + "%";
  return format_number(f);  // a bare fraction reads back exactly
}
std::string span(const Span& s) {
  if (s.unit == Span::Unit::years) return format_number(s.amount) + "y";
  if (s.amount >= 24 && std::fmod(s.amount, 24) == 0) return format_number(s.amount / 24) + "d";
  return format_number(s.amount) + "h";
}
std::string energy_price(EnergyPrice p) {
  if (auto kwh = exact_in_unit(p.value, 1e-3)) return *kwh + " USD/kWh";
  return format_number(p.value) + " USD/Wh";
}
std::string power_price(PowerPrice p) {
  if (auto kw = exact_in_unit(p.value, 1e-3)) return *kw + " USD/kW/month";
  return format_number(p.value) + " USD/W/month";
}
std::string count(double c) { return format_number(c); }
std::string carbon(CarbonIntensity c) {
  if (auto kwh = exact_in_unit(c.value, 1e-3)) return *kwh + " kg/kWh";
  return format_number(c.value) + " kg/Wh";
}

// A tariff or a carbon intensity: flat, 12 monthly values, or time of use.
template <class Q, class Format>
void emit_profile(YAML::Emitter& out, const HourlyProfile<Q>& t, Format format) {
  using Kind = typename HourlyProfile<Q>::Kind;
  if (t.kind == Kind::flat) {
    out << format(t.flat);
  } else if (t.kind == Kind::monthly) {
    out << YAML::Flow << YAML::BeginSeq;
    for (auto p : t.monthly) out << format(p);
    out << YAML::EndSeq;
  } else {
    out << YAML::BeginMap;
    for (auto [key, list] : {std::pair{"weekday", &t.weekday}, std::pair{"weekend", &t.weekend}}) {
      out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (auto p : *list) out << format(p);
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
}


void emit_curve(YAML::Emitter& out, const PowerCurveSpec& c) {
  switch (c.kind) {
    case PowerCurveSpec::Kind::linear: out << "linear"; return;
    case PowerCurveSpec::Kind::square: out << "square"; return;
    case PowerCurveSpec::Kind::cubic: out << "cubic"; return;
    case PowerCurveSpec::Kind::table: break;
  }
  out << YAML::BeginSeq;
  for (const auto& p : c.points) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "load" << YAML::Value << percent(p.load);
    if (p.f) out << YAML::Key << "f" << YAML::Value << percent(*p.f);
    if (p.gpu_power) out << YAML::Key << "power" << YAML::Value << power(*p.gpu_power);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void emit_schedule(YAML::Emitter& out, const CountSchedule& s) {
  if (!s.is_ramp()) {
    out << count(s.constant.value_or(0));
    return;
  }
  out << YAML::BeginSeq;
  for (const auto& p : s.ramp) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "at" << YAML::Value << format_date(p.at)
        << YAML::Key << "count" << YAML::Value << count(p.count) << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void emit_expense(YAML::Emitter& out, const ExpenseSpec& e) {
  out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << e.name;
  if (e.rate) out << YAML::Key << "amount" << YAML::Value << format_number(e.rate->value) + " USD/y";
  if (e.amount) out << YAML::Key << "amount" << YAML::Value << money(*e.amount);
  if (e.at) out << YAML::Key << "at" << YAML::Value << format_date(*e.at);
  if (e.start) out << YAML::Key << "start" << YAML::Value << format_date(*e.start);
  if (e.end) out << YAML::Key << "end" << YAML::Value << format_date(*e.end);
  out << YAML::EndMap;
}

}  // namespace

std::string print_scenario(const ScenarioSpec& s) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << s.name;
  if (!s.description.empty()) out << YAML::Key << "description" << YAML::Value << s.description;
  out << YAML::Key << "time" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "start" << YAML::Value << format_date(s.time.start);
  out << YAML::Key << "end" << YAML::Value << format_date(s.time.end);
  out << YAML::Key << "step" << YAML::Value << (s.time.step_hours == 24 ? "1d" : "1h");
  out << YAML::Key << "year" << YAML::Value
      << (s.time.year == YearConvention::days365 ? "365d" : "calendar");
  out << YAML::EndMap;
  if (s.seed) out << YAML::Key << "seed" << YAML::Value << std::to_string(*s.seed);

  out << YAML::Key << "catalog" << YAML::Value << YAML::BeginMap;
  for (const auto& g : s.catalog) {
    // Only the models the fleet uses: the rest are the built-in catalog's.
    if (std::none_of(s.fleet.begin(), s.fleet.end(), [&](const FleetSpec& f) { return f.gpu == g.id; }))
      continue;
    out << YAML::Key << g.id << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "tdp" << YAML::Value << power(g.tdp);
    out << YAML::Key << "idle" << YAML::Value << power(g.idle);
    out << YAML::Key << "overhead" << YAML::Value << power(g.overhead);
    out << YAML::Key << "price" << YAML::Value << money(g.price);
    out << YAML::Key << "power_curve" << YAML::Value;
    emit_curve(out, g.power_curve);
    if (g.gpus_per_server) out << YAML::Key << "gpus_per_server" << YAML::Value << count(*g.gpus_per_server);
    if (g.gpus_per_rack) out << YAML::Key << "gpus_per_rack" << YAML::Value << count(*g.gpus_per_rack);
    if (!g.source.empty()) out << YAML::Key << "source" << YAML::Value << g.source;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;

  out << YAML::Key << "sites" << YAML::Value;
  if (s.sites.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const auto& site : s.sites) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << site.name;
    out << YAML::Key << "pue" << YAML::Value;
    if (site.pue.monthly.empty()) {
      out << format_number(site.pue.constant);
    } else {
      out << YAML::Flow << YAML::BeginSeq;
      for (double v : site.pue.monthly) out << format_number(v);
      out << YAML::EndSeq;
    }
    if (site.it_power_cap) out << YAML::Key << "it_power_cap" << YAML::Value << power(*site.it_power_cap);
    if (site.power_cap) out << YAML::Key << "power_cap" << YAML::Value << power(*site.power_cap);
    out << YAML::Key << "electricity" << YAML::Value;
    emit_profile(out, site.electricity, energy_price);
    if (!site.ppa.empty()) {
      out << YAML::Key << "ppa" << YAML::Value << YAML::BeginSeq;
      for (const auto& a : site.ppa) {
        out << YAML::BeginMap << YAML::Key << "share" << YAML::Value << percent(a.share);
        out << YAML::Key << "price" << YAML::Value << energy_price(a.price);
        if (a.start) out << YAML::Key << "start" << YAML::Value << format_date(*a.start);
        if (a.end) out << YAML::Key << "end" << YAML::Value << format_date(*a.end);
        if (a.carbon) {
          out << YAML::Key << "carbon" << YAML::Value;
          emit_profile(out, *a.carbon, carbon);
        }
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (site.carbon) {
      out << YAML::Key << "carbon" << YAML::Value;
      emit_profile(out, *site.carbon, carbon);
    }
    if (site.colocation)
      out << YAML::Key << "colocation" << YAML::Value
          << power_price(*site.colocation);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  out << YAML::Key << "fleet" << YAML::Value;
  if (s.fleet.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const auto& f : s.fleet) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << f.name;
    out << YAML::Key << "gpu" << YAML::Value << f.gpu;
    out << YAML::Key << "site" << YAML::Value << f.site;
    if (f.fit) {
      out << YAML::Key << "count" << YAML::Value << "fit";
    } else if (f.schedule.is_ramp()) {
      out << YAML::Key << "ramp" << YAML::Value;
      emit_schedule(out, f.schedule);
    } else {
      out << YAML::Key << "count" << YAML::Value << count(f.schedule.constant.value_or(0));
      out << YAML::Key << "online" << YAML::Value << format_date(f.online);
    }
    if (f.capex_total) out << YAML::Key << "capex_total" << YAML::Value << money(*f.capex_total);
    else out << YAML::Key << "capex" << YAML::Value << money(f.capex);
    out << YAML::Key << "life" << YAML::Value << span(f.life);
    if (f.residual > 0) out << YAML::Key << "residual" << YAML::Value << percent(f.residual);
    out << YAML::Key << "afr" << YAML::Value << percent(f.afr);
    out << YAML::Key << "repair" << YAML::Value << span(f.repair);
    if (f.power_curve) {
      out << YAML::Key << "power_curve" << YAML::Value;
      emit_curve(out, *f.power_curve);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  for (auto [key, list] : {std::pair{"contracts", &s.contracts}, std::pair{"demand", &s.demand}}) {
    const bool demand = std::string(key) == "demand";
    out << YAML::Key << key << YAML::Value;
    if (list->empty()) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const auto& c : *list) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << c.name;
      out << YAML::Key << "customer" << YAML::Value << c.customer;
      out << YAML::Key << "kind" << YAML::Value << contract_kind_name(c.kind);
      out << YAML::Key << "pool" << YAML::Value << c.pool;
      if (c.gpu_hours) {
        out << YAML::Key << "gpu_hours" << YAML::Value << format_number(c.gpu_hours->value) + " gpu-h";
      } else if (c.whole_pool) {
        out << YAML::Key << "gpus" << YAML::Value << "all";
      } else {
        out << YAML::Key << "gpus" << YAML::Value;
        emit_schedule(out, c.gpus);
      }
      if (c.price) out << YAML::Key << "price" << YAML::Value << format_number(c.price->value) + " USD/gpu-h";
      if (c.value) out << YAML::Key << "value" << YAML::Value << money(*c.value);
      out << YAML::Key << "start" << YAML::Value << format_date(c.start.value_or(s.time.start));
      if (c.term) out << YAML::Key << "term" << YAML::Value << span(*c.term);
      else out << YAML::Key << "end" << YAML::Value << format_date(c.end.value_or(s.time.end));
      if (c.price_decline > 0) out << YAML::Key << "price_decline" << YAML::Value << percent(c.price_decline);
      out << YAML::Key << "activity" << YAML::Value << percent(c.activity);
      if (!demand) out << YAML::Key << "take_or_pay" << YAML::Value << (c.take_or_pay ? "true" : "false");
      if (demand) out << YAML::Key << "noise" << YAML::Value << percent(c.noise);
      if (c.prepayment) {
        out << YAML::Key << "prepayment" << YAML::Value
            << (c.prepayment->share ? percent(*c.prepayment->share) : money(*c.prepayment->amount));
      }
      if (c.escalation > 0) out << YAML::Key << "escalation" << YAML::Value << percent(c.escalation);
      if (c.renewal) {
        out << YAML::Key << "renewal" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "term" << YAML::Value << span(c.renewal->term);
        if (c.renewal->price)
          out << YAML::Key << "price" << YAML::Value << format_number(c.renewal->price->value) + " USD/gpu-h";
        else out << YAML::Key << "price_change" << YAML::Value << percent(c.renewal->price_change);
        out << YAML::Key << "probability" << YAML::Value << percent(c.renewal->probability);
        out << YAML::EndMap;
      }
      if (c.terminate) {
        out << YAML::Key << "terminate" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "at" << YAML::Value << format_date(c.terminate->at);
        out << YAML::Key << "fee" << YAML::Value << money(c.terminate->fee);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  const FinanceSpec& fin = s.finance;
  out << YAML::Key << "finance" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "opex" << YAML::Value;
  if (fin.opex.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const auto& e : fin.opex) emit_expense(out, e);
  out << YAML::EndSeq;
  out << YAML::Key << "other" << YAML::Value;
  if (fin.other.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const auto& e : fin.other) emit_expense(out, e);
  out << YAML::EndSeq;
  out << YAML::Key << "debt" << YAML::Value;
  if (fin.debt.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const auto& d : fin.debt) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << d.name;
    out << YAML::Key << "principal" << YAML::Value << money(d.principal);
    out << YAML::Key << "rate" << YAML::Value << percent(d.rate);
    out << YAML::Key << "start" << YAML::Value << format_date(d.start.value_or(s.time.start));
    out << YAML::Key << "term" << YAML::Value << span(d.term);
    out << YAML::Key << "amortization" << YAML::Value
        << (d.amortization == DebtSpec::Amortization::bullet   ? "bullet"
            : d.amortization == DebtSpec::Amortization::linear ? "linear"
                                                               : "annuity");
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "tax_rate" << YAML::Value << percent(fin.tax_rate);
  out << YAML::Key << "discount_rate" << YAML::Value << percent(fin.discount_rate);
  if (!fin.assets.empty()) {
    out << YAML::Key << "assets" << YAML::Value << YAML::BeginSeq;
    for (const auto& a : fin.assets) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << a.name;
      if (a.amount) out << YAML::Key << "amount" << YAML::Value << money(*a.amount);
      if (a.per_mw_usd) out << YAML::Key << "per_mw" << YAML::Value << format_number(*a.per_mw_usd) + " USD/MW";
      if (!a.site.empty()) out << YAML::Key << "site" << YAML::Value << a.site;
      if (a.at) out << YAML::Key << "at" << YAML::Value << format_date(*a.at);
      if (!a.ramp.empty()) {
        out << YAML::Key << "ramp" << YAML::Value;
        emit_schedule(out, CountSchedule{std::nullopt, a.ramp});
      }
      out << YAML::Key << "life" << YAML::Value << span(a.life);
      out << YAML::Key << "residual" << YAML::Value << percent(a.residual);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!fin.warrants.empty()) {
    out << YAML::Key << "warrants" << YAML::Value << YAML::BeginSeq;
    for (const auto& w : fin.warrants) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << w.name;
      out << YAML::Key << "shares" << YAML::Value << count(w.shares);
      out << YAML::Key << "strike" << YAML::Value << money(w.strike);
      out << YAML::Key << "share_price" << YAML::Value << money(w.share_price);
      out << YAML::Key << "site" << YAML::Value << w.site;
      out << YAML::Key << "vest" << YAML::Value << YAML::BeginSeq;
      for (const auto& t : w.vest)
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "at_power" << YAML::Value << power(t.at_power)
            << YAML::Key << "shares" << YAML::Value << count(t.shares) << YAML::EndMap;
      out << YAML::EndSeq << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (fin.terminal_value == TerminalValue::book) out << YAML::Key << "terminal_value" << YAML::Value << "book";
  out << YAML::EndMap;

  if (s.solve) {
    out << YAML::Key << "solve" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "vary" << YAML::Value << s.solve->vary;
    out << YAML::Key << "target" << YAML::Value << s.solve->target;
    out << YAML::Key << "equals" << YAML::Value << format_number(s.solve->equals);
    if (s.solve->low) out << YAML::Key << "low" << YAML::Value << *s.solve->low;
    if (s.solve->high) out << YAML::Key << "high" << YAML::Value << *s.solve->high;
    out << YAML::EndMap;
  }
  if (!s.uncertain.empty()) {
    out << YAML::Key << "uncertain" << YAML::Value << YAML::BeginSeq;
    for (const auto& u : s.uncertain) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << u.name;
      out << YAML::Key << "path" << YAML::Value << u.path;
      out << YAML::Key << "dist" << YAML::Value
          << (u.dist == UncertainSpec::Dist::uniform   ? "uniform"
              : u.dist == UncertainSpec::Dist::normal  ? "normal"
              : u.dist == UncertainSpec::Dist::triangular ? "triangular"
                                                          : "lognormal");
      for (auto [k, v] : {std::pair{"low", &u.low}, std::pair{"high", &u.high}, std::pair{"mode", &u.mode},
                          std::pair{"mean", &u.mean}, std::pair{"sd", &u.sd}})
        if (*v) out << YAML::Key << k << YAML::Value << **v;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace gpusim
