#include "sim/output/summary.hpp"

#include <algorithm>
#include <cctype>
#include "sim/output/columns.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>
#include <tuple>

#include "models/catalog.hpp"
#include "sim/scenario/document.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim {

namespace {
Json opt(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

// The summary, described once: its groups (objects), lists (arrays of objects
// addressed by their name) and their keys and values, in order. summary_json
// builds JSON from it (JsonOut), summary_cells the scalars' names and values
// (CellsOut). An Out has: text, flag, number (arithmetic or optional: null),
// group and list (open an object or an array under a key), item (open a list's
// object, its "name" first) and end (close what was opened last).
template <class Out>
void describe_summary(const Results& r, const std::string& only, Out& out) {
  const Summary& m = r.summary;
  const auto want = [&](const char* group) { return only.empty() || only == group; };
  // A count as written: its unit, the number in that unit, and GPUs (null for
  // fit, all and gpu_hours).
  const auto count = [&](const CountAsWritten& c) {
    out.text("count_unit", count_unit_name(c.unit));
    out.number("count_as_written", c.gpus ? std::optional<double>(*c.gpus / c.gpus_per_unit) : std::nullopt);
    out.number("count_gpus", c.gpus);
  };
  // A group (an object) and a list of named objects, each with its fields.
  const auto group = [&](const char* key, const auto& fields) {
    if (!want(key)) return;
    out.group(key);
    fields();
    out.end();
  };
  const auto list = [&](const char* key, const auto& items, const auto& fields) {
    if (!want(key)) return;
    out.list(key, items.size());
    for (const auto& item : items) {
      out.item(item.name);
      fields(item);
      out.end();
    }
    out.end();
  };
  if (want("scenario")) out.text("scenario", r.scenario);
  group("time", [&] {
    out.text("start", format_date(r.time.start));
    out.text("end", format_date(r.time.end));
    out.number("hours", m.hours);
    out.number("years", m.years);
    out.number("steps", m.steps);
    out.number("step_hours", r.time.step_hours);
  });
  group("gpus", [&] {
    out.number("installed_avg", m.installed_avg);
    out.number("installed_end", m.installed_end);
    out.number("gpu_hours_installed", m.gpu_hours_installed);
    out.number("gpu_hours_available", m.gpu_hours_available);
    out.number("gpu_hours_billed", m.gpu_hours_billed);
    out.number("gpu_hours_busy", m.gpu_hours_busy);
    out.number("shortfall_gpu_hours", m.shortfall_gpu_hours);
    out.number("gpu_hours_contracted", m.gpu_hours_contracted);
    out.number("unserved_gpu_hours", m.unserved_gpu_hours);
  });
  group("utilization", [&] {
    out.number("billed", m.utilization_billed);
    out.number("busy", m.utilization_busy);
    out.number("available", m.utilization_available);
    out.number("contracted", m.utilization_contracted);
  });
  group("power", [&] {
    out.number("it_avg_mw", m.it_avg_mw);
    out.number("it_peak_mw", m.it_peak_mw);
    out.number("facility_avg_mw", m.facility_avg_mw);
    out.number("facility_peak_mw", m.facility_peak_mw);
  });
  group("energy", [&] {
    out.number("it_kwh", m.it_kwh);
    out.number("facility_kwh", m.facility_kwh);
    out.number("cost_usd", m.energy_cost_usd);
    out.number("gpu_kwh", m.gpu_kwh);
    out.number("server_kwh", m.server_kwh);
    out.number("cooling_and_losses_kwh", m.cooling_and_losses_kwh);
    out.number("ppa_kwh", m.ppa_kwh);
    out.number("grid_kwh", m.grid_kwh);
    out.number("ppa_cost_usd", m.energy_ppa_cost_usd);
    out.number("grid_cost_usd", m.energy_grid_cost_usd);
    out.number("co2_tonnes", m.co2_tonnes);
    out.number("co2_kg_per_gpu_hour", m.co2_kg_per_gpu_hour);
  });
  group("finance", [&] {
    out.number("revenue_usd", m.revenue_usd);
    out.number("energy_cost_usd", m.energy_cost_usd);
    out.number("colocation_usd", m.colocation_usd);
    out.number("opex_usd", m.opex_usd);
    out.number("depreciation_usd", m.depreciation_usd);
    out.number("operating_income_usd", m.operating_income_usd);
    out.number("operating_margin", m.operating_margin);
    out.number("interest_usd", m.interest_usd);
    out.number("other_usd", m.other_usd);
    out.number("tax_usd", m.tax_usd);
    out.number("net_income_usd", m.net_income_usd);
    out.number("net_margin", m.net_margin);
    out.number("ebitda_usd", m.ebitda_usd);
    out.number("capex_usd", m.capex_usd);
    out.number("npv_usd", m.npv_usd);
    out.number("irr", m.irr);
    out.number("payback_years", m.payback_years);
    out.number("cash_flow_usd", m.cash_flow_usd);
    out.number("min_cumulative_cash_usd", m.min_cumulative_cash_usd);
    out.number("debt_drawn_usd", m.debt_drawn_usd);
    out.number("debt_repaid_usd", m.debt_repaid_usd);
    out.number("debt_service_usd", m.debt_service_usd);
    out.number("revenue_per_gpu_hour_usd", m.revenue_per_gpu_hour_usd);
    out.number("revenue_per_gw_year_usd", m.revenue_per_gw_year_usd);
    out.number("revenue_run_rate_usd", m.revenue_run_rate_usd);
    out.number("revenue_growth_per_year", m.revenue_growth_per_year);
    out.number("other_per_gw_usd", m.other_per_gw_usd);
    out.number("prepayments_usd", m.prepayments_usd);
    out.number("deferred_revenue_end_usd", m.deferred_revenue_end_usd);
    out.number("termination_fees_usd", m.termination_fees_usd);
    out.number("warrants_usd", m.warrants_usd);
    out.number("capex_net_of_warrants_usd", m.capex_net_of_warrants_usd);
    out.number("book_value_end_usd", m.book_value_end_usd);
    out.number("terminal_value_usd", m.terminal_value_usd);
    out.number("npv_without_terminal_value_usd", m.npv_without_terminal_value_usd);
  });
  list("customers", r.customers, [&](const CustomerResult& c) {
    out.number("gpu_hours", c.gpu_hours);
    out.number("revenue_usd", c.revenue_usd);
    out.number("revenue_share", c.revenue_share);
  });
  if (r.solve) {
    group("solve", [&] {
      const SolveResult& s = *r.solve;
      out.text("vary", s.vary);
      out.number("value", s.value);
      out.text("target", s.target);
      out.number("achieved", s.achieved);
      out.number("equals", s.target_value);
      out.number("evaluations", s.evaluations);
      if (s.derived_price_usd_per_gpu_hour) out.number("price_usd_per_gpu_hour", *s.derived_price_usd_per_gpu_hour);
    });
  }
  list("contracts", r.contracts, [&](const ContractResult& c) {
    out.text("customer", c.customer);
    out.text("kind", contract_kind_name(c.kind));
    out.text("pool", c.pool);
    out.number("price_usd_per_gpu_hour", c.price_usd_per_gpu_hour);
    out.flag("price_derived_from_value", c.price_derived_from_value);
    out.number("value_usd", c.value_usd);
    out.number("contracted_gpu_hours", c.contracted_gpu_hours);
    out.number("billed_gpu_hours", c.billed_gpu_hours);
    out.number("busy_gpu_hours", c.busy_gpu_hours);
    out.number("shortfall_gpu_hours", c.shortfall_gpu_hours);
    out.number("revenue_usd", c.revenue_usd);
    out.number("renewed_gpu_hours", c.renewed_gpu_hours);
    out.number("prepayment_usd", c.prepayment_usd);
    out.number("termination_fee_usd", c.termination_fee_usd);
    count(c.count);
  });
  list("pools", r.pools, [&](const PoolResult& p) {
    out.text("gpu", p.gpu);
    out.text("site", p.site);
    out.number("installed_end", p.installed_end);
    out.number("gpu_hours_installed", p.gpu_hours_installed);
    out.number("gpu_hours_available", p.gpu_hours_available);
    out.number("gpu_hours_busy", p.gpu_hours_busy);
    out.number("capex_usd", p.capex_usd);
    out.number("capex_per_gpu_usd", p.capex_per_gpu_usd);
    out.number("depreciation_usd", p.depreciation_usd);
    out.number("book_value_end_usd", p.book_value_end_usd);
    out.number("fitted_count", p.fitted_count);
    count(p.count);
  });
  list("sites", r.sites, [&](const SiteResult& s) {
    out.number("it_peak_mw", s.it_peak_mw);
    out.number("facility_peak_mw", s.facility_peak_mw);
    out.number("it_kwh", s.it_kwh);
    out.number("facility_kwh", s.facility_kwh);
    out.number("energy_cost_usd", s.energy_cost_usd);
    out.number("ppa_kwh", s.ppa_kwh);
    out.number("grid_kwh", s.grid_kwh);
    out.number("ppa_cost_usd", s.ppa_cost_usd);
    out.number("grid_cost_usd", s.grid_cost_usd);
    out.number("co2_tonnes", s.co2_tonnes);
    out.number("colocation_usd", s.colocation_usd);
  });
  list("assets", r.assets, [&](const AssetResult& a) {
    out.number("cost_usd", a.cost_usd);
    out.number("capex_usd", a.capex_usd);
    out.number("depreciation_usd", a.depreciation_usd);
    out.number("book_value_end_usd", a.book_value_end_usd);
  });
  list("warrants", r.warrants, [&](const WarrantResult& w) {
    out.number("vested_shares", w.vested_shares);
    out.number("value_usd", w.value_usd);
  });
}

// The summary as JSON: every key appended to the object open last (the
// description names each key once, so none is looked up).
class JsonOut {
 public:
  JsonOut() : open_{&root_} {}
  Json take() { return std::move(root_); }
  void text(const char* key, const std::string& value) { add(key, Json(value)); }
  void flag(const char* key, bool value) { add(key, Json(value)); }
  template <class T>
  void number(const char* key, T value) { add(key, Json(value)); }
  void number(const char* key, const std::optional<double>& value) { add(key, opt(value)); }
  void group(const char* key) { open_.push_back(&add(key, Json::object())); }
  void list(const char* key, std::size_t items) {
    Json& array = add(key, Json::array());
    array.get_ref<Json::array_t&>().reserve(items);
    open_.push_back(&array);
  }
  void item(const std::string& name) {
    auto& items = open_.back()->get_ref<Json::array_t&>();
    items.emplace_back(Json::object());
    open_.push_back(&items.back());
    text("name", name);
  }
  void end() { open_.pop_back(); }

 private:
  Json& add(const char* key, Json value) {
    if (open_.back()->is_null()) *open_.back() = Json::object();
    auto& entries = open_.back()->get_ref<Json::object_t&>();
    entries.emplace_back(key, std::move(value));
    return entries.back().second;
  }
  Json root_;
  std::vector<Json*> open_;
};

// The summary's scalars: a number's or a null's dotted name (a list's object
// by its name) and value; text and flags are not scalars. With a `shape`, the
// names are compared with its names as they are made, not stored.
class CellsOut {
 public:
  explicit CellsOut(SummaryCells& cells) : cells_(&cells) {}
  // Names compared with `shape`'s, values to `numbers` (a null NaN).
  CellsOut(const SummaryCells& shape, SummaryNumbers& numbers) : shape_(&shape), numbers_(&numbers) {}
  // With a shape: whether the names so far are its first names.
  bool named_as_shape() const { return named_as_shape_; }
  void text(const char*, const std::string&) {}
  void flag(const char*, bool) {}
  template <class T>
  void number(std::string_view key, T value) { add(key, static_cast<double>(value)); }
  void number(std::string_view key, const std::optional<double>& value) { add(key, value); }
  void group(const char* key) { open(key); }
  void list(const char* key, std::size_t) { open(key); }
  void item(const std::string& name) { open(name); }
  void end() {
    prefix_.resize(prefix_ends_.back());
    prefix_ends_.pop_back();
    ++prefix_group_;
  }

 private:
  void open(std::string_view key) {
    prefix_ends_.push_back(prefix_.size());
    prefix_.append(key).push_back('.');
    ++prefix_group_;
  }
  void add(std::string_view key, const std::optional<double>& value) {
    if (shape_) {
      const std::size_t at = numbers_->values.size();
      named_as_shape_ = named_as_shape_ && at < shape_->size() && [&] {
        const std::string_view name = shape_->name(at);
        if (name.size() != prefix_.size() + key.size()) return false;
        const bool same_key = shape_->key_data.size() == shape_->size() && shape_->key_data[at] == key.data();
        if (!same_key && !name.ends_with(key)) return false;
        // The prefix was compared for the last name if no group opened or
        // closed here since and the shape's prefix group goes on.
        if (checked_group_ == prefix_group_ && at > 0 && shape_->prefix_groups.size() == shape_->size() &&
            shape_->prefix_groups[at] == shape_->prefix_groups[at - 1])
          return true;
        checked_group_ = prefix_group_;
        return name.starts_with(prefix_);
      }();
      numbers_->values.push_back(value ? *value : std::numeric_limits<double>::quiet_NaN());
      numbers_->finite = numbers_->finite && (!value || std::isfinite(*value));
      return;
    }
    cells_->names.append(prefix_).append(key);
    cells_->name_ends.push_back(cells_->names.size());
    cells_->prefix_groups.push_back(prefix_group_);
    cells_->key_data.push_back(key.data());
    cells_->values.push_back(value);
  }
  SummaryCells* cells_ = nullptr;
  const SummaryCells* shape_ = nullptr;
  SummaryNumbers* numbers_ = nullptr;
  bool named_as_shape_ = true;
  std::string prefix_;
  std::vector<std::size_t> prefix_ends_;
  std::uint32_t prefix_group_ = 0;     // groups opened and closed so far: the same number, the same prefix
  std::uint32_t checked_group_ = ~0u;  // with a shape: prefix_group_ when the prefix was last compared
};

}  // namespace

Json summary_json(const Results& r, const std::string& only) {
  JsonOut out;
  describe_summary(r, only, out);
  return out.take();
}

std::vector<std::pair<std::string, std::optional<double>>> SummaryCells::pairs() const {
  std::vector<std::pair<std::string, std::optional<double>>> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.emplace_back(std::string(name(i)), values[i]);
  return out;
}

namespace {
// Room for the cells of `r`: at most 14 scalars per contract, pool, site, …
// and about 32 bytes a name (a sizing guess, not a limit).
std::size_t cells_guess(const Results& r) {
  return 100 + 14 * (r.customers.size() + r.contracts.size() + r.pools.size() + r.sites.size() + r.assets.size() +
                     r.warrants.size());
}
}  // namespace

std::optional<SummaryNumbers> summary_values_named_as(const Results& r, const SummaryCells& shape) {
  SummaryNumbers numbers;
  numbers.values.reserve(shape.size());
  CellsOut out(shape, numbers);
  describe_summary(r, "", out);
  if (!out.named_as_shape() || numbers.values.size() != shape.size()) return std::nullopt;
  return numbers;
}

SummaryCells summary_cells(const Results& r) {
  SummaryCells cells;
  const std::size_t guess = cells_guess(r);
  cells.values.reserve(guess);
  cells.name_ends.reserve(guess);
  cells.prefix_groups.reserve(guess);
  cells.key_data.reserve(guess);
  cells.names.reserve(32 * guess);
  CellsOut out(cells);
  describe_summary(r, "", out);
  return cells;
}

namespace {
void flatten(const Json& j, const std::string& prefix, std::vector<std::pair<std::string, std::optional<double>>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else if (j.is_array()) {
    for (const auto& item : j) {
      if (item.is_object() && item.contains("name") && item["name"].is_string())
        flatten(item, prefix + "." + item["name"].get<std::string>(), out);
    }
  } else if (j.is_number()) {
    out.emplace_back(prefix, j.get<double>());
  } else if (j.is_null()) {
    out.emplace_back(prefix, std::nullopt);
  }
}
}  // namespace

std::vector<std::pair<std::string, std::optional<double>>> flatten_all(const Json& summary) {
  std::vector<std::pair<std::string, std::optional<double>>> out;
  flatten(summary, "", out);
  return out;
}

std::vector<std::pair<std::string, double>> flatten_scalars(const Json& summary) {
  std::vector<std::pair<std::string, double>> out;
  for (auto& [name, v] : flatten_all(summary))
    if (v) out.emplace_back(std::move(name), *v);
  return out;
}

std::vector<std::string> metric_names(const Json& summary) {
  std::vector<std::string> names;
  for (auto& [name, v] : flatten_all(summary)) names.push_back(std::move(name));
  return names;
}

std::optional<double> metric_value(const Json& summary, const std::string& path) {
  const std::vector<std::string> seg = split_path(path);
  const Json* node = &summary;
  for (const auto& s : seg) {
    if (node->is_object()) {
      auto it = node->find(s);
      if (it == node->end()) return std::nullopt;
      node = &*it;
    } else if (node->is_array()) {
      const Json* found = nullptr;
      for (const auto& item : *node)
        if (item.is_object() && item.contains("name") && item["name"] == s) found = &item;
      if (!found) return std::nullopt;
      node = found;
    } else {
      return std::nullopt;
    }
  }
  if (!node->is_number()) return std::nullopt;
  return node->get<double>();
}

MetricWords metric_words(const std::string& path) {
  const std::vector<std::string> seg = split_path(path);
  if (seg.empty()) return {path, ""};
  std::string leaf = seg.back();
  MetricWords out;
  // The unit a name ends with, longest first.
  const std::pair<const char*, const char*> units[] = {
      {"_usd_per_gpu_hour", "USD/GPU-h"}, {"_per_gpu_hour_usd", "USD/GPU-h"}, {"_per_gw_year_usd", "USD/GW-year"},
      {"_per_gw_usd", "USD/GW"}, {"_usd", "USD"}, {"_mw", "MW"}, {"_kwh", "kWh"}, {"_years", "years"},
      {"_per_year", "/year"}};
  for (const auto& [tail, unit] : units) {
    const std::string t = tail;
    if (leaf.size() > t.size() && leaf.compare(leaf.size() - t.size(), t.size(), t) == 0) {
      leaf = leaf.substr(0, leaf.size() - t.size());
      out.unit = unit;
      break;
    }
  }
  if (leaf.find("gpu_hours") != std::string::npos && out.unit.empty()) out.unit = "GPU-h";
  if (seg.front() == "time" && leaf == "hours") out.unit = "h";
  // Words, with the acronyms a reader expects.
  const std::pair<const char*, const char*> acronyms[] = {
      {"npv", "NPV"}, {"irr", "IRR"}, {"ebitda", "EBITDA"}, {"it", "IT"}, {"gpu", "GPU"}, {"gpus", "GPUs"},
      {"avg", "average"}, {"usd", "USD"}, {"kwh", "kWh"}, {"mw", "MW"}, {"gw", "GW"}};
  std::string words;
  std::size_t start = 0;
  while (start <= leaf.size()) {
    const auto underscore = leaf.find('_', start);
    std::string word = leaf.substr(start, underscore == std::string::npos ? std::string::npos : underscore - start);
    for (const auto& [lower, shown] : acronyms)
      if (word == lower) word = shown;
    if (!word.empty()) words += (words.empty() ? "" : " ") + word;
    if (underscore == std::string::npos) break;
    start = underscore + 1;
  }
  const std::string& group = seg.front();
  if (seg.size() == 3) {
    words = seg[1] + ": " + words;  // customers.NAME.x, contracts.NAME.x, pools.NAME.x, sites.NAME.x
  } else if (group == "utilization" && seg.size() == 2) {
    words[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0])));
    words += " utilization";  // "Billed utilization"
  } else if (seg.size() == 2 && group != "finance") {
    std::string g = group;
    g[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(g[0])));
    if (group == "gpus") g = "GPUs";
    words = g + ", " + words;
  } else if (!words.empty() && std::islower(static_cast<unsigned char>(words[0]))) {
    words[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0])));
  }
  out.words = words;
  return out;
}

std::string with_commas(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  // Sized for every digit: 1e300 has 301 of them.
  std::string s(static_cast<std::size_t>(std::snprintf(nullptr, 0, "%.*f", decimals, std::fabs(v))) + 1, '\0');
  std::snprintf(s.data(), s.size(), "%.*f", decimals, std::fabs(v));
  s.pop_back();
  const auto dot = s.find('.');
  std::string whole = dot == std::string::npos ? s : s.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : s.substr(dot);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  const bool negative = v < 0 && std::fabs(v) >= 0.5 * std::pow(10.0, -decimals);
  return (negative ? "-" : "") + grouped + frac;
}

namespace {
// printf of one number into a string of whatever length it needs.
std::string formatted(const char* format, double v) {
  std::string out(static_cast<std::size_t>(std::snprintf(nullptr, 0, format, v)) + 1, '\0');
  std::snprintf(out.data(), out.size(), format, v);
  out.pop_back();
  return out;
}
std::string pct(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return "n/a";
  return formatted("%.1f%%", *v * 100);
}
std::string money_text(double v) {
  const double a = std::fabs(v);
  if (!std::isfinite(v)) return "n/a";
  if (a >= 1e9) return formatted("%.3fB", v / 1e9);
  if (a >= 1e6) return formatted("%.2fM", v / 1e6);
  return with_commas(v, 0);
}
// No fixed buffers: a long name or value widens its row, never cuts it.
void row(std::ostringstream& o, const std::string& label, const std::string& value, const std::string& note = "") {
  o << "  " << left(label, 34) << " " << right(value, 20) << "  " << note << "\n";
}
}  // namespace

std::string summary_table(const Results& r) {
  const Summary& m = r.summary;
  std::ostringstream o;
  o << r.scenario << "\n";
  o << "  " << format_date(r.time.start) << " to " << format_date(r.time.end) << " (exclusive), "
    << with_commas(m.hours, 0) << " h in " << with_commas(static_cast<double>(m.steps), 0) << " steps of "
    << r.time.step_hours << " h\n\n";
  {
    // Each count as written and in GPUs (pools, then contracts not written in GPUs).
    o << "Fleet (count as written, in GPUs)\n";
    char buf[256];
    const auto count_row = [&](const std::string& label, const std::string& gpu, const CountAsWritten& c,
                               const std::optional<double>& fitted) {
      std::string written = fitted ? "fit" : "";
      std::string gpus = fitted ? with_commas(*fitted, 0) : "";
      if (c.gpus) {
        written = (c.ramp ? "ramp to " : "") + with_commas(*c.gpus / c.gpus_per_unit, 0) + " " +
                  count_unit_name(c.unit);
        gpus = with_commas(*c.gpus, 0);
      }
      std::snprintf(buf, sizeof buf, "  %-24s %-10s %22s %14s GPUs\n", label.c_str(), gpu.c_str(), written.c_str(),
                    gpus.c_str());
      o << buf;
    };
    for (const auto& p : r.pools) count_row(p.name, p.gpu, p.count, p.fitted_count);
    for (const auto& c : r.contracts)
      if (c.count.unit != CountUnit::gpus) count_row(c.list + "." + c.name, "", c.count, std::nullopt);
    o << "\n";
  }
  o << "Utilization ladder (GPU-hours, share of installed)\n";
  row(o, "installed", with_commas(m.gpu_hours_installed, 0), "avg " + with_commas(m.installed_avg, 0) + " GPUs, end " + with_commas(m.installed_end, 0));
  row(o, "available (after repairs)", with_commas(m.gpu_hours_available, 0), pct(m.utilization_available));
  row(o, "contracted (reserved)", with_commas(m.gpu_hours_contracted, 0), pct(m.utilization_contracted));
  row(o, "billed", with_commas(m.gpu_hours_billed, 0), pct(m.utilization_billed) + "  <- utilization.billed");
  row(o, "busy", with_commas(m.gpu_hours_busy, 0), pct(m.utilization_busy) + "  <- utilization.busy");
  if (m.shortfall_gpu_hours > 0) row(o, "reserved shortfall", with_commas(m.shortfall_gpu_hours, 0), "contracted but not delivered");
  if (m.unserved_gpu_hours > 0) row(o, "unserved on-demand/spot", with_commas(m.unserved_gpu_hours, 0));
  o << "\nPower and energy\n";
  // Small sites keep their digits: three decimals below 10 MW, one below 100,000 kWh.
  const int mw_decimals = m.facility_peak_mw < 10 ? 3 : 1;
  const int kwh_decimals = m.facility_kwh < 1e5 ? 1 : 0;
  row(o, "IT power avg / peak (MW)", with_commas(m.it_avg_mw, mw_decimals) + " / " + with_commas(m.it_peak_mw, mw_decimals));
  row(o, "facility power avg / peak (MW)",
      with_commas(m.facility_avg_mw, mw_decimals) + " / " + with_commas(m.facility_peak_mw, mw_decimals));
  row(o, "IT energy (kWh)", with_commas(m.it_kwh, kwh_decimals));
  row(o, "  of which GPUs (kWh)", with_commas(m.gpu_kwh, kwh_decimals));
  row(o, "  of which server overhead (kWh)", with_commas(m.server_kwh, kwh_decimals));
  row(o, "facility energy (kWh)", with_commas(m.facility_kwh, kwh_decimals));
  row(o, "  of which cooling and losses (kWh)", with_commas(m.cooling_and_losses_kwh, kwh_decimals));
  if (m.ppa_kwh > 0 || m.energy_ppa_cost_usd > 0) {
    row(o, "  bought under PPAs (kWh)", with_commas(m.ppa_kwh, kwh_decimals));
    row(o, "energy cost: PPAs / grid (USD)", money_text(m.energy_ppa_cost_usd) + " / " + money_text(m.energy_grid_cost_usd));
  }
  if (m.co2_tonnes) {
    row(o, "CO2 (tonnes)", with_commas(*m.co2_tonnes, *m.co2_tonnes < 100 ? 3 : 0),
        m.co2_kg_per_gpu_hour ? with_commas(*m.co2_kg_per_gpu_hour, 3) + " kg per GPU-hour billed" : "");
  }
  o << "\nIncome statement (USD)\n";
  row(o, "revenue", money_text(m.revenue_usd));
  row(o, "- energy", money_text(m.energy_cost_usd));
  row(o, "- colocation", money_text(m.colocation_usd));
  row(o, "- opex", money_text(m.opex_usd));
  row(o, "- depreciation", money_text(m.depreciation_usd));
  row(o, "= operating income", money_text(m.operating_income_usd), "margin " + pct(m.operating_margin));
  row(o, "- interest", money_text(m.interest_usd));
  row(o, "+ other", money_text(m.other_usd));
  row(o, "- tax", money_text(m.tax_usd));
  row(o, "= net income", money_text(m.net_income_usd), "margin " + pct(m.net_margin));
  row(o, "EBITDA", money_text(m.ebitda_usd));
  o << "\nCash (USD)\n";
  row(o, "capex", money_text(m.capex_usd));
  if (m.warrants_usd != 0) {
    row(o, "  warrants vested (in other)", money_text(m.warrants_usd));
    row(o, "  capex net of warrants", money_text(m.capex_net_of_warrants_usd));
  }
  if (m.termination_fees_usd != 0) row(o, "termination fees (in other)", money_text(m.termination_fees_usd));
  if (m.prepayments_usd != 0 || m.deferred_revenue_end_usd != 0) {
    row(o, "prepayments received", money_text(m.prepayments_usd));
    row(o, "deferred revenue at end", money_text(m.deferred_revenue_end_usd), "received, not yet earned");
  }
  row(o, "net cash flow", money_text(m.cash_flow_usd), "lowest cumulative " + money_text(m.min_cumulative_cash_usd));
  if (m.terminal_value_usd != 0)
    row(o, "terminal value (book)", money_text(m.terminal_value_usd), "in NPV, IRR, payback only");
  row(o, "NPV", money_text(m.npv_usd));
  row(o, "IRR", pct(m.irr));
  row(o, "payback (years)", m.payback_years ? with_commas(*m.payback_years, 2) : "n/a");
  if (!r.customers.empty()) {
    o << "\nCustomers\n";
    auto customer_row = [&](const std::string& name, const std::string& hours, const std::string& revenue,
                            const std::string& share) {
      o << "  " << left(name, 24) << " " << right(hours, 18) << " " << right(revenue, 16) << " " << right(share, 8) << "\n";
    };
    customer_row("name", "GPU-hours", "revenue USD", "share");
    for (const auto& c : r.customers)
      customer_row(c.name, with_commas(c.gpu_hours, 0), money_text(c.revenue_usd), pct(c.revenue_share));
  }
  if (!r.contracts.empty()) {
    // The deal's own numbers: what each contract charges, is worth and earns.
    o << "\nContracts\n";
    std::size_t name_width = 24;
    for (const auto& c : r.contracts) name_width = std::max(name_width, display_width(c.name));
    auto contract_row = [&](const std::string& name, const std::string& price, const std::string& value,
                            const std::string& contracted, const std::string& billed, const std::string& revenue,
                            const std::string& note) {
      o << "  " << left(name, name_width) << " " << right(price, 12) << " " << right(value, 12) << " "
        << right(contracted, 18) << " " << right(billed, 18) << " " << right(revenue, 12) << note << "\n";
    };
    contract_row("name", "USD/gpu-h", "value USD", "contracted GPU-h", "billed GPU-h", "revenue USD", "");
    for (const auto& c : r.contracts)
      contract_row(c.name, formatted("%.4f", c.price_usd_per_gpu_hour), money_text(c.value_usd),
                   with_commas(c.contracted_gpu_hours, 0), with_commas(c.billed_gpu_hours, 0), money_text(c.revenue_usd),
                   c.price_derived_from_value ? "  price derived from value" : "");
  }
  if (r.solve) {
    o << "\nSolved\n";
    row(o, r.solve->vary, formatted("%.10g", r.solve->value), "as written: " + r.solve->value_text);
    row(o, r.solve->target, formatted("%.8g", r.solve->achieved), "target " + formatted("%.8g", r.solve->target_value));
    if (r.solve->derived_price_usd_per_gpu_hour) {
      const std::string contract = r.solve->vary.substr(0, r.solve->vary.rfind('.'));
      row(o, contract + ".price", formatted("%.6g", *r.solve->derived_price_usd_per_gpu_hour), "USD/gpu-h, derived from value");
    }
  }
  return o.str();
}

namespace {
std::string num(double v) { return format_number(v); }

Eigen::Index period_key(HourStamp t, Period every, Eigen::Index step_index) {
  const CivilDate d = civil_from_hours(t);
  switch (every) {
    case Period::step: return step_index;
    case Period::day: return days_from_civil(d.year, d.month, d.day);
    case Period::month: return d.year * 12 + (d.month - 1);
    case Period::quarter: return d.year * 4 + (d.month - 1) / 3;
    case Period::year: return d.year;
  }
  return 0;
}
}  // namespace

PeriodTable period_table(const Results& r, Period every) {
  const StepSeries& s = r.series;
  const Eigen::ArrayXd op = s.operating_income_usd();
  const Eigen::ArrayXd net = s.net_income_usd();
  const Eigen::ArrayXd cash = s.cash_flow_usd();
  using K = SeriesKind;
  // Each column: its name, its kind, its per-step series (a level's averaged
  // over the period, a flow's summed, a closing balance's last step taken) and
  // the divisor to the column's unit (W → MW, Wh → kWh, kg → t); a null series
  // is a column with no figure (CO2 without a carbon intensity). The running
  // total and the ratio come after.
  const Eigen::ArrayXd* co2 = s.co2_known ? &s.co2_kg : nullptr;
  const std::vector<std::tuple<const char*, K, const Eigen::ArrayXd*, double>> steps{
      {"installed_gpus", K::level, &s.installed_gpus, 1.0},
      {"available_gpus", K::level, &s.available_gpus, 1.0},
      {"contracted_gpus", K::level, &s.contracted_gpus, 1.0},
      {"billed_gpu_hours", K::flow, &s.billed_gpu_hours, 1.0},
      {"busy_gpu_hours", K::flow, &s.busy_gpu_hours, 1.0},
      {"shortfall_gpu_hours", K::flow, &s.shortfall_gpu_hours, 1.0},
      {"unserved_gpu_hours", K::flow, &s.unserved_gpu_hours, 1.0},
      {"it_power_mw", K::level, &s.it_power_w, 1e6},
      {"facility_power_mw", K::level, &s.facility_power_w, 1e6},
      {"it_energy_kwh", K::flow, &s.it_energy_wh, 1e3},
      {"facility_energy_kwh", K::flow, &s.facility_energy_wh, 1e3},
      {"ppa_energy_kwh", K::flow, &s.ppa_energy_wh, 1e3},
      {"co2_tonnes", K::flow, co2, 1e3},
      {"revenue_usd", K::flow, &s.revenue_usd, 1.0},
      {"energy_cost_usd", K::flow, &s.energy_cost_usd, 1.0},
      {"energy_cost_ppa_usd", K::flow, &s.energy_cost_ppa_usd, 1.0},
      {"energy_cost_grid_usd", K::flow, &s.energy_cost_grid_usd, 1.0},
      {"colocation_usd", K::flow, &s.colocation_usd, 1.0},
      {"opex_usd", K::flow, &s.opex_usd, 1.0},
      {"depreciation_usd", K::flow, &s.depreciation_usd, 1.0},
      {"operating_income_usd", K::flow, &op, 1.0},
      {"interest_usd", K::flow, &s.interest_usd, 1.0},
      {"other_usd", K::flow, &s.other_usd, 1.0},
      {"tax_usd", K::flow, &s.tax_usd, 1.0},
      {"net_income_usd", K::flow, &net, 1.0},
      {"capex_usd", K::flow, &s.capex_usd, 1.0},
      {"debt_drawn_usd", K::flow, &s.debt_drawn_usd, 1.0},
      {"debt_repaid_usd", K::flow, &s.debt_repaid_usd, 1.0},
      {"prepayment_usd", K::flow, &s.prepayment_usd, 1.0},
      {"prepayment_applied_usd", K::flow, &s.prepayment_applied_usd, 1.0},
      {"prepayment_refund_usd", K::flow, &s.prepayment_refund_usd, 1.0},
      {"deferred_revenue_usd", K::closing, &s.deferred_revenue_usd, 1.0},
      {"cash_flow_usd", K::flow, &cash, 1.0}};
  PeriodTable t;
  for (const auto& [name, kind, series, divisor] : steps) {
    t.columns.push_back(name);
    t.kinds.push_back(kind);
  }
  t.columns.insert(t.columns.end(), {"cumulative_cash_usd", "price_usd_per_gpu_hour"});
  t.kinds.insert(t.kinds.end(), {K::running_total, K::ratio});
  const Eigen::Index n = s.revenue_usd.size();
  const double dt = r.time.step_hours;
  double cumulative = 0.0;
  for (Eigen::Index k = 0; k < n;) {
    const Eigen::Index key = period_key(r.step_start(k), every, k);
    Eigen::Index j = k;
    while (j < n && period_key(r.step_start(j), every, j) == key) ++j;
    const double hours = static_cast<double>(j - k) * dt;
    std::vector<double> row;
    for (const auto& [name, kind, series, divisor] : steps) {
      if (!series) {
        row.push_back(std::nan(""));
        continue;
      }
      if (kind == K::closing) {
        row.push_back((*series)[j - 1] / divisor);
        continue;
      }
      const double sum = series->segment(k, j - k).sum();
      // A level's step values are averages over dt: its period average weights them by dt.
      row.push_back((kind == K::level ? sum * dt / hours : sum) / divisor);
    }
    cumulative += row[t.columns.size() - 3];  // cash_flow_usd
    const double billed = s.billed_gpu_hours.segment(k, j - k).sum();
    row.push_back(cumulative);
    row.push_back(billed > 0 ? s.revenue_usd.segment(k, j - k).sum() / billed : std::nan(""));
    t.period_starts.push_back(format_date(r.step_start(k)));
    t.hours.push_back(hours);
    t.rows.push_back(std::move(row));
    k = j;
  }
  return t;
}

std::string timeseries_csv(const Results& r, Period every) {
  const PeriodTable t = period_table(r, every);
  std::ostringstream o;
  o << "period_start,hours";
  for (const auto& c : t.columns) o << "," << c;
  o << "\n";
  for (std::size_t p = 0; p < t.rows.size(); ++p) {
    o << t.period_starts[p] << "," << num(t.hours[p]);
    for (double v : t.rows[p]) o << "," << (std::isfinite(v) ? num(v) : "");
    o << "\n";
  }
  return o.str();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string customers_csv(const Results& r) {
  std::ostringstream o;
  o << "name,gpu_hours,revenue_usd,revenue_share\n";
  for (const auto& c : r.customers)
    o << csv_field(c.name) << "," << num(c.gpu_hours) << "," << num(c.revenue_usd) << "," << num(c.revenue_share) << "\n";
  return o.str();
}

std::string summary_csv(const Results& r) {
  std::ostringstream o;
  o << "metric,value\n";
  const SummaryCells cells = summary_cells(r);
  for (std::size_t i = 0; i < cells.size(); ++i)
    o << csv_field(std::string(cells.name(i))) << "," << (cells.values[i] ? num(*cells.values[i]) : "") << "\n";
  return o.str();
}

Json catalog_json() {
  Json arr = Json::array();
  for (const auto& g : builtin_catalog()) {
    arr.push_back({{"id", g.id},
                   {"tdp_w", g.tdp.value},
                   {"idle_w", g.idle.value},
                   {"overhead_w", g.overhead.value},
                   {"price_usd", g.price.value},
                   {"gpus_per_server", opt(g.gpus_per_server)},
                   {"gpus_per_rack", opt(g.gpus_per_rack)},
                   {"source", g.source}});
  }
  return arr;
}

}  // namespace gpusim
