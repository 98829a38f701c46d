// `gpusim explain`: how a result of the JSON summary came to be, as a tree.
//
// Every node is a number the run itself produced (the Results, their
// per-contract, pool and site totals, or a scenario input as the engine read
// it), with its unit, its equation in docs/model.md's symbols and anchor, where
// it was written (file:line:col, "default", or the built-in catalog entry), and
// an operation over its children that a test re-computes: a node cannot say
// one thing and hold another. The builders live in one file per engine stage
// (fleet.cpp, allocation.cpp, power_energy.cpp, money.cpp, summary.cpp, as in
// sim/engine/), each adding its entries to the registry (registry.cpp) that
// maps every numeric summary path to its builder.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/engine/results.hpp"
#include "sim/scenario/loader.hpp"

namespace gpusim::explain {

using Json = nlohmann::ordered_json;

// How a node's value follows from its children (times the node's `factor`):
//   input     a scenario input or a constant of the model: a leaf
//   engine    a total the engine accumulated step by step (Σₖ …, max over k, a
//             root of a discounted sum): its children, if any, are the inputs it
//             depends on, shown but not combined
//   sum       Σ sign_i × child_i
//   product   Π child_i
//   quotient  child_0 ÷ child_1 (0 when child_1 is 0, as the engine reports a share
//             of nothing)
//   same      child_0 (the same number under another name)
enum class Op { input, engine, sum, product, quotient, same };
const char* op_name(Op op);

struct Node {
  std::string path;   // a summary path, a scenario key, or "" for an intermediate
  std::string label;  // what the number is
  std::optional<double> value;  // null: undefined in this run (a margin without revenue)
  std::string unit;             // "gpu-h", "GPUs", "USD", "kWh", "MW", "h", "share", …
  Op op = Op::input;
  double factor = 1.0;  // value = factor × op(children), e.g. 10⁻³ for Wh → kWh
  int sign = 1;         // as a term of its parent's sum
  std::string equation; // in model.md's symbols
  std::string anchor;   // "model.md#allocation"
  std::string source;   // "file:line:col", "default: …", "catalog H100-SXM: …", "engine: …"
  std::vector<std::string> notes;  // solved, drawn, approximations
  std::vector<Node> children;
};

// What a builder reads: the scenario as loaded, the spec the final run used
// (a solved key at its solved value) and the run's Results.
struct Context {
  std::string file;
  LoadedScenario loaded;
  ScenarioSpec spec;  // as run (after goal-seek)
  Results results;
  Json summary;
  std::vector<std::string> paths;         // every result path of the summary, in summary order
  std::vector<std::string> sorted_paths;  // the same, sorted (for lookups)
  // Named items → their index in results.contracts / pools / sites (the last of
  // a name, as metric_value finds it). results.contracts holds spec.contracts
  // then spec.demand, in file order.
  std::map<std::string, std::size_t> contract_index, pool_index, site_index;

  // The explanation of a summary path (throws UnknownPath for a path the
  // summary does not have).
  Node explain(const std::string& path) const;
};

// A path that is not a numeric result of this run's summary: the message says
// what the valid paths look like and suggests the nearest one.
class UnknownPath : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Loads the scenario with its --set overrides and runs it as `gpusim run` does
// (solving its `solve:` block), on `engine`. Throws ScenarioError / ModelError like run.
Context make_context(const std::string& file, const std::vector<std::string>& overrides = {},
                     const EngineOptions& engine = {});
// The same for a scenario already loaded and run (the Python module's Result).
Context make_context(LoadedScenario loaded, Results results);

// The explanation of `path` in this run.
Node explain_path(const Context& ctx, const std::string& path);

// Every numeric summary path (null ones too) the registry covers; for tests
// and the teacher's answer generator.
std::vector<std::string> explainable_paths(const Context& ctx);

// Re-computes each node from its children; returns one line per node whose
// value is not what its operation gives (empty when the tree is consistent).
std::vector<std::string> check_tree(const Node& root);

// The tree as text (two spaces per level) and as JSON; `depth` levels of
// children below the root (negative: all).
std::string to_text(const Node& root, int depth = -1);
Json to_json(const Node& root, int depth = -1);

}  // namespace gpusim::explain
