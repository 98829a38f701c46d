// Plain, validated parameter structs: what a scenario says, in typed units.
//
// The loader (sim/scenario/) turns YAML into these; the engine builds the models
// from them. Nothing here knows about YAML, files or logging. Every field's
// meaning, unit and default is declared once in sim/scenario/schema.cpp, which
// also generates docs/scenario-format.md; the comments here only give units.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/calendar.hpp"
#include "models/units.hpp"

namespace gpusim {

struct TimeSpec {
  HourStamp start = 0;  // inclusive
  HourStamp end = 0;    // exclusive; from `end` or `start + duration`
  int step_hours = 1;   // 1 (hourly) or 24 (daily)
  YearConvention year = YearConvention::calendar;
  bool operator==(const TimeSpec&) const = default;
};

// f(u): the share of the idle→busy power swing drawn at load u (0..1).
struct PowerCurvePoint {
  double load = 0.0;                // u, fraction 0..1
  std::optional<double> f;          // fraction 0..1 of (tdp − idle) …
  std::optional<Power> gpu_power;   // … or the GPU's draw at that load
  bool operator==(const PowerCurvePoint&) const = default;
};
struct PowerCurveSpec {
  enum class Kind { linear, square, cubic, table };
  Kind kind = Kind::linear;
  std::vector<PowerCurvePoint> points;  // for `table`, sorted by load
  bool operator==(const PowerCurveSpec&) const = default;
};

struct GpuModelSpec {
  std::string id;
  Power tdp;       // busy draw per GPU
  Power idle;      // idle draw per GPU
  Power overhead;  // server share per powered GPU (CPUs, memory, NICs, fans)
  Money price;     // purchase price per GPU (default capex)
  PowerCurveSpec power_curve;
  // Packaging: GPUs in one server (an HGX board, an NVL72 compute tray) and in
  // one rack system (NVL72); none where the model is not sold that way.
  std::optional<double> gpus_per_server;
  std::optional<double> gpus_per_rack;
  std::string source;  // where the figures come from (facts.md row, status)
  bool operator==(const GpuModelSpec&) const = default;
};

// 12 monthly values or one constant.
struct MonthlyValue {
  std::vector<double> monthly;  // empty: constant
  double constant = 0.0;
  double at_month(int month) const { return monthly.empty() ? constant : monthly[month - 1]; }
  bool operator==(const MonthlyValue&) const = default;
};

// A value over the hours of the year: flat, 12 monthly values, or time of use
// (24 hourly values Monday–Friday and 24 Saturday–Sunday).
template <class Q>
struct HourlyProfile {
  enum class Kind { flat, monthly, time_of_use };
  Kind kind = Kind::flat;
  Q flat;
  std::vector<Q> monthly;  // 12 values
  std::vector<Q> weekday;  // 24 values, hour of day 0..23
  std::vector<Q> weekend;  // 24 values
  bool operator==(const HourlyProfile&) const = default;
};
using TariffSpec = HourlyProfile<EnergyPrice>;      // electricity price
using CarbonSpec = HourlyProfile<CarbonIntensity>;  // grid carbon intensity

// A power purchase agreement: `share` of the site's facility energy in
// [start, end) is bought at `price`, the rest at the site's tariff.
struct PpaSpec {
  double share = 0.0;  // fraction 0..1
  EnergyPrice price;
  std::optional<HourStamp> start;  // default: run start
  std::optional<HourStamp> end;    // default: run end
  std::optional<CarbonSpec> carbon;  // default: the site's grid intensity
  bool operator==(const PpaSpec&) const = default;
};

struct SiteSpec {
  std::string name;
  MonthlyValue pue;                     // ≥ 1
  std::optional<Power> it_power_cap;    // critical IT load cap
  std::optional<Power> power_cap;       // facility (grid) draw cap
  TariffSpec electricity;
  std::optional<PowerPrice> colocation; // USD per leased W per month
  std::vector<PpaSpec> ppa;             // power purchase agreements
  std::optional<CarbonSpec> carbon;     // grid intensity; none: no CO2 figure
  bool operator==(const SiteSpec&) const = default;
};

struct RampPoint {
  HourStamp at = 0;
  double count = 0.0;
  bool operator==(const RampPoint&) const = default;
};

// What a count was written in: GPUs, servers or racks of the pool's model.
enum class CountUnit { gpus, servers, racks };
// The scenario file's word for a unit: "GPUs", "servers", "racks".
inline const char* count_unit_name(CountUnit unit) {
  switch (unit) {
    case CountUnit::gpus: return "GPUs";
    case CountUnit::servers: return "servers";
    case CountUnit::racks: return "racks";
  }
  return "GPUs";
}

// A GPU count over time: constant, or linear between ramp points (zero before
// the first, constant after the last). Counts are in GPUs once the loader has
// converted servers and racks (`unit`, `gpus_per_unit` keep what was written).
struct CountSchedule {
  std::optional<double> constant;
  std::vector<RampPoint> ramp;
  CountUnit unit = CountUnit::gpus;
  double gpus_per_unit = 1.0;
  bool is_ramp() const { return !ramp.empty(); }
  bool operator==(const CountSchedule&) const = default;
};

struct FleetSpec {
  std::string name;
  std::string gpu;   // catalog id
  std::string site;  // site name
  CountSchedule schedule;  // `count` (+ `online`) or `ramp`
  bool fit = false;        // `count: fit`: fill the site under its caps
  HourStamp online = 0;    // when a constant `count` enters service
  Money capex;             // per GPU (default: the catalog price)
  std::optional<Money> capex_total;  // the whole purchase: per GPU = total ÷ the largest count
  double residual = 0.0;   // share of cost left at the end of `life`, 0..1 (exclusive)
  Span life = Span::of_years(6);
  double afr = 0.0;        // annual failure rate, fraction of GPUs per year
  Span repair = Span::of_hours(72);
  std::optional<PowerCurveSpec> power_curve;  // overrides the catalog's
  bool operator==(const FleetSpec&) const = default;
};

enum class ContractKind { reserved, on_demand, spot };
// The scenario file's name of a kind: "reserved", "on_demand", "spot".
inline const char* contract_kind_name(ContractKind k) {
  switch (k) {
    case ContractKind::reserved: return "reserved";
    case ContractKind::on_demand: return "on_demand";
    case ContractKind::spot: return "spot";
  }
  return "?";
}

// Cash received at a contract's start and applied against its bills pro rata.
struct PrepaymentSpec {
  std::optional<double> share;  // of the contract's value at full delivery, 0..1 …
  std::optional<Money> amount;  // … or an amount
  bool operator==(const PrepaymentSpec&) const = default;
};

// The contract continues after its end for `term` at a new price, with a probability.
struct RenewalSpec {
  Span term = Span::of_years(1);
  std::optional<GpuHourPrice> price;   // the new price …
  double price_change = 0.0;           // … or a change from the price in force at the end (−20%: −0.2)
  double probability = 1.0;            // 0..1
  bool operator==(const RenewalSpec&) const = default;
};

// Billing stops at `at`; `fee` is income then.
struct TerminationSpec {
  HourStamp at = 0;
  Money fee;
  bool operator==(const TerminationSpec&) const = default;
};

// A reserved contract or an on-demand / spot demand stream.
struct ContractSpec {
  std::string name;
  std::string customer;  // default: name
  ContractKind kind = ContractKind::reserved;
  std::string pool;
  CountSchedule gpus;                 // size as GPUs …
  bool whole_pool = false;            // `gpus: all`: every available GPU of the pool
  std::optional<GpuHours> gpu_hours;  // … or as GPU-hours spread over the term
  std::optional<GpuHourPrice> price;  // price per GPU-hour …
  std::optional<Money> value;         // … or total value (price derived)
  std::optional<HourStamp> start;     // default: run start
  std::optional<Span> term;           // start + term = end
  std::optional<HourStamp> end;       // default: run end
  double price_decline = 0.0;         // per year: price × (1 − decline)^(years since start)
  double activity = 1.0;              // busy share of billed time
  bool take_or_pay = true;            // reserved: bill what it gets even if idle
  double noise = 0.0;                 // relative sd of demand per step (under a seed)
  std::optional<PrepaymentSpec> prepayment;
  double escalation = 0.0;            // per year: price × (1 + e)^⌊years since start⌋
  std::optional<RenewalSpec> renewal;
  std::optional<TerminationSpec> terminate;
  bool operator==(const ContractSpec&) const = default;
};

struct ExpenseSpec {
  std::string name;
  std::optional<MoneyRate> rate;   // an amount per year, spread over [start, end) …
  std::optional<Money> amount;     // … or a one-off amount on `at`
  std::optional<HourStamp> at;
  std::optional<HourStamp> start;
  std::optional<HourStamp> end;
  bool operator==(const ExpenseSpec&) const = default;
};

struct DebtSpec {
  enum class Amortization { bullet, linear, annuity };
  std::string name;
  Money principal;
  double rate = 0.0;  // per year, on the outstanding balance
  std::optional<HourStamp> start;  // drawn then; default run start
  Span term = Span::of_years(5);
  Amortization amortization = Amortization::bullet;
  bool operator==(const DebtSpec&) const = default;
};

// A capital item other than GPUs (halls, power and cooling, networking).
struct AssetSpec {
  std::string name;
  std::optional<Money> amount;          // the cost …
  std::optional<double> per_mw_usd;     // … or USD per MW of the site's it_power_cap
  std::string site;                     // needed with per_mw
  std::optional<HourStamp> at;          // in service (and paid) on this date …
  std::vector<RampPoint> ramp;          // … or spread like a pool's ramp (amount ÷ the largest count per unit)
  Span life = Span::of_years(20);
  double residual = 0.0;                // share of cost left at the end of `life`
  bool operator==(const AssetSpec&) const = default;
};

// Vendor equity that vests as a site's installed IT power reaches milestones.
struct WarrantTrancheSpec {
  Power at_power;
  double shares = 0.0;
  bool operator==(const WarrantTrancheSpec&) const = default;
};
struct WarrantSpec {
  std::string name;
  double shares = 0.0;  // granted in all
  Money strike;         // per share
  Money share_price;    // per share, when a tranche vests
  std::string site;
  std::vector<WarrantTrancheSpec> vest;  // milestones in increasing power
  bool operator==(const WarrantSpec&) const = default;
};

enum class TerminalValue { none, book };

struct FinanceSpec {
  std::vector<ExpenseSpec> opex;   // expenses (positive = cost)
  std::vector<ExpenseSpec> other;  // other income (+) and expense (−)
  std::vector<DebtSpec> debt;
  double tax_rate = 0.0;       // on positive yearly pre-tax income
  double discount_rate = 0.1;  // per year, for NPV
  std::vector<AssetSpec> assets;
  std::vector<WarrantSpec> warrants;
  TerminalValue terminal_value = TerminalValue::none;
  bool operator==(const FinanceSpec&) const = default;
};

struct SolveSpec {
  std::string vary;    // a scenario path, e.g. contracts.Others.gpus
  std::string target;  // a result path, e.g. customers.Microsoft.revenue_share
  double equals = 0.0; // in the result's unit (fractions for shares) …
  std::optional<std::string> equals_metric;  // … or another result, by path
  std::optional<std::string> low;   // bracket, in the varied key's unit
  std::optional<std::string> high;
  bool operator==(const SolveSpec&) const = default;
};

struct UncertainSpec {
  enum class Dist { uniform, normal, triangular, lognormal };
  std::string name;
  std::string path;
  Dist dist = Dist::uniform;
  // Parameters as written (with units), validated against the path's key.
  std::optional<std::string> low, high, mode, mean, sd;
  bool operator==(const UncertainSpec&) const = default;
};

struct ScenarioSpec {
  std::string name;
  std::string description;
  TimeSpec time;
  std::vector<GpuModelSpec> catalog;  // built-in entries merged with the file's
  std::vector<SiteSpec> sites;
  std::vector<FleetSpec> fleet;
  std::vector<ContractSpec> contracts;
  std::vector<ContractSpec> demand;
  FinanceSpec finance;
  std::optional<SolveSpec> solve;
  std::vector<UncertainSpec> uncertain;
  std::optional<unsigned long long> seed;  // draws noise and failures when set
  bool operator==(const ScenarioSpec&) const = default;
};

}  // namespace gpusim
