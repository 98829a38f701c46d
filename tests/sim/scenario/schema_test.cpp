// The loader's location index (sim/scenario/schema.hpp LocationIndex): every
// path keeps its own place, however the paths share prefixes.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "sim/scenario/schema.hpp"

namespace gpusim {
namespace {

SourceLoc at(int line) { return SourceLoc{std::make_shared<const std::string>("s.yaml"), line, 1}; }

TEST(LocationIndex, EveryPathKeepsItsOwnPlace) {
  LocationIndex locs;
  locs["contracts.k1"] = at(1);
  locs["contracts.k1.price"] = at(2);
  locs["contracts.k1.gpus"] = at(3);
  locs["name"] = at(4);   // no dot: its own prefix ""
  locs[".name"] = at(5);  // prefix "." is not the prefix "" of "name"
  locs["finance.opex[staff v2].amount"] = at(6);
  EXPECT_EQ(locs.size(), 6u);
  EXPECT_EQ(locs.find("contracts.k1")->second.line, 1);
  EXPECT_EQ(locs.find("contracts.k1.price")->second.line, 2);
  EXPECT_EQ(locs.find("contracts.k1.gpus")->second.line, 3);
  EXPECT_EQ(locs.find("name")->second.line, 4);
  EXPECT_EQ(locs.find(".name")->second.line, 5);
  EXPECT_EQ(locs.find("finance.opex[staff v2].amount")->second.line, 6);
  EXPECT_EQ(locs.find("contracts.k1.pric"), locs.end());
  EXPECT_EQ(locs.find("contracts.k2.price"), locs.end());
  EXPECT_EQ(locs.count("contracts"), 0u);
  // Writing a path again replaces its place.
  locs["contracts.k1.price"] = at(7);
  EXPECT_EQ(locs.size(), 6u);
  EXPECT_EQ(locs.find("contracts.k1.price")->second.line, 7);
}

// A list's items share one prefix ("contracts."): thousands of them stay found,
// and a copy finds the same places.
TEST(LocationIndex, ManyLeavesOfOnePrefixAndCopies) {
  LocationIndex locs;
  for (int i = 0; i < 3000; ++i) {
    locs["contracts.k" + std::to_string(i)] = at(i + 1);
    locs["contracts.k" + std::to_string(i) + ".price"] = at(10000 + i);
  }
  EXPECT_EQ(locs.size(), 6000u);
  const LocationIndex copy = locs;
  for (int i = 0; i < 3000; i += 7) {
    EXPECT_EQ(locs.find("contracts.k" + std::to_string(i))->second.line, i + 1);
    EXPECT_EQ(copy.find("contracts.k" + std::to_string(i) + ".price")->second.line, 10000 + i);
  }
  EXPECT_EQ(copy.size(), 6000u);
  EXPECT_EQ(copy.count("contracts.k3000"), 0u);
}

}  // namespace
}  // namespace gpusim
