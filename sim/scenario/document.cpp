#include "sim/scenario/document.hpp"
#include "sim/scenario/simple_yaml.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace gpusim {

namespace fs = std::filesystem;

const DocNode* DocNode::find(const std::string& key) const {
  if (kind != Kind::map) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key) return &children[i];
  return nullptr;
}

DocNode* DocNode::find(const std::string& key) {
  return const_cast<DocNode*>(static_cast<const DocNode*>(this)->find(key));
}

SourceLoc DocNode::key_loc(const std::string& key) const {
  if (kind == Kind::map)
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return key_locs[i];
  return loc;
}

std::string DocNode::item_name() const {
  const DocNode* n = find("name");
  return n && n->is_scalar() ? n->scalar : std::string();
}

void DocNode::set(const std::string& key, DocNode value, const SourceLoc& where) {
  if (kind != Kind::map) {
    kind = Kind::map;
    scalar.clear();
    children.clear();
    keys.clear();
    key_locs.clear();
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) {
      children[i] = std::move(value);
      key_locs[i] = where;
      return;
    }
  }
  keys.push_back(key);
  key_locs.push_back(where);
  children.push_back(std::move(value));
}

void DocNode::erase(const std::string& key) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) {
      keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(i));
      key_locs.erase(key_locs.begin() + static_cast<std::ptrdiff_t>(i));
      children.erase(children.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

namespace {

// The offset of the first byte that is not well-formed UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or nullopt.
std::optional<std::size_t> first_invalid_utf8(const std::string& text) {
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned c = b[i];
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) len = 1;
    else if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return i;
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const unsigned next = b[i + k];
      if (k == 1 ? (next < lo || next > hi) : (next < 0x80 || next > 0xBF)) return i;
    }
    i += len;
  }
  return std::nullopt;
}

// Whether the text holds a document after its first: the parser skips the
// first (its events ignored) and is asked for one more.
bool has_second_document(const std::string& text) {
  struct Ignore : YAML::EventHandler {
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
  } ignore;
  std::istringstream in(text);
  YAML::Parser parser(in);
  if (!parser.HandleNextDocument(ignore)) return false;
  return parser.HandleNextDocument(ignore);
}

// Where the second document's `---` is (yaml-cpp marks its first value instead).
SourceLoc second_document_marker(const std::string& text, const std::shared_ptr<const std::string>& file) {
  int line = 1, seen = 0;
  bool content = false;  // something other than comments or blank lines came before
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = text.find('\n', start);
    const std::string l = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (l.rfind("---", 0) == 0) {
      if (content || seen > 0) return {file, line, 1};
      ++seen;
    } else if (!l.empty() && l[0] != '#' && l.find_first_not_of(" \t\r") != std::string::npos) {
      content = true;
    }
    if (end == std::string::npos) break;
    start = end + 1;
    ++line;
  }
  return {file, 1, 1};
}

struct Converter {
  std::shared_ptr<const std::string> file;
  Diagnostics& diags;
  const DocLimits& limits;
  std::size_t nodes = 0;
  bool failed = false;

  SourceLoc at(const YAML::Mark& m) const {
    // yaml-cpp marks are 0-based; a null mark (-1) becomes line 0.
    return {file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0};
  }

  DocNode convert(const YAML::Node& n, int depth) {
    DocNode out;
    if (failed) return out;
    out.loc = at(n.Mark());
    if (++nodes > limits.max_nodes) {
      diags.error(out.loc, "",
                  "the document expands to more than " + std::to_string(limits.max_nodes) +
                      " values (an alias bomb?); a scenario is much smaller");
      failed = true;
      return out;
    }
    if (depth > limits.max_depth) {
      diags.error(out.loc, "",
                  "values nested more than " + std::to_string(limits.max_depth) +
                      " levels deep; a scenario needs a handful");
      failed = true;
      return out;
    }
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = DocNode::Kind::null;
        break;
      case YAML::NodeType::Scalar:
        out.kind = DocNode::Kind::scalar;
        out.scalar = n.Scalar();
        break;
      case YAML::NodeType::Sequence:
        out.kind = DocNode::Kind::seq;
        for (const auto& item : n) {
          out.children.push_back(convert(item, depth + 1));
          if (failed) break;
        }
        break;
      case YAML::NodeType::Map: {
        out.kind = DocNode::Kind::map;
        std::set<std::string> seen;
        for (const auto& kv : n) {
          const YAML::Node& k = kv.first;
          const SourceLoc kloc = at(k.Mark());
          if (!k.IsScalar()) {
            diags.error(kloc, "", "a key must be a plain name, not a list or map");
            continue;
          }
          if (!seen.insert(k.Scalar()).second) {
            diags.error(kloc, k.Scalar(), "duplicate key (each key may appear once in a map)");
            continue;
          }
          out.keys.push_back(k.Scalar());
          out.key_locs.push_back(kloc);
          out.children.push_back(convert(kv.second, depth + 1));
          // An empty value ("price:") carries yaml-cpp's mark of whatever follows,
          // often the next line; point at its key instead.
          if (out.children.back().is_null()) out.children.back().loc = kloc;
          if (failed) break;
        }
        break;
      }
    }
    return out;
  }
};

}  // namespace

namespace {
// The checks before any YAML is read: text, size, UTF-8. False after an error.
bool check_text(const std::string& text, const std::shared_ptr<const std::string>& fname, Diagnostics& diags,
                const DocLimits& limits) {
  const SourceLoc whole{fname, 0, 0};
  if (text.find('\0') != std::string::npos) {
    diags.error(whole, "", "not a text file (it contains NUL bytes); expected a YAML scenario");
    return false;
  }
  if (text.size() > limits.max_file_bytes) {
    diags.error(whole, "",
                "file is " + std::to_string(text.size()) + " bytes; a scenario may be at most " +
                    std::to_string(limits.max_file_bytes) + " bytes");
    return false;
  }
  if (const auto bad = first_invalid_utf8(text)) {
    int line = 1, col = 1;
    for (std::size_t i = 0; i < *bad; ++i) {
      if (text[i] == '\n') {
        line += 1;
        col = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        col += 1;  // columns count characters, not bytes
      }
    }
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(text[*bad])));
    diags.error({fname, line, col}, "",
                std::string("invalid UTF-8 (byte ") + byte + "); a scenario is UTF-8 text");
    return false;
  }
  return true;
}

// yaml-cpp's reading, after check_text.
DocNode read_with_yaml_cpp(const std::string& text, const std::shared_ptr<const std::string>& fname,
                           Diagnostics& diags, const DocLimits& limits) {
  const SourceLoc whole{fname, 0, 0};
  YAML::Node root;
  try {
    root = YAML::Load(text);
    // One document per file: a second one (after `---`) would be ignored.
    // (Not YAML::LoadAll: on some malformed input it never stops adding empty documents.)
    if (has_second_document(text)) {
      diags.error(second_document_marker(text, fname), "",
                  "a second YAML document starts here; a scenario file holds one document (remove the '---' "
                  "and what follows, or put it in its own file)");
      return {};
    }
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp 0.7 stops at 2,000 levels with the message "bad file"; say what is wrong.
    SourceLoc loc{fname, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.column >= 0 ? e.mark.column + 1 : 0};
    diags.error(loc, "",
                "values nested more than " + std::to_string(limits.max_depth) +
                    " levels deep; a scenario needs a handful");
    return {};
  } catch (const YAML::Exception& e) {
    SourceLoc loc{fname, e.mark.line >= 0 ? e.mark.line + 1 : 0,
                  e.mark.column >= 0 ? e.mark.column + 1 : 0};
    diags.error(loc, "", "malformed YAML: " + e.msg);
    return {};
  } catch (const std::exception& e) {
    diags.error(whole, "", std::string("malformed YAML: ") + e.what());
    return {};
  }
  Converter conv{fname, diags, limits};
  try {
    DocNode out = conv.convert(root, 0);
    if (out.loc.line == 0) out.loc = {fname, 1, 1};
    return out;
  } catch (const YAML::Exception& e) {
    diags.error(whole, "", "malformed YAML: " + e.msg);
    return {};
  }
}
}  // namespace

DocNode parse_yaml_text(const std::string& text, const std::string& file, Diagnostics& diags,
                        const DocLimits& limits) {
  auto fname = std::make_shared<const std::string>(file);
  if (!check_text(text, fname, diags, limits)) return {};
  // The plain subset most scenarios are written in, read fast; anything else
  // (and every error) is yaml-cpp's.
  if (auto simple = parse_simple_yaml(text, fname, limits)) return std::move(*simple);
  return read_with_yaml_cpp(text, fname, diags, limits);
}

DocNode parse_yaml_text_with_yaml_cpp(const std::string& text, const std::string& file, Diagnostics& diags,
                                      const DocLimits& limits) {
  auto fname = std::make_shared<const std::string>(file);
  if (!check_text(text, fname, diags, limits)) return {};
  return read_with_yaml_cpp(text, fname, diags, limits);
}

namespace {

bool is_named_list(const DocNode& n) {
  if (!n.is_seq()) return false;
  return std::all_of(n.children.begin(), n.children.end(),
                     [](const DocNode& c) { return c.is_map() && !c.item_name().empty(); });
}

DocNode follow_extends(DocNode doc, const fs::path& dir, Diagnostics& diags, const DocLimits& limits,
                       std::vector<std::string>& stack);

DocNode load_recursive(const std::string& path, const SourceLoc& from, Diagnostics& diags,
                       const DocLimits& limits, std::vector<std::string>& stack) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  const std::string key = ec ? path : canonical.string();
  if (std::find(stack.begin(), stack.end(), key) != stack.end()) {
    std::string chain;
    for (const auto& s : stack) chain += fs::path(s).filename().string() + " -> ";
    chain += fs::path(key).filename().string();
    diags.error(from, "extends", "extends forms a cycle: " + chain);
    return {};
  }
  if (static_cast<int>(stack.size()) >= limits.max_extends_depth) {
    diags.error(from, "extends",
                "extends chain deeper than " + std::to_string(limits.max_extends_depth) + " files");
    return {};
  }
  if (fs::is_directory(path, ec)) {
    diags.error(from.file ? from : SourceLoc{std::make_shared<const std::string>(path), 0, 0},
                from.file ? "extends" : "", "'" + path + "' is a directory, not a scenario file");
    return {};
  }
  // A base must be a regular file: /dev/null or a device would read as an empty base.
  // (The top-level file may be a pipe: `validate /dev/stdin`, `run <(cat f.yaml)`.)
  if (from.file && !fs::is_regular_file(path, ec) && fs::exists(path, ec)) {
    diags.error(from, "extends", "'" + path + "' is not a regular file; extends names a scenario file");
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (from.file)
      diags.error(from, "extends", "cannot read '" + path + "' (no such file, or not readable)");
    else
      diags.error({std::make_shared<const std::string>(path), 0, 0}, "",
                  "cannot read the file (no such file, or not readable)");
    return {};
  }
  std::string text;
  {
    // Read at most one byte past the limit, so a huge file is not slurped.
    text.resize(limits.max_file_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) {
      diags.error(from.file ? from : SourceLoc{std::make_shared<const std::string>(path), 0, 0},
                  from.file ? "extends" : "",
                  from.file ? "cannot read '" + path + "' (a read error)" : std::string("cannot read the file (a read error)"));
      return {};
    }
  }
  const std::size_t errors_before = diags.size();
  DocNode doc = parse_yaml_text(text, path, diags, limits);
  if (doc.is_null() && from.file && diags.size() == errors_before) {
    diags.error(from, "extends", "'" + path + "' is empty; a base scenario is a map of keys");
    return doc;
  }
  if (doc.is_null()) return doc;
  stack.push_back(key);
  doc = follow_extends(std::move(doc), fs::path(path).parent_path(), diags, limits, stack);
  stack.pop_back();
  return doc;
}

// Merges the document onto what its `extends` names (read relative to `dir`).
DocNode follow_extends(DocNode doc, const fs::path& dir, Diagnostics& diags, const DocLimits& limits,
                       std::vector<std::string>& stack) {
  const DocNode* ext = doc.find("extends");
  if (!ext) return doc;
  if (!ext->is_scalar() || ext->scalar.empty()) {
    diags.error(ext->loc, "extends", "expected the path of a scenario file to extend");
    doc.erase("extends");
    return doc;
  }
  fs::path base_path = fs::path(ext->scalar);
  if (base_path.is_relative()) base_path = dir / base_path;
  DocNode base = load_recursive(base_path.lexically_normal().string(), ext->loc, diags, limits, stack);
  doc.erase("extends");
  if (base.is_null()) return doc;
  if (!base.is_map()) return doc;  // the base's own error says why
  merge_documents(base, doc);
  base.loc = doc.loc;
  return base;
}

}  // namespace

void merge_documents(DocNode& base, const DocNode& over) {
  if (base.is_map() && over.is_map()) {
    for (std::size_t i = 0; i < over.keys.size(); ++i) {
      DocNode* existing = base.find(over.keys[i]);
      // `key: ~` in the extending file removes the base's key (as --set PATH=~ does),
      // e.g. a pool's `count` when the extending file gives a `ramp`.
      if (existing && over.children[i].is_null()) {
        base.erase(over.keys[i]);
        continue;
      }
      if (existing) {
        merge_documents(*existing, over.children[i]);
        base.set(over.keys[i], *existing, over.key_locs[i]);
      } else {
        base.set(over.keys[i], over.children[i], over.key_locs[i]);
      }
    }
    return;
  }
  if (is_named_list(base) && is_named_list(over)) {
    for (const DocNode& item : over.children) {
      const std::string name = item.item_name();
      auto it = std::find_if(base.children.begin(), base.children.end(),
                             [&](const DocNode& b) { return b.item_name() == name; });
      if (it != base.children.end()) {
        merge_documents(*it, item);
      } else {
        base.children.push_back(item);
      }
    }
    base.loc = over.loc;
    return;
  }
  base = over;
}

DocNode load_document(const std::string& path, Diagnostics& diags, const DocLimits& limits) {
  std::vector<std::string> stack;
  return load_recursive(path, SourceLoc{}, diags, limits, stack);
}

DocNode resolve_extends(DocNode document, const std::string& base_dir, Diagnostics& diags, const DocLimits& limits) {
  std::vector<std::string> stack;
  return follow_extends(std::move(document), fs::path(base_dir.empty() ? "." : base_dir), diags, limits, stack);
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  bool bracket = false;
  bool closed = false;  // the previous segment was bracketed
  for (char c : path) {
    if (bracket) {
      if (c == ']') {
        bracket = false;
        out.push_back(cur);
        cur.clear();
        closed = true;
      } else {
        cur += c;
      }
    } else if (c == '[') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      bracket = true;
    } else if (c == '.') {
      if (!closed) out.push_back(cur);
      cur.clear();
      closed = false;
    } else {
      cur += c;
      closed = false;
    }
  }
  if (!closed) out.push_back(cur);
  return out;
}

namespace {
// A contract's `price` and `value` are two forms of what it pays: one set on
// the command line replaces the other written in a file (a line > 0). Both set
// on the command line still clash, and the loader's message names the --set.
void replace_other_form(DocNode& item, const std::vector<std::string>& segments) {
  if (segments.size() != 3 || (segments[0] != "contracts" && segments[0] != "demand")) return;
  const std::string& key = segments[2];
  if (key != "price" && key != "value") return;
  const std::string other = key == "price" ? "value" : "price";
  if (const DocNode* written = item.find(other); written && written->loc.line > 0) item.erase(other);
}
}  // namespace

void apply_override(DocNode& root, const std::string& assignment, Diagnostics& diags) {
  const auto eq = assignment.find('=');
  const auto origin = std::make_shared<const std::string>("--set " + assignment.substr(0, eq));
  // No line or column: the place is the command-line argument itself.
  const SourceLoc where{origin, 0, 0};
  if (eq == std::string::npos || eq == 0) {
    diags.error({std::make_shared<const std::string>("--set"), 0, 0}, "",
                "'" + assignment + "': expected PATH=VALUE, e.g. contracts.Microsoft.price=2.1 USD/gpu-h");
    return;
  }
  if (first_invalid_utf8(assignment)) {
    diags.error(where, "", "'" + assignment.substr(0, eq) + "=...': invalid UTF-8; a --set is UTF-8 text");
    return;
  }
  const std::string path = assignment.substr(0, eq);
  const std::string value_text = assignment.substr(eq + 1);
  const std::vector<std::string> segments = split_path(path);
  for (const auto& s : segments) {
    if (s.empty()) {
      diags.error(where, path, "empty segment in the path (expected names separated by dots)");
      return;
    }
  }
  // `PATH=~` (YAML null) removes the key, e.g. a pool's count before giving a ramp.
  const bool remove = value_text == "~" || value_text == "null";
  Diagnostics value_diags;
  DocNode value = remove ? DocNode{} : parse_yaml_text(value_text, *origin, value_diags);
  if (!value_diags.empty() || value.is_null()) {
    value = DocNode{};
    value.kind = DocNode::Kind::scalar;
    value.scalar = value_text;
  }
  // Every value of the override points at the command line.
  std::vector<DocNode*> todo{&value};
  while (!todo.empty()) {
    DocNode* n = todo.back();
    todo.pop_back();
    n->loc = where;
    for (auto& kl : n->key_locs) kl = where;
    for (auto& c : n->children) todo.push_back(&c);
  }

  // Keys holding lists of named items: a path enters them by name, so one that
  // is absent is an empty list, not a map to create.
  static constexpr const char* kNamedLists[] = {"sites", "fleet", "contracts", "demand",
                                                "uncertain", "opex", "other", "debt", "assets", "warrants"};
  DocNode* node = &root;
  std::string walked;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    const bool last = i + 1 == segments.size();
    if (node->is_seq()) {
      // (Names compared in place: a list may hold 2,000 contracts.)
      const auto name_is = [](const DocNode& c, const std::string& name) {
        const DocNode* n = c.find("name");
        return n && n->is_scalar() ? n->scalar == name : name.empty();
      };
      auto it = std::find_if(node->children.begin(), node->children.end(),
                             [&](const DocNode& c) { return name_is(c, seg); });
      // Unnamed items (ramp points, table rows) are entered by index: ramp.0.count.
      // Only lists of unnamed items: a named list's items are addressed by name.
      const bool unnamed = it == node->children.end() &&
                           std::all_of(node->children.begin(), node->children.end(),
                                       [&](const DocNode& c) { return name_is(c, std::string()); });
      const bool is_index = unnamed && !seg.empty() &&
                            std::all_of(seg.begin(), seg.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (it == node->children.end() && is_index && seg.size() < 7 && std::stoul(seg) < node->children.size())
        it = node->children.begin() + static_cast<std::ptrdiff_t>(std::stoul(seg));
      if (it == node->children.end()) {
        std::string names;
        for (const auto& c : node->children)
          names += (names.empty() ? "" : ", ") + c.item_name();
        diags.error(where, path,
                    "no item named '" + seg + "' in " + walked +
                        (names.empty() ? " (the list is empty)" : " (items: " + names + ")"));
        return;
      }
      if (last) {
        if (remove) node->children.erase(it);
        else *it = value;
        return;
      }
      node = &*it;
    } else if (node->is_map() || node->is_null()) {
      DocNode* child = node->find(seg);
      if (last) {
        if (remove) node->erase(seg);
        else node->set(seg, value, where);
        if (!remove) replace_other_form(*node, segments);
        return;
      }
      const bool named_list = std::any_of(std::begin(kNamedLists), std::end(kNamedLists),
                                          [&](const char* k) { return seg == k; });
      if (named_list && (!child || child->is_null())) {
        diags.error(where, path,
                    "no item named '" + segments[i + 1] + "' in " + (walked.empty() ? "" : walked + ".") +
                        seg + " (the list is empty)");
        return;
      }
      if (!child) {
        DocNode fresh;
        fresh.kind = DocNode::Kind::map;
        fresh.loc = where;
        node->set(seg, fresh, where);
        child = node->find(seg);
      }
      node = child;
    } else {
      diags.error(where, path,
                  "'" + walked + "' is a single value ('" + node->scalar +
                      "'), so it has no key '" + seg + "'");
      return;
    }
    walked += (walked.empty() ? "" : ".") + seg;
  }
}

namespace {
void emit(YAML::Emitter& out, const DocNode& n) {
  switch (n.kind) {
    case DocNode::Kind::null:
      out << YAML::Null;
      break;
    case DocNode::Kind::scalar:
      out << n.scalar;
      break;
    case DocNode::Kind::seq:
      out << YAML::BeginSeq;
      for (const auto& c : n.children) emit(out, c);
      out << YAML::EndSeq;
      break;
    case DocNode::Kind::map:
      out << YAML::BeginMap;
      for (std::size_t i = 0; i < n.keys.size(); ++i) {
        out << YAML::Key << n.keys[i] << YAML::Value;
        emit(out, n.children[i]);
      }
      out << YAML::EndMap;
      break;
  }
}
}  // namespace

std::string to_yaml(const DocNode& node) {
  YAML::Emitter out;
  emit(out, node);
  return std::string(out.c_str()) + "\n";
}

const DocNode* find_path(const DocNode& root, const std::vector<std::string>& segments) {
  const std::string name_key = "name";
  const DocNode* node = &root;
  for (const auto& s : segments) {
    if (node->is_map()) {
      node = node->find(s);
    } else if (node->is_seq()) {
      const DocNode* next = nullptr;
      for (const auto& c : node->children)
        if (const DocNode* name = c.find(name_key); name && name->is_scalar() && name->scalar == s) next = &c;
      node = next;
    } else {
      return nullptr;
    }
    if (!node) return nullptr;
  }
  return node;
}

std::unique_ptr<DocumentCopies::Lease> DocumentCopies::with_overrides(const std::vector<std::string>& assignments,
                                                                     Diagnostics& diags) {
  std::unique_ptr<DocNode> doc;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      doc = std::move(free_.back());
      free_.pop_back();
    }
  }
  if (!doc) doc = std::make_unique<DocNode>(base_);
  std::unique_ptr<Lease> lease(new Lease(*this, std::move(doc)));
  DocNode& root = *lease->doc_;
  lease->keys_ = root.keys;
  lease->key_locs_ = root.key_locs;
  for (const auto& a : assignments) {
    // The top-level section the assignment changes (nothing when it is malformed).
    const std::vector<std::string> segments = split_path(a.substr(0, a.find('=')));
    if (!segments.empty()) {
      const std::string& top = segments.front();
      const bool saved = std::any_of(lease->touched_.begin(), lease->touched_.end(),
                                     [&](const auto& t) { return t.first == top; });
      if (!saved) {
        const DocNode* section = root.find(top);
        lease->touched_.emplace_back(top, section ? std::optional<DocNode>(*section) : std::nullopt);
      }
    }
    apply_override(root, a, diags);
  }
  return lease;
}

DocumentCopies::Lease::~Lease() {
  // The top level as it was: untouched sections moved back, touched ones restored.
  DocNode& root = *doc_;
  std::vector<DocNode> children;
  children.reserve(keys_.size());
  bool intact = root.is_map();
  for (const std::string& key : keys_) {
    if (!intact) break;
    const auto t = std::find_if(touched_.begin(), touched_.end(), [&](const auto& x) { return x.first == key; });
    if (t != touched_.end() && t->second) {
      children.push_back(std::move(*t->second));
    } else if (DocNode* now = root.find(key); now && t == touched_.end()) {
      children.push_back(std::move(*now));
    } else {
      intact = false;  // cannot happen with apply_override; the copy is dropped
    }
  }
  if (!intact) return;
  root.keys = std::move(keys_);
  root.key_locs = std::move(key_locs_);
  root.children = std::move(children);
  std::lock_guard<std::mutex> lock(owner_.mutex_);
  owner_.free_.push_back(std::move(doc_));
}

}  // namespace gpusim
