// Hostile and random input: whatever the bytes, loading a scenario either
// succeeds or throws ScenarioError — never crashes, hangs, or throws anything
// else. The random documents come from a fixed-seed splitmix64 (portable: the
// same documents on every machine), mutating the article scenarios as text and
// as trees, and generating structures from the schema's vocabulary.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/scenario/document.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"
#include "tests/support/random_scenario.hpp"

namespace gpusim {
namespace {

using testing::TempDir;

using testing::SplitMix64;  // tests/support/random_scenario.hpp

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> article_texts() {
  const std::string dir = std::string(GPUSIM_SOURCE_DIR) + "/scenarios/articles/";
  return {read_file(dir + "coreweave-2024-utilization.yaml"), read_file(dir + "meta-amd-6gw.yaml")};
}

// Outcome of one load: 0 loaded, 1 ScenarioError; anything else fails the test.
int load_text(const std::string& text, const std::string& label) {
  Diagnostics diags;
  try {
    const DocNode doc = parse_yaml_text(text, "fuzz.yaml", diags);
    if (!diags.empty()) {
      for (const auto& d : diags.items()) EXPECT_EQ(d.loc.file ? *d.loc.file : "", "fuzz.yaml") << label;
      return 1;
    }
    read_scenario(doc);
    return 0;
  } catch (const ScenarioError& e) {
    EXPECT_FALSE(e.diagnostics().empty()) << label;
    return 1;
  } catch (const std::exception& e) {
    ADD_FAILURE() << label << ": threw " << typeid(e).name() << ": " << e.what() << "\n--- input ---\n" << text;
    return 2;
  } catch (...) {
    ADD_FAILURE() << label << ": threw a non-std exception\n--- input ---\n" << text;
    return 2;
  }
}

const std::vector<std::string> kTokens = {
    ":", " : ", "[", "]", "{", "}", ",", "-", "- ", "&a ", "*a", "!!str ", "!!map ", "'", "\"", "|",
    ">", "%", "~", "?", "#", "\t", "\n", "  ", "0x1F", "1e999", "-1e999", ".nan", ".inf", "-0", "1e-400",
    "999999999999999999999999", "2024-02-30", "9999-99-99", "<<: *a", "fit", "all", "250,00", "%/y",
    "\xc3\xa9", "\xff\xfe", "\x01", "null", "true", "W", "USD/gpu-h", "y", "0"};

std::string mutate_text(std::string s, SplitMix64& rng) {
  const std::size_t n = 1 + rng.below(4);
  for (std::size_t k = 0; k < n; ++k) {
    if (s.empty()) s = "x";
    const std::size_t at = rng.below(s.size());
    switch (rng.below(8)) {
      case 0: s.erase(at, 1 + rng.below(8)); break;                                 // delete characters
      case 1: s.insert(at, s.substr(at, 1 + rng.below(16))); break;                 // duplicate characters
      case 2: if (at + 1 < s.size()) std::swap(s[at], s[at + 1]); break;            // swap neighbours
      case 3: s.insert(at, 1, static_cast<char>(rng.below(256))); break;            // a random byte
      case 4: s.insert(at, rng.pick(kTokens)); break;                               // a YAML-ish token
      case 5: case 6: case 7: {                                                     // whole lines
        std::vector<std::string> lines;
        std::stringstream ss(s);
        for (std::string line; std::getline(ss, line);) lines.push_back(line);
        if (lines.empty()) break;
        const std::size_t i = rng.below(lines.size());
        const std::size_t j = rng.below(lines.size());
        const int op = static_cast<int>(rng.below(3));
        if (op == 0) lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
        else if (op == 1) lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), lines[j]);
        else std::swap(lines[i], lines[j]);
        s.clear();
        for (const auto& l : lines) s += l + "\n";
        break;
      }
    }
  }
  return s;
}

const std::vector<std::string> kKeys = {
    "name", "time", "start", "end", "duration", "step", "year", "sites", "fleet", "contracts", "demand",
    "finance", "catalog", "solve", "uncertain", "seed", "pue", "it_power_cap", "power_cap", "electricity",
    "colocation", "gpu", "site", "count", "online", "ramp", "capex", "life", "afr", "repair", "power_curve",
    "kind", "pool", "gpus", "gpu_hours", "price", "value", "term", "activity", "take_or_pay", "noise",
    "opex", "other", "debt", "amount", "at", "principal", "rate", "amortization", "tax_rate",
    "discount_rate", "vary", "target", "equals", "low", "high", "mode", "mean", "sd", "path", "dist",
    "tdp", "idle", "overhead", "load", "f", "power", "weekday", "weekend", "customer", "extends", "bogus"};
const std::vector<std::string> kValues = {
    "700 W", "6 GW", "-5", "0", "1e400", "2024-01-01", "2024-02-30", "2025-01-01T06:00", "365d", "1y",
    "2h", "1d", "0y", "fit", "all", "reserved", "on_demand", "spot", "H100-SXM", "MI355X", "us", "h100",
    "2.5 USD/gpu-h", "0.08 USD/kWh", "150 USD/kW/month", "62%", "120%", "-3%", "1.3", "0.9", "250k",
    "300M gpu-h", "60B USD", "1M USD/y", "calendar", "365d", "linear", "cubic", "uniform", "normal",
    "contracts.A.gpus", "fleet.h100.count", "sites.us.pue", "~", "''", "true", "bullet", "annuity",
    "18446744073709551616", "A", "B"};

// A random YAML value in flow style, from the schema's vocabulary.
std::string random_value(SplitMix64& rng, int depth) {
  const std::size_t r = rng.below(depth > 3 ? 1 : 4);
  if (r == 0 || r == 3) return rng.pick(kValues);
  std::string out;
  const std::size_t n = rng.below(4);
  if (r == 1) {
    out = "{";
    for (std::size_t i = 0; i < n; ++i)
      out += (i ? ", " : "") + std::string(i == 0 && rng.below(2) ? "name" : rng.pick(kKeys)) + ": " +
             random_value(rng, depth + 1);
    return out + "}";
  }
  out = "[";
  for (std::size_t i = 0; i < n; ++i) out += (i ? ", " : "") + random_value(rng, depth + 1);
  return out + "]";
}

std::string random_document(SplitMix64& rng) {
  std::string out;
  const std::size_t n = rng.below(8);
  for (std::size_t i = 0; i < n; ++i) {
    // Keys may repeat: that is a duplicate-key error, which is fine.
    out += rng.pick(kKeys) + ": " + random_value(rng, 0) + "\n";
  }
  return out;
}

// Mutates a document tree: replaces, removes, reshapes values.
void mutate_tree(DocNode& n, SplitMix64& rng, int depth) {
  if (n.is_map() || n.is_seq()) {
    if (n.children.empty()) return;
    const std::size_t i = rng.below(n.children.size());
    const std::size_t op = rng.below(depth > 4 ? 2 : 6);
    if (op == 0 && n.is_map()) {
      n.keys.erase(n.keys.begin() + static_cast<std::ptrdiff_t>(i));
      n.key_locs.erase(n.key_locs.begin() + static_cast<std::ptrdiff_t>(i));
      n.children.erase(n.children.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (op == 0 && n.is_seq()) {
      n.children.push_back(n.children[i]);  // a duplicate item (same name)
    } else if (op == 1) {
      DocNode v;
      v.kind = DocNode::Kind::scalar;
      v.scalar = rng.pick(kValues);
      v.loc = n.children[i].loc;
      n.children[i] = v;
    } else if (op == 2 && n.is_map()) {
      n.keys[i] = rng.pick(kKeys);  // may duplicate or misspell a key
    } else {
      mutate_tree(n.children[i], rng, depth + 1);
    }
  } else if (n.is_scalar()) {
    n.scalar = rng.pick(kValues);
  }
}

TEST(Robustness, MutatedArticleTextsNeverCrash) {
  const auto bases = article_texts();
  SplitMix64 rng(20240101);
  int outcomes[3] = {0, 0, 0};
  for (int i = 0; i < 5000; ++i) {
    const std::string text = mutate_text(rng.pick(bases), rng);
    ++outcomes[load_text(text, "text mutation " + std::to_string(i))];
  }
  EXPECT_EQ(outcomes[2], 0);
  // Both outcomes occur: some mutations are harmless (a comment), most break something.
  EXPECT_GT(outcomes[0], 0);
  EXPECT_GT(outcomes[1], 0);
}

TEST(Robustness, MutatedArticleTreesNeverCrash) {
  const auto bases = article_texts();
  std::vector<DocNode> docs;
  for (const auto& b : bases) {
    Diagnostics diags;
    docs.push_back(parse_yaml_text(b, "fuzz.yaml", diags));
    ASSERT_TRUE(diags.empty());
  }
  SplitMix64 rng(6);
  int failures = 0;
  for (int i = 0; i < 4000; ++i) {
    DocNode doc = rng.pick(docs);
    const std::size_t n = 1 + rng.below(3);
    for (std::size_t k = 0; k < n; ++k) mutate_tree(doc, rng, 0);
    try {
      read_scenario(doc);
    } catch (const ScenarioError&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << "tree mutation " << i << ": " << e.what() << "\n" << to_yaml(doc);
      ++failures;
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(Robustness, RandomDocumentsNeverCrash) {
  SplitMix64 rng(42);
  int outcomes[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) ++outcomes[load_text(random_document(rng), "random " + std::to_string(i))];
  EXPECT_EQ(outcomes[2], 0);
}

TEST(Robustness, RandomOverridesNeverCrash) {
  const auto bases = article_texts();
  SplitMix64 rng(7);
  const std::vector<std::string> paths = {
      "contracts.Microsoft.price", "contracts.Others.gpus", "fleet.h100.count", "fleet.instinct.count",
      "sites.us.pue", "sites.campus.power_cap", "time.duration", "time", "contracts.Meta", "contracts",
      "finance.opex.x.amount", "contracts[Meta].value", "a.b.c", "solve.vary", "name.x", "contracts.Meta.gpus",
      "fleet.h100", "contracts..x", "[", "]", "x[", "catalog.H100-SXM.tdp"};
  for (int i = 0; i < 1000; ++i) {
    Diagnostics diags;
    DocNode doc = parse_yaml_text(rng.pick(bases), "fuzz.yaml", diags);
    const std::string assignment = rng.pick(paths) + "=" + random_value(rng, 1);
    try {
      apply_override(doc, assignment, diags);
      std::string error;
      (void)numeric_key_type(doc, rng.pick(paths), error);
      if (diags.empty()) read_scenario(doc);
    } catch (const ScenarioError&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << assignment << ": " << e.what();
    }
  }
}

// ---- Named hostile files: each gives a ScenarioError naming the file, fast ----

// Under the sanitizers (build-sanitize/) code runs several times slower.
#ifdef GPUSIM_TIME_SCALE
constexpr double kTimeScale = GPUSIM_TIME_SCALE;
#else
constexpr double kTimeScale = 1.0;
#endif

class Hostile : public ::testing::Test {
 protected:
  TempDir dir;
  // Loads `path`, expects a ScenarioError whose first line starts with `name` (the
  // file as given), and that it took under a second (× kTimeScale).
  std::string expect_error_naming(const std::string& path, const std::string& name) {
    const auto t0 = std::chrono::steady_clock::now();
    std::string first;
    try {
      load_scenario(path);
      ADD_FAILURE() << name << " loaded";
    } catch (const ScenarioError& e) {
      first = dir.strip(e.diagnostics().front().str());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(seconds, 1.0 * kTimeScale) << name;
    EXPECT_EQ(first.rfind(name, 0), 0u) << first;
    return first;
  }
};

TEST_F(Hostile, EmptyFile) {
  EXPECT_EQ(expect_error_naming(dir.write("empty.yaml", ""), "empty.yaml"),
            "empty.yaml:1:1: error: the scenario is empty (expected a map with at least name and time)");
}

TEST_F(Hostile, OnlyAComment) {
  EXPECT_EQ(expect_error_naming(dir.write("comment.yaml", "# nothing here\n"), "comment.yaml"),
            "comment.yaml:1:1: error: the scenario is empty (expected a map with at least name and time)");
}

TEST_F(Hostile, BinaryGarbageWithNulBytes) {
  std::string bytes;
  SplitMix64 rng(1);
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>(rng.below(256));
  bytes[100] = '\0';
  EXPECT_EQ(expect_error_naming(dir.write("garbage.bin", bytes), "garbage.bin"),
            "garbage.bin: error: not a text file (it contains NUL bytes); expected a YAML scenario");
}

TEST_F(Hostile, DeepBrackets) {
  const std::string text = "name: " + std::string(20000, '[') + std::string(20000, ']') + "\n";
  // yaml-cpp gives up past 2,000 levels (with the message "bad file"), somewhere on line 1.
  const std::string first = expect_error_naming(dir.write("brackets.yaml", text), "brackets.yaml");
  EXPECT_NE(first.find(" error: values nested more than 64 levels deep; a scenario needs a handful"),
            std::string::npos) << first;
}

TEST_F(Hostile, DeepBraces) {
  std::string text = "name: ";
  for (int i = 0; i < 20000; ++i) text += "{a: ";
  text += "1" + std::string(20000, '}') + "\n";
  const std::string first = expect_error_naming(dir.write("braces.yaml", text), "braces.yaml");
  EXPECT_NE(first.find(" error: values nested more than 64 levels deep; a scenario needs a handful"),
            std::string::npos) << first;
}

TEST_F(Hostile, DeepBlockNesting) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
  const std::string first = expect_error_naming(dir.write("block.yaml", text), "block.yaml");
  EXPECT_NE(first.find(" error: values nested more than 64 levels deep; a scenario needs a handful"),
            std::string::npos) << first;
}

TEST_F(Hostile, NestingJustPastOurLimit) {
  // 70 levels: yaml-cpp parses it, gpusim's own limit (64) stops it, at the 66th "[" (column 6 + 65).
  const std::string text = "name: " + std::string(70, '[') + std::string(70, ']') + "\n";
  EXPECT_EQ(expect_error_naming(dir.write("deep.yaml", text), "deep.yaml"),
            "deep.yaml:1:71: error: values nested more than 64 levels deep; a scenario needs a handful");
}

TEST_F(Hostile, BillionLaughs) {
  // Nine levels of nine aliases each: 9^9 ≈ 387 million leaves once expanded.
  std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) text += (k ? ", " : "") + prev;
    text += "]\n";
  }
  const std::string first = expect_error_naming(dir.write("laughs.yaml", text), "laughs.yaml");
  EXPECT_NE(first.find("more than 200000 values (an alias bomb?)"), std::string::npos) << first;
}

TEST_F(Hostile, HugeNumber) {
  const std::string text =
      "name: x\ntime: {start: 2024-01-01, duration: 1d}\nsites: [{name: s, pue: 1e400}]\n";
  EXPECT_EQ(expect_error_naming(dir.write("huge.yaml", text), "huge.yaml"),
            "huge.yaml:3:24: error: sites.s.pue: '1e400' is too large to be a finite number (pue is a plain "
            "number: a plain number such as 1.3)");
}

TEST_F(Hostile, FiveMegabyteFile) {
  std::string text = "name: big\ndescription: >\n";
  while (text.size() < 5u * 1024 * 1024) text += "  all work and no play makes a very long scenario file\n";
  const std::string first = expect_error_naming(dir.write("big.yaml", text), "big.yaml");
  EXPECT_EQ(first, "big.yaml: error: file is 4194305 bytes; a scenario may be at most 4194304 bytes");
}

TEST_F(Hostile, ADirectory) {
  std::filesystem::create_directories(dir.path() / "adir.yaml");
  EXPECT_EQ(expect_error_naming((dir.path() / "adir.yaml").string(), "adir.yaml"),
            "adir.yaml: error: 'adir.yaml' is a directory, not a scenario file");
}

TEST_F(Hostile, MissingFile) {
  EXPECT_EQ(expect_error_naming((dir.path() / "nope.yaml").string(), "nope.yaml"),
            "nope.yaml: error: cannot read the file (no such file, or not readable)");
}

}  // namespace
}  // namespace gpusim
