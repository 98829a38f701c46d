// Writers of a run's Results: the JSON summary (design.md's contract), the
// table a person reads, the time series and customers CSVs, and metric lookup
// by dotted path ("finance.revenue_usd", "customers.Microsoft.revenue_share").
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
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

// The human summary: ladder, power and energy, income statement, customers.
std::string summary_table(const Results& r);

enum class Period { step, day, month, quarter, year };
// The time series aggregated per period, as CSV with units in the column names.
std::string timeseries_csv(const Results& r, Period every);
std::string customers_csv(const Results& r);

// An output directory or file that cannot be written (a user's --out, not a bug).
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes files whole or not at all: each to a temporary name in `dir`, then
// renamed into place once all are written. Creates `dir` if needed. Throws
// OutputError when the directory or a file cannot be written.
void write_files_atomically(const std::string& dir,
                            const std::vector<std::pair<std::string, std::string>>& name_and_content);

// The built-in GPU catalog (`gpusim catalog --format json`): id, tdp_w, idle_w,
// overhead_w, price_usd, source per model.
Json catalog_json();

// "1,234,567.8" style formatting for tables.
std::string with_commas(double v, int decimals);

}  // namespace gpusim
