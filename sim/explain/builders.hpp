// Internal to sim/explain: the registry's entries and the helpers the stage
// files (fleet.cpp, allocation.cpp, power_energy.cpp, money.cpp, summary.cpp)
// build their nodes with. Nothing outside sim/explain/ includes this header.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/explain/explain.hpp"

namespace gpusim::explain {

// `pattern` is a summary path whose named-item segment is "*"
// ("contracts.*.revenue_usd"); the builder gets that item's name ("" if none).
struct Entry {
  std::string pattern;
  std::function<Node(const Context&, const std::string& item)> build;
};

// One list per engine stage, in the order of sim/engine/.
std::vector<Entry> fleet_entries();
std::vector<Entry> allocation_entries();
std::vector<Entry> power_energy_entries();
std::vector<Entry> money_entries();
std::vector<Entry> summary_entries();

// docs/model.md's sections, as anchors.
inline constexpr const char* kTime = "model.md#time";
inline constexpr const char* kFleet = "model.md#gpus-installed-and-available";
inline constexpr const char* kContracts = "model.md#contracts-and-demand";
inline constexpr const char* kAllocation = "model.md#allocation";
inline constexpr const char* kLadder = "model.md#the-utilization-ladder";
inline constexpr const char* kPower = "model.md#power";
inline constexpr const char* kCaps = "model.md#site-caps-and-count-fit";
inline constexpr const char* kEnergy = "model.md#energy-and-tariffs";
inline constexpr const char* kPpa = "model.md#power-purchase-agreements";
inline constexpr const char* kCarbon = "model.md#carbon";
inline constexpr const char* kColocation = "model.md#colocation";
inline constexpr const char* kCapex = "model.md#capex-and-depreciation";
inline constexpr const char* kOtherCapital = "model.md#other-capital";
inline constexpr const char* kWarrants = "model.md#warrants";
inline constexpr const char* kTerminalValue = "model.md#terminal-value";
inline constexpr const char* kContractTerms = "model.md#contract-terms";
inline constexpr const char* kOpex = "model.md#opex-and-other-items";
inline constexpr const char* kDebt = "model.md#debt";
inline constexpr const char* kTax = "model.md#tax";
inline constexpr const char* kIncome = "model.md#income-statement-and-cash";
inline constexpr const char* kRatios = "model.md#years-and-ratios";
inline constexpr const char* kNpv = "model.md#npv-irr-payback";
inline constexpr const char* kGoalSeek = "model.md#goal-seek";
inline constexpr const char* kApprox = "model.md#approximations-and-limits";

// ---- node helpers ----

// The value of a summary path in this run (null when the summary holds null).
std::optional<double> result(const Context& ctx, const std::string& path);

// A node combining `children` with `op`; its value is the summary's at `path`
// when `path` is a summary path, else `value`.
Node combine(Op op, std::string path, std::string label, std::optional<double> value, std::string unit,
             std::string equation, std::string anchor, std::vector<Node> children, double factor = 1.0);
// A total the engine accumulated over the steps; `children` are shown, not combined.
Node engine_total(std::string path, std::string label, std::optional<double> value, std::string unit,
                  std::string equation, std::string anchor, std::vector<Node> shown = {});
// A term the scenario does not use (no renewal, no PPA, …): its total, with
// `key` named as the input that was not given.
Node not_given(std::string path, std::string label, std::optional<double> value, std::string unit, std::string equation,
               std::string anchor, const std::string& key);
// A scenario input at key path `key`: where it was written, or its default;
// notes when the key was solved for or is an `uncertain:` input.
Node input(const Context& ctx, const std::string& key, std::string label, double value, std::string unit,
           std::string anchor);
// A GPU model's catalog value (tdp, idle, overhead, price): the scenario's
// `catalog:` entry where written, else the built-in entry and its source.
Node catalog_input(const Context& ctx, const GpuModelSpec& gpu, const std::string& field, std::string label,
                   double value, std::string unit);
// A constant of the model or a length of time derived from the inputs.
Node constant(std::string label, double value, std::string unit, std::string why, std::string anchor = "");
// A number as %.10g text (labels).
std::string number_text(double v);
// The node as a subtracted term of a sum.
Node minus(Node n);

// ---- lookups (index of a named item; throws UnknownPath when absent) ----

struct ContractRef {
  const ContractResult* result;
  const ContractSpec* spec;
  std::string key;  // "contracts.NAME" or "demand.NAME": its scenario path
};
ContractRef contract_of(const Context& ctx, const std::string& name);
struct PoolRef {
  std::size_t index;
  const PoolResult* result;
  const FleetSpec* spec;
  std::string key;  // "fleet.NAME"
};
PoolRef pool_of(const Context& ctx, const std::string& name);
struct SiteRef {
  const SiteResult* result;
  const SiteSpec* spec;
  std::string key;  // "sites.NAME"
};
SiteRef site_of(const Context& ctx, const std::string& name);
std::size_t pool_index(const Context& ctx, const std::string& name);
std::size_t site_index(const Context& ctx, const std::string& name);
const GpuModelSpec& gpu_of(const Context& ctx, const FleetSpec& pool);

// Hours of [from, to) inside the run.
double run_hours_from(const Context& ctx, double from, double to);
// Y(k), the hours of "the year" of a /y rate, when it is the same for every
// step of the run (always under `year: 365d`); nullopt when the run spans leap
// and common calendar years.
std::optional<double> constant_year_hours(const Context& ctx);
// The node for Y(k) when constant.
Node year_hours_node(const Context& ctx, double year_hours);
// Children of a summary path, each explained in full.
std::vector<Node> explained(const Context& ctx, const std::vector<std::string>& paths);

// Σ over the contracts (and demand streams) that `keep`, of their `key`:
// the summary paths contracts.NAME.KEY, each explained in full.
template <class Keep>
Node contracts_sum(const Context& ctx, const std::string& path, const char* key, std::string label, std::string unit,
                   std::string equation, const char* anchor, Keep keep) {
  std::vector<std::string> paths;
  for (const auto& c : ctx.results.contracts)
    if (keep(c)) paths.push_back("contracts." + c.name + "." + key);
  return combine(Op::sum, path, std::move(label), result(ctx, path), std::move(unit), std::move(equation),
                 anchor, explained(ctx, paths));
}

}  // namespace gpusim::explain
