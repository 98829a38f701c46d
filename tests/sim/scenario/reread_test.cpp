// ScenarioRereader (sim/scenario/loader.hpp): a document changed by a few
// assignments reads as read_scenario reads it — the same spec, or the same
// error — whether the items the assignments touch are read again alone or the
// whole document is.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "sim/scenario/document.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/printer.hpp"
#include "tests/support/engine.hpp"
#include "tests/support/random_scenario.hpp"

namespace gpusim {
namespace {

// A path segment for an item name (bracketed when it holds a dot).
std::string segment(const std::string& name) {
  return name.find('.') == std::string::npos ? name : "[" + name + "]";
}

// Every single value of `node` under `path` that a path can name: map keys,
// and items of lists by name (unnamed items and their keys are skipped).
void leaves(const DocNode& node, const std::string& path, std::vector<std::pair<std::string, std::string>>& out) {
  if (node.is_scalar()) {
    out.emplace_back(path, node.scalar);
  } else if (node.is_map()) {
    for (std::size_t i = 0; i < node.keys.size(); ++i)
      if (node.keys[i] != "name") leaves(node.children[i], path + "." + segment(node.keys[i]), out);
  } else if (node.is_seq()) {
    for (const DocNode& item : node.children)
      if (const std::string name = item.item_name(); !name.empty()) leaves(item, path + "." + segment(name), out);
  }
}

// The leading number of a value scaled by 1.1 ("3.17 USD/gpu-h" → "3.487 USD/gpu-h",
// "95%" → "104.5%", a date's year → an unreadable date); "" when it has none.
std::string scaled(const std::string& text) {
  std::size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
                               (end == 0 && text[end] == '-')))
    ++end;
  if (end == 0 || !std::isdigit(static_cast<unsigned char>(text[end - 1]))) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", std::stod(text.substr(0, end)) * 1.1);
  return buf + text.substr(end);
}

struct Outcome {
  std::optional<ScenarioSpec> spec;
  std::string error;
};

Outcome outcome(const std::function<ScenarioSpec()>& read) {
  try {
    return {read(), ""};
  } catch (const std::exception& e) {  // ScenarioError, ModelError
    return {std::nullopt, e.what()};
  }
}

// Changes each numeric value of `doc` (every `stride`-th) as a Monte Carlo
// draw would, with the extra assignments, and compares the two readings.
// Returns how many changes were read item by item (not the whole document).
int compare_rereads(const DocNode& doc, int stride, const std::vector<std::string>& extra) {
  ScenarioRereader reread(doc, read_scenario(doc));
  std::vector<std::pair<std::string, std::string>> all;
  for (std::size_t i = 0; i < doc.keys.size(); ++i) leaves(doc.children[i], doc.keys[i], all);
  int items = 0, n = 0;
  for (const auto& [path, text] : all) {
    const std::string value = scaled(text);
    if (value.empty() || n++ % stride != 0) continue;
    std::vector<std::string> assignments{path + "=" + value};
    assignments.insert(assignments.end(), extra.begin(), extra.end());
    DocNode changed = doc;
    Diagnostics diags;
    for (const auto& a : assignments) apply_override(changed, a, diags);
    if (!diags.empty()) continue;  // not a path apply_override takes
    SCOPED_TRACE(assignments.front());
    bool whole = true;
    const Outcome quick = outcome([&] {
      const auto reading = reread.read(changed, assignments);
      whole = reading->whole();
      return reading->spec();
    });
    const Outcome full = outcome([&] { return read_scenario(changed); });
    EXPECT_EQ(quick.error, full.error);
    EXPECT_EQ(quick.spec.has_value(), full.spec.has_value());
    if (quick.spec && full.spec) {
      EXPECT_TRUE(*quick.spec == *full.spec);
    }
    items += !whole;
    if (::testing::Test::HasFailure()) return items;
  }
  return items;
}

TEST(ScenarioRereader, EveryShippedScenarioReadsAsAWholeReadWhateverValueChanges) {
  int items = 0;
  for (const auto& file : testing::shipped_scenarios()) {
    SCOPED_TRACE(file.string());
    const LoadedScenario loaded = load_scenario(file.string());
    // The gigawatt campus's 2,000 contracts: every 97th value.
    const int stride = loaded.spec.contracts.size() > 100 ? 97 : 1;
    items += compare_rereads(loaded.document, stride, {});
    // A goal-seek trial's assignments, and a Monte Carlo run's.
    if (loaded.spec.solve) items += compare_rereads(loaded.document, stride, {"solve=~"});
    items += compare_rereads(loaded.document, stride * 3, {"seed=7"});
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GE(items, 300) << items;  // most changes are read item by item (the sanitized build has no gigawatt campus)
}

TEST(ScenarioRereader, RandomScenariosReadAsAWholeReadWhateverValueChanges) {
  testing::SplitMix64 rng(20261130);
  int items = 0;
  for (int i = 0; i < 100; ++i) {
    testing::GenerateOptions opts;
    opts.deal_terms = true;
    opts.any_hour = i % 2 == 1;
    opts.seed = i % 3 == 0;
    const testing::Generated g = testing::generate(rng, opts);
    SCOPED_TRACE("scenario " + std::to_string(i) + ":\n" + g.yaml);
    const DocNode doc = testing::document_of(testing::with_step(g.yaml, "1d"));
    items += compare_rereads(doc, 1, i % 2 == 0 ? std::vector<std::string>{} : std::vector<std::string>{"seed=3"});
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GE(items, 2000) << items;
}

constexpr const char* kScenario = R"(name: reread
time: {start: 2025-01-01, end: 2026-01-01, step: 1d}
sites: [{name: s, pue: 1.2, electricity: 0.08 USD/kWh}]
fleet: [{name: p, gpu: H100-SXM, site: s, count: 1000}]
contracts:
  - {name: a, pool: p, gpus: 400, price: 2.0 USD/gpu-h, start: 2025-02-01, term: 180d}
demand: [{name: od, kind: on_demand, pool: p, gpus: 300, price: 3 USD/gpu-h}]
finance: {tax_rate: 21%, debt: [{name: loan, principal: 10M USD, rate: 8%}]}
)";

// One assignment's reading: the spec, whether it was read whole, or the error.
struct Reading {
  Outcome quick, full;
  bool whole = true;
};
Reading read_with(const std::vector<std::string>& assignments) {
  const DocNode doc = testing::document_of(kScenario);
  ScenarioRereader reread(doc, read_scenario(doc));
  DocNode changed = doc;
  Diagnostics diags;
  for (const auto& a : assignments) apply_override(changed, a, diags);
  diags.throw_if_any();
  Reading r;
  r.quick = outcome([&] {
    const auto reading = reread.read(changed, assignments);
    r.whole = reading->whole();
    return reading->spec();
  });
  r.full = outcome([&] { return read_scenario(changed); });
  return r;
}

TEST(ScenarioRereader, AnItemsValueIsReadItemByItem) {
  for (const char* a : {"contracts.a.price=2.5 USD/gpu-h", "demand.od.price=4", "sites.s.pue=1.3",
                        "fleet.p.count=2 servers", "finance.debt.loan.rate=9%", "finance.tax_rate=25%"}) {
    SCOPED_TRACE(a);
    const Reading r = read_with({a, "seed=5"});
    EXPECT_FALSE(r.whole);
    ASSERT_TRUE(r.quick.spec && r.full.spec);
    EXPECT_TRUE(*r.quick.spec == *r.full.spec);
    EXPECT_EQ(r.quick.spec->seed, 5u);
  }
  // 2 servers of 8 H100s: the pool's check converts them, as the whole read does.
  EXPECT_EQ(read_with({"fleet.p.count=2 servers"}).quick.spec->fleet[0].schedule.constant, 16.0);
}

TEST(ScenarioRereader, AKeyAddedOrOutsideTheItemsIsReadWhole) {
  for (const char* a : {"contracts.a.escalation=3%", "time.end=2025-07-01", "catalog.H100-SXM.tdp=800 W",
                        "sites.s.power_cap=10 MW"}) {
    SCOPED_TRACE(a);
    const Reading r = read_with({a});
    EXPECT_TRUE(r.whole);
    ASSERT_TRUE(r.quick.spec && r.full.spec);
    EXPECT_TRUE(*r.quick.spec == *r.full.spec);
  }
}

// A change the item's checks refuse: the whole read reports it, with its place.
TEST(ScenarioRereader, AnItemThatNoLongerChecksGivesTheWholeReadsError) {
  const Reading r = read_with({"contracts.a.term=0d"});
  EXPECT_TRUE(r.whole);
  EXPECT_EQ(r.quick.error, r.full.error);
  EXPECT_NE(r.quick.error.find("contracts.a.term: the contract ends (2025-02-01) before it starts (2025-02-01)"),
            std::string::npos)
      << r.quick.error;
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// Readings reuse copies of the base: each sees only its own changes, whether
// they overlap in time or follow one that failed, and the base is left as read.
TEST(ScenarioRereader, ReadingsAtOnceAndAfterAnErrorSeeOnlyTheirOwnChanges) {
  const DocNode doc = testing::document_of(kScenario);
  ScenarioRereader reread(doc, read_scenario(doc));
  const auto changed = [&](const std::string& a) {
    DocNode d = doc;
    Diagnostics diags;
    apply_override(d, a, diags);
    return d;
  };
  const DocNode cheap = changed("contracts.a.price=1 USD/gpu-h"), bad = changed("contracts.a.term=0d"),
                dear = changed("demand.od.price=9 USD/gpu-h");
  {
    const auto one = reread.read(cheap, {"contracts.a.price=1 USD/gpu-h"});
    EXPECT_THROW(reread.read(bad, {"contracts.a.term=0d"}), ScenarioError);
    const auto two = reread.read(dear, {"demand.od.price=9 USD/gpu-h"});
    EXPECT_FALSE(one->whole());
    EXPECT_FALSE(two->whole());
    EXPECT_TRUE(one->spec() == read_scenario(cheap));
    EXPECT_TRUE(two->spec() == read_scenario(dear));
  }
  // Both copies given back, each with the base's values put back.
  const DocNode seeded = changed("seed=1");
  const auto three = reread.read(seeded, {"seed=1"});
  const auto four = reread.read(seeded, {"seed=1"});
  ScenarioSpec expected = read_scenario(doc);
  expected.seed = 1;
  EXPECT_TRUE(three->spec() == expected);
  EXPECT_TRUE(four->spec() == expected);
  EXPECT_TRUE(reread.base() == read_scenario(doc));
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

// A base that does not read (a sweep of a key the file leaves out of range):
// each reading reads its own document whole, its spec or its error.
TEST(ScenarioRereader, ABaseThatDoesNotReadLeavesEachReadingToReadItsDocumentWhole) {
  DocNode doc = testing::document_of(kScenario);
  Diagnostics diags;
  apply_override(doc, "sites.s.pue=0.5", diags);  // a PUE under 1
  ASSERT_TRUE(diags.empty());
  ScenarioRereader reread(doc);
  EXPECT_FALSE(reread.has_base());
  DocNode fixed = doc;
  apply_override(fixed, "sites.s.pue=1.3", diags);
  const auto good = reread.read(fixed, {"sites.s.pue=1.3"});
  EXPECT_TRUE(good->whole());
  EXPECT_TRUE(good->spec() == read_scenario(fixed));
  std::string error, expected;
  try {
    reread.read(doc, {"contracts.a.price=3 USD/gpu-h"});
  } catch (const ScenarioError& e) {
    error = e.what();
  }
  try {
    read_scenario(doc);
  } catch (const ScenarioError& e) {
    expected = e.what();
  }
  EXPECT_NE(expected.find("sites.s.pue"), std::string::npos) << expected;
  EXPECT_EQ(error, expected);
}

}  // namespace
}  // namespace gpusim
