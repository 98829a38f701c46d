// Key declarations: each scenario key is declared once — name, type and unit,
// default or required, range, one-line description — and that declaration
// parses it, validates it and documents it (docs/scenario-format.md is
// generated from the same tables by `gpusim docs scenario-format`).
#pragma once

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string_view>
#include <optional>
#include <unordered_map>
#include <string>
#include <utility>
#include <vector>

#include "models/calendar.hpp"
#include "models/scenario.hpp"
#include "models/units.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/document.hpp"
#include "sim/scenario/quantity.hpp"

namespace gpusim {

// Where each key of the final scenario was written: "fleet.h100.count" → file:line:col.
// A table of its own: a scenario of 2,000 contracts records some 20,000 places per
// read and looks many of them up, mostly several keys of one item in a row. A path
// is its prefix up to the last '.' ("contracts.k0001.") and its leaf ("price"):
// the prefixes are hashed (open addressing), each prefix's leaves are chained in
// the order added, and every string lives in one arena. find and operator[] give
// pointers that stay valid until the next insertion.
class LocationIndex {
 public:
  struct Entry {
    std::string_view leaf;  // the path after its last '.'
    SourceLoc second;       // where it is written
    std::uint32_t next = 0;  // the prefix's next leaf + 1, 0 = none
  };
  LocationIndex() = default;
  LocationIndex(const LocationIndex& other);
  LocationIndex& operator=(const LocationIndex& other);
  LocationIndex(LocationIndex&&) noexcept = default;
  LocationIndex& operator=(LocationIndex&&) noexcept = default;

  const Entry* find(std::string_view path) const;
  const Entry* end() const { return nullptr; }
  std::size_t count(std::string_view path) const { return find(path) ? 1 : 0; }
  // The place of `path`, added (empty) when absent.
  SourceLoc& operator[](std::string_view path);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Prefix {
    std::string_view text;  // up to and with the last '.', or "" for a path without one
    std::size_t hash;
    std::uint32_t first = 0, last = 0, count = 0;  // its leaves' entries + 1, and how many
    // A prefix of many leaves (a list's items: "contracts.") has them hashed too.
    std::shared_ptr<std::unordered_map<std::string_view, std::uint32_t>> by_leaf;
  };
  static constexpr std::uint32_t kChainedLeaves = 16;
  std::uint32_t find_leaf(const Prefix& p, std::string_view leaf) const;  // + 1, 0 = none
  std::uint32_t find_prefix(std::string_view prefix, std::size_t hash) const;  // + 1, 0 = none
  std::string_view store(std::string_view text);
  void rehash(std::size_t slots);
  std::vector<Prefix> prefixes_;
  std::vector<std::uint32_t> slots_;  // prefix index + 1, 0 = empty; a power of two long
  std::vector<Entry> entries_;        // in the order added
  std::vector<std::unique_ptr<char[]>> arena_;
  std::size_t arena_used_ = 0, arena_size_ = 0;
  std::uint32_t last_prefix_ = 0;  // the prefix added to last (+ 1): items' keys come in a row
};

// What a key holds, for `--vary`, `uncertain:` and `solve.vary`, which write
// numbers into keys: the unit kind and the default unit of a bare number.
struct KeyType {
  enum class Shape { quantity, date, text, choice, boolean, structured };
  Shape shape = Shape::quantity;
  UnitKind unit = UnitKind::ratio;
  std::string default_unit;  // a bare number's unit, "" = base
  double min = -std::numeric_limits<double>::infinity();  // accepted range, in base units
  double max = std::numeric_limits<double>::infinity();
  // A duration's accepted range in hours (a year counted as 8,760 h); min and
  // max above stay 0 and infinity, since a duration's value is in the unit it
  // is written in (years or hours).
  double min_hours = 0.0;
  double max_hours = std::numeric_limits<double>::infinity();
};

struct ReadContext {
  Diagnostics& diags;
  LocationIndex& locations;
  std::string path;  // key path of the value being read
  void error(const SourceLoc& loc, const std::string& message) { diags.error(loc, path, message); }
};

// One declared key of a map-shaped section whose values go into S.
template <class S>
struct Field {
  std::string name;
  std::string type_doc;                   // "power (W, kW, MW or GW)"
  std::optional<std::string> default_value;  // parsed when the key is absent
  std::string default_doc;                // "required", "run start", … (docs only)
  bool required = false;
  std::string description;
  KeyType key_type;
  std::function<void(ReadContext&, const DocNode&, S&)> read;
  DocNode default_node;  // default_value as a scalar node (set by Section::add)
};

struct FieldDoc {
  std::string name, type_doc, default_doc, description;
};

// "did you mean 'price'?" for a near miss (edit distance ≤ 2, or a prefix); nothing
// when `key` is itself valid (never the name the user already wrote).
std::string did_you_mean(const std::string& key, const std::vector<std::string>& valid);
std::string join_names(const std::vector<std::string>& names);

template <class S>
class Section {
 public:
  Section(std::string name, std::string description)
      : name_(std::move(name)), description_(std::move(description)) {}

  Section& add(Field<S> f) {
    if (f.default_value) {
      f.default_node.kind = DocNode::Kind::scalar;
      f.default_node.scalar = *f.default_value;
    }
    index_.emplace(f.name, fields_.size());
    fields_.push_back(std::move(f));
    return *this;
  }

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::vector<Field<S>>& fields() const { return fields_; }
  const Field<S>* field(const std::string& key) const {
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : &fields_[it->second];
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& f : fields_) out.push_back(f.name);
    return out;
  }
  std::vector<FieldDoc> docs() const {
    std::vector<FieldDoc> out;
    for (const auto& f : fields_) out.push_back({f.name, f.type_doc, f.default_doc, f.description});
    return out;
  }

  // Reads a map node: every key must be declared; required keys must be present;
  // absent keys with a default read their default. Errors go to ctx.
  void read(ReadContext& ctx, const DocNode& node, S& out) const {
    if (!node.is_map()) {
      ctx.error(node.loc, "expected a map with keys " + join_names(keys()) + ", found " +
                              describe(node));
      return;
    }
    const std::string base = ctx.path;
    // Each field's value (the first key of its name), in one pass over the keys.
    constexpr std::size_t kOnStack = 64;
    const DocNode* on_stack[kOnStack] = {};
    std::vector<const DocNode*> on_heap(fields_.size() > kOnStack ? fields_.size() : 0, nullptr);
    const DocNode** value_of = fields_.size() > kOnStack ? on_heap.data() : on_stack;
    for (std::size_t i = 0; i < node.keys.size(); ++i) {
      const std::string& key = node.keys[i];
      const auto it = index_.find(key);
      if (it == index_.end()) {
        ctx.diags.error(node.key_locs[i], join(base, key),
                        "unknown key" + did_you_mean(key, keys()) + " (valid keys: " +
                            join_names(keys()) + ")");
      } else if (!value_of[it->second]) {
        value_of[it->second] = &node.children[i];
      }
    }
    for (std::size_t k = 0; k < fields_.size(); ++k) {
      const Field<S>& f = fields_[k];
      // BASE.KEY, in ctx.path's own buffer (no allocation per key).
      ctx.path.assign(base);
      if (!base.empty()) ctx.path += '.';
      ctx.path += f.name;
      if (const DocNode* value = value_of[k]) {
        ctx.locations[ctx.path] = value->loc;
        f.read(ctx, *value, out);
      } else if (f.required) {
        ctx.error(node.loc, "missing required key '" + f.name + "' (" + f.description + ")");
      } else if (f.default_value) {
        f.read(ctx, f.default_node, out);
      }
    }
    ctx.path = base;
  }

  static std::string join(const std::string& base, const std::string& key) {
    return base.empty() ? key : base + "." + key;
  }
  static std::string describe(const DocNode& n) {
    switch (n.kind) {
      case DocNode::Kind::null: return "nothing";
      case DocNode::Kind::scalar: return "'" + n.scalar + "'";
      case DocNode::Kind::seq: return "a list";
      case DocNode::Kind::map: return "a map";
    }
    return "?";
  }

 private:
  std::string name_;
  std::string description_;
  std::vector<Field<S>> fields_;
  std::unordered_map<std::string, std::size_t> index_;  // name → its field
};

// Reads a list of named maps ("sites", "fleet", …): each item must have a unique
// `name`; its keys are read by `section` under the path LIST.NAME.
template <class S>
void read_named_list(ReadContext& ctx, const DocNode& node, const Section<S>& section,
                     std::vector<S>& out) {
  if (node.is_null()) return;
  if (!node.is_seq()) {
    ctx.error(node.loc, "expected a list of maps, each with a name, found " +
                            Section<S>::describe(node));
    return;
  }
  const std::string base = ctx.path;
  std::unordered_map<std::string_view, SourceLoc> seen;  // views of the items' names
  seen.reserve(node.children.size());
  out.reserve(out.size() + node.children.size());
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    const DocNode& item = node.children[i];
    const DocNode* name_node = item.find("name");
    const std::string_view name = name_node && name_node->is_scalar() ? std::string_view(name_node->scalar) : std::string_view();
    // An item without a name is addressed by its index: "contracts[0]".
    if (name.empty()) {
      ctx.path = base + "[" + std::to_string(i) + "]";
    } else {
      ctx.path.assign(base);
      ctx.path += '.';
      ctx.path += name;
    }
    if (!item.is_map()) {
      ctx.error(item.loc, "expected a map with keys " + join_names(section.keys()) + ", found " +
                              Section<S>::describe(item));
      continue;
    }
    if (!name.empty()) {
      auto [it, fresh] = seen.emplace(name, item.loc);
      if (!fresh) {
        ctx.error(item.key_loc("name"),
                  "duplicate name '" + std::string(name) + "' (first used at " + it->second.str() +
                      "; names in a list must be unique)");
      }
    }
    ctx.locations[ctx.path] = item.loc;
    S spec{};
    section.read(ctx, item, spec);
    out.push_back(std::move(spec));
  }
  ctx.path = base;
}

// ---- Value readers (report errors to ctx, return nullopt on error) ----

std::optional<double> read_number_as(ReadContext& ctx, const DocNode& node, UnitKind kind,
                                     const std::string& default_unit);
std::optional<Span> read_span(ReadContext& ctx, const DocNode& node, const std::string& default_unit);
std::optional<HourStamp> read_date(ReadContext& ctx, const DocNode& node);
std::optional<std::string> read_text(ReadContext& ctx, const DocNode& node);
std::optional<bool> read_bool(ReadContext& ctx, const DocNode& node);
// A count, a ramp, or (where the flag is given) the words `fit` / `all`. A
// count may end in `servers` or `racks` (whole numbers): the schedule keeps it
// in that unit, and the loader's cross-checks convert it with the pool's model.
std::optional<CountSchedule> read_count_schedule(ReadContext& ctx, const DocNode& node, bool* fit,
                                                 bool* all);
// A ramp: a list of {at: DATE, count: N} with dates strictly increasing, every
// count in the same unit (returned in `unit`).
std::optional<std::vector<RampPoint>> read_ramp(ReadContext& ctx, const DocNode& node, CountUnit& unit);

// Parses "2024-01-01" or "2024-01-01T06:00"; "" on success, else what is wrong.
std::string parse_date(const std::string& text, HourStamp& out);

// Inclusive range check; `what` names the range in messages ("0 to 100%").
bool check_range(ReadContext& ctx, const DocNode& node, double value, double lo, double hi,
                 const std::string& what);

}  // namespace gpusim
