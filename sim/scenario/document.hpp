// The scenario as a document tree: YAML read into plain nodes that remember
// which file, line and column they came from, so that `extends` merging and
// `--set` overrides keep every value's place for error messages.
//
// yaml-cpp stays inside document.cpp: nothing else sees a YAML::Node.
#pragma once

#include <string>
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

// Applies `--set PATH=VALUE`: VALUE is read as YAML (so a flow list or map
// works) and replaces or adds the key at PATH. Lists are entered by item name;
// a name or map that does not exist is an error that lists what exists there.
// VALUE `~` (or `null`) removes the key or item at PATH instead.
// The key itself is checked against the schema later, when the document is read.
void apply_override(DocNode& root, const std::string& assignment, Diagnostics& diags);

// Writes the document back as YAML (block style), for `validate --print`.
std::string to_yaml(const DocNode& node);

}  // namespace gpusim
