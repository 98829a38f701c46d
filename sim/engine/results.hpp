// What a run produces: per-step totals over the fleet, per-item totals, and the
// summary scalars of the JSON contract (design.md). Results are values; writers
// in sim/output/ only format them.
#pragma once

#include <Eigen/Core>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/finance.hpp"
#include "models/scenario.hpp"

namespace gpusim {

// Per-step series, one entry per step (length = number of steps). GPU counts
// are averages over the step; GPU-hours, energy and money are totals in it.
struct StepSeries {
  Eigen::ArrayXd installed_gpus, available_gpus, contracted_gpus;
  Eigen::ArrayXd billed_gpu_hours, busy_gpu_hours, shortfall_gpu_hours, unserved_gpu_hours;
  Eigen::ArrayXd it_power_w, facility_power_w;        // averages over the step
  Eigen::ArrayXd it_energy_wh, facility_energy_wh;
  Eigen::ArrayXd revenue_usd, energy_cost_usd, colocation_usd, opex_usd, depreciation_usd;
  Eigen::ArrayXd interest_usd, other_usd, tax_usd, capex_usd, debt_drawn_usd, debt_repaid_usd;
  // Prepayments: received (cash in), applied against bills (revenue not paid in
  // cash then), refunded at a contract's end; the deferred-revenue balance at
  // each step's end (received, not yet earned).
  Eigen::ArrayXd prepayment_usd, prepayment_applied_usd, prepayment_refund_usd, deferred_revenue_usd;
  // Energy bought under PPAs and its cost; the rest of energy_cost_usd is the grid's.
  Eigen::ArrayXd ppa_energy_wh, energy_cost_ppa_usd, energy_cost_grid_usd;
  Eigen::ArrayXd co2_kg;  // meaningful only when co2_known
  bool co2_known = false;  // every site has a carbon intensity for all its energy

  void resize(Eigen::Index steps);
  // Derived series.
  Eigen::ArrayXd operating_income_usd() const;  // revenue − energy − colocation − opex − depreciation
  Eigen::ArrayXd net_income_usd() const;        // operating − interest + other − tax
  Eigen::ArrayXd cash_flow_usd() const;         // cash: + draws − repaid − capex, no depreciation,
                                                // + prepayments − applied − refunded
};

struct CustomerResult {
  std::string name;
  double gpu_hours = 0.0;  // billed
  double revenue_usd = 0.0;
  double revenue_share = 0.0;  // of total revenue, 0..1
};

// A count as the file wrote it (1,056 racks) and in GPUs.
struct CountAsWritten {
  CountUnit unit = CountUnit::gpus;
  double gpus_per_unit = 1.0;
  std::optional<double> gpus;  // the constant count, or a ramp's last point; none for fit / all / gpu_hours
  bool ramp = false;
};

struct ContractResult {
  std::string name, customer, list;  // list: "contracts" or "demand"
  ContractKind kind = ContractKind::reserved;
  std::string pool;
  double price_usd_per_gpu_hour = 0.0;  // given, or derived from value
  bool price_derived_from_value = false;  // the contract gives `value`: price = value ÷ contracted GPU-hours
  double value_usd = 0.0;               // price (with its decline) × contracted GPU-hours, within the run
  double contracted_gpu_hours = 0.0;    // what it asked for within the run
  double billed_gpu_hours = 0.0;
  double busy_gpu_hours = 0.0;
  double shortfall_gpu_hours = 0.0;     // reserved: committed but not delivered; else unserved
  double revenue_usd = 0.0;
  // Intermediates `gpusim explain` shows: the window [start, end) in hours since
  // 1970, and the GPU-hours over the whole window a `value` was divided by.
  double window_start_h = 0.0, window_end_h = 0.0;
  double window_gpu_hours = 0.0;  // only for a price from `value`
  double renewed_gpu_hours = 0.0;       // billed in its renewal (expected, or drawn under a seed)
  double prepayment_usd = 0.0;          // P, received at its start
  double termination_fee_usd = 0.0;     // in the run
  CountAsWritten count;  // `gpus` as written
};

struct PoolResult {
  std::string name, gpu, site;
  double installed_end = 0.0;
  double gpu_hours_installed = 0.0;
  double gpu_hours_available = 0.0;
  double gpu_hours_busy = 0.0;
  double capex_usd = 0.0;
  double depreciation_usd = 0.0;
  double capex_per_gpu_usd = 0.0;      // capex, or capex_total ÷ the largest count
  double book_value_end_usd = 0.0;     // cost of GPUs in service by the run's end − their depreciation so far
  std::optional<double> fitted_count;  // for `count: fit`
  CountAsWritten count;                // `count` or `ramp` as written
};

struct AssetResult {
  std::string name;
  double cost_usd = 0.0;             // amount, or per_mw × the site's it_power_cap
  double capex_usd = 0.0;            // paid in the run
  double depreciation_usd = 0.0;     // in the run
  double book_value_end_usd = 0.0;
};

struct WarrantResult {
  std::string name;
  double vested_shares = 0.0;  // in the run
  double value_usd = 0.0;      // Σ vested × max(0, share price − strike): other income
};

struct SiteResult {
  std::string name;
  double it_peak_mw = 0.0, facility_peak_mw = 0.0;
  double it_kwh = 0.0, facility_kwh = 0.0, energy_cost_usd = 0.0, colocation_usd = 0.0;
  double ppa_kwh = 0.0, grid_kwh = 0.0, ppa_cost_usd = 0.0, grid_cost_usd = 0.0;
  std::optional<double> co2_tonnes;  // none without a carbon intensity
};

// The scalars of `--format json` (design.md); money in USD, energy in kWh,
// power in MW, shares as fractions. Optional ones are null when undefined
// (a margin without revenue, an IRR without a sign change).
struct Summary {
  double hours = 0.0;
  double years = 0.0;  // Σ step ÷ hours in its year (8,760 under 365d; the calendar's otherwise)
  long long steps = 0;
  double installed_avg = 0, installed_end = 0, gpu_hours_installed = 0, gpu_hours_available = 0,
         gpu_hours_contracted = 0, gpu_hours_billed = 0, gpu_hours_busy = 0, shortfall_gpu_hours = 0,
         unserved_gpu_hours = 0;
  double utilization_available = 0, utilization_contracted = 0, utilization_billed = 0, utilization_busy = 0;
  double it_avg_mw = 0, it_peak_mw = 0, facility_avg_mw = 0, facility_peak_mw = 0;
  double it_kwh = 0, facility_kwh = 0, energy_cost_usd = 0;
  // IT energy split: the servers' overhead (available × overhead × hours) and the
  // GPUs themselves (the rest); facility − IT is cooling and power losses (PUE).
  double server_kwh = 0, gpu_kwh = 0, cooling_and_losses_kwh = 0;
  // Facility energy and its cost split into PPAs and the grid (cost = PPA + grid).
  double ppa_kwh = 0, grid_kwh = 0, energy_ppa_cost_usd = 0, energy_grid_cost_usd = 0;
  // CO2 of the facility energy; null unless every site has a carbon intensity.
  std::optional<double> co2_tonnes, co2_kg_per_gpu_hour;
  double revenue_usd = 0, colocation_usd = 0, opex_usd = 0, depreciation_usd = 0,
         operating_income_usd = 0, interest_usd = 0, other_usd = 0, tax_usd = 0, net_income_usd = 0,
         ebitda_usd = 0, capex_usd = 0, cash_flow_usd = 0, debt_drawn_usd = 0, debt_repaid_usd = 0,
         npv_usd = 0, min_cumulative_cash_usd = 0, debt_service_usd = 0;
  // Deal terms: prepayments received in the run and the deferred revenue left at
  // its end; termination fees and warrants (both in other); the book value of
  // GPUs and assets at the end, and the terminal value NPV/IRR/payback count.
  double prepayments_usd = 0, deferred_revenue_end_usd = 0, termination_fees_usd = 0, warrants_usd = 0,
         capex_net_of_warrants_usd = 0, book_value_end_usd = 0, terminal_value_usd = 0,
         npv_without_terminal_value_usd = 0;
  std::optional<double> operating_margin, net_margin, irr, payback_years;
  // Ratios the articles use (null when their denominator is 0):
  std::optional<double> revenue_per_gpu_hour_usd;  // revenue ÷ billed GPU-hours
  std::optional<double> revenue_per_gw_year_usd;   // revenue ÷ (peak facility GW × years)
  std::optional<double> revenue_run_rate_usd;      // revenue ÷ years
  std::optional<double> other_per_gw_usd;          // other items ÷ peak facility GW
  // (last ÷ first full calendar year's revenue)^(1 ÷ years between) − 1; needs two full years
  std::optional<double> revenue_growth_per_year;
};

struct SolveResult {
  std::string vary, target;
  double value = 0.0;     // of the varied key, in its bare-number unit (USD/kWh for electricity, years for a life in y)
  std::string value_text; // as written back into the scenario ("52345.6 gpus")
  double target_value = 0.0;
  double achieved = 0.0;
  int evaluations = 0;
  // Varying a contract's `value`: the price per GPU-hour derived from it at the solution.
  std::optional<double> derived_price_usd_per_gpu_hour;
};

struct Results {
  std::string scenario;
  bool segment_engine = false;  // allocation ran on segments (EngineKind::segment)
  TimeSpec time;
  StepSeries series;
  Summary summary;
  std::vector<CustomerResult> customers;
  std::vector<ContractResult> contracts;
  std::vector<PoolResult> pools;
  std::vector<SiteResult> sites;
  std::vector<AssetResult> assets;
  std::vector<WarrantResult> warrants;
  std::optional<SolveResult> solve;
  // The monthly flows the IRR is found from, kept instead when it was not asked
  // for (EngineOptions::irr false: a goal-seek's trial); complete_irr finds it.
  std::vector<CashFlow> irr_flows;

  HourStamp step_start(Eigen::Index k) const { return time.start + k * time.step_hours; }
};

// A scenario that validates but cannot run as written (a site over its power
// cap, say). `path` names the key to blame, for the CLI to locate it.
class ModelError : public std::runtime_error {
 public:
  ModelError(std::string path, const std::string& message)
      : std::runtime_error(message), path_(std::move(path)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace gpusim
