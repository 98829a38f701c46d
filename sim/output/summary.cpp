#include "sim/output/summary.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "models/catalog.hpp"
#include "sim/scenario/document.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim {

namespace {
Json opt(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

Json summary_json(const Results& r, const std::string& only) {
  const Summary& m = r.summary;
  Json j;
  const auto want = [&](const char* group) { return only.empty() || only == group; };
  if (want("scenario")) {
    j["scenario"] = r.scenario;
  }
  if (want("time")) {
    j["time"] = {{"start", format_date(r.time.start)},
                 {"end", format_date(r.time.end)},
                 {"hours", m.hours},
                 {"years", m.years},
                 {"steps", m.steps},
                 {"step_hours", r.time.step_hours}};
  }
  if (want("gpus")) {
    j["gpus"] = {{"installed_avg", m.installed_avg},
                 {"installed_end", m.installed_end},
                 {"gpu_hours_installed", m.gpu_hours_installed},
                 {"gpu_hours_available", m.gpu_hours_available},
                 {"gpu_hours_billed", m.gpu_hours_billed},
                 {"gpu_hours_busy", m.gpu_hours_busy},
                 {"shortfall_gpu_hours", m.shortfall_gpu_hours},
                 {"gpu_hours_contracted", m.gpu_hours_contracted},
                 {"unserved_gpu_hours", m.unserved_gpu_hours}};
  }
  if (want("utilization")) {
    j["utilization"] = {{"billed", m.utilization_billed},
                        {"busy", m.utilization_busy},
                        {"available", m.utilization_available},
                        {"contracted", m.utilization_contracted}};
  }
  if (want("power")) {
    j["power"] = {{"it_avg_mw", m.it_avg_mw},
                  {"it_peak_mw", m.it_peak_mw},
                  {"facility_avg_mw", m.facility_avg_mw},
                  {"facility_peak_mw", m.facility_peak_mw}};
  }
  if (want("energy")) {
    j["energy"] = {{"it_kwh", m.it_kwh},
                   {"facility_kwh", m.facility_kwh},
                   {"cost_usd", m.energy_cost_usd},
                   {"gpu_kwh", m.gpu_kwh},
                   {"server_kwh", m.server_kwh},
                   {"cooling_and_losses_kwh", m.cooling_and_losses_kwh}};
  }
  if (want("finance")) {
    j["finance"] = {{"revenue_usd", m.revenue_usd},
                    {"energy_cost_usd", m.energy_cost_usd},
                    {"colocation_usd", m.colocation_usd},
                    {"opex_usd", m.opex_usd},
                    {"depreciation_usd", m.depreciation_usd},
                    {"operating_income_usd", m.operating_income_usd},
                    {"operating_margin", opt(m.operating_margin)},
                    {"interest_usd", m.interest_usd},
                    {"other_usd", m.other_usd},
                    {"tax_usd", m.tax_usd},
                    {"net_income_usd", m.net_income_usd},
                    {"net_margin", opt(m.net_margin)},
                    {"ebitda_usd", m.ebitda_usd},
                    {"capex_usd", m.capex_usd},
                    {"npv_usd", m.npv_usd},
                    {"irr", opt(m.irr)},
                    {"payback_years", opt(m.payback_years)},
                    {"cash_flow_usd", m.cash_flow_usd},
                    {"min_cumulative_cash_usd", m.min_cumulative_cash_usd},
                    {"debt_drawn_usd", m.debt_drawn_usd},
                    {"debt_repaid_usd", m.debt_repaid_usd},
                    {"debt_service_usd", m.debt_service_usd},
                    {"revenue_per_gpu_hour_usd", opt(m.revenue_per_gpu_hour_usd)},
                    {"revenue_per_gw_year_usd", opt(m.revenue_per_gw_year_usd)},
                    {"revenue_run_rate_usd", opt(m.revenue_run_rate_usd)},
                    {"revenue_growth_per_year", opt(m.revenue_growth_per_year)},
                    {"other_per_gw_usd", opt(m.other_per_gw_usd)}};
  }
  if (want("customers")) {
  Json customers = Json::array();
  for (const auto& c : r.customers)
    customers.push_back({{"name", c.name},
                         {"gpu_hours", c.gpu_hours},
                         {"revenue_usd", c.revenue_usd},
                         {"revenue_share", c.revenue_share}});
  j["customers"] = customers;
  }
  if (r.solve && want("solve")) {
    j["solve"] = {{"vary", r.solve->vary},
                  {"value", r.solve->value},
                  {"target", r.solve->target},
                  {"achieved", r.solve->achieved},
                  {"equals", r.solve->target_value},
                  {"evaluations", r.solve->evaluations}};
  }
  if (want("contracts")) {
  Json contracts = Json::array();
  for (const auto& c : r.contracts)
    contracts.push_back({{"name", c.name},
                         {"customer", c.customer},
                         {"kind", contract_kind_name(c.kind)},
                         {"pool", c.pool},
                         {"price_usd_per_gpu_hour", c.price_usd_per_gpu_hour},
                         {"contracted_gpu_hours", c.contracted_gpu_hours},
                         {"billed_gpu_hours", c.billed_gpu_hours},
                         {"busy_gpu_hours", c.busy_gpu_hours},
                         {"shortfall_gpu_hours", c.shortfall_gpu_hours},
                         {"revenue_usd", c.revenue_usd}});
  j["contracts"] = contracts;
  }
  if (want("pools")) {
  Json pools = Json::array();
  for (const auto& p : r.pools) {
    Json pj = {{"name", p.name},
               {"gpu", p.gpu},
               {"site", p.site},
               {"installed_end", p.installed_end},
               {"gpu_hours_installed", p.gpu_hours_installed},
               {"gpu_hours_available", p.gpu_hours_available},
               {"gpu_hours_busy", p.gpu_hours_busy},
               {"capex_usd", p.capex_usd},
               {"depreciation_usd", p.depreciation_usd}};
    pj["fitted_count"] = opt(p.fitted_count);
    pools.push_back(pj);
  }
  j["pools"] = pools;
  }
  if (want("sites")) {
  Json sites = Json::array();
  for (const auto& s : r.sites)
    sites.push_back({{"name", s.name},
                     {"it_peak_mw", s.it_peak_mw},
                     {"facility_peak_mw", s.facility_peak_mw},
                     {"it_kwh", s.it_kwh},
                     {"facility_kwh", s.facility_kwh},
                     {"energy_cost_usd", s.energy_cost_usd},
                     {"colocation_usd", s.colocation_usd}});
  j["sites"] = sites;
  }
  return j;
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

std::string with_commas(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v));
  std::string s = buf;
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
std::string pct(std::optional<double> v) {
  if (!v) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *v * 100);
  return buf;
}
std::string money_text(double v) {
  const double a = std::fabs(v);
  char buf[64];
  if (a >= 1e9) std::snprintf(buf, sizeof buf, "%.3fB", v / 1e9);
  else if (a >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  else return with_commas(v, 0);
  return buf;
}
void row(std::ostringstream& o, const std::string& label, const std::string& value, const std::string& note = "") {
  char buf[256];
  std::snprintf(buf, sizeof buf, "  %-34s %20s  %s\n", label.c_str(), value.c_str(), note.c_str());
  o << buf;
}
}  // namespace

std::string summary_table(const Results& r) {
  const Summary& m = r.summary;
  std::ostringstream o;
  o << r.scenario << "\n";
  o << "  " << format_date(r.time.start) << " to " << format_date(r.time.end) << " (exclusive), "
    << with_commas(m.hours, 0) << " h in " << with_commas(static_cast<double>(m.steps), 0) << " steps of "
    << r.time.step_hours << " h\n\n";
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
  row(o, "net cash flow", money_text(m.cash_flow_usd), "lowest cumulative " + money_text(m.min_cumulative_cash_usd));
  row(o, "NPV", money_text(m.npv_usd));
  row(o, "IRR", pct(m.irr));
  row(o, "payback (years)", m.payback_years ? with_commas(*m.payback_years, 2) : "n/a");
  if (!r.customers.empty()) {
    o << "\nCustomers\n";
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-24s %18s %16s %8s\n", "name", "GPU-hours", "revenue USD", "share");
    o << buf;
    for (const auto& c : r.customers) {
      std::snprintf(buf, sizeof buf, "  %-24s %18s %16s %8s\n", c.name.c_str(), with_commas(c.gpu_hours, 0).c_str(),
                    money_text(c.revenue_usd).c_str(), pct(c.revenue_share).c_str());
      o << buf;
    }
  }
  if (r.solve) {
    o << "\nSolved\n";
    char v[64], a[64], t[64];
    std::snprintf(v, sizeof v, "%.10g", r.solve->value);
    std::snprintf(a, sizeof a, "%.8g", r.solve->achieved);
    std::snprintf(t, sizeof t, "%.8g", r.solve->target_value);
    row(o, r.solve->vary, v, "as written: " + r.solve->value_text);
    row(o, r.solve->target, a, std::string("target ") + t);
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

std::string timeseries_csv(const Results& r, Period every) {
  const StepSeries& s = r.series;
  const Eigen::ArrayXd op = s.operating_income_usd();
  const Eigen::ArrayXd net = s.net_income_usd();
  const Eigen::ArrayXd cash = s.cash_flow_usd();
  std::ostringstream o;
  o << "period_start,hours,installed_gpus,available_gpus,contracted_gpus,billed_gpu_hours,busy_gpu_hours,"
       "shortfall_gpu_hours,unserved_gpu_hours,it_power_mw,facility_power_mw,it_energy_kwh,"
       "facility_energy_kwh,revenue_usd,energy_cost_usd,colocation_usd,opex_usd,depreciation_usd,"
       "operating_income_usd,interest_usd,other_usd,tax_usd,net_income_usd,capex_usd,debt_drawn_usd,"
       "debt_repaid_usd,cash_flow_usd,cumulative_cash_usd\n";
  const Eigen::Index n = s.revenue_usd.size();
  const double dt = r.time.step_hours;
  double cumulative = 0.0;
  for (Eigen::Index k = 0; k < n;) {
    const Eigen::Index key = period_key(r.step_start(k), every, k);
    Eigen::Index j = k;
    while (j < n && period_key(r.step_start(j), every, j) == key) ++j;
    const auto seg = [&](const Eigen::ArrayXd& a) { return a.segment(k, j - k).sum(); };
    const double hours = static_cast<double>(j - k) * dt;
    const double period_cash = seg(cash);
    cumulative += period_cash;
    o << format_date(r.step_start(k)) << "," << num(hours) << "," << num(seg(s.installed_gpus) * dt / hours) << ","
      << num(seg(s.available_gpus) * dt / hours) << "," << num(seg(s.contracted_gpus) * dt / hours) << ","
      << num(seg(s.billed_gpu_hours)) << "," << num(seg(s.busy_gpu_hours)) << "," << num(seg(s.shortfall_gpu_hours))
      << "," << num(seg(s.unserved_gpu_hours)) << "," << num(seg(s.it_power_w) * dt / hours / 1e6) << ","
      << num(seg(s.facility_power_w) * dt / hours / 1e6) << "," << num(seg(s.it_energy_wh) / 1e3) << ","
      << num(seg(s.facility_energy_wh) / 1e3) << "," << num(seg(s.revenue_usd)) << "," << num(seg(s.energy_cost_usd))
      << "," << num(seg(s.colocation_usd)) << "," << num(seg(s.opex_usd)) << "," << num(seg(s.depreciation_usd)) << ","
      << num(seg(op)) << "," << num(seg(s.interest_usd)) << "," << num(seg(s.other_usd)) << "," << num(seg(s.tax_usd))
      << "," << num(seg(net)) << "," << num(seg(s.capex_usd)) << "," << num(seg(s.debt_drawn_usd)) << ","
      << num(seg(s.debt_repaid_usd)) << "," << num(period_cash) << "," << num(cumulative) << "\n";
    k = j;
  }
  return o.str();
}

namespace {
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string customers_csv(const Results& r) {
  std::ostringstream o;
  o << "name,gpu_hours,revenue_usd,revenue_share\n";
  for (const auto& c : r.customers)
    o << csv_field(c.name) << "," << num(c.gpu_hours) << "," << num(c.revenue_usd) << "," << num(c.revenue_share) << "\n";
  return o.str();
}

void write_files_atomically(const std::string& dir,
                            const std::vector<std::pair<std::string, std::string>>& files) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw OutputError("cannot create the output directory '" + dir + "': " + ec.message());
  if (!fs::is_directory(dir)) throw OutputError("'" + dir + "' is not a directory");
  std::vector<fs::path> temps;
  try {
    for (const auto& [name, content] : files) {
      const fs::path tmp = fs::path(dir) / ("." + name + ".tmp");
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw OutputError("cannot write '" + tmp.string() + "'");
      temps.push_back(tmp);
      out << content;
      out.close();
      if (!out) throw OutputError("cannot write '" + tmp.string() + "' (disk full?)");
    }
    for (std::size_t i = 0; i < files.size(); ++i) fs::rename(temps[i], fs::path(dir) / files[i].first);
  } catch (...) {
    for (const auto& t : temps) fs::remove(t, ec);
    throw;
  }
}

Json catalog_json() {
  Json arr = Json::array();
  for (const auto& g : builtin_catalog()) {
    arr.push_back({{"id", g.id},
                   {"tdp_w", g.tdp.value},
                   {"idle_w", g.idle.value},
                   {"overhead_w", g.overhead.value},
                   {"price_usd", g.price.value},
                   {"source", g.source}});
  }
  return arr;
}

}  // namespace gpusim
