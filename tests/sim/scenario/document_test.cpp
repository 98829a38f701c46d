// What a scenario file may hold, read by sim/scenario/document.cpp: UTF-8 text
// (a bad byte is placed at its line and column, in the file or a --set), one
// YAML document, and an `extends` base that is a regular, non-empty file.
// Each test is a regression named after what broke (issue 9's findings 1, 11).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/scenario/document.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/sim/scenario/scenario_test_util.hpp"

namespace gpusim {
namespace {

using testing::first_error;
using testing::load_errors;
using testing::TempDir;

const std::string kTime = "time: {start: 2024-01-01, duration: 1d}\n";

TEST(Document, RegressionInvalidUtf8InANameIsRefusedAtItsPlace) {
  TempDir dir;
  // Line 1: `name: "a` is 8 characters, so the bad byte 0xFF is column 9.
  EXPECT_EQ(first_error(dir, "name: \"a\xff\"\n" + kTime),
            "s.yaml:1:9: error: invalid UTF-8 (byte 0xFF); a scenario is UTF-8 text");
  // Columns count characters: "é" (2 bytes) before the bad byte is one column.
  // Line 2: `description: é` is 14 characters, so a lone continuation byte 0x80 is column 15.
  EXPECT_EQ(first_error(dir, "name: x\ndescription: \xc3\xa9\x80\n" + kTime),
            "s.yaml:2:15: error: invalid UTF-8 (byte 0x80); a scenario is UTF-8 text");
  // Overlong forms and surrogates are not UTF-8 either.
  EXPECT_EQ(first_error(dir, "name: \xc0\xaf\n" + kTime),
            "s.yaml:1:7: error: invalid UTF-8 (byte 0xC0); a scenario is UTF-8 text");
  EXPECT_EQ(first_error(dir, "name: \xed\xa0\x80\n" + kTime),
            "s.yaml:1:7: error: invalid UTF-8 (byte 0xED); a scenario is UTF-8 text");
  // Valid multibyte text (CJK, emoji) loads.
  EXPECT_EQ(first_error(dir, "name: 开机率 \xf0\x9f\x93\x88\n" + kTime), "");
}

TEST(Document, RegressionInvalidUtf8InASetValueIsRefused) {
  TempDir dir;
  EXPECT_EQ(first_error(dir, "name: x\n" + kTime, "s.yaml", {"name=a\xff"}),
            "--set name: error: 'name=...': invalid UTF-8; a --set is UTF-8 text");
}

TEST(Document, RegressionASecondYamlDocumentIsAnError) {
  TempDir dir;
  EXPECT_EQ(first_error(dir, "name: x\n" + kTime + "---\nname: y\n"),
            "s.yaml:3:1: error: a second YAML document starts here; a scenario file holds one document "
            "(remove the '---' and what follows, or put it in its own file)");
  // An empty second document counts too; a `---` that opens the only document does not.
  EXPECT_EQ(first_error(dir, "name: x\n" + kTime + "---\n"),
            "s.yaml:3:1: error: a second YAML document starts here; a scenario file holds one document "
            "(remove the '---' and what follows, or put it in its own file)");
  EXPECT_EQ(first_error(dir, "# a comment\n---\nname: x\n" + kTime), "");
}

TEST(Document, RegressionExtendsDevNullIsNotAnEmptyBase) {
  TempDir dir;
  // `extends: ` is 9 characters: the path is at column 10.
  EXPECT_EQ(first_error(dir, "extends: /dev/null\nname: x\n" + kTime),
            "s.yaml:1:10: error: extends: '/dev/null' is not a regular file; extends names a scenario file");
  EXPECT_EQ(first_error(dir, "extends: /dev/zero\nname: x\n" + kTime),
            "s.yaml:1:10: error: extends: '/dev/zero' is not a regular file; extends names a scenario file");
  dir.write("empty.yaml", "");
  EXPECT_EQ(first_error(dir, "extends: empty.yaml\nname: x\n" + kTime),
            "s.yaml:1:10: error: extends: 'empty.yaml' is empty; a base scenario is a map of keys");
}

// A Monte Carlo run's overrides go to a reused copy (DocumentCopies) and are
// undone when the run ends: every run sees the base with its own overrides only.
TEST(Document, CopiesUndoEachRunsOverrides) {
  Diagnostics diags;
  const DocNode base = parse_yaml_text(
      "name: x\n" + kTime +
          "sites:\n  - {name: s, pue: 1.2}\nfleet:\n  - {name: p, gpu: H100-SXM, site: s, count: 8}\n",
      "s.yaml", diags);
  ASSERT_TRUE(diags.empty());
  const auto expected = [&](const std::vector<std::string>& assignments) {
    DocNode doc = base;
    Diagnostics d;
    for (const auto& a : assignments) apply_override(doc, a, d);
    return to_yaml(doc);
  };
  DocumentCopies copies(base);
  const std::vector<std::vector<std::string>> runs{
      {"sites.s.pue=1.3", "seed=7"},           // a nested value, and a key the base lacks
      {"fleet.p.count=~", "fleet.p.ramp=[{at: 2024-01-01, count: 4}]"},  // removed, then added
      {"time=~", "name=y"},                      // top-level keys removed and replaced
      {},
  };
  for (int round = 0; round < 2; ++round) {
    for (const auto& run : runs) {
      Diagnostics d;
      const auto lease = copies.with_overrides(run, d);
      EXPECT_TRUE(d.empty());
      EXPECT_EQ(to_yaml(lease->document()), expected(run));
    }
  }
  // A place survives the round trip: the base's `sites` key is where it was written.
  const auto lease = copies.with_overrides({}, diags);
  EXPECT_EQ(lease->document().key_loc("sites").line, base.key_loc("sites").line);
  EXPECT_EQ(lease->document().keys, base.keys);
}

}  // namespace
}  // namespace gpusim
