#include "sim/scenario/loader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <string_view>
#include <unordered_set>
#include <tuple>

#include "models/catalog.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A declaration's common part; the typed builders below add the reader.
struct Decl {
  const char* name;
  const char* description;
  std::optional<std::string> default_value = std::nullopt;  // parsed when absent
  const char* default_doc = nullptr;  // shown when the default is derived
  bool required = false;
  double min = -kInf;
  double max = kInf;
  const char* range_doc = "";
  const char* default_unit = "";
};

template <class S>
Field<S> base_field(const Decl& d, std::string type_doc, KeyType key_type) {
  Field<S> f;
  f.name = d.name;
  f.description = d.description;
  f.default_value = d.default_value;
  f.required = d.required;
  f.default_doc = d.required ? "required"
                  : d.default_doc ? d.default_doc
                  : d.default_value ? *d.default_value
                                    : "none";
  f.type_doc = std::move(type_doc);
  if (*d.range_doc) f.type_doc += "; " + std::string(d.range_doc);
  f.key_type = std::move(key_type);
  return f;
}

std::string quantity_type_doc(UnitKind kind, const char* default_unit) {
  std::string t = unit_kind_noun(kind);
  if (t.rfind("a ", 0) == 0) t = t.substr(2);
  else if (t.rfind("an ", 0) == 0) t = t.substr(3);
  t += " (" + unit_kind_choices(kind) + ")";
  if (*default_unit) t += ", bare number in " + std::string(default_unit);
  return t;
}

// A number with a unit, stored as double in the base unit via `store`.
template <class S, class Store>
Field<S> number_field(const Decl& d, UnitKind kind, Store store) {
  Field<S> f = base_field<S>(d, quantity_type_doc(kind, d.default_unit),
                             {KeyType::Shape::quantity, kind, d.default_unit, d.min, d.max});
  const double lo = d.min, hi = d.max;
  const std::string range = d.range_doc;
  const std::string unit = d.default_unit;
  f.read = [=](ReadContext& ctx, const DocNode& n, S& s) {
    auto v = read_number_as(ctx, n, kind, unit);
    if (!v) return;
    if (!check_range(ctx, n, *v, lo, hi, range.empty() ? "a value in range" : range)) return;
    store(s, *v);
  };
  return f;
}

template <class S, class D>
Field<S> quantity(const Decl& d, UnitKind kind, Quantity<D> S::*m) {
  return number_field<S>(d, kind, [m](S& s, double v) { s.*m = Quantity<D>(v); });
}
template <class S, class D>
Field<S> quantity(const Decl& d, UnitKind kind, std::optional<Quantity<D>> S::*m) {
  return number_field<S>(d, kind, [m](S& s, double v) { s.*m = Quantity<D>(v); });
}
template <class S>
Field<S> plain(const Decl& d, UnitKind kind, double S::*m) {
  return number_field<S>(d, kind, [m](S& s, double v) { s.*m = v; });
}

// A duration; `d.min`/`d.max` (in hours, a year counted as 8,760 h) bound it
// when given, e.g. a depreciation life of 1 d to 100 y.
template <class S, class M>
Field<S> span_field(const Decl& d, M S::*m) {
  Field<S> f = base_field<S>(d, quantity_type_doc(UnitKind::duration, d.default_unit),
                             {KeyType::Shape::quantity, UnitKind::duration, d.default_unit, 0.0, kInf,
                              std::max(0.0, d.min), d.max});
  const std::string unit = d.default_unit;
  const double lo = d.min, hi = d.max;
  const std::string range = d.range_doc;
  f.read = [=](ReadContext& ctx, const DocNode& n, S& s) {
    const auto v = read_span(ctx, n, unit);
    if (!v) return;
    const double hours = v->unit == Span::Unit::years ? v->amount * 8760.0 : v->amount;
    if (!check_range(ctx, n, hours, lo, hi, range.empty() ? "a value in range" : range)) return;
    s.*m = *v;
  };
  return f;
}

template <class S, class M>
Field<S> date_field(const Decl& d, M S::*m) {
  Field<S> f = base_field<S>(d, "date (YYYY-MM-DD or YYYY-MM-DDTHH:00)", {KeyType::Shape::date});
  f.read = [=](ReadContext& ctx, const DocNode& n, S& s) {
    if (auto v = read_date(ctx, n)) s.*m = *v;
  };
  return f;
}

template <class S, class M>
Field<S> text_field(const Decl& d, M S::*m) {
  Field<S> f = base_field<S>(d, "text", {KeyType::Shape::text});
  f.read = [=](ReadContext& ctx, const DocNode& n, S& s) {
    if (auto v = read_text(ctx, n)) {
      if (v->empty()) {
        ctx.error(n.loc, "empty text (expected " + std::string(d.description) + ")");
        return;
      }
      s.*m = *v;
    }
  };
  return f;
}

template <class S>
Field<S> bool_field(const Decl& d, bool S::*m) {
  Field<S> f = base_field<S>(d, "true or false", {KeyType::Shape::boolean});
  f.read = [=](ReadContext& ctx, const DocNode& n, S& s) {
    if (auto v = read_bool(ctx, n)) s.*m = *v;
  };
  return f;
}

template <class E>
using Choices = std::vector<std::pair<std::string, E>>;

template <class S, class E>
Field<S> choice_field(const Decl& d, E S::*m, Choices<E> choices) {
  std::vector<std::string> names;
  for (const auto& c : choices) names.push_back(c.first);
  std::string doc = "one of: ";
  for (std::size_t i = 0; i < names.size(); ++i) doc += (i ? ", " : "") + names[i];
  Field<S> f = base_field<S>(d, doc, {KeyType::Shape::choice});
  f.read = [=](ReadContext& ctx, const DocNode& n, S& s) {
    if (n.is_scalar()) {
      for (const auto& c : choices) {
        if (c.first == n.scalar) {
          s.*m = c.second;
          return;
        }
      }
    }
    ctx.error(n.loc, (n.is_scalar() ? "unknown " + std::string(d.name) + " '" + n.scalar + "'" +
                                          did_you_mean(n.scalar, names)
                                    : "expected a name, found " + Section<S>::describe(n)) +
                         " (expected one of: " + join_names(names) + ")");
  };
  return f;
}

template <class S>
Field<S> custom_field(const Decl& d, std::string type_doc,
                      std::function<void(ReadContext&, const DocNode&, S&)> read,
                      KeyType key_type = {KeyType::Shape::structured}) {
  Field<S> f = base_field<S>(d, std::move(type_doc), std::move(key_type));
  f.read = std::move(read);
  return f;
}

// A catalog model's GPUs per server or per rack: a whole number from 1.
template <class S>
Field<S> packaging_field(const Decl& d, std::optional<double> S::*m) {
  Field<S> f = base_field<S>(d, "whole number of GPUs from 1", {KeyType::Shape::quantity, UnitKind::count, "", 1.0, 1e6});
  f.read = [=](ReadContext& ctx, const DocNode& n, S& s) {
    auto v = read_number_as(ctx, n, UnitKind::count, "");
    if (!v || !check_range(ctx, n, *v, 1, 1e6, "a whole number of GPUs from 1")) return;
    if (*v != std::floor(*v)) {
      ctx.error(n.loc, "'" + n.scalar + "' is not a whole number of GPUs");
      return;
    }
    s.*m = *v;
  };
  return f;
}

// ---- Structured values ----

std::optional<PowerCurveSpec> read_power_curve(ReadContext& ctx, const DocNode& n) {
  PowerCurveSpec c;
  if (n.is_scalar()) {
    if (n.scalar == "linear") c.kind = PowerCurveSpec::Kind::linear;
    else if (n.scalar == "square") c.kind = PowerCurveSpec::Kind::square;
    else if (n.scalar == "cubic") c.kind = PowerCurveSpec::Kind::cubic;
    else {
      ctx.error(n.loc, "unknown power_curve '" + n.scalar + "'" +
                           did_you_mean(n.scalar, {"linear", "square", "cubic"}) +
                           " (expected linear, square, cubic, or a table: a list of "
                           "{load: %, f: fraction} or {load: %, power: W})");
      return std::nullopt;
    }
    return c;
  }
  if (!n.is_seq() || n.children.size() < 2) {
    ctx.error(n.loc, "expected linear, square, cubic, or a table of at least two points "
                     "{load: %, f: fraction} or {load: %, power: W}");
    return std::nullopt;
  }
  c.kind = PowerCurveSpec::Kind::table;
  const std::string base = ctx.path;
  bool ok = true;
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    const DocNode& p = n.children[i];
    ctx.path = base + "[" + std::to_string(i) + "]";
    if (!p.is_map()) {
      ctx.error(p.loc, "expected {load: %, f: fraction} or {load: %, power: W}");
      ok = false;
      continue;
    }
    for (std::size_t k = 0; k < p.keys.size(); ++k) {
      if (p.keys[k] != "load" && p.keys[k] != "f" && p.keys[k] != "power") {
        ctx.diags.error(p.key_locs[k], ctx.path + "." + p.keys[k],
                        "unknown key" + did_you_mean(p.keys[k], {"load", "f", "power"}) +
                            " (valid keys: load, f, power)");
        ok = false;
      }
    }
    const DocNode* load = p.find("load");
    const DocNode* f = p.find("f");
    const DocNode* power = p.find("power");
    if (!load || (!f == !power)) {
      ctx.error(p.loc, "a table point needs 'load' and exactly one of 'f' or 'power'");
      ok = false;
      continue;
    }
    PowerCurvePoint pt;
    const std::string point = ctx.path;
    ctx.path = point + ".load";
    auto u = read_number_as(ctx, *load, UnitKind::fraction, "");
    if (!u || !check_range(ctx, *load, *u, 0, 1, "0 to 100%")) {
      ok = false;
      continue;
    }
    pt.load = *u;
    if (f) {
      ctx.path = point + ".f";
      auto fv = read_number_as(ctx, *f, UnitKind::fraction, "");
      if (!fv || !check_range(ctx, *f, *fv, 0, 1, "0 to 100%")) {
        ok = false;
        continue;
      }
      pt.f = *fv;
    } else {
      ctx.path = point + ".power";
      auto pw = read_number_as(ctx, *power, UnitKind::power, "W");
      if (!pw || !check_range(ctx, *power, *pw, 0, kInf, "0 W or more")) {
        ok = false;
        continue;
      }
      pt.gpu_power = Power(*pw);
    }
    if (!c.points.empty() && pt.load <= c.points.back().load) {
      ctx.path = point + ".load";
      ctx.error(load->loc, "loads must increase along the table");
      ok = false;
      continue;
    }
    c.points.push_back(pt);
  }
  ctx.path = base;
  if (!ok) return std::nullopt;
  if (c.points.front().load != 0.0 || c.points.back().load != 1.0) {
    ctx.error(n.loc, "the table must run from load 0% to load 100% (curves do not extrapolate)");
    return std::nullopt;
  }
  return c;
}

std::optional<std::vector<double>> read_number_list(ReadContext& ctx, const DocNode& n, std::size_t count,
                                                    UnitKind kind, const char* unit, double lo,
                                                    const std::string& range) {
  if (!n.is_seq() || n.children.size() != count) {
    ctx.error(n.loc, "expected a list of " + std::to_string(count) + " values, found " +
                         (n.is_seq() ? std::to_string(n.children.size()) + (n.children.size() == 1 ? " value" : " values")
                                     : Section<int>::describe(n)));
    return std::nullopt;
  }
  std::vector<double> out;
  bool ok = true;
  const std::string base = ctx.path;
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    ctx.path = base + "[" + std::to_string(i) + "]";
    auto v = read_number_as(ctx, n.children[i], kind, unit);
    if (!v || !check_range(ctx, n.children[i], *v, lo, kInf, range)) {
      ok = false;
      continue;
    }
    out.push_back(*v);
  }
  ctx.path = base;
  if (!ok) return std::nullopt;
  return out;
}

std::optional<MonthlyValue> read_pue(ReadContext& ctx, const DocNode& n) {
  MonthlyValue mv;
  if (n.is_seq()) {
    auto v = read_number_list(ctx, n, 12, UnitKind::ratio, "", 1.0, "a PUE from 1 to 10");
    if (!v) return std::nullopt;
    for (std::size_t i = 0; i < v->size(); ++i) {
      if ((*v)[i] > 10.0) {
        ctx.error(n.children[i].loc, "'" + n.children[i].scalar + "' is out of range (expected a PUE from 1 to 10)");
        return std::nullopt;
      }
    }
    mv.monthly = *v;
    return mv;
  }
  auto v = read_number_as(ctx, n, UnitKind::ratio, "");
  if (!v || !check_range(ctx, n, *v, 1.0, 10.0, "a PUE from 1 to 10")) return std::nullopt;
  mv.constant = *v;
  return mv;
}

// What an hourly profile holds: a tariff's prices or the grid's carbon intensity.
struct ProfileDoc {
  UnitKind kind;
  const char* default_unit;
  const char* flat_range;   // "0 USD/kWh or more"
  const char* time_of_use;  // the message when weekday or weekend is missing
};
const ProfileDoc kTariffDoc{UnitKind::energy_price, "USD/kWh", "0 USD/kWh or more",
                            "a time-of-use tariff needs 'weekday' and 'weekend', each 24 hourly prices"};
const ProfileDoc kCarbonDoc{UnitKind::carbon_intensity, "kg/kWh", "0 kg/kWh or more",
                            "an hourly carbon intensity needs 'weekday' and 'weekend', each 24 hourly values"};

// A flat value, 12 monthly values, or {weekday: [24], weekend: [24]}; never negative.
template <class Q>
std::optional<HourlyProfile<Q>> read_profile(ReadContext& ctx, const DocNode& n, const ProfileDoc& doc) {
  using Profile = HourlyProfile<Q>;
  Profile t;
  auto to_values = [](const std::vector<double>& v) {
    std::vector<Q> out;
    for (double x : v) out.emplace_back(x);
    return out;
  };
  if (n.is_seq()) {
    auto v = read_number_list(ctx, n, 12, doc.kind, doc.default_unit, 0.0, "0 or more");
    if (!v) return std::nullopt;
    t.kind = Profile::Kind::monthly;
    t.monthly = to_values(*v);
    return t;
  }
  if (n.is_map()) {
    for (std::size_t k = 0; k < n.keys.size(); ++k) {
      if (n.keys[k] != "weekday" && n.keys[k] != "weekend") {
        ctx.diags.error(n.key_locs[k], ctx.path + "." + n.keys[k],
                        "unknown key" + did_you_mean(n.keys[k], {"weekday", "weekend"}) +
                            " (valid keys: weekday, weekend)");
        return std::nullopt;
      }
    }
    const DocNode* wd = n.find("weekday");
    const DocNode* we = n.find("weekend");
    if (!wd || !we) {
      ctx.error(n.loc, doc.time_of_use);
      return std::nullopt;
    }
    const std::string base = ctx.path;
    ctx.path = base + ".weekday";
    auto a = read_number_list(ctx, *wd, 24, doc.kind, doc.default_unit, 0.0, "0 or more");
    ctx.path = base + ".weekend";
    auto b = read_number_list(ctx, *we, 24, doc.kind, doc.default_unit, 0.0, "0 or more");
    ctx.path = base;
    if (!a || !b) return std::nullopt;
    t.kind = Profile::Kind::time_of_use;
    t.weekday = to_values(*a);
    t.weekend = to_values(*b);
    return t;
  }
  auto v = read_number_as(ctx, n, doc.kind, doc.default_unit);
  if (!v || !check_range(ctx, n, *v, 0, kInf, doc.flat_range)) return std::nullopt;
  t.kind = Profile::Kind::flat;
  t.flat = Q(*v);
  return t;
}

// An expense or other-income amount: a rate (USD/y, USD/month) or a one-off USD.
void read_amount(ReadContext& ctx, const DocNode& n, ExpenseSpec& e) {
  if (!n.is_scalar()) {
    ctx.error(n.loc, "expected an amount per year (USD/y, USD/month) or a one-off amount (USD) "
                     "with 'at'");
    return;
  }
  const std::string key = "amount";
  QuantityResult rate = parse_quantity(n.scalar, UnitKind::money_rate, key, "USD/y");
  if (rate.ok()) {
    e.rate = MoneyRate(rate.value);
    return;
  }
  QuantityResult once = parse_quantity(n.scalar, UnitKind::money, key, "");
  if (once.ok() && n.scalar.find("USD") != std::string::npos) {
    e.amount = Money(once.value);
    return;
  }
  ctx.error(n.loc, rate.error.rfind("'USD' is an amount of money", 0) == 0
                       ? once.error
                       : "'" + n.scalar + "': expected an amount per year (USD/y or USD/month) "
                                          "or a one-off amount in USD with 'at'");
}

// A prepayment: a share of the contract's value (20%, or a bare fraction) or an amount (1.94B USD).
void read_prepayment(ReadContext& ctx, const DocNode& n, ContractSpec& c) {
  if (!n.is_scalar()) {
    ctx.error(n.loc, "expected a share of the contract's value (20%) or an amount (1.94B USD), found " +
                         Section<int>::describe(n));
    return;
  }
  PrepaymentSpec p;
  if (n.scalar.find("USD") != std::string::npos) {
    auto v = read_number_as(ctx, n, UnitKind::money, "USD");
    if (!v || !check_range(ctx, n, *v, 0, kInf, "0 USD or more")) return;
    p.amount = Money(*v);
  } else {
    auto v = read_number_as(ctx, n, UnitKind::fraction, "");
    if (!v || !check_range(ctx, n, *v, 0, 1, "a share from 0 to 100% of the contract's value, or an amount in USD")) return;
    p.share = *v;
  }
  c.prepayment = p;
}

// ---- The sections ----

struct TimeSpecRaw {
  HourStamp start = 0;
  std::optional<HourStamp> end;
  std::optional<Span> duration;
  Span step = Span::of_hours(1);
  YearConvention year = YearConvention::calendar;
};

// The top level as read, before cross-checks and derived defaults.
struct RawScenario {
  ScenarioSpec spec;
  TimeSpecRaw time;
  bool has_time = false;
};

struct Schema {
  Section<RawScenario> top{"top level", "A scenario file is a map with these keys."};
  Section<TimeSpecRaw> time{"time", "The time grid."};
  Section<GpuModelSpec> catalog{"catalog entries",
                                "`catalog:` maps a GPU id to these keys; an id in the built-in "
                                "catalog (`gpusim catalog`) is overridden key by key, a new id "
                                "needs tdp, idle, overhead and price."};
  Section<SiteSpec> site{"sites[]", "Data-center sites: power caps, PUE, electricity and colocation prices, power purchase agreements, carbon."};
  Section<PpaSpec> ppa{"sites[].ppa", "A power purchase agreement: `ppa:` is one map or a list of them. `share` of the site's facility energy in [start, end) is bought at `price`, the rest at the site's `electricity` tariff; the shares active at any time sum to at most 100%."};
  Section<FleetSpec> fleet{"fleet[]", "GPU pools: a catalog model at a site, deployed over time."};
  Section<ContractSpec> contract{"contracts[]", "Rental contracts, allocated in file order."};
  Section<ContractSpec> demand{"demand[]", "On-demand and spot markets, served after reserved contracts."};
  Section<FinanceSpec> finance{"finance", "Costs other than energy and colocation, debt, tax and discounting."};
  Section<ExpenseSpec> opex{"finance.opex[]", "Fixed operating expenses (positive = cost)."};
  Section<ExpenseSpec> other{"finance.other[]", "Other income (+) and expense (-) below operating income."};
  Section<DebtSpec> debt{"finance.debt[]", "Debt tranches."};
  Section<RenewalSpec> renewal{"contracts[].renewal", "What happens at a contract's end: it continues for `term` at a new price, with a probability."};
  Section<TerminationSpec> terminate{"contracts[].terminate", "Early termination: billing stops at `at`; the fee is other income then."};
  Section<AssetSpec> asset{"finance.assets[]", "Capital items other than GPUs (halls, power and cooling, networking): capex when in service, straight-line depreciation over their own life."};
  Section<WarrantSpec> warrant{"finance.warrants[]", "Vendor equity (warrants) granted to the buyer, vesting as a site's installed IT power reaches milestones; each tranche's value is other income."};
  Section<WarrantTrancheSpec> vest{"finance.warrants[].vest[]", "Vesting milestones, in increasing power."};
  Section<SolveSpec> solve{"solve", "Goal-seek: vary one key until a result equals a target."};
  Section<UncertainSpec> uncertain{"uncertain[]", "Inputs drawn once per Monte Carlo run (`gpusim mc`)."};

  Schema();
  void read_catalog(ReadContext& ctx, const DocNode& n, std::vector<GpuModelSpec>& out) const;
  void read_ppa(ReadContext& ctx, const DocNode& n, std::vector<PpaSpec>& out) const;
};

void Schema::read_ppa(ReadContext& ctx, const DocNode& n, std::vector<PpaSpec>& out) const {
  if (n.is_map()) {
    PpaSpec one;
    ppa.read(ctx, n, one);
    out.push_back(one);
    return;
  }
  if (!n.is_seq() || n.children.empty()) {
    ctx.error(n.loc, "expected a PPA {share, price, start, end, carbon} or a list of them, found " +
                         Section<int>::describe(n));
    return;
  }
  const std::string base = ctx.path;
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    ctx.path = base + "[" + std::to_string(i) + "]";
    ctx.locations[ctx.path] = n.children[i].loc;
    PpaSpec one;
    ppa.read(ctx, n.children[i], one);
    out.push_back(one);
  }
  ctx.path = base;
}

void Schema::read_catalog(ReadContext& ctx, const DocNode& n, std::vector<GpuModelSpec>& out) const {
  if (n.is_null()) return;
  if (!n.is_map()) {
    ctx.error(n.loc, "expected a map from GPU id to {tdp, idle, overhead, price, ...}, found " +
                         Section<int>::describe(n));
    return;
  }
  const std::string base = ctx.path;
  for (std::size_t i = 0; i < n.keys.size(); ++i) {
    const std::string& id = n.keys[i];
    const DocNode& entry = n.children[i];
    ctx.path = base + "." + id;
    ctx.locations[ctx.path] = entry.loc;
    auto it = std::find_if(out.begin(), out.end(), [&](const GpuModelSpec& g) { return g.id == id; });
    const bool is_new = it == out.end();
    GpuModelSpec g;
    if (is_new) {
      g.id = id;
    } else {
      g = *it;
    }
    if (!entry.is_map()) {
      ctx.error(entry.loc, "expected a map with keys " + join_names(catalog.keys()) + ", found " +
                               Section<int>::describe(entry));
      continue;
    }
    if (is_new) {
      for (const char* key : {"tdp", "idle", "overhead", "price"}) {
        if (!entry.find(key))
          ctx.error(entry.loc, std::string("missing required key '") + key +
                                   "' (a new GPU model needs tdp, idle, overhead and price)");
      }
    }
    // Keys absent from an override keep the built-in values, so no defaults apply here.
    const std::size_t before = ctx.diags.size();
    GpuModelSpec read = g;
    for (const auto& f : catalog.fields()) {
      const DocNode* v = entry.find(f.name);
      ctx.path = base + "." + id + "." + f.name;
      if (v) {
        ctx.locations[ctx.path] = v->loc;
        f.read(ctx, *v, read);
      }
    }
    for (std::size_t k = 0; k < entry.keys.size(); ++k) {
      if (!catalog.field(entry.keys[k]))
        ctx.diags.error(entry.key_locs[k], base + "." + id + "." + entry.keys[k],
                        "unknown key" + did_you_mean(entry.keys[k], catalog.keys()) +
                            " (valid keys: " + join_names(catalog.keys()) + ")");
    }
    if (ctx.diags.size() != before) continue;
    if (is_new) out.push_back(read);
    else *it = read;
  }
  ctx.path = base;
}

const Choices<ContractKind> kContractKinds{
    {"reserved", ContractKind::reserved}, {"on_demand", ContractKind::on_demand}, {"spot", ContractKind::spot}};
const Choices<ContractKind> kDemandKinds{{"on_demand", ContractKind::on_demand}, {"spot", ContractKind::spot}};

// `renewal` and `terminate` (the schema's sections) are given for contracts[], null for demand[].
void add_contract_fields(Section<ContractSpec>& s, bool is_demand, const Section<RenewalSpec>* renewal = nullptr,
                         const Section<TerminationSpec>* terminate = nullptr) {
  s.add(text_field<ContractSpec>({.name = "name", .description = "unique name; the customer's name unless `customer` is given", .required = true}, &ContractSpec::name));
  s.add(text_field<ContractSpec>({.name = "customer", .description = "customer it bills, for revenue shares (several contracts may share one)", .default_doc = "the name"}, &ContractSpec::customer));
  Field<ContractSpec> kind = choice_field<ContractSpec>({.name = "kind", .description = is_demand ? "on_demand (served after reserved) or spot (served last)" : "reserved (take-or-pay, served first in file order), on_demand or spot", .default_value = std::string(is_demand ? "on_demand" : "reserved")}, &ContractSpec::kind, is_demand ? kDemandKinds : kContractKinds);
  if (is_demand) {
    // Say where a reserved contract belongs rather than only listing the kinds.
    kind.read = [read = kind.read](ReadContext& ctx, const DocNode& n, ContractSpec& c) {
      if (n.is_scalar() && n.scalar == "reserved") {
        ctx.error(n.loc, "demand is on_demand or spot; reserved contracts go under contracts");
        return;
      }
      read(ctx, n, c);
    };
  }
  s.add(kind);
  s.add(text_field<ContractSpec>({.name = "pool", .description = "the fleet pool whose GPUs it uses", .required = true}, &ContractSpec::pool));
  s.add(custom_field<ContractSpec>({.name = "gpus", .description = is_demand ? "GPUs demanded: a count, or a ramp" : "GPUs contracted: a count, a ramp, or `all` (every available GPU of the pool); or give gpu_hours", .default_doc = "none"},
                                   is_demand ? "count (250k, 1,250 servers) or ramp [{at: DATE, count: N}, ...]" : "count (250k, 1,250 servers), all, or ramp [{at: DATE, count: N}, ...]",
                                   [is_demand](ReadContext& ctx, const DocNode& n, ContractSpec& c) {
                                     if (auto v = read_count_schedule(ctx, n, nullptr, is_demand ? nullptr : &c.whole_pool)) c.gpus = *v;
                                   },
                                   KeyType{KeyType::Shape::quantity, UnitKind::count, "", 0.0, 1e12}));
  if (!is_demand) {
    s.add(quantity<ContractSpec>({.name = "gpu_hours", .description = "size as GPU-hours, spread evenly over the contract's term (instead of gpus)", .min = 0, .range_doc = "0 or more"}, UnitKind::gpu_hours, &ContractSpec::gpu_hours));
  }
  s.add(quantity<ContractSpec>({.name = "price", .description = "price per GPU-hour billed", .min = 0, .max = 1e4, .range_doc = "0 to 10,000 USD/gpu-h", .default_unit = "USD/gpu-h"}, UnitKind::gpu_hour_price, &ContractSpec::price));
  if (!is_demand) {
    s.add(quantity<ContractSpec>({.name = "value", .description = "total contract value; the price is derived as value / contracted GPU-hours (instead of price)", .min = 0, .max = 1e15, .range_doc = "0 to 1,000T USD", .default_unit = "USD"}, UnitKind::money, &ContractSpec::value));
  }
  s.add(date_field<ContractSpec>({.name = "start", .description = "first hour it bills", .default_doc = "run start"}, &ContractSpec::start));
  if (!is_demand) {
    s.add(span_field<ContractSpec>({.name = "term", .description = "length; start + term = end (instead of end)", .default_unit = "y"}, &ContractSpec::term));
  }
  s.add(date_field<ContractSpec>({.name = "end", .description = "first hour it no longer bills", .default_doc = "run end"}, &ContractSpec::end));
  s.add(plain<ContractSpec>({.name = "price_decline", .description = "yearly fall of the price: price × (1 − decline)^(years since start); e.g. H100 rentals fell 22% in 2025 (docs/facts.md: confirmed)", .default_value = std::string("0%"), .min = 0, .max = 1, .range_doc = "0 to 100%/y"}, UnitKind::rate_per_year, &ContractSpec::price_decline));
  s.add(plain<ContractSpec>({.name = "activity", .description = "share of billed GPU-hours in which its GPUs are busy (drives power)", .default_value = std::string("100%"), .min = 0, .max = 1, .range_doc = "0 to 100%"}, UnitKind::fraction, &ContractSpec::activity));
  if (!is_demand) {
    s.add(custom_field<ContractSpec>({.name = "prepayment", .description = "cash received at `start`, applied against the bills pro rata (each bill is paid (1 − P ÷ V) in cash, V the value at full delivery); what is not applied by the end is refunded then", .default_doc = "none"},
                                     "a share of the contract's value (20%) or an amount (1.94B USD)",
                                     [](ReadContext& ctx, const DocNode& n, ContractSpec& c) { read_prepayment(ctx, n, c); },
                                     KeyType{KeyType::Shape::quantity, UnitKind::fraction, "", 0.0, 1.0}));
    s.add(plain<ContractSpec>({.name = "escalation", .description = "yearly rise of the price on each anniversary of start: price × (1 + e)^⌊years since start⌋; with value, the first-year price is derived so the total at full delivery is the value", .default_value = std::string("0%")}, UnitKind::rate_per_year, &ContractSpec::escalation));
    s.add(custom_field<ContractSpec>({.name = "renewal", .description = "continues after the end (see contracts[].renewal)", .default_doc = "none"}, "map",
                                     [renewal](ReadContext& ctx, const DocNode& n, ContractSpec& c) {
                                       RenewalSpec r;
                                       renewal->read(ctx, n, r);
                                       c.renewal = r;
                                     }));
    s.add(custom_field<ContractSpec>({.name = "terminate", .description = "ends early (see contracts[].terminate)", .default_doc = "none"}, "map",
                                     [terminate](ReadContext& ctx, const DocNode& n, ContractSpec& c) {
                                       TerminationSpec t;
                                       terminate->read(ctx, n, t);
                                       c.terminate = t;
                                     }));
    s.add(bool_field<ContractSpec>({.name = "take_or_pay", .description = "reserved: bills every GPU-hour it gets, busy or not; false bills only busy hours", .default_value = std::string("true")}, &ContractSpec::take_or_pay));
  } else {
    s.add(plain<ContractSpec>({.name = "noise", .description = "relative standard deviation of demand each step, drawn only under a seed", .default_value = std::string("0%"), .min = 0, .max = 10, .range_doc = "0 to 1000%"}, UnitKind::fraction, &ContractSpec::noise));
  }
}

void add_expense_fields(Section<ExpenseSpec>& s, const char* sign_doc) {
  s.add(text_field<ExpenseSpec>({.name = "name", .description = "unique name", .required = true}, &ExpenseSpec::name));
  s.add(custom_field<ExpenseSpec>({.name = "amount", .description = sign_doc, .required = true},
                                  "amount per year (USD/y, USD/month; bare number in USD/y) or one-off amount (USD) with `at`",
                                  [](ReadContext& ctx, const DocNode& n, ExpenseSpec& e) { read_amount(ctx, n, e); },
                                  KeyType{KeyType::Shape::quantity, UnitKind::money_rate, "USD/y"}));
  s.add(date_field<ExpenseSpec>({.name = "at", .description = "date of a one-off amount"}, &ExpenseSpec::at));
  s.add(date_field<ExpenseSpec>({.name = "start", .description = "a yearly amount accrues from here", .default_doc = "run start"}, &ExpenseSpec::start));
  s.add(date_field<ExpenseSpec>({.name = "end", .description = "a yearly amount accrues until here (exclusive)", .default_doc = "run end"}, &ExpenseSpec::end));
}

Schema::Schema() {
  using R = RawScenario;
  top.add(custom_field<R>({.name = "name", .description = "the scenario's title", .required = true}, "text",
                          [](ReadContext& ctx, const DocNode& n, R& r) {
                            if (auto v = read_text(ctx, n)) r.spec.name = *v;
                          }));
  top.add(custom_field<R>({.name = "description", .description = "what the scenario models and where its numbers come from", .default_doc = "empty"}, "text",
                          [](ReadContext& ctx, const DocNode& n, R& r) {
                            if (auto v = read_text(ctx, n)) {
                              // A folded block (description: >) ends in a newline: drop it.
                              while (!v->empty() && (v->back() == '\n' || v->back() == ' ')) v->pop_back();
                              r.spec.description = *v;
                            }
                          }));
  top.add(custom_field<R>({.name = "extends", .description = "a scenario file (relative to this one) whose keys this file overrides: maps key by key, named lists item by item"}, "file path",
                          [](ReadContext&, const DocNode&, R&) {}));
  top.add(custom_field<R>({.name = "time", .description = "the time grid (see time)", .required = true}, "map",
                          [this](ReadContext& ctx, const DocNode& n, R& r) {
                            r.has_time = true;
                            time.read(ctx, n, r.time);
                          }));
  top.add(custom_field<R>({.name = "catalog", .description = "GPU models to add or override, by id (see catalog entries)", .default_doc = "the built-in catalog"}, "map of id to entry",
                          [this](ReadContext& ctx, const DocNode& n, R& r) { read_catalog(ctx, n, r.spec.catalog); }));
  top.add(custom_field<R>({.name = "sites", .description = "data-center sites (see sites[])", .default_doc = "none"}, "list",
                          [this](ReadContext& ctx, const DocNode& n, R& r) { read_named_list(ctx, n, site, r.spec.sites); }));
  top.add(custom_field<R>({.name = "fleet", .description = "GPU pools (see fleet[])", .default_doc = "none"}, "list",
                          [this](ReadContext& ctx, const DocNode& n, R& r) { read_named_list(ctx, n, fleet, r.spec.fleet); }));
  top.add(custom_field<R>({.name = "contracts", .description = "reserved contracts and other rentals (see contracts[])", .default_doc = "none"}, "list",
                          [this](ReadContext& ctx, const DocNode& n, R& r) { read_named_list(ctx, n, contract, r.spec.contracts); }));
  top.add(custom_field<R>({.name = "demand", .description = "on-demand and spot markets (see demand[])", .default_doc = "none"}, "list",
                          [this](ReadContext& ctx, const DocNode& n, R& r) { read_named_list(ctx, n, demand, r.spec.demand); }));
  top.add(custom_field<R>({.name = "finance", .description = "opex, other items, debt, tax and discount rate (see finance)", .default_doc = "no opex, debt or tax; 10% discount rate"}, "map",
                          [this](ReadContext& ctx, const DocNode& n, R& r) { finance.read(ctx, n, r.spec.finance); }));
  top.add(custom_field<R>({.name = "solve", .description = "a goal-seek run by `gpusim run` (see solve)", .default_doc = "none"}, "map",
                          [this](ReadContext& ctx, const DocNode& n, R& r) {
                            SolveSpec s;
                            solve.read(ctx, n, s);
                            r.spec.solve = s;
                          }));
  top.add(custom_field<R>({.name = "uncertain", .description = "Monte Carlo inputs (see uncertain[])", .default_doc = "none"}, "list",
                          [this](ReadContext& ctx, const DocNode& n, R& r) { read_named_list(ctx, n, uncertain, r.spec.uncertain); }));
  top.add(custom_field<R>({.name = "seed", .description = "random seed: when set, demand noise and failures are drawn (otherwise expected values)", .default_doc = "none (deterministic)"}, "whole number 0 to 2^64-1",
                          [](ReadContext& ctx, const DocNode& n, R& r) {
                            if (n.is_scalar() && !n.scalar.empty() &&
                                std::all_of(n.scalar.begin(), n.scalar.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                                n.scalar.size() <= 20) {
                              try {
                                r.spec.seed = std::stoull(n.scalar);
                                return;
                              } catch (const std::exception&) {
                              }
                            }
                            ctx.error(n.loc, "expected a whole number from 0 to 18446744073709551615");
                          }));

  time.add(date_field<TimeSpecRaw>({.name = "start", .description = "first hour of the run (inclusive)", .required = true}, &TimeSpecRaw::start));
  time.add(date_field<TimeSpecRaw>({.name = "end", .description = "end of the run (exclusive); or give duration"}, &TimeSpecRaw::end));
  time.add(span_field<TimeSpecRaw>({.name = "duration", .description = "length of the run; or give end", .default_unit = "h"}, &TimeSpecRaw::duration));
  time.add(span_field<TimeSpecRaw>({.name = "step", .description = "step length: 1h or 1d", .default_value = std::string("1h"), .default_unit = "h"}, &TimeSpecRaw::step));
  time.add(choice_field<TimeSpecRaw>({.name = "year", .description = "length of a year for `y` durations and `/y` rates: the calendar's (8,760 or 8,784 h) or always 8,760 h (the articles' convention)", .default_value = std::string("calendar")},
                                     &TimeSpecRaw::year, Choices<YearConvention>{{"calendar", YearConvention::calendar}, {"365d", YearConvention::days365}}));

  using G = GpuModelSpec;
  catalog.add(quantity<G>({.name = "tdp", .description = "a busy GPU's draw", .default_doc = "the built-in value; required for a new id", .min = 0, .range_doc = "0 W or more", .default_unit = "W"}, UnitKind::power, &G::tdp));
  catalog.add(quantity<G>({.name = "idle", .description = "an idle GPU's draw", .default_doc = "the built-in value; required for a new id", .min = 0, .range_doc = "0 W or more", .default_unit = "W"}, UnitKind::power, &G::idle));
  catalog.add(quantity<G>({.name = "overhead", .description = "server share per powered GPU: CPUs, memory, NICs, fans", .default_doc = "the built-in value; required for a new id", .min = 0, .range_doc = "0 W or more", .default_unit = "W"}, UnitKind::power, &G::overhead));
  catalog.add(quantity<G>({.name = "price", .description = "purchase price per GPU (a pool's default capex)", .default_doc = "the built-in value; required for a new id", .min = 0, .max = 1e7, .range_doc = "0 to 10M USD", .default_unit = "USD"}, UnitKind::money, &G::price));
  catalog.add(custom_field<G>({.name = "power_curve", .description = "f(u): share of the idle-to-busy swing drawn at load u", .default_value = std::string("linear")},
                              "linear, square, cubic, or a table [{load: %, f: fraction | power: W}, ...] from 0% to 100%",
                              [](ReadContext& ctx, const DocNode& n, G& g) {
                                if (auto c = read_power_curve(ctx, n)) g.power_curve = *c;
                              }));
  catalog.add(packaging_field<G>({.name = "gpus_per_server", .description = "GPUs in one server (8 in an HGX board, 4 in an NVL72 compute tray): what `N servers` counts", .default_doc = "the built-in value; none for a new id"}, &G::gpus_per_server));
  catalog.add(packaging_field<G>({.name = "gpus_per_rack", .description = "GPUs in one rack system (72 in an NVL72 rack): what `N racks` counts", .default_doc = "the built-in value; none for a new id"}, &G::gpus_per_rack));
  catalog.add(text_field<G>({.name = "source", .description = "where the figures come from", .default_doc = "empty"}, &G::source));

  site.add(text_field<SiteSpec>({.name = "name", .description = "unique name", .required = true}, &SiteSpec::name));
  site.add(custom_field<SiteSpec>({.name = "pue", .description = "facility power / IT power; a constant or 12 monthly values (Jan..Dec). Default: new large builds <= 1.3 (Uptime, docs/facts.md: confirmed)", .default_value = std::string("1.3")},
                                  "ratio >= 1, or a list of 12",
                                  [](ReadContext& ctx, const DocNode& n, SiteSpec& s) {
                                    if (auto v = read_pue(ctx, n)) s.pue = *v;
                                  },
                                  KeyType{KeyType::Shape::quantity, UnitKind::ratio, "", 1.0, 10.0}));
  site.add(quantity<SiteSpec>({.name = "it_power_cap", .description = "cap on critical IT load; also the leased kW for colocation", .min = 0, .range_doc = "0 W or more", .default_unit = "W"}, UnitKind::power, &SiteSpec::it_power_cap));
  site.add(quantity<SiteSpec>({.name = "power_cap", .description = "cap on facility (grid) draw", .min = 0, .range_doc = "0 W or more", .default_unit = "W"}, UnitKind::power, &SiteSpec::power_cap));
  site.add(custom_field<SiteSpec>({.name = "electricity", .description = "tariff: flat, 12 monthly prices, or time-of-use {weekday: [24], weekend: [24]}. Default: US industrial average 2023, 8.06 c/kWh (EIA, docs/facts.md: confirmed)", .default_value = std::string("0.0806 USD/kWh")},
                                  "energy price (USD/kWh), a list of 12, or {weekday: [24], weekend: [24]}",
                                  [](ReadContext& ctx, const DocNode& n, SiteSpec& s) {
                                    if (auto t = read_profile<EnergyPrice>(ctx, n, kTariffDoc)) s.electricity = *t;
                                  },
                                  KeyType{KeyType::Shape::quantity, UnitKind::energy_price, "USD/kWh", 0.0}));
  site.add(custom_field<SiteSpec>({.name = "ppa", .description = "power purchase agreements (see sites[].ppa): one {share, price, start, end, carbon} or a list", .default_doc = "none (all energy at the tariff)"},
                                  "map or list of maps",
                                  [this](ReadContext& ctx, const DocNode& n, SiteSpec& s) { read_ppa(ctx, n, s.ppa); }));
  site.add(custom_field<SiteSpec>({.name = "carbon", .description = "grid carbon intensity (CO2 per kWh of facility energy): flat, 12 monthly values, or {weekday: [24], weekend: [24]}. US grid average 2023: 0.366 kg/kWh (EIA, docs/facts.md: derived)", .default_doc = "none (no CO2 figure)"},
                                  "carbon intensity (kg/kWh, g/kWh or t/MWh), a list of 12, or {weekday: [24], weekend: [24]}",
                                  [](ReadContext& ctx, const DocNode& n, SiteSpec& s) {
                                    if (auto c = read_profile<CarbonIntensity>(ctx, n, kCarbonDoc)) s.carbon = *c;
                                  },
                                  KeyType{KeyType::Shape::quantity, UnitKind::carbon_intensity, "kg/kWh", 0.0}));
  site.add(quantity<SiteSpec>({.name = "colocation", .description = "colocation rent per leased kW per month (leased kW: it_power_cap, else the installed full-load IT power)", .min = 0, .range_doc = "0 or more", .default_unit = "USD/kW/month"}, UnitKind::power_price, &SiteSpec::colocation));

  ppa.add(plain<PpaSpec>({.name = "share", .description = "share of the site's facility energy bought under this PPA", .required = true, .min = 0, .max = 1, .range_doc = "0 to 100%"}, UnitKind::fraction, &PpaSpec::share));
  ppa.add(quantity<PpaSpec>({.name = "price", .description = "price of the PPA's energy", .required = true, .min = 0, .range_doc = "0 or more", .default_unit = "USD/kWh"}, UnitKind::energy_price, &PpaSpec::price));
  ppa.add(date_field<PpaSpec>({.name = "start", .description = "first hour of the PPA", .default_doc = "run start"}, &PpaSpec::start));
  ppa.add(date_field<PpaSpec>({.name = "end", .description = "end of the PPA (exclusive)", .default_doc = "run end"}, &PpaSpec::end));
  ppa.add(custom_field<PpaSpec>({.name = "carbon", .description = "carbon intensity of the PPA's energy (0 kg/kWh for wind or solar), as sites[].carbon", .default_doc = "the site's carbon"},
                                "as sites[].carbon",
                                [](ReadContext& ctx, const DocNode& n, PpaSpec& p) {
                                  if (auto c = read_profile<CarbonIntensity>(ctx, n, kCarbonDoc)) p.carbon = *c;
                                },
                                KeyType{KeyType::Shape::quantity, UnitKind::carbon_intensity, "kg/kWh", 0.0}));

  using F = FleetSpec;
  fleet.add(text_field<F>({.name = "name", .description = "unique name", .required = true}, &F::name));
  fleet.add(text_field<F>({.name = "gpu", .description = "a GPU model id from the catalog", .required = true}, &F::gpu));
  fleet.add(text_field<F>({.name = "site", .description = "the site it is installed at", .required = true}, &F::site));
  fleet.add(custom_field<F>({.name = "count", .description = "GPUs installed from `online`, or `fit`: the most whole GPUs whose full-load draw fits the site's caps (for GPUs over time, give `ramp` instead)", .default_doc = "none (give count or ramp)"},
                            "count (250k, 1,056 racks, 1,250 servers) or fit",
                            [](ReadContext& ctx, const DocNode& n, F& f) {
                              if (n.is_seq()) {
                                ctx.error(n.loc, "a list of points is a ramp: write it under `ramp:` (count is a number or fit)");
                                return;
                              }
                              if (auto v = read_count_schedule(ctx, n, &f.fit, nullptr)) f.schedule = *v;
                            },
                            KeyType{KeyType::Shape::quantity, UnitKind::count, "", 0.0, 1e12}));
  fleet.add(date_field<F>({.name = "online", .description = "when a constant count enters service (may be before the run: then no capex in the run)", .default_doc = "run start"}, &F::online));
  fleet.add(custom_field<F>({.name = "ramp", .description = "installed GPUs over time, linear between points, zero before the first, constant after the last", .default_doc = "none"},
                            "[{at: DATE, count: N}, ...]",
                            [](ReadContext& ctx, const DocNode& n, F& f) {
                              if (auto v = read_ramp(ctx, n, f.schedule.unit)) f.schedule.ramp = *v;
                            }));
  fleet.add(quantity<F>({.name = "capex", .description = "purchase cost per GPU, paid when it enters service (above 1M USD is an error: did you mean capex_total?)", .default_doc = "the catalog price", .min = 0, .max = 1e15, .range_doc = "0 to 1,000T USD; above 1M USD an error that asks for capex_total", .default_unit = "USD"}, UnitKind::money, &F::capex));
  fleet.add(quantity<F>({.name = "capex_total", .description = "the pool's whole purchase (GPUs and the equipment bought with them), spread over its GPUs as they enter service: per GPU = capex_total ÷ the pool's largest count (instead of capex)", .default_doc = "none", .min = 0, .max = 1e15, .range_doc = "0 to 1,000T USD", .default_unit = "USD"}, UnitKind::money, &F::capex_total));
  fleet.add(span_field<F>({.name = "life", .description = "straight-line depreciation life. Default: 6 y (CoreWeave, Microsoft, Google; docs/facts.md: confirmed)", .default_value = std::string("6y"), .min = 24, .max = 876000, .range_doc = "1d to 100y", .default_unit = "y"}, &F::life));
  fleet.add(plain<F>({.name = "residual", .description = "share of the cost left at the end of its life: depreciation is (cost − residual) ÷ life", .default_value = std::string("0%"), .min = 0, .max = 1, .range_doc = "0 to less than 100%"}, UnitKind::fraction, &F::residual));
  fleet.add(plain<F>({.name = "afr", .description = "annual failure rate: share of GPUs failing per year", .default_value = std::string("0%"), .min = 0, .max = 10, .range_doc = "0 to 1000%/y"}, UnitKind::rate_per_year, &F::afr));
  fleet.add(span_field<F>({.name = "repair", .description = "time a failed GPU is down", .default_value = std::string("3d"), .default_unit = "h"}, &F::repair));
  fleet.add(custom_field<F>({.name = "power_curve", .description = "overrides the catalog model's power_curve", .default_doc = "the catalog's"},
                            "as catalog power_curve",
                            [](ReadContext& ctx, const DocNode& n, F& f) {
                              if (auto c = read_power_curve(ctx, n)) f.power_curve = *c;
                            }));

  add_contract_fields(contract, false, &renewal, &terminate);
  renewal.add(span_field<RenewalSpec>({.name = "term", .description = "how long it continues after the end", .required = true, .default_unit = "y"}, &RenewalSpec::term));
  renewal.add(quantity<RenewalSpec>({.name = "price", .description = "the price per GPU-hour while renewed (instead of price_change)", .default_doc = "the price in force at the end", .min = 0, .range_doc = "0 or more", .default_unit = "USD/gpu-h"}, UnitKind::gpu_hour_price, &RenewalSpec::price));
  renewal.add(plain<RenewalSpec>({.name = "price_change", .description = "the renewed price as a change from the price in force at the end (-20%)", .default_doc = "0%", .min = -1, .max = 10, .range_doc = "-100% to 1000%"}, UnitKind::fraction, &RenewalSpec::price_change));
  renewal.add(plain<RenewalSpec>({.name = "probability", .description = "chance it renews: without a seed the renewal counts with this weight (expected GPU-hours and revenue); under a seed it is drawn per run", .default_value = std::string("100%"), .min = 0, .max = 1, .range_doc = "0 to 100%"}, UnitKind::fraction, &RenewalSpec::probability));
  terminate.add(date_field<TerminationSpec>({.name = "at", .description = "billing stops here (between the contract's start and end)", .required = true}, &TerminationSpec::at));
  terminate.add(quantity<TerminationSpec>({.name = "fee", .description = "termination fee, other income in the step of `at`", .default_value = std::string("0 USD"), .min = 0, .range_doc = "0 or more", .default_unit = "USD"}, UnitKind::money, &TerminationSpec::fee));
  add_contract_fields(demand, true);

  finance.add(custom_field<FinanceSpec>({.name = "opex", .description = "fixed operating expenses (see finance.opex[])", .default_doc = "none"}, "list",
                                        [this](ReadContext& ctx, const DocNode& n, FinanceSpec& f) { read_named_list(ctx, n, opex, f.opex); }));
  finance.add(custom_field<FinanceSpec>({.name = "other", .description = "other income and expense (see finance.other[])", .default_doc = "none"}, "list",
                                        [this](ReadContext& ctx, const DocNode& n, FinanceSpec& f) { read_named_list(ctx, n, other, f.other); }));
  finance.add(custom_field<FinanceSpec>({.name = "debt", .description = "debt tranches (see finance.debt[])", .default_doc = "none"}, "list",
                                        [this](ReadContext& ctx, const DocNode& n, FinanceSpec& f) { read_named_list(ctx, n, debt, f.debt); }));
  finance.add(plain<FinanceSpec>({.name = "tax_rate", .description = "tax on positive pre-tax income, per calendar year of the run", .default_value = std::string("0%"), .min = 0, .max = 1, .range_doc = "0 to 100%"}, UnitKind::fraction, &FinanceSpec::tax_rate));
  finance.add(plain<FinanceSpec>({.name = "discount_rate", .description = "yearly rate for NPV", .default_value = std::string("10%"), .min = -0.99, .max = 10, .range_doc = "-99% to 1000%"}, UnitKind::rate_per_year, &FinanceSpec::discount_rate));

  finance.add(custom_field<FinanceSpec>({.name = "assets", .description = "capital items other than GPUs (see finance.assets[])", .default_doc = "none"}, "list",
                                        [this](ReadContext& ctx, const DocNode& n, FinanceSpec& f) { read_named_list(ctx, n, asset, f.assets); }));
  finance.add(custom_field<FinanceSpec>({.name = "warrants", .description = "vendor equity vesting with deployed power (see finance.warrants[])", .default_doc = "none"}, "list",
                                        [this](ReadContext& ctx, const DocNode& n, FinanceSpec& f) { read_named_list(ctx, n, warrant, f.warrants); }));
  finance.add(choice_field<FinanceSpec>({.name = "terminal_value", .description = "none: the run ends with its cash flows; book: the remaining book value of GPUs and assets at the run's end is a cash inflow in its last month for NPV, IRR and payback only (not net income or cash_flow_usd)", .default_value = std::string("none")},
                                        &FinanceSpec::terminal_value, Choices<TerminalValue>{{"none", TerminalValue::none}, {"book", TerminalValue::book}}));

  using A = AssetSpec;
  asset.add(text_field<A>({.name = "name", .description = "unique name", .required = true}, &A::name));
  asset.add(quantity<A>({.name = "amount", .description = "its cost (instead of per_mw)", .min = 0, .range_doc = "0 or more", .default_unit = "USD"}, UnitKind::money, &A::amount));
  asset.add(number_field<A>({.name = "per_mw", .description = "its cost per MW of its site's it_power_cap (instead of amount)", .min = 0, .range_doc = "0 or more", .default_unit = "USD/MW"}, UnitKind::capacity_cost, [](A& a, double v) { a.per_mw_usd = v * 1e6; }));
  asset.add(text_field<A>({.name = "site", .description = "the site it belongs to (needed with per_mw)", .default_doc = "none"}, &A::site));
  asset.add(date_field<A>({.name = "at", .description = "in service (and paid for) on this date; or give ramp", .default_doc = "none"}, &A::at));
  asset.add(custom_field<A>({.name = "ramp", .description = "spread like a pool's ramp: the cost per unit is amount ÷ the largest count, paid as units enter service (instead of at)", .default_doc = "none"},
                            "[{at: DATE, count: N}, ...]",
                            [](ReadContext& ctx, const DocNode& n, A& a) {
                              // Only the shape matters (amount ÷ the largest count), so counts in
                              // servers or racks read as written.
                              CountUnit unit = CountUnit::gpus;
                              if (auto v = read_ramp(ctx, n, unit)) a.ramp = *v;
                            }));
  asset.add(span_field<A>({.name = "life", .description = "straight-line depreciation life", .default_value = std::string("20y"), .default_unit = "y"}, &A::life));
  asset.add(plain<A>({.name = "residual", .description = "share of the cost left at the end of its life", .default_value = std::string("0%"), .min = 0, .max = 1, .range_doc = "0 to less than 100%"}, UnitKind::fraction, &A::residual));

  using W = WarrantSpec;
  warrant.add(text_field<W>({.name = "name", .description = "unique name", .required = true}, &W::name));
  warrant.add(plain<W>({.name = "shares", .description = "shares granted in all", .required = true, .min = 0, .max = 1e12, .range_doc = "0 or more"}, UnitKind::count, &W::shares));
  warrant.add(quantity<W>({.name = "strike", .description = "exercise price per share", .default_value = std::string("0 USD"), .min = 0, .range_doc = "0 or more", .default_unit = "USD"}, UnitKind::money, &W::strike));
  warrant.add(quantity<W>({.name = "share_price", .description = "the vendor's share price when a tranche vests (the natural `uncertain:` input)", .required = true, .min = 0, .range_doc = "0 or more", .default_unit = "USD"}, UnitKind::money, &W::share_price));
  warrant.add(text_field<W>({.name = "site", .description = "the site whose installed IT power vests the tranches", .required = true}, &W::site));
  warrant.add(custom_field<W>({.name = "vest", .description = "milestones (see finance.warrants[].vest[])", .required = true}, "list of {at_power, shares}",
                              [this](ReadContext& ctx, const DocNode& n, W& w) { read_named_list(ctx, n, vest, w.vest); }));
  vest.add(quantity<WarrantTrancheSpec>({.name = "at_power", .description = "the tranche vests when the site's installed full-load IT power first reaches this", .required = true, .min = 0, .range_doc = "0 W or more", .default_unit = "W"}, UnitKind::power, &WarrantTrancheSpec::at_power));
  vest.add(plain<WarrantTrancheSpec>({.name = "shares", .description = "shares in the tranche", .required = true, .min = 0, .max = 1e12, .range_doc = "0 or more"}, UnitKind::count, &WarrantTrancheSpec::shares));

  add_expense_fields(opex, "cost per year, or a one-off cost with `at`");
  add_expense_fields(other, "income (+) or expense (-) per year, or one-off with `at`");

  using D = DebtSpec;
  debt.add(text_field<D>({.name = "name", .description = "unique name", .required = true}, &D::name));
  debt.add(quantity<D>({.name = "principal", .description = "amount borrowed", .required = true, .min = 0, .max = 1e15, .range_doc = "0 to 1,000T USD", .default_unit = "USD"}, UnitKind::money, &D::principal));
  debt.add(plain<D>({.name = "rate", .description = "interest per year on the outstanding balance", .required = true, .min = 0, .max = 10, .range_doc = "0 to 1000%/y"}, UnitKind::rate_per_year, &D::rate));
  debt.add(date_field<D>({.name = "start", .description = "drawn on this date (may be before the run: then only its interest and repayments fall in the run)", .default_doc = "run start"}, &D::start));
  debt.add(span_field<D>({.name = "term", .description = "time to final repayment", .default_value = std::string("5y"), .min = 24, .max = 876000, .range_doc = "1d to 100y", .default_unit = "y"}, &D::term));
  debt.add(choice_field<D>({.name = "amortization", .description = "bullet: all principal at the end; linear: equal principal each step; annuity: equal payments", .default_value = std::string("bullet")},
                           &D::amortization, Choices<D::Amortization>{{"bullet", D::Amortization::bullet}, {"linear", D::Amortization::linear}, {"annuity", D::Amortization::annuity}}));

  solve.add(text_field<SolveSpec>({.name = "vary", .description = "the scenario key to vary, by path (contracts.Others.gpus)", .required = true}, &SolveSpec::vary));
  solve.add(text_field<SolveSpec>({.name = "target", .description = "the result to hit, by its JSON summary path (customers.Microsoft.revenue_share)", .required = true}, &SolveSpec::target));
  solve.add(custom_field<SolveSpec>({.name = "equals", .description = "the target: a value in the summary's units (62% or 0.62 for shares, USD for money), or another result's path (contracts.C1.price_usd_per_gpu_hour)", .required = true},
                                    "number (optionally with %, k/M/B, USD) or a result path",
                                    [](ReadContext& ctx, const DocNode& n, SolveSpec& s) {
                                      if (!n.is_scalar()) {
                                        ctx.error(n.loc, "expected a number such as 62% or 0 USD, or a result path");
                                        return;
                                      }
                                      if (auto v = parse_result_value(n.scalar)) {
                                        s.equals = *v;
                                        return;
                                      }
                                      const std::string& t = n.scalar;
                                      const bool path_like = t.find('.') != std::string::npos &&
                                          std::isalpha(static_cast<unsigned char>(t.front()));
                                      if (!path_like) {
                                        ctx.error(n.loc, "'" + t + "' is not a number or a result path (expected e.g. 62%, 0 USD, 1.5B USD, finance.revenue_usd)");
                                        return;
                                      }
                                      s.equals_metric = t;
                                    }));
  solve.add(custom_field<SolveSpec>({.name = "low", .description = "lower end of the search, in the varied key's unit", .default_doc = "derived from the current value"}, "value in the varied key's unit",
                                    [](ReadContext& ctx, const DocNode& n, SolveSpec& s) {
                                      if (auto v = read_text(ctx, n)) s.low = *v;
                                    }));
  solve.add(custom_field<SolveSpec>({.name = "high", .description = "upper end of the search, in the varied key's unit", .default_doc = "derived from the current value"}, "value in the varied key's unit",
                                    [](ReadContext& ctx, const DocNode& n, SolveSpec& s) {
                                      if (auto v = read_text(ctx, n)) s.high = *v;
                                    }));

  using U = UncertainSpec;
  uncertain.add(text_field<U>({.name = "name", .description = "unique name", .required = true}, &U::name));
  uncertain.add(text_field<U>({.name = "path", .description = "the scenario key drawn, by path (demand.od.price)", .required = true}, &U::path));
  uncertain.add(choice_field<U>({.name = "dist", .description = "uniform (low, high), normal (mean, sd), triangular (low, mode, high), lognormal (mean, sd of the value itself)", .required = true},
                                &U::dist, Choices<U::Dist>{{"uniform", U::Dist::uniform}, {"normal", U::Dist::normal}, {"triangular", U::Dist::triangular}, {"lognormal", U::Dist::lognormal}}));
  for (auto [key, member] : {std::pair{"low", &U::low}, std::pair{"high", &U::high}, std::pair{"mode", &U::mode},
                             std::pair{"mean", &U::mean}, std::pair{"sd", &U::sd}}) {
    auto m = member;
    uncertain.add(custom_field<U>({.name = key, .description = "a parameter of the distribution, in the key's unit", .default_doc = "none"},
                                  "value in the key's unit",
                                  [m](ReadContext& ctx, const DocNode& n, U& u) {
                                    if (auto v = read_text(ctx, n)) u.*m = *v;
                                  }));
  }
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

const Schema& schema() {
  static const Schema kSchema;  // immutable after construction
  return kSchema;
}

SourceLoc loc_of(const LocationIndex& locs, const std::string& path) {
  auto it = locs.find(path);
  if (it != locs.end()) return it->second;
  // Fall back to the closest enclosing key that was written.
  std::string p = path;
  while (true) {
    const auto dot = p.rfind('.');
    if (dot == std::string::npos) break;
    p = p.substr(0, dot);
    it = locs.find(p);
    if (it != locs.end()) return it->second;
  }
  return {};
}

bool has_key(const LocationIndex& locs, const std::string& path) { return locs.count(path) > 0; }

std::vector<std::string> names_of(const auto& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.name);
  return out;
}

// The names of a list's items, listed and hashed: 2,000 contracts each
// naming their pool is not 2,000 copies and scans of the fleet's names.
class NameSet {
 public:
  // (A short list is searched: hashing it would cost more.)
  explicit NameSet(const auto& items) : list_(names_of(items)) {
    if (list_.size() > kSearched) set_.insert(list_.begin(), list_.end());
  }
  NameSet(const NameSet&) = delete;  // the set views the list's strings
  NameSet& operator=(const NameSet&) = delete;
  const std::vector<std::string>& list() const { return list_; }
  bool contains(const std::string& name) const {
    if (list_.size() > kSearched) return set_.count(name) > 0;
    return std::find(list_.begin(), list_.end(), name) != list_.end();
  }

 private:
  static constexpr std::size_t kSearched = 16;
  std::vector<std::string> list_;
  std::unordered_set<std::string_view> set_;
};

// An item's key paths, ITEM.LEAF, built in one buffer.
class KeyPaths {
 public:
  explicit KeyPaths(const std::string& item) : buf_(item + "."), base_(buf_.size()) {}
  const std::string& operator()(std::string_view leaf) {
    buf_.resize(base_);
    buf_ += leaf;
    return buf_;
  }

 private:
  std::string buf_;
  std::size_t base_;
};

// 8765808 → "8,765,808".
std::string grouped(long long n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void resolve_time(RawScenario& raw, Diagnostics& diags, const LocationIndex& locs, SourceLoc top) {
  if (!raw.has_time) return;
  const TimeSpecRaw& t = raw.time;
  TimeSpec& out = raw.spec.time;
  out.start = t.start;
  out.year = t.year;
  if (t.step.unit != Span::Unit::hours || (t.step.amount != 1.0 && t.step.amount != 24.0)) {
    diags.error(loc_of(locs, "time.step"), "time.step",
                "unsupported step (expected 1h or 1d)");
    return;
  }
  out.step_hours = static_cast<int>(t.step.amount);
  if (t.end && t.duration) {
    diags.error(loc_of(locs, "time.duration"), "time.duration",
                "give end or duration, not both");
    return;
  }
  if (!t.end && !t.duration) {
    // A length that was written but could not be read already has its error.
    if (has_key(locs, "time.end") || has_key(locs, "time.duration")) return;
    diags.error(loc_of(locs, "time").file ? loc_of(locs, "time") : top, "time",
                "missing required key 'end' or 'duration' (the run's length)");
    return;
  }
  double end = t.end ? static_cast<double>(*t.end) : end_of_span(t.start, *t.duration, t.year);
  const std::string key = t.end ? "time.end" : "time.duration";
  if (end <= static_cast<double>(t.start)) {
    diags.error(loc_of(locs, key), key,
                t.end ? "end " + format_date(*t.end) + " is not after start " + format_date(t.start)
                      : std::string("the duration must be more than 0"));
    return;
  }
  if (end != std::floor(end)) {
    diags.error(loc_of(locs, key), key, "the run must be a whole number of hours");
    return;
  }
  out.end = static_cast<HourStamp>(end);
  if ((out.end - out.start) % out.step_hours != 0) {
    diags.error(loc_of(locs, key), key,
                "the run (" + std::to_string(out.end - out.start) +
                    " h) is not a whole number of " + std::to_string(out.step_hours) + " h steps");
    return;
  }
  const double steps = static_cast<double>(out.end - out.start) / out.step_hours;
  if (steps > 2.0e6) {
    diags.error(loc_of(locs, key), key,
                "the run has " + grouped(static_cast<long long>(steps)) +
                    " steps; at most 2,000,000 (use step: 1d for long runs)");
  }
}

// A key that names an item of another list: report a name that is not there.
void check_reference(Diagnostics& diags, const LocationIndex& locs, const std::string& key, const std::string& name,
                     const NameSet& valid, const std::string& what, const std::string& plural,
                     const std::string& when_empty) {
  if (!has_key(locs, key) || valid.contains(name)) return;
  const std::vector<std::string>& names = valid.list();
  diags.error(loc_of(locs, key), key,
              "no " + what + " named '" + name + "'" + did_you_mean(name, names) +
                  (names.empty() ? " (" + when_empty + ")" : " (" + plural + ": " + join_names(names) + ")"));
}

// Exactly one of two keys of the item at `item`: both, or neither, is an error.
void check_one_of(Diagnostics& diags, const LocationIndex& locs, const std::string& item, const std::string& a,
                  const std::string& b, const std::string& missing_message) {
  KeyPaths key(item);
  const bool has_a = has_key(locs, key(a)), has_b = has_key(locs, key(b));
  if (has_a && has_b) {
    diags.error(loc_of(locs, item + "." + b), item + "." + b, "give " + a + " or " + b + ", not both");
  } else if (!has_a && !has_b) {
    diags.error(loc_of(locs, item), item, missing_message);
  }
}

// The most a per-GPU capex may be: the dearest accelerator costs a few tens of thousands of USD.
constexpr double kMaxCapexPerGpuUsd = 1e6;

// 5.8e9 → "5.8B USD", for messages.
std::string money_words(double usd) {
  char buf[64];
  const double a = std::fabs(usd);
  if (a >= 1e9) std::snprintf(buf, sizeof buf, "%.4gB USD", usd / 1e9);
  else if (a >= 1e6) std::snprintf(buf, sizeof buf, "%.4gM USD", usd / 1e6);
  else std::snprintf(buf, sizeof buf, "%.6g USD", usd);
  return buf;
}

// A residual of 100% or more leaves nothing to depreciate (the range check stops above 100%).
void check_residual(Diagnostics& diags, const LocationIndex& locs, const std::string& item, double residual) {
  if (residual >= 1.0)
    diags.error(loc_of(locs, item + ".residual"), item + ".residual",
                "a residual of 100% or more leaves nothing to depreciate (expected 0 to less than 100%)");
}

// Turns a count written in servers or racks into GPUs with the pool's model
// (key: where the count was written).
void convert_count(Diagnostics& diags, const LocationIndex& locs, const std::string& key, CountSchedule& c,
                   const GpuModelSpec& g) {
  if (c.unit == CountUnit::gpus) return;
  const bool racks = c.unit == CountUnit::racks;
  const std::optional<double>& per = racks ? g.gpus_per_rack : g.gpus_per_server;
  if (!per) {
    const std::optional<double>& other = racks ? g.gpus_per_server : g.gpus_per_rack;
    diags.error(loc_of(locs, key), key,
                "GPU model '" + g.id + "' has no " + (racks ? "racks" : "servers") + " (its catalog entry has no " +
                    (racks ? "gpus_per_rack" : "gpus_per_server") + "); write the count in GPUs" +
                    (other ? std::string(" or in ") + (racks ? "servers (" : "racks (") + format_number(*other) +
                                 " GPUs each)"
                           : std::string()) +
                    ", or give the model " + (racks ? "gpus_per_rack" : "gpus_per_server") + " under catalog:");
    return;
  }
  c.gpus_per_unit = *per;
  if (c.constant) *c.constant *= *per;
  for (auto& point : c.ramp) point.count *= *per;
}

// PPAs: each ends after it starts, and the shares active at any time sum to at most 100%.
void check_site(const ScenarioSpec& s, const SiteSpec& site, Diagnostics& diags, const LocationIndex& locs) {
  if (site.name.empty() || site.ppa.empty()) return;
  const std::string p = "sites." + site.name + ".ppa";
  const bool is_list = has_key(locs, p + "[0]");
  const auto key = [&](std::size_t i, const char* leaf) {
    return (is_list ? p + "[" + std::to_string(i) + "]" : p) + "." + leaf;
  };
  bool windows_ok = true;
  for (std::size_t i = 0; i < site.ppa.size(); ++i) {
    const PpaSpec& a = site.ppa[i];
    const HourStamp start = a.start.value_or(s.time.start), end = a.end.value_or(s.time.end);
    if (end <= start) {
      const std::string k = key(i, has_key(locs, key(i, "end")) ? "end" : "start");
      diags.error(loc_of(locs, k), k,
                  "the PPA ends (" + format_date(end) + ") before it starts (" + format_date(start) + ")");
      windows_ok = false;
    }
  }
  if (!windows_ok) return;
  // The total can only rise where a PPA starts: check each start.
  for (std::size_t i = 0; i < site.ppa.size(); ++i) {
    const HourStamp t = site.ppa[i].start.value_or(s.time.start);
    double sum = 0.0;
    for (const auto& b : site.ppa)
      if (b.start.value_or(s.time.start) <= t && t < b.end.value_or(s.time.end)) sum += b.share;
    if (sum > 1.0 + 1e-12) {
      const std::string k = key(i, "share");
      diags.error(loc_of(locs, k), k,
                  "the PPA shares sum to " + format_number(std::round(sum * 1e4) / 100) + "% from " + format_date(t) +
                      " (at most 100% of the site's energy can be bought under PPAs)");
      break;
    }
  }
}

void check_sites(const ScenarioSpec& s, Diagnostics& diags, const LocationIndex& locs) {
  for (const auto& site : s.sites) check_site(s, site, diags, locs);
}

// A pool, against the rest of the scenario (its site, its GPU model); fills
// what it leaves to defaults (online, capex) and converts a count in servers
// or racks to GPUs.
void check_pool(const ScenarioSpec& s, FleetSpec& f, const NameSet& site_names, Diagnostics& diags,
                const LocationIndex& locs) {
  const auto gpu_ids = [&] {  // for a message only
    std::vector<std::string> ids;
    for (const auto& g : s.catalog) ids.push_back(g.id);
    return ids;
  };
  if (f.name.empty()) return;  // already an error: its keys' paths are not known
  const std::string p = "fleet." + f.name;
  auto g = std::find_if(s.catalog.begin(), s.catalog.end(), [&](const auto& m) { return m.id == f.gpu; });
  if (has_key(locs, p + ".gpu") && g == s.catalog.end()) {
    diags.error(loc_of(locs, p + ".gpu"), p + ".gpu",
                "unknown GPU model '" + f.gpu + "'" + did_you_mean(f.gpu, gpu_ids()) +
                    " (catalog: " + join_names(gpu_ids()) + ")");
  }
  check_reference(diags, locs, p + ".site", f.site, site_names, "site", "sites", "no sites are defined");
  check_one_of(diags, locs, p, "count", "ramp", "missing required key 'count' or 'ramp' (how many GPUs, when)");
  if (has_key(locs, p + ".online") && (f.schedule.is_ramp() || f.fit)) {
    diags.error(loc_of(locs, p + ".online"), p + ".online",
                f.fit ? "online goes with a numeric count (a fitted pool is online from the run start)"
                      : "online goes with a constant count; a ramp gives its own dates");
  }
  if (!has_key(locs, p + ".online")) f.online = s.time.start;
  if (f.fit) {
    auto site = std::find_if(s.sites.begin(), s.sites.end(), [&](const auto& x) { return x.name == f.site; });
    if (site != s.sites.end() && !site->it_power_cap && !site->power_cap) {
      diags.error(loc_of(locs, p + ".count"), p + ".count",
                  "count: fit needs its site '" + f.site + "' to have it_power_cap or power_cap");
    }
    // A model that draws nothing at full load fits infinitely many times.
    if (g != s.catalog.end() && !(g->tdp.value + g->overhead.value > 0)) {
      diags.error(loc_of(locs, p + ".count"), p + ".count",
                  "count: fit needs a GPU model that draws power at full load; " + f.gpu +
                      " draws 0 W (tdp + overhead); give a count, or the model a tdp");
    }
  }
  if (g != s.catalog.end() && !f.fit)
    convert_count(diags, locs, has_key(locs, p + ".ramp") ? p + ".ramp" : p + ".count", f.schedule, *g);
  if (!has_key(locs, p + ".capex") && g != s.catalog.end()) f.capex = g->price;
  if (has_key(locs, p + ".capex") && has_key(locs, p + ".capex_total")) {
    diags.error(loc_of(locs, p + ".capex_total"), p + ".capex_total",
                "give capex (per GPU) or capex_total (the whole pool), not both");
  } else if (has_key(locs, p + ".capex") && f.capex.value > kMaxCapexPerGpuUsd) {
    diags.error(loc_of(locs, p + ".capex"), p + ".capex",
                "capex is per GPU, and " + money_words(f.capex.value) +
                    " per GPU is more than 1M USD (the most expensive accelerator costs a few tens of "
                    "thousands of dollars); did you mean capex_total?");
  }
  check_residual(diags, locs, p, f.residual);
  if (f.life.amount <= 0) {
    diags.error(loc_of(locs, p + ".life"), p + ".life", "life must be more than 0");
  }
}

void check_fleet(ScenarioSpec& s, Diagnostics& diags, const LocationIndex& locs) {
  const NameSet site_names(s.sites);
  for (auto& f : s.fleet) check_pool(s, f, site_names, diags, locs);
}

// A contract (or demand stream) of `list_name`, against the rest of the
// scenario (its pool, the run's dates); fills the customer and converts a
// count in servers or racks to GPUs.
void check_contract(const ScenarioSpec& s, ContractSpec& c, const std::string& list_name, const NameSet& pools,
                    Diagnostics& diags, const LocationIndex& locs) {
  const bool is_demand = list_name == "demand";
  if (c.name.empty()) return;  // already an error: its keys' paths are not known
  const std::string p = list_name + "." + c.name;
  KeyPaths key(p);
  if (c.customer.empty()) c.customer = c.name;
  check_reference(diags, locs, key("pool"), c.pool, pools, "fleet pool", "pools", "the fleet is empty");
  if (c.gpus.unit != CountUnit::gpus) {
    auto pool = std::find_if(s.fleet.begin(), s.fleet.end(), [&](const auto& f) { return f.name == c.pool; });
    auto g = pool == s.fleet.end() ? s.catalog.end()
                                   : std::find_if(s.catalog.begin(), s.catalog.end(),
                                                  [&](const auto& m) { return m.id == pool->gpu; });
    if (g != s.catalog.end()) convert_count(diags, locs, p + ".gpus", c.gpus, *g);
  }
  const bool has_hours = has_key(locs, key("gpu_hours"));
  check_one_of(diags, locs, p, "gpus", "gpu_hours",
               is_demand ? "missing required key 'gpus' (how many GPUs are demanded)"
                         : "missing required key 'gpus' or 'gpu_hours' (the contract's size)");
  if (has_hours && c.kind != ContractKind::reserved) {
    diags.error(loc_of(locs, p + ".gpu_hours"), p + ".gpu_hours",
                "gpu_hours sizes a reserved contract; on_demand and spot give gpus");
  }
  const bool has_value = has_key(locs, key("value"));
  check_one_of(diags, locs, p, "price", "value",
               is_demand ? "missing required key 'price' (USD/gpu-h)"
                         : "missing required key 'price' or 'value' (what it pays)");
  if (has_value && c.kind != ContractKind::reserved) {
    diags.error(loc_of(locs, p + ".value"), p + ".value",
                "value prices a reserved contract; on_demand and spot give price");
  }
  if (has_value && c.price_decline > 0) {
    const SourceLoc value_loc = loc_of(locs, p + ".value");
    if (value_loc.line == 0) {  // the value came from the command line: blame its --set
      diags.error(value_loc, p + ".value",
                  "this value replaces the price, but price_decline (" + loc_of(locs, p + ".price_decline").str() +
                      ") goes with a price; remove it too: --set " + p + ".price_decline=~");
    } else {
      diags.error(loc_of(locs, p + ".price_decline"), p + ".price_decline",
                  "price_decline goes with price (the starting price), not with value");
    }
  }
  if (has_key(locs, key("term")) && has_key(locs, key("end"))) {
    diags.error(loc_of(locs, p + ".term"), p + ".term", "give term or end, not both");
  }
  if (c.escalation < 0) {
    diags.error(loc_of(locs, p + ".escalation"), p + ".escalation",
                "a negative escalation is a falling price: write price_decline: " +
                    format_number(-c.escalation * 100) + "%/y");
  } else if (c.escalation > 0 && c.price_decline > 0) {
    diags.error(loc_of(locs, p + ".escalation"), p + ".escalation",
                "escalation and price_decline together: give one (a price that rises, or one that falls)");
  }
  if (c.prepayment && c.prepayment->amount && c.value && c.prepayment->amount->value > c.value->value) {
    diags.error(loc_of(locs, p + ".prepayment"), p + ".prepayment",
                "the prepayment " + money_words(c.prepayment->amount->value) + " is more than the contract's value " +
                    money_words(c.value->value));
  }
  if (c.renewal && has_key(locs, p + ".renewal.price") && has_key(locs, p + ".renewal.price_change")) {
    diags.error(loc_of(locs, p + ".renewal.price_change"), p + ".renewal.price_change",
                "give price or price_change, not both");
  }
  if (c.renewal && c.renewal->term.amount <= 0 && has_key(locs, p + ".renewal.term")) {
    diags.error(loc_of(locs, p + ".renewal.term"), p + ".renewal.term", "term must be more than 0");
  }
  if (!is_demand && c.kind != ContractKind::reserved && has_key(locs, key("take_or_pay"))) {
    diags.error(loc_of(locs, p + ".take_or_pay"), p + ".take_or_pay",
                "take_or_pay applies to reserved contracts only");
  }
  const HourStamp start = c.start.value_or(s.time.start);
  HourStamp end = c.end.value_or(s.time.end);
  if (c.term) {
    const double e = end_of_span(start, *c.term, s.time.year);
    end = static_cast<HourStamp>(std::llround(e));
  }
  if (end <= start) {
    const std::string at = has_key(locs, p + ".term") ? p + ".term"
                           : has_key(locs, p + ".end") ? p + ".end"
                                                       : p + ".start";
    diags.error(loc_of(locs, at), at,
                "the contract ends (" + format_date(end) + ") before it starts (" + format_date(start) + ")");
  } else if (c.terminate && has_key(locs, p + ".terminate.at")) {
    const std::string at = p + ".terminate.at";
    if (c.terminate->at <= start)
      diags.error(loc_of(locs, at), at,
                  "termination on " + format_date(c.terminate->at) + " is not after the contract's start (" +
                      format_date(start) + ")");
    else if (c.terminate->at > end)
      diags.error(loc_of(locs, at), at,
                  "termination on " + format_date(c.terminate->at) + " is after the contract's end (" +
                      format_date(end) + ")");
  }
}

void check_contracts(ScenarioSpec& s, std::vector<ContractSpec>& list, const std::string& list_name,
                     Diagnostics& diags, const LocationIndex& locs) {
  const NameSet pools(s.fleet);
  for (auto& c : list) check_contract(s, c, list_name, pools, diags, locs);
}

void check_finance(FinanceSpec& f, Diagnostics& diags, const LocationIndex& locs) {
  for (auto [list, name] : {std::pair{&f.opex, "finance.opex"}, std::pair{&f.other, "finance.other"}}) {
    for (auto& e : *list) {
      const std::string p = std::string(name) + "." + e.name;
      if (e.amount && !e.at) {
        diags.error(loc_of(locs, p + ".amount"), p + ".amount",
                    "a one-off amount in USD needs 'at' (its date); a yearly amount is written USD/y");
      }
      if (e.rate && e.at) {
        diags.error(loc_of(locs, p + ".at"), p + ".at",
                    "'at' dates a one-off amount in USD; this amount is per year (use start/end)");
      }
      if (e.amount && (e.start || e.end)) {
        diags.error(loc_of(locs, p + (e.start ? ".start" : ".end")), p + (e.start ? ".start" : ".end"),
                    "start/end bound a yearly amount; a one-off amount has 'at'");
      }
      if (e.start && e.end && *e.end <= *e.start) {
        diags.error(loc_of(locs, p + ".end"), p + ".end", "end is not after start");
      }
    }
  }
  for (auto& d : f.debt) {
    const std::string p = "finance.debt." + d.name;
    if (d.term.amount <= 0) diags.error(loc_of(locs, p + ".term"), p + ".term", "term must be more than 0");
  }
}

void check_assets_and_warrants(const ScenarioSpec& s, Diagnostics& diags, const LocationIndex& locs) {
  const NameSet sites(s.sites);
  for (const auto& a : s.finance.assets) {
    if (a.name.empty()) continue;
    const std::string p = "finance.assets." + a.name;
    check_one_of(diags, locs, p, "amount", "per_mw", "missing required key 'amount' or 'per_mw' (what it costs)");
    check_one_of(diags, locs, p, "at", "ramp", "missing required key 'at' or 'ramp' (when it enters service)");
    check_reference(diags, locs, p + ".site", a.site, sites, "site", "sites", "no sites are defined");
    if (a.per_mw_usd && !has_key(locs, p + ".site")) {
      diags.error(loc_of(locs, p + ".per_mw"), p + ".per_mw", "per_mw needs 'site' (its it_power_cap gives the MW)");
    } else if (a.per_mw_usd) {
      const auto site = std::find_if(s.sites.begin(), s.sites.end(), [&](const SiteSpec& x) { return x.name == a.site; });
      if (site != s.sites.end() && !site->it_power_cap)
        diags.error(loc_of(locs, p + ".per_mw"), p + ".per_mw",
                    "per_mw is per MW of the site's it_power_cap, and site '" + a.site + "' has none");
    }
    if (a.life.amount <= 0) diags.error(loc_of(locs, p + ".life"), p + ".life", "life must be more than 0");
    check_residual(diags, locs, p, a.residual);
  }
  for (const auto& w : s.finance.warrants) {
    if (w.name.empty()) continue;
    const std::string p = "finance.warrants." + w.name;
    check_reference(diags, locs, p + ".site", w.site, sites, "site", "sites", "no sites are defined");
    double vested = 0.0;
    for (std::size_t i = 0; i < w.vest.size(); ++i) {
      const std::string v = p + ".vest[" + std::to_string(i) + "]";
      vested += w.vest[i].shares;
      if (i > 0 && w.vest[i].at_power.value <= w.vest[i - 1].at_power.value)
        diags.error(loc_of(locs, v + ".at_power"), v + ".at_power",
                    "vesting milestones must increase: this one is not above the one before it");
    }
    if (vested > w.shares * (1 + 1e-12))
      diags.error(loc_of(locs, p + ".vest"), p + ".vest",
                  "the tranches vest " + format_number(vested) + " shares, more than the " + format_number(w.shares) +
                      " granted");
  }
}

void check_paths(const ScenarioSpec& s, const DocNode& doc, Diagnostics& diags, const LocationIndex& locs) {
  if (s.solve) {
    std::string err;
    const auto type = numeric_key_type(doc, s.solve->vary, err);
    if (!type) diags.error(loc_of(locs, "solve.vary"), "solve.vary", err);
    const DocNode* solve = doc.find("solve");
    const DocNode* equals = solve ? solve->find("equals") : nullptr;
    if (equals && equals->is_scalar() && !s.solve->equals_metric) {
      if (const std::string hint = share_hint(s.solve->target, equals->scalar); !hint.empty())
        diags.error(loc_of(locs, "solve.equals"), "solve.equals",
                    "'" + equals->scalar + "': " + s.solve->target + " is a share, at most 1; " + hint);
    }
    std::optional<double> low, high;
    for (auto [key, text, value] : {std::tuple{"low", &s.solve->low, &low}, std::tuple{"high", &s.solve->high, &high}}) {
      if (!type || !*text) continue;
      double v = 0.0;
      const std::string e = solve_bound_error(**text, *type, s.solve->vary, v);
      if (!e.empty()) diags.error(loc_of(locs, std::string("solve.") + key), std::string("solve.") + key, e);
      else *value = v;
    }
    if (low && high && *high <= *low)
      diags.error(loc_of(locs, "solve.high"), "solve.high", "the search range is empty (high must be more than low)");
  }
  for (const auto& u : s.uncertain) {
    const std::string p = "uncertain." + u.name;
    std::string err;
    auto type = numeric_key_type(doc, u.path, err, true);
    if (!type) {
      if (has_key(locs, p + ".path")) diags.error(loc_of(locs, p + ".path"), p + ".path", err);
      continue;
    }
    using Dist = UncertainSpec::Dist;
    if (type->unit == UnitKind::date && u.dist != Dist::uniform) {
      diags.error(loc_of(locs, p + ".dist"), p + ".dist", "a date is drawn uniform between low and high (dates as YYYY-MM-DD)");
      continue;
    }
    std::vector<std::string> need;
    switch (u.dist) {
      case Dist::uniform: need = {"low", "high"}; break;
      case Dist::normal: need = {"mean", "sd"}; break;
      case Dist::triangular: need = {"low", "mode", "high"}; break;
      case Dist::lognormal: need = {"mean", "sd"}; break;
    }
    const std::pair<const char*, const std::optional<std::string>*> params[] = {
        {"low", &u.low}, {"high", &u.high}, {"mode", &u.mode}, {"mean", &u.mean}, {"sd", &u.sd}};
    std::map<std::string, double> values;
    for (const auto& [key, val] : params) {
      const bool needed = std::find(need.begin(), need.end(), key) != need.end();
      const std::string kp = p + "." + key;
      if (needed && !*val) {
        diags.error(loc_of(locs, p), p, std::string("missing required key '") + key + "' (the " +
                                            (u.dist == Dist::uniform ? "uniform" : u.dist == Dist::normal ? "normal"
                                             : u.dist == Dist::triangular ? "triangular" : "lognormal") +
                                            " distribution takes " + join_names(need) + ")");
      } else if (!needed && *val) {
        diags.error(loc_of(locs, kp), kp,
                    std::string("'") + key + "' does not belong to this distribution (it takes " +
                        join_names(need) + ")");
      } else if (*val) {
        const std::string leaf = u.path.substr(u.path.rfind('.') + 1);
        const QuantityResult r = parse_quantity(**val, type->unit, leaf, type->default_unit);
        if (!r.ok()) diags.error(loc_of(locs, kp), kp, r.error);
        else values[key] = r.value;
      }
    }
    if (values.count("low") && values.count("high") && values["low"] >= values["high"])
      diags.error(loc_of(locs, p + ".high"), p + ".high", "high must be more than low");
    if (values.count("mode") && values.count("low") && values.count("high") &&
        (values["mode"] < values["low"] || values["mode"] > values["high"]))
      diags.error(loc_of(locs, p + ".mode"), p + ".mode", "mode must lie between low and high");
    if (values.count("sd") && values["sd"] <= 0)
      diags.error(loc_of(locs, p + ".sd"), p + ".sd", "sd must be more than 0");
    if (u.dist == Dist::lognormal && values.count("mean") && values["mean"] <= 0)
      diags.error(loc_of(locs, p + ".mean"), p + ".mean", "a lognormal's mean must be more than 0");
  }
}

}  // namespace

ScenarioSpec read_scenario(const DocNode& document, LocationIndex* locations) {
  Diagnostics diags;
  LocationIndex local;
  LocationIndex& locs = locations ? *locations : local;
  ReadContext ctx{diags, locs, ""};
  RawScenario raw;
  static const std::vector<GpuModelSpec> kBuiltin = builtin_catalog();  // built once, copied per read
  raw.spec.catalog = kBuiltin;
  if (document.is_null()) {
    diags.error(document.loc, "", "the scenario is empty (expected a map with at least name and time)");
    diags.throw_if_any();
  }
  schema().top.read(ctx, document, raw);
  if (!diags.empty() && !document.is_map()) diags.throw_if_any();
  auto time_key_errors = [&] {
    return std::any_of(diags.items().begin(), diags.items().end(),
                       [](const Diagnostic& d) { return d.path.rfind("time", 0) == 0; });
  };
  // A time key that was rejected (time.duration=1001y) is not also "missing".
  const std::size_t before_time = diags.size();
  if (!time_key_errors()) resolve_time(raw, diags, locs, document.loc);
  const bool time_ok = raw.has_time && diags.size() == before_time && !time_key_errors();
  // The cross-checks run even when some keys had errors, so that one pass
  // reports everything: they look only at keys that were read. Those that need
  // the run's dates wait for a valid time grid.
  check_fleet(raw.spec, diags, locs);
  check_finance(raw.spec.finance, diags, locs);
  check_assets_and_warrants(raw.spec, diags, locs);
  if (time_ok) {
    check_sites(raw.spec, diags, locs);
    check_contracts(raw.spec, raw.spec.contracts, "contracts", diags, locs);
    check_contracts(raw.spec, raw.spec.demand, "demand", diags, locs);
  }
  if (diags.empty()) check_paths(raw.spec, document, diags, locs);
  diags.throw_if_any();
  return std::move(raw.spec);
}

namespace {

// The named lists an assignment's item is read again from.
bool is_item_list(const std::string& key) {
  return key == "sites" || key == "fleet" || key == "contracts" || key == "demand";
}

// The index in its list of the item `seg` names (list.item…), when there is one.
std::optional<std::size_t> item_index(const DocNode& root, const std::vector<std::string>& seg) {
  const DocNode* item = find_path(root, {seg[0], seg[1]});
  if (!item) return std::nullopt;
  return static_cast<std::size_t>(item - root.find(seg[0])->children.data());
}

// What `assignments` change in `changed` against `base`, as ScenarioRereader
// describes; nullopt when the whole document must be read again.
std::optional<ScenarioRereader::Plan> plan_reread(const DocNode& base, const DocNode& changed,
                                                  const std::vector<std::string>& assignments) {
  ScenarioRereader::Plan plan;
  for (const std::string& a : assignments) {
    const auto eq = a.find('=');
    if (eq == std::string::npos) return std::nullopt;
    const std::vector<std::string> seg = split_path(a.substr(0, eq));
    if (seg.empty()) return std::nullopt;
    if (seg.size() == 1 && seg[0] == "seed") {
      plan.seed = true;
      continue;
    }
    if (seg.size() == 1 && seg[0] == "solve") {
      if (changed.find("solve")) return std::nullopt;
      plan.solve = true;
      continue;
    }
    // A single value before and after: the document keeps its shape.
    const DocNode* was = find_path(base, seg);
    const DocNode* now = find_path(changed, seg);
    if (!was || !now || !was->is_scalar() || !now->is_scalar()) return std::nullopt;
    if (seg[0] == "finance") {
      plan.finance = true;
      continue;
    }
    if (seg.size() < 3 || !is_item_list(seg[0])) return std::nullopt;
    const auto i = item_index(changed, seg);
    if (!i || base.find(seg[0])->children.size() != changed.find(seg[0])->children.size() ||
        item_index(base, seg) != i)
      return std::nullopt;
    if (std::find(plan.items.begin(), plan.items.end(), std::pair{seg[0], *i}) == plan.items.end())
      plan.items.emplace_back(seg[0], *i);
  }
  return plan;
}

// Reads the plan's items of `changed` into `spec` (the base as read) and
// checks them; false on an error (the whole read then reports it, with
// everything else it finds).
bool reread(const ScenarioRereader::Plan& plan, const DocNode& changed, ScenarioSpec& spec) {
  const Schema& sc = schema();
  Diagnostics diags;
  LocationIndex locs;
  if (plan.solve) spec.solve.reset();
  if (plan.seed) {
    RawScenario raw;
    if (const DocNode* node = changed.find("seed")) {
      ReadContext ctx{diags, locs, "seed"};
      sc.top.field("seed")->read(ctx, *node, raw);
    }
    spec.seed = raw.spec.seed;
  }
  for (const auto& [list, index] : plan.items) {
    const DocNode& item = changed.find(list)->children[index];
    ReadContext ctx{diags, locs, list + "." + item.item_name()};
    locs[ctx.path] = item.loc;
    if (list == "sites") {
      SiteSpec fresh{};
      sc.site.read(ctx, item, fresh);
      check_site(spec, fresh, diags, locs);
      spec.sites[index] = std::move(fresh);
    } else if (list == "fleet") {
      FleetSpec fresh{};
      sc.fleet.read(ctx, item, fresh);
      check_pool(spec, fresh, NameSet(spec.sites), diags, locs);
      spec.fleet[index] = std::move(fresh);
    } else {
      const bool demand = list == "demand";
      ContractSpec fresh{};
      (demand ? sc.demand : sc.contract).read(ctx, item, fresh);
      check_contract(spec, fresh, list, NameSet(spec.fleet), diags, locs);
      (demand ? spec.demand : spec.contracts)[index] = std::move(fresh);
    }
  }
  if (plan.finance) {
    const DocNode& node = *changed.find("finance");
    ReadContext ctx{diags, locs, "finance"};
    locs[ctx.path] = node.loc;
    FinanceSpec fresh{};
    sc.finance.read(ctx, node, fresh);
    check_finance(fresh, diags, locs);
    spec.finance = std::move(fresh);
    check_assets_and_warrants(spec, diags, locs);
  }
  return diags.empty();
}

// Puts the base's values back in place of what the plan read again.
void put_back(const ScenarioRereader::Plan& plan, const ScenarioSpec& base, ScenarioSpec& spec) {
  if (plan.solve) spec.solve = base.solve;
  if (plan.seed) spec.seed = base.seed;
  for (const auto& [list, index] : plan.items) {
    if (list == "sites") spec.sites[index] = base.sites[index];
    else if (list == "fleet") spec.fleet[index] = base.fleet[index];
    else if (list == "demand") spec.demand[index] = base.demand[index];
    else spec.contracts[index] = base.contracts[index];
  }
  if (plan.finance) spec.finance = base.finance;
}

}  // namespace

ScenarioRereader::ScenarioRereader(const DocNode& document) : document_(document) {
  try {
    base_ = read_scenario(document);
  } catch (const ScenarioError&) {  // each reading reads its document whole, and reports what is wrong
  }
}

std::unique_ptr<ScenarioRereader::Reading> ScenarioRereader::read(const DocNode& changed,
                                                                  const std::vector<std::string>& assignments) {
  std::unique_ptr<Reading> out(new Reading(*this));
  if (!base_) {
    out->whole_ = read_scenario(changed);
    return out;
  }
  if (auto plan = plan_reread(document_, changed, assignments)) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        out->copy_ = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!out->copy_) out->copy_ = std::make_unique<ScenarioSpec>(*base_);
    out->plan_ = std::move(*plan);
    if (reread(out->plan_, changed, *out->copy_)) return out;
    out.reset();  // puts back what was read
    out.reset(new Reading(*this));
  }
  out->whole_ = read_scenario(changed);
  return out;
}

ScenarioRereader::Reading::~Reading() {
  if (!copy_) return;
  put_back(plan_, *owner_.base_, *copy_);
  std::lock_guard<std::mutex> lock(owner_.mutex_);
  owner_.free_.push_back(std::move(copy_));
}

std::string solve_bound_error(const std::string& text, const KeyType& type, const std::string& vary, double& value) {
  const std::string leaf = vary.substr(vary.rfind('.') + 1);
  const QuantityResult q = parse_quantity(text, type.unit, leaf, type.default_unit);
  if (!q.ok()) return q.error;
  value = q.value;
  // A duration's range is in hours, a year counted as 8,760 h (as the key's own check does).
  const bool duration = type.unit == UnitKind::duration;
  const bool years = duration && q.span.unit == Span::Unit::years;
  const double base = years ? q.value * 8760.0 : q.value;
  const double lo = duration ? type.min_hours : type.min, hi = duration ? type.max_hours : type.max;
  if (base < lo || base > hi) {
    const Span::Unit unit = duration ? q.span.unit : Span::Unit::hours;
    auto shown = [&](double v) { return format_base_quantity(years ? v / 8760.0 : v, type.unit, unit); };
    std::string range = std::isfinite(hi) ? "from " + shown(lo) + " to " + shown(hi) : shown(lo) + " or more";
    return "'" + text + "' is outside the values " + vary + " accepts (" + range + ")";
  }
  return "";
}

LoadedScenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  Diagnostics diags;
  DocNode document = load_document(path, diags);
  diags.throw_if_any();
  return load_scenario_document(std::move(document), path, overrides);
}

LoadedScenario load_scenario_document(DocNode document, const std::string& name,
                                      const std::vector<std::string>& overrides) {
  Diagnostics diags;
  LoadedScenario out;
  out.file = name;
  out.document = std::move(document);
  for (const auto& o : overrides) apply_override(out.document, o, diags);
  diags.throw_if_any();
  out.spec = read_scenario(out.document, &out.locations);
  return out;
}

std::optional<KeyType> numeric_key_type(const DocNode& document, const std::string& path,
                                        std::string& error, bool allow_dates) {
  const Schema& sc = schema();
  const std::vector<std::string> seg = split_path(path);
  // `list` is the key in `parent` ("opex" under finance); messages name it in full.
  auto item_exists = [&](const std::string& list, const std::string& name, const DocNode* parent) {
    const DocNode* l = parent ? parent->find(list) : nullptr;
    if (l && l->is_seq())
      for (const auto& c : l->children)
        if (c.item_name() == name) return true;
    return false;
  };
  auto items_of = [&](const std::string& list, const DocNode* parent) {
    std::vector<std::string> out;
    const DocNode* l = parent ? parent->find(list) : nullptr;
    if (l && l->is_seq())
      for (const auto& c : l->children) out.push_back(c.item_name());
    return out;
  };
  auto field_type = [&](const auto& section, const std::string& key, const std::string& where)
      -> std::optional<KeyType> {
    const auto* f = section.field(key);
    if (!f) {
      error = "'" + path + "': " + where + " has no key '" + key + "'" + did_you_mean(key, section.keys()) +
              " (keys: " + join_names(section.keys()) + ")";
      return std::nullopt;
    }
    if (allow_dates && f->key_type.shape == KeyType::Shape::date)
      return KeyType{KeyType::Shape::date, UnitKind::date, ""};
    if (f->key_type.shape != KeyType::Shape::quantity) {
      error = "'" + path + "' is not a number that can be varied (it is " + f->type_doc + ")";
      return std::nullopt;
    }
    return f->key_type;
  };
  auto list_item = [&](const std::string& list, const std::string& full_name, const DocNode* parent,
                       std::size_t i) -> bool {
    if (seg.size() <= i + 1) {
      error = "'" + path + "': name an item of " + full_name + " and one of its keys";
      return false;
    }
    if (!item_exists(list, seg[i], parent)) {
      const auto names = items_of(list, parent);
      error = "'" + path + "': no item named '" + seg[i] + "' in " + full_name +
              (names.empty() ? " (the list is empty)" : " (items: " + join_names(names) + ")");
      return false;
    }
    return true;
  };
  if (seg.empty() || seg[0].empty()) {
    error = "empty path";
    return std::nullopt;
  }
  const std::string& head = seg[0];
  const std::vector<std::string> roots{"time", "catalog", "sites", "fleet", "contracts", "demand", "finance"};
  if (head == "time" && seg.size() == 2) return field_type(sc.time, seg[1], "time");
  if (head == "catalog" && seg.size() == 3) return field_type(sc.catalog, seg[2], "a catalog entry");
  if ((head == "sites" || head == "fleet" || head == "contracts" || head == "demand") && seg.size() >= 2) {
    if (!list_item(head, head, &document, 1)) return std::nullopt;
    // A ramp point's count: fleet.NAME.ramp.I.count, contracts.NAME.gpus.I.count.
    if (seg.size() == 5 && seg[4] == "count" && ((head == "fleet" && seg[2] == "ramp") ||
                                                 ((head == "contracts" || head == "demand") && seg[2] == "gpus"))) {
      const DocNode* list = document.find(head);
      const DocNode* item = nullptr;
      for (const auto& c : list->children)
        if (c.item_name() == seg[1]) item = &c;
      const DocNode* ramp = item ? item->find(seg[2]) : nullptr;
      const bool is_index = std::all_of(seg[3].begin(), seg[3].end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (!ramp || !ramp->is_seq() || !is_index || seg[3].empty() || seg[3].size() > 6 ||
          std::stoul(seg[3]) >= ramp->children.size()) {
        error = "'" + path + "': no ramp point " + seg[3] + " (the ramp has " +
                std::to_string(ramp && ramp->is_seq() ? ramp->children.size() : 0) + " points, numbered from 0)";
        return std::nullopt;
      }
      return KeyType{KeyType::Shape::quantity, UnitKind::count, "", 0.0, 1e12};
    }
    // A contract's renewal or termination key: contracts.NAME.renewal.probability.
    if (seg.size() == 4 && head == "contracts" && (seg[2] == "renewal" || seg[2] == "terminate")) {
      if (seg[2] == "renewal") return field_type(sc.renewal, seg[3], "a contract's renewal");
      return field_type(sc.terminate, seg[3], "a contract's terminate");
    }
    // A PPA's key: sites.NAME.ppa.KEY (one PPA) or sites.NAME.ppa.I.KEY (a list).
    if (head == "sites" && seg.size() >= 4 && seg[2] == "ppa") {
      const DocNode* item = nullptr;
      for (const auto& c : document.find("sites")->children)
        if (c.item_name() == seg[1]) item = &c;
      const DocNode* ppa = item ? item->find("ppa") : nullptr;
      if (ppa && ppa->is_map() && seg.size() == 4) return field_type(sc.ppa, seg[3], "a PPA");
      const bool is_index = !seg[3].empty() && seg[3].size() <= 6 &&
                            std::all_of(seg[3].begin(), seg[3].end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (ppa && ppa->is_seq() && seg.size() == 5 && is_index && std::stoul(seg[3]) < ppa->children.size())
        return field_type(sc.ppa, seg[4], "a PPA");
      error = "'" + path + "': expected sites." + seg[1] + ".ppa.KEY for one PPA or sites." + seg[1] +
              ".ppa.I.KEY for a list (numbered from 0; the site has " +
              std::to_string(ppa && ppa->is_seq() ? ppa->children.size() : ppa && ppa->is_map() ? 1 : 0) + ")";
      return std::nullopt;
    }
    if (seg.size() != 3) {
      error = "'" + path + "': expected " + head + ".NAME.KEY";
      return std::nullopt;
    }
    if (head == "sites") return field_type(sc.site, seg[2], "a site");
    if (head == "fleet") return field_type(sc.fleet, seg[2], "a fleet pool");
    if (head == "contracts") return field_type(sc.contract, seg[2], "a contract");
    return field_type(sc.demand, seg[2], "a demand");
  }
  if (head == "finance" && seg.size() >= 2) {
    const std::string& sub = seg[1];
    if (sub == "opex" || sub == "other" || sub == "debt" || sub == "assets" || sub == "warrants") {
      if (!list_item(sub, "finance." + sub, document.find("finance"), 2)) return std::nullopt;
      if (seg.size() != 4) {
        error = "'" + path + "': expected finance." + sub + ".NAME.KEY";
        return std::nullopt;
      }
      if (sub == "debt") return field_type(sc.debt, seg[3], "a debt tranche");
      if (sub == "assets") return field_type(sc.asset, seg[3], "an asset");
      if (sub == "warrants") return field_type(sc.warrant, seg[3], "a warrant");
      return field_type(sub == "opex" ? sc.opex : sc.other, seg[3], "finance." + sub + " items");
    }
    if (seg.size() == 2) return field_type(sc.finance, sub, "finance");
  }
  error = "'" + path + "' names no numeric key (paths look like " +
          "contracts.NAME.price, fleet.NAME.count, sites.NAME.pue, time.start is not numeric; roots: " +
          join_names(roots) + ")";
  return std::nullopt;
}

std::optional<std::string> key_default_doc(const std::string& path) {
  const Schema& sc = schema();
  const std::vector<std::string> seg = split_path(path);
  const auto doc = [&](const auto& section, const std::string& key) -> std::optional<std::string> {
    if (const auto* f = section.field(key)) return f->default_doc;
    return std::nullopt;
  };
  if (seg.size() == 2 && seg[0] == "time") return doc(sc.time, seg[1]);
  if (seg.size() == 2 && seg[0] == "finance") return doc(sc.finance, seg[1]);
  if (seg.size() == 2 && seg[0] == "solve") return doc(sc.solve, seg[1]);
  if (seg.size() == 3 && seg[0] == "catalog") return doc(sc.catalog, seg[2]);
  if (seg.size() == 3 && seg[0] == "sites") return doc(sc.site, seg[2]);
  if (seg.size() == 3 && seg[0] == "fleet") return doc(sc.fleet, seg[2]);
  if (seg.size() == 3 && seg[0] == "contracts") return doc(sc.contract, seg[2]);
  if (seg.size() == 3 && seg[0] == "demand") return doc(sc.demand, seg[2]);
  if (seg.size() == 4 && seg[0] == "finance" && seg[1] == "opex") return doc(sc.opex, seg[3]);
  if (seg.size() == 4 && seg[0] == "finance" && seg[1] == "other") return doc(sc.other, seg[3]);
  if (seg.size() == 4 && seg[0] == "finance" && seg[1] == "debt") return doc(sc.debt, seg[3]);
  return std::nullopt;
}

std::string scenario_format_markdown() {
  const Schema& sc = schema();
  std::string out;
  out += "# Scenario format\n\n";
  out += "<!-- Generated by `gpusim docs scenario-format` from the key declarations in "
         "sim/scenario/loader.cpp; a test checks this file matches. Do not edit by hand. -->\n\n";
  out += "A scenario is one YAML file. Quantities carry their unit in the value, so a file reads "
         "like the article: `6 GW`, `700 W`, `2.50 USD/gpu-h`, `0.08 USD/kWh`, `150 USD/kW/month`, "
         "`1.3B USD`, `300M gpu-h`, `62%`, `6y`, `3d`. A number may carry a multiplier written "
         "against it: `k` (thousand), `M` (million), `B` (billion), `T` (trillion) — `250k`, "
         "`1.3B USD`. Thousands separators `250_000` and `250,000` are accepted (inside a flow map `{...}` a comma ends the value, so write `250_000` or quote it there). A bare number "
         "is read in the key's default unit, named in its type below.\n\n";
  out += "## Units\n\n| dimension | units |\n|---|---|\n";
  for (UnitKind k : {UnitKind::power, UnitKind::energy, UnitKind::money, UnitKind::energy_price,
                     UnitKind::gpu_hour_price, UnitKind::power_price, UnitKind::capacity_cost, UnitKind::money_rate,
                     UnitKind::gpu_hours, UnitKind::duration, UnitKind::fraction,
                     UnitKind::rate_per_year, UnitKind::count, UnitKind::ratio, UnitKind::carbon_intensity}) {
    out += "| " + unit_kind_noun(k) + " | " + unit_kind_choices(k) + " |\n";
  }
  out += "\nDurations in years (`y`) and amounts per year (`/y`) use the calendar (2024 has "
         "8,784 hours) unless `time.year: 365d` asks for the articles' convention, a year of "
         "8,760 hours. `d` is 24 h, `w` is 168 h.\n\n";
  out += "Lists of named things (sites, fleet, contracts, demand, opex, other, debt, uncertain) "
         "are addressed by name in paths: `contracts.Microsoft.price`, `fleet.h100.count`, "
         "`sites.us.pue`, `finance.opex.staff.amount`; a segment holding dots goes in brackets: "
         "`finance.other[fair value v2].amount`. The same paths serve `--set`, `--vary`, "
         "`solve.vary` and `uncertain[].path`.\n\n";
  out += "`extends: FILE` merges this file over FILE: maps key by key, named lists item by item "
         "(same name: keys override; new name: appended); anything else is replaced. A key set "
         "to `~` (null) removes the base file's key: `{name: h100, count: ~, ramp: [...]}` turns "
         "a pool's constant count into a ramp. On the command line, `--set PATH=~` does the same.\n\n";
  auto table = [&](const std::string& title, const std::string& desc, const std::vector<FieldDoc>& docs) {
    out += "## " + title + "\n\n" + desc + "\n\n| key | type | default | meaning |\n|---|---|---|---|\n";
    for (const auto& d : docs) {
      auto esc = [](std::string s) {
        std::string r;
        for (char c : s) {
          if (c == '|') r += "\\|";
          else r += c;
        }
        return r;
      };
      out += "| `" + d.name + "` | " + esc(d.type_doc) + " | " + esc(d.default_doc) + " | " +
             esc(d.description) + " |\n";
    }
    out += "\n";
  };
  table(sc.top.name(), sc.top.description(), sc.top.docs());
  table(sc.time.name(), sc.time.description(), sc.time.docs());
  table(sc.catalog.name(), sc.catalog.description(), sc.catalog.docs());
  table(sc.site.name(), sc.site.description(), sc.site.docs());
  table(sc.ppa.name(), sc.ppa.description(), sc.ppa.docs());
  table(sc.fleet.name(), sc.fleet.description(), sc.fleet.docs());
  table(sc.contract.name(), sc.contract.description(), sc.contract.docs());
  table(sc.renewal.name(), sc.renewal.description(), sc.renewal.docs());
  table(sc.terminate.name(), sc.terminate.description(), sc.terminate.docs());
  table(sc.demand.name(), sc.demand.description(), sc.demand.docs());
  table(sc.finance.name(), sc.finance.description(), sc.finance.docs());
  table(sc.opex.name(), sc.opex.description(), sc.opex.docs());
  table(sc.other.name(), sc.other.description(), sc.other.docs());
  table(sc.debt.name(), sc.debt.description(), sc.debt.docs());
  table(sc.asset.name(), sc.asset.description(), sc.asset.docs());
  table(sc.warrant.name(), sc.warrant.description(), sc.warrant.docs());
  table(sc.vest.name(), sc.vest.description(), sc.vest.docs());
  table(sc.solve.name(), sc.solve.description(), sc.solve.docs());
  table(sc.uncertain.name(), sc.uncertain.description(), sc.uncertain.docs());
  out += "A ramp is a list of `{at: DATE, count: N}` points with increasing dates: the count "
         "interpolates linearly between points, is zero before the first and constant after "
         "the last.\n\n";
  out += "A count (fleet `count` and `ramp`, contract and demand `gpus`) is in GPUs, or in whole "
         "`servers` or `racks` of the pool's GPU model (`count: 1,056 racks`, `gpus: 1,250 servers`): "
         "the catalog's `gpus_per_server` and `gpus_per_rack` convert it, and a model without that "
         "packaging is an error. A ramp counts in one unit. `gpusim run` shows each count as written "
         "and in GPUs.\n";
  return out;
}

}  // namespace gpusim
