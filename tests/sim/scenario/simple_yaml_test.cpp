// The fast reader of plain YAML (sim/scenario/simple_yaml.cpp) against
// yaml-cpp's: wherever it accepts a text, the document tree — every kind,
// value, key and file:line:col — is the one yaml-cpp's reader builds; whatever
// it declines is yaml-cpp's to read (and to report).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sim/scenario/document.hpp"
#include "sim/scenario/simple_yaml.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/random_scenario.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;

std::string loc_text(const SourceLoc& l) { return std::to_string(l.line) + ":" + std::to_string(l.col); }

// Both trees, written out with every place, compared as text (a difference
// shows where it is).
void dump(const DocNode& n, const std::string& indent, std::string& out) {
  out += indent + "@" + loc_text(n.loc);
  switch (n.kind) {
    case DocNode::Kind::null: out += " null\n"; return;
    case DocNode::Kind::scalar: out += " '" + n.scalar + "'\n"; return;
    case DocNode::Kind::seq:
      out += " seq\n";
      for (const auto& c : n.children) dump(c, indent + "  ", out);
      return;
    case DocNode::Kind::map:
      out += " map\n";
      for (std::size_t i = 0; i < n.keys.size(); ++i) {
        out += indent + " " + n.keys[i] + "@" + loc_text(n.key_locs[i]) + ":\n";
        dump(n.children[i], indent + "  ", out);
      }
      return;
  }
}

std::string dumped(const DocNode& n) {
  std::string out;
  dump(n, "", out);
  return out;
}

const auto kFile = std::make_shared<const std::string>("s.yaml");

std::string errors(const Diagnostics& d) {
  std::string out;
  for (const auto& e : d.items()) out += e.str() + "\n";
  return out;
}

// Reading `text` (the fast reader first) gives what yaml-cpp's reader gives:
// the same tree, or the same errors. True when the fast reader took it.
bool accepted_and_same(const std::string& text) {
  Diagnostics diags, reference_diags;
  const DocNode read = parse_yaml_text(text, "s.yaml", diags);
  const DocNode reference = parse_yaml_text_with_yaml_cpp(text, "s.yaml", reference_diags);
  EXPECT_EQ(dumped(read), dumped(reference)) << text;
  EXPECT_EQ(errors(diags), errors(reference_diags)) << text;
  return reference_diags.empty() && parse_simple_yaml(text, kFile, DocLimits{});
}

using testing::read_file;  // tests/support/cli.hpp

std::vector<fs::path> shipped_yaml() {
  std::vector<fs::path> out;
  for (const char* dir : {"scenarios", "tests", "docs", "python", "web"}) {
    const fs::path root = fs::path(GPUSIM_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
        out.push_back(e.path());
  }
  return out;
}

TEST(SimpleYaml, EveryShippedFileReadsAsYamlCppReadsIt) {
  int accepted = 0, files = 0;
  for (const auto& p : shipped_yaml()) {
    SCOPED_TRACE(p.string());
    ++files;
    accepted += accepted_and_same(read_file(p));
  }
  // Large scenarios are plain YAML: the fast reader must take them (the
  // gigawatt benchmark above all), or it speeds nothing up.
  EXPECT_GT(accepted, 10) << accepted << " of " << files;
  EXPECT_TRUE(parse_simple_yaml(read_file(fs::path(GPUSIM_SOURCE_DIR) / "scenarios/bench/gigawatt.yaml"), kFile, {}));
}

TEST(SimpleYaml, HandWrittenShapesReadAsYamlCppReadsThem) {
  // Each of these is inside the subset: nested block maps, a list at its key's
  // indent, a list item's map, flow maps in lists, empty values, null words,
  // comments, blank lines, values with blanks, negative numbers.
  const std::vector<std::string> texts = {
      "a: 1\nb: two words  # a comment\n",
      "# head\n\nname: x\ntime:\n  start: 2024-01-01\n  end: 2025-01-01\n",
      "list:\n- 1\n- 2\nnext: 3\n",
      "list:\n  - {name: a, count: 3}\n  - {name: b, ramp: [{at: 2024-01-01, count: 5}, {at: 2024-02-01, count: 6}]}\n",
      "fleet:\n  - name: a\n    count: 3\n  -   name: b\n      count: -4\nz: ~\n",
      "a:\nb: null\nc: {d: ~, e: []}\nf: {}\ng: [1, 2 , 3]\n",
      "top:\n  inner:\n    deep: 1\n  back: 2\nend: 2024-01-01T06:00\n",
      "v: a#b\nw: 5%\nx: 0.07 USD/kWh\ny: 150 USD/kW/month\n",
      "# é — comments may hold any text\na: 1  # ü\n",
      // One value, as a --set gives it.
      "21000", "2.1 USD/gpu-h", "[1, 2]", "{a: 1, b: [x]}", "~", "-5%\n",
  };
  for (const auto& t : texts) {
    SCOPED_TRACE(t);
    EXPECT_TRUE(accepted_and_same(t));
  }
}

TEST(SimpleYaml, DeclinesWhatIsNotPlainYaml) {
  // Quotes, anchors, tags, block scalars, multi-line values, tabs, non-ASCII,
  // documents, duplicate keys, a key inside a value, a trailing comma, unclosed
  // flow, odd indents: yaml-cpp reads these (and reports their errors).
  const std::vector<std::string> texts = {
      "a: \"q\"\n",        "a: &x 1\nb: *x\n",      "a: !!str 1\n",      "a: |\n  text\n",
      "a: one\n  two\n",  "a:\t1\n",               "a: é\n",            "a: {b: é, c: 1}\n",            "---\na: 1\n",
      "a: 1\n---\nb: 2\n", "a: 1\na: 2\n",          "a: b: c\n",         "a: [1, 2,]\n",
      "a: [1, 2\n",        "a:\n  b: 1\n c: 2\n",   "- 1\n- 2\n",        "a: 1\r\nb: 2\r\n",
      "a: {b: 1, b: 2}\n", "a: [~]\n",              "a:\n  -\n  - 1\n", "a: {b}\n",
      "? a\n: 1\n",        "a: 1 # x\n  b: 2\n",    "~: 1\n",            "- 1\n",            "a\nb\n",            "a: -\n",
  };
  for (const auto& t : texts) {
    SCOPED_TRACE(t);
    EXPECT_FALSE(parse_simple_yaml(t, kFile, {}));
  }
}

TEST(SimpleYaml, MutatedScenariosReadAsYamlCppReadsThem) {
  // Every shipped file cut, doubled or changed byte by byte (a character from
  // YAML's syntax, a blank, a line break): whatever the fast reader still
  // accepts must be what yaml-cpp reads.
  const std::string syntax = " -:#{}[],~\n\"'&*!|>?%@`0aZ";
  testing::SplitMix64 rng(15);
  int accepted = 0, tried = 0;
  for (const auto& p : shipped_yaml()) {
    const std::string text = read_file(p);
    if (text.empty() || text.size() > 20000 || !parse_simple_yaml(text, kFile, {})) continue;
    for (int k = 0; k < 300; ++k) {
      std::string t = text;
      const std::size_t at = rng.next() % t.size();
      switch (rng.next() % 4) {
        case 0: t[at] = syntax[rng.next() % syntax.size()]; break;
        case 1: t.insert(at, 1, syntax[rng.next() % syntax.size()]); break;
        case 2: t.erase(at, 1); break;
        case 3: t.insert(at, t.substr(at, rng.next() % 40)); break;
      }
      SCOPED_TRACE(p.string() + " mutation " + std::to_string(k));
      ++tried;
      accepted += accepted_and_same(t);
      if (::testing::Test::HasFailure()) return;
    }
  }
  EXPECT_GT(accepted, tried / 10) << accepted << " of " << tried;
}

}  // namespace
}  // namespace gpusim
