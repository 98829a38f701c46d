// Tests for `extends`: maps merge key by key, named lists item by item by name
// (same name: keys override; new name: appended; order kept), anything else is
// replaced; relative paths resolve against the including file; chains of files.
#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/document.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"

namespace gpusim {
namespace {

using testing::TempDir;
using testing::load_errors;

DocNode parse(const std::string& text, const std::string& file = "t.yaml") {
  Diagnostics diags;
  DocNode d = parse_yaml_text(text, file, diags);
  EXPECT_TRUE(diags.empty());
  return d;
}

const std::string kBase =
    "name: base\n"
    "time: {start: 2024-01-01, duration: 365d, year: 365d}\n"
    "sites:\n"
    "  - {name: us, pue: 1.3, electricity: 0.08 USD/kWh}\n"
    "fleet:\n"
    "  - {name: h100, gpu: H100-SXM, site: us, count: 1000}\n"
    "contracts:\n"
    "  - {name: A, pool: h100, gpus: 100, price: 2 USD/gpu-h}\n"
    "  - {name: B, pool: h100, gpus: 200, price: 3 USD/gpu-h}\n";

TEST(Merge, MapsMergeKeyByKey) {
  DocNode base = parse("time: {start: 2024-01-01, duration: 365d}\nname: a\n");
  merge_documents(base, parse("time: {duration: 30d, step: 1d}\n"));
  const DocNode* time = base.find("time");
  ASSERT_TRUE(time);
  EXPECT_EQ(time->find("start")->scalar, "2024-01-01");  // kept
  EXPECT_EQ(time->find("duration")->scalar, "30d");      // overridden
  EXPECT_EQ(time->find("step")->scalar, "1d");           // added
  EXPECT_EQ(base.find("name")->scalar, "a");
  EXPECT_EQ(time->keys, (std::vector<std::string>{"start", "duration", "step"}));
}

// `key: ~` in the extending file removes the base's key, so a pool's constant
// count can become a ramp (count and ramp together are an error).
TEST(Merge, NullRemovesTheBaseKey) {
  DocNode base = parse("fleet:\n  - {name: p, count: 100, online: 2024-01-01}\n");
  merge_documents(base, parse("fleet:\n  - {name: p, count: ~, online: ~, ramp: [{at: 2024-01-01, count: 10}]}\n"));
  const DocNode& pool = base.find("fleet")->children[0];
  EXPECT_EQ(pool.find("count"), nullptr);
  EXPECT_EQ(pool.find("online"), nullptr);
  ASSERT_NE(pool.find("ramp"), nullptr);
  EXPECT_EQ(pool.keys, (std::vector<std::string>{"name", "ramp"}));
}

TEST(Merge, NamedListsMergeItemByItem) {
  DocNode base = parse("l:\n  - {name: a, x: 1, y: 2}\n  - {name: b, x: 3}\n");
  merge_documents(base, parse("l:\n  - {name: c, x: 9}\n  - {name: a, y: 5}\n"));
  const DocNode* l = base.find("l");
  ASSERT_EQ(l->children.size(), 3u);
  // Order: the base's items in place, new ones appended.
  EXPECT_EQ(l->children[0].item_name(), "a");
  EXPECT_EQ(l->children[1].item_name(), "b");
  EXPECT_EQ(l->children[2].item_name(), "c");
  EXPECT_EQ(l->children[0].find("x")->scalar, "1");  // kept
  EXPECT_EQ(l->children[0].find("y")->scalar, "5");  // overridden
  EXPECT_EQ(l->children[2].find("x")->scalar, "9");
}

TEST(Merge, ScalarsAndUnnamedListsAreReplaced) {
  DocNode base = parse("a: 1\nb: [1, 2, 3]\nc: {k: v}\n");
  merge_documents(base, parse("a: 2\nb: [4]\nc: text\n"));
  EXPECT_EQ(base.find("a")->scalar, "2");
  ASSERT_EQ(base.find("b")->children.size(), 1u);
  EXPECT_EQ(base.find("b")->children[0].scalar, "4");
  EXPECT_TRUE(base.find("c")->is_scalar());
  EXPECT_EQ(base.find("c")->scalar, "text");
}

TEST(Merge, ValuesKeepTheFileTheyCameFrom) {
  DocNode base = parse("a: 1\nb: 2\n", "base.yaml");
  merge_documents(base, parse("\nb: 3\n", "over.yaml"));
  EXPECT_EQ(base.find("a")->loc.str(), "base.yaml:1:4");
  EXPECT_EQ(base.find("b")->loc.str(), "over.yaml:2:4");
  EXPECT_EQ(base.key_loc("b").str(), "over.yaml:2:1");
}

class Extends : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(Extends, ChildOverridesBase) {
  dir.write("base.yaml", kBase);
  const std::string child = dir.write("child.yaml",
                                      "extends: base.yaml\n"
                                      "name: child\n"
                                      "time: {duration: 30d}\n"
                                      "contracts:\n"
                                      "  - {name: B, price: 4 USD/gpu-h}\n"
                                      "  - {name: C, pool: h100, gpus: 50, price: 5 USD/gpu-h}\n");
  const LoadedScenario s = load_scenario(child);
  EXPECT_EQ(s.spec.name, "child");
  // duration from the child (30 × 24 = 720 h), year from the base.
  EXPECT_EQ(s.spec.time.end - s.spec.time.start, 720);
  EXPECT_EQ(s.spec.time.year, YearConvention::days365);
  ASSERT_EQ(s.spec.contracts.size(), 3u);
  EXPECT_EQ(s.spec.contracts[0].name, "A");
  EXPECT_EQ(s.spec.contracts[1].name, "B");
  EXPECT_EQ(s.spec.contracts[2].name, "C");
  EXPECT_DOUBLE_EQ(s.spec.contracts[0].price->value, 2.0);
  EXPECT_DOUBLE_EQ(s.spec.contracts[1].price->value, 4.0);  // overridden
  EXPECT_EQ(s.spec.contracts[1].gpus.constant, 200.0);      // kept from the base
  EXPECT_DOUBLE_EQ(s.spec.contracts[2].price->value, 5.0);
  // The `extends` key itself is gone from the merged document.
  EXPECT_EQ(s.document.find("extends"), nullptr);
}

TEST_F(Extends, RelativePathsResolveAgainstTheIncludingFile) {
  // top/child.yaml → ../mid/mid.yaml → base/base.yaml (relative to mid/, not to top/).
  dir.write("mid/base/base.yaml", kBase);
  dir.write("mid/mid.yaml", "extends: base/base.yaml\nname: mid\nsites:\n  - {name: us, pue: 1.1}\n");
  const std::string child = dir.write("top/child.yaml", "extends: ../mid/mid.yaml\nname: top\n");
  const LoadedScenario s = load_scenario(child);
  EXPECT_EQ(s.spec.name, "top");
  ASSERT_EQ(s.spec.sites.size(), 1u);
  EXPECT_DOUBLE_EQ(s.spec.sites[0].pue.constant, 1.1);                    // from mid
  EXPECT_DOUBLE_EQ(in_usd_per_kwh(s.spec.sites[0].electricity.flat), 0.08);  // from base
}

TEST_F(Extends, ChainOfThreeFiles) {
  dir.write("a.yaml", kBase);
  dir.write("b.yaml", "extends: a.yaml\nfleet:\n  - {name: h100, count: 2000}\n");
  const std::string c = dir.write("c.yaml",
                                  "extends: b.yaml\nfleet:\n  - {name: h100, afr: 5%}\n"
                                  "  - {name: b200, gpu: B200, site: us, count: 10}\n");
  const LoadedScenario s = load_scenario(c);
  ASSERT_EQ(s.spec.fleet.size(), 2u);
  EXPECT_EQ(s.spec.fleet[0].gpu, "H100-SXM");           // a
  EXPECT_EQ(s.spec.fleet[0].schedule.constant, 2000.0);  // b
  EXPECT_DOUBLE_EQ(s.spec.fleet[0].afr, 0.05);          // c
  EXPECT_EQ(s.spec.fleet[1].name, "b200");
  EXPECT_EQ(s.spec.name, "base");
}

TEST_F(Extends, ErrorsNameTheFileTheValueIsIn) {
  // The bad value is in the base; the error names base.yaml, line 4, column 21
  // ("  - {name: us, pue: " is 20 characters).
  dir.write("base.yaml", "name: base\ntime: {start: 2024-01-01, duration: 365d}\nsites:\n  - {name: us, pue: 0.5}\n");
  const std::string child = dir.write("child.yaml", "extends: base.yaml\nname: child\n");
  EXPECT_EQ(load_errors(dir, child),
            std::vector<std::string>{
                "base.yaml:4:21: error: sites.us.pue: '0.5' is out of range (expected a PUE from 1 to 10)"});
  // Overridden in the child, it is the child's line.
  const std::string fixed = dir.write("fixed.yaml", "extends: base.yaml\nsites:\n  - {name: us, pue: 0.7}\n");
  EXPECT_EQ(load_errors(dir, fixed),
            std::vector<std::string>{
                "fixed.yaml:3:21: error: sites.us.pue: '0.7' is out of range (expected a PUE from 1 to 10)"});
}

TEST_F(Extends, ExtendsMustBeAPath) {
  const std::string f = dir.write("s.yaml", kBase + "extends: [a, b]\n");
  EXPECT_EQ(load_errors(dir, f),
            std::vector<std::string>{"s.yaml:10:10: error: extends: expected the path of a scenario file to extend"});
}

TEST_F(Extends, ExtendingADirectoryIsAnError) {
  std::filesystem::create_directories(dir.path() / "sub");
  const std::string f = dir.write("s.yaml", "extends: sub\n" + kBase);
  EXPECT_EQ(load_errors(dir, f),
            std::vector<std::string>{"s.yaml:1:10: error: extends: 'sub' is a directory, not a scenario file"});
}

}  // namespace
}  // namespace gpusim
