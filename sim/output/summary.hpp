// Writers of a run's Results: the JSON summary (design.md's contract), the
// table a person reads, the time series and customers CSVs, and metric lookup
// by dotted path ("finance.revenue_usd", "customers.Microsoft.revenue_share").
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/engine/results.hpp"

namespace gpusim {

using Json = nlohmann::ordered_json;

// Every key of design.md's JSON summary, in its order, plus gpusim's extras;
// with `only` ("finance", "customers", …), just that top-level group (cheaper,
// for looking up one result many times).
Json summary_json(const Results& r, const std::string& only = "");

// A scalar of the summary by dotted path; arrays of named objects are entered
// by name (customers.Microsoft.revenue_share). nullopt when absent or null.
std::optional<double> metric_value(const Json& summary, const std::string& path);
// Every numeric scalar of the summary as (dotted name, value), in summary order.
// Arrays of named objects contribute NAME-addressed entries.
std::vector<std::pair<std::string, double>> flatten_scalars(const Json& summary);
// Every scalar of the summary, null ones as nullopt, in summary order.
std::vector<std::pair<std::string, std::optional<double>>> flatten_all(const Json& summary);
// The valid metric names of a summary (null ones too), for headers and messages.
std::vector<std::string> metric_names(const Json& summary);

// Every scalar of the summary without building its JSON: exactly
// flatten_all(summary_json(r))'s names, order and values (null as nullopt),
// the names one after another in one string. summary_json and the cells come
// from one description of the summary.
struct SummaryCells {
  std::string names;                    // every name, one after another
  std::vector<std::size_t> name_ends;   // where each name ends in `names`
  std::vector<std::optional<double>> values;
  // Each name's prefix (up to its last '.') as a number that changes where
  // the prefix may change: names next to each other with the same number
  // have the same prefix (summary_values_named_as compares it once for them).
  std::vector<std::uint32_t> prefix_groups;
  // Where each name's last part (its key) was read from: the same address
  // and length, the same key (summary_values_named_as compares those first).
  std::vector<const char*> key_data;

  std::size_t size() const { return name_ends.size(); }
  std::string_view name(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : name_ends[i - 1];
    return std::string_view(names.data() + begin, name_ends[i] - begin);
  }
  // As flatten_all gives them.
  std::vector<std::pair<std::string, std::optional<double>>> pairs() const;
};
SummaryCells summary_cells(const Results& r);
// The values of summary_cells(r) alone when its names are `shape`'s (the cells
// of another run of the scenario), compared as they are made, none stored: what
// a Monte Carlo run after the first keeps. As numbers, a null NaN; `finite`:
// whether every value that is not null is finite. nullopt when the names differ.
struct SummaryNumbers {
  std::vector<double> values;
  bool finite = true;
};
std::optional<SummaryNumbers> summary_values_named_as(const Results& r, const SummaryCells& shape);

// A result's name in words, for chart titles and legends, and its unit apart:
// finance.npv_usd → {"NPV", "USD"}, finance.operating_margin → {"Operating
// margin", ""}, utilization.billed → {"Billed utilization", ""},
// customers.Microsoft.revenue_share → {"Microsoft: revenue share", ""}.
struct MetricWords {
  std::string words, unit;
  // "NPV (USD)", "Operating margin".
  std::string with_unit() const { return unit.empty() ? words : words + " (" + unit + ")"; }
};
MetricWords metric_words(const std::string& path);

// The human summary: ladder, power and energy, income statement, customers.
std::string summary_table(const Results& r);

enum class Period { step, day, month, quarter, year };

// How a column of the time series aggregates over a period.
enum class SeriesKind {
  flow,           // a sum over the period: GPU-hours, kWh, USD
  level,          // a time-weighted average: GPUs, MW
  running_total,  // the total at the period's end: cumulative_cash_usd
  closing,        // a balance at the period's end: deferred_revenue_usd
  ratio,          // a ratio of two flows: price_usd_per_gpu_hour (revenue ÷ billed GPU-hours)
};

// The time series aggregated per period: timeseries.csv's columns (after
// period_start and hours), with units in their names. A ratio whose
// denominator is 0 in a period is NaN there.
struct PeriodTable {
  std::vector<std::string> columns;
  std::vector<SeriesKind> kinds;           // per column
  std::vector<std::string> period_starts;  // "2024-01-01"
  std::vector<double> hours;               // per period
  std::vector<std::vector<double>> rows;   // rows[period][column]
};
PeriodTable period_table(const Results& r, Period every);
// The same as CSV: period_start, hours, then the columns (a NaN as an empty cell).
std::string timeseries_csv(const Results& r, Period every);
std::string customers_csv(const Results& r);
// A CSV field: quoted (quotes doubled) when it holds a comma, quote or newline.
std::string csv_field(const std::string& s);
// The summary as CSV: a `metric,value` header, then every scalar of the JSON
// summary (flatten_all's order and names), a null one as an empty value.
std::string summary_csv(const Results& r);

// An output directory or file that cannot be written (a user's --out, not a bug);
// sim/output/staged_output.hpp writes --out folders all or nothing.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The built-in GPU catalog (`gpusim catalog --format json`): id, tdp_w, idle_w,
// overhead_w, price_usd, source per model.
Json catalog_json();

// "1,234,567.8" style formatting for tables.
std::string with_commas(double v, int decimals);

}  // namespace gpusim
