// Scenario loading: file → document (with `extends` and `--set`) → typed,
// validated ScenarioSpec. Every error is collected in one pass and thrown as a
// ScenarioError listing them all.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/scenario.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/document.hpp"
#include "sim/scenario/schema.hpp"

namespace gpusim {

struct LoadedScenario {
  std::string file;
  DocNode document;          // merged, with overrides applied (for re-reading in sweeps)
  ScenarioSpec spec;
  LocationIndex locations;   // key path → where it is written
};

// Loads, merges `extends`, applies `overrides` ("PATH=VALUE"), reads and
// validates. Throws ScenarioError with every problem found.
LoadedScenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});

// The same for a document already read and merged (YAML text or a Python dict
// through resolve_extends); `name` stands for the file in messages.
LoadedScenario load_scenario_document(DocNode document, const std::string& name,
                                      const std::vector<std::string>& overrides = {});

// A goal-seek bound (solve.low/high, --low/--high) for the key `vary` of
// type `type`: "" and its value in base units in `value`, or what is wrong
// (not a value of the key's unit, or outside the values the key accepts).
std::string solve_bound_error(const std::string& text, const KeyType& type, const std::string& vary, double& value);

// Reads and validates an already merged document (used after overrides by
// sweeps, Monte Carlo and goal-seek). Throws ScenarioError.
ScenarioSpec read_scenario(const DocNode& document, LocationIndex* locations = nullptr);

// Reads documents that differ from one already read by a few assignments —
// a sweep point, a goal-seek trial, a Monte Carlo run's draws — giving what
// read_scenario gives for them, but reading again only the items the
// assignments change (docs/performance.md "Reading a changed scenario"):
//   - a key that was already a single value in a site, pool, contract or
//     demand item: that item is read again and checked against the rest of
//     the scenario as read_scenario checks it (its references, its counts in
//     servers or racks, its dates);
//   - such a key under finance: the finance section, with its checks;
//   - `seed`, and `solve` removed (`solve=~`).
// Anything else (a key added or removed, a value that becomes a list or map,
// time, catalog, solve or uncertain keys), or a change that does not read or
// check cleanly, reads the whole document again, so the errors are
// read_scenario's own.
class ScenarioRereader {
 public:
  // `document` and read_scenario(document); the document must outlive this.
  ScenarioRereader(const DocNode& document, ScenarioSpec spec) : document_(document), base_(std::move(spec)) {}
  // The same, reading the document here; when it does not read, every reading
  // reads its own document whole (and reports what is wrong with it).
  explicit ScenarioRereader(const DocNode& document);
  ScenarioRereader(const ScenarioRereader&) = delete;
  ScenarioRereader& operator=(const ScenarioRereader&) = delete;
  bool has_base() const { return base_.has_value(); }
  const ScenarioSpec& base() const { return *base_; }  // has_base()

  // What the assignments change, read again (see below).
  struct Plan {
    std::vector<std::pair<std::string, std::size_t>> items;  // (list, index in it), each once
    bool finance = false, seed = false, solve = false;
  };
  // One changed document's spec. Read item by item, it is a reused copy of the
  // base with those items in place of the base's, and they are put back when
  // the reading ends; so a run costs what its changes cost, not a copy of
  // 2,000 contracts and the catalog.
  class Reading {
   public:
    const ScenarioSpec& spec() const { return copy_ ? *copy_ : whole_; }
    bool whole() const { return !copy_; }  // the whole document was read again
    ~Reading();
    Reading(const Reading&) = delete;
    Reading& operator=(const Reading&) = delete;

   private:
    friend class ScenarioRereader;
    explicit Reading(ScenarioRereader& owner) : owner_(owner) {}
    ScenarioRereader& owner_;
    std::unique_ptr<ScenarioSpec> copy_;  // the base with the plan's items read again
    Plan plan_;
    ScenarioSpec whole_;  // read_scenario(changed), when not read item by item
  };
  // read_scenario(changed), where `changed` is the document with `assignments`
  // ("PATH=VALUE" as apply_override takes them) applied. Throws ScenarioError.
  // Thread-safe; the reading must end before this does.
  std::unique_ptr<Reading> read(const DocNode& changed, const std::vector<std::string>& assignments);

 private:
  const DocNode& document_;
  std::optional<ScenarioSpec> base_;  // none: the document does not read
  std::mutex mutex_;
  std::vector<std::unique_ptr<ScenarioSpec>> free_;  // copies of the base, to reuse
};

// The type of the key at a name-addressed path of `document`
// ("contracts.Others.gpus"), for keys that hold one number with a unit.
// nullopt and a message in `error` when the path names no such key. With
// `allow_dates`, a date key (contracts.NAME.terminate.at) is accepted too, as
// UnitKind::date: Monte Carlo draws dates uniformly.
std::optional<KeyType> numeric_key_type(const DocNode& document, const std::string& path,
                                        std::string& error, bool allow_dates = false);

// The documented default of a key at a name-addressed path ("fleet.h100.afr" →
// "0"; "fleet.h100.capex" → "the catalog price"), as scenario-format.md shows it;
// nullopt when the path names no declared key.
std::optional<std::string> key_default_doc(const std::string& path);

// docs/scenario-format.md, generated from the key declarations.
std::string scenario_format_markdown();

}  // namespace gpusim
