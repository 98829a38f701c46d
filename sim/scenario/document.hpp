// The scenario as a document tree: YAML read into plain nodes that remember
// which file, line and column they came from, so that `extends` merging and
// `--set` overrides keep every value's place for error messages.
//
// yaml-cpp stays inside document.cpp: nothing else sees a YAML::Node.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario/diagnostics.hpp"

namespace gpusim {

struct DocNode {
  enum class Kind { null, scalar, map, seq };
  Kind kind = Kind::null;
  std::string scalar;               // for scalars
  std::vector<std::string> keys;    // for maps: keys[i] names children[i]
  std::vector<SourceLoc> key_locs;  // for maps: where keys[i] is written
  std::vector<DocNode> children;    // map values or sequence items
  SourceLoc loc;                    // where this value is written

  bool is_map() const { return kind == Kind::map; }
  bool is_seq() const { return kind == Kind::seq; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_null() const { return kind == Kind::null; }
  // Map lookup; null when absent or not a map.
  const DocNode* find(const std::string& key) const;
  DocNode* find(const std::string& key);
  // Map lookup of a key's place; the node's own place when absent.
  SourceLoc key_loc(const std::string& key) const;
  // For a map item of a named list: its `name` scalar, or "" when absent.
  std::string item_name() const;
  void set(const std::string& key, DocNode value, const SourceLoc& key_loc);
  void erase(const std::string& key);
};

// Limits that keep hostile input from eating memory or time.
struct DocLimits {
  std::size_t max_file_bytes = 4u << 20;  // 4 MiB
  std::size_t max_nodes = 200000;          // after alias expansion
  int max_depth = 64;                      // nesting of maps and sequences
  int max_extends_depth = 16;
};

// Parses YAML text into a document; `file` names it in errors. Reports
// malformed YAML, duplicate keys, non-scalar keys, excessive nesting or size.
// The plain subset scenarios are usually written in is read by a fast reader
// (simple_yaml.hpp) that builds the same tree; everything else by yaml-cpp.
DocNode parse_yaml_text(const std::string& text, const std::string& file, Diagnostics& diags,
                        const DocLimits& limits = {});
// The same, always with yaml-cpp: the reference the fast reader is tested against.
DocNode parse_yaml_text_with_yaml_cpp(const std::string& text, const std::string& file, Diagnostics& diags,
                                      const DocLimits& limits = {});

// Reads a scenario file and everything it `extends`, merged: maps key by key,
// lists of named maps item by item by `name` (same name: keys override; new
// name: appended), anything else replaced. The `extends` key is removed.
DocNode load_document(const std::string& path, Diagnostics& diags, const DocLimits& limits = {});

// The same for a document that is not a file (YAML text, a Python dict): its
// `extends` is read relative to `base_dir` ("" is the working directory).
DocNode resolve_extends(DocNode document, const std::string& base_dir, Diagnostics& diags,
                        const DocLimits& limits = {});

// Merges `over` onto `base` as described above; a key whose value in `over`
// is null (`count: ~`) is removed from `base`.
void merge_documents(DocNode& base, const DocNode& over);

// Splits a name-addressed path ("contracts.Microsoft.price") into segments;
// a segment may be bracketed to hold dots: "finance.opex[staff v2].amount".
std::vector<std::string> split_path(const std::string& path);

// The node at a split path of `root`: maps entered by key, lists by item name;
// nullptr when there is none.
const DocNode* find_path(const DocNode& root, const std::vector<std::string>& segments);

// Applies `--set PATH=VALUE`: VALUE is read as YAML (so a flow list or map
// works) and replaces or adds the key at PATH. Lists are entered by item name;
// a name or map that does not exist is an error that lists what exists there.
// VALUE `~` (or `null`) removes the key or item at PATH instead.
// The key itself is checked against the schema later, when the document is read.
void apply_override(DocNode& root, const std::string& assignment, Diagnostics& diags);

// Copies of one document for runs that each override a few of its keys (a Monte
// Carlo run's draws): a copy is made once per thread that needs one, not once per
// run, and a run's overrides are undone when its lease ends by putting back the
// top-level sections they touched (copied before) — cheap when those sections are
// small, whatever the size of the rest (2,000 contracts). Thread-safe.
class DocumentCopies {
 public:
  explicit DocumentCopies(const DocNode& base) : base_(base) {}
  DocumentCopies(const DocumentCopies&) = delete;
  DocumentCopies& operator=(const DocumentCopies&) = delete;

  class Lease {
   public:
    const DocNode& document() const { return *doc_; }
    ~Lease();  // undoes the overrides and gives the copy back
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

   private:
    friend class DocumentCopies;
    Lease(DocumentCopies& owner, std::unique_ptr<DocNode> doc) : owner_(owner), doc_(std::move(doc)) {}
    DocumentCopies& owner_;
    std::unique_ptr<DocNode> doc_;
    // The top level before the overrides: its keys and their places, and the
    // sections the overrides touched (absent: it had none of that name).
    std::vector<std::string> keys_;
    std::vector<SourceLoc> key_locs_;
    std::vector<std::pair<std::string, std::optional<DocNode>>> touched_;
  };
  // A copy of the base with apply_override of each assignment, in order
  // (errors go to diags as apply_override reports them).
  std::unique_ptr<Lease> with_overrides(const std::vector<std::string>& assignments, Diagnostics& diags);

 private:
  const DocNode& base_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<DocNode>> free_;
};

// Writes the document back as YAML (block style), for `validate --print`.
std::string to_yaml(const DocNode& node);

}  // namespace gpusim
