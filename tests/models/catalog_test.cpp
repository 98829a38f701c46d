// Tests for models/catalog.*: the ids design.md requires, sane values, sources,
// and the H100 figures checked against the published facts.
#include "models/catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace gpusim {
namespace {

const GpuModelSpec* find_model(const std::vector<GpuModelSpec>& catalog, const std::string& id) {
  auto it = std::find_if(catalog.begin(), catalog.end(), [&](const GpuModelSpec& g) { return g.id == id; });
  return it == catalog.end() ? nullptr : &*it;
}

TEST(Catalog, HasEveryIdDesignRequires) {
  const auto catalog = builtin_catalog();
  for (const char* id : {"H100-SXM", "H200", "B200", "GB200", "B300", "MI300X", "MI325X", "MI355X"})
    EXPECT_NE(find_model(catalog, id), nullptr) << id;
}

TEST(Catalog, IdsAreUnique) {
  const auto catalog = builtin_catalog();
  std::set<std::string> ids;
  for (const auto& g : catalog) EXPECT_TRUE(ids.insert(g.id).second) << "duplicate " << g.id;
}

TEST(Catalog, ValuesArePositiveAndIdleBelowTdp) {
  for (const auto& g : builtin_catalog()) {
    SCOPED_TRACE(g.id);
    EXPECT_GT(g.tdp.value, 0.0);
    EXPECT_GT(g.idle.value, 0.0);
    EXPECT_GT(g.overhead.value, 0.0);
    EXPECT_GT(g.price.value, 0.0);
    EXPECT_LT(g.idle, g.tdp);
    // A datacenter GPU draws between 300 W and 2 kW; it costs 5k–100k USD.
    EXPECT_GE(g.tdp.value, 300.0);
    EXPECT_LE(g.tdp.value, 2000.0);
    EXPECT_GE(g.price.value, 5000.0);
    EXPECT_LE(g.price.value, 100000.0);
    EXPECT_FALSE(g.source.empty());
    EXPECT_EQ(g.power_curve.kind, PowerCurveSpec::Kind::linear);
  }
}

TEST(Catalog, H100MatchesThePublishedFacts) {
  const auto catalog = builtin_catalog();
  const GpuModelSpec* h100 = find_model(catalog, "H100-SXM");
  ASSERT_NE(h100, nullptr);
  EXPECT_DOUBLE_EQ(h100->tdp.value, 700.0);  // NVIDIA H100 SXM: 700 W TDP
  // DGX H100 system max 10.2 kW over 8 GPUs: 10,200 / 8 = 1,275 W per GPU;
  // minus the GPU's 700 W leaves 575 W of server overhead per GPU.
  const double per_gpu_w = 10200.0 / 8.0;
  EXPECT_DOUBLE_EQ(per_gpu_w, 1275.0);
  EXPECT_DOUBLE_EQ(h100->overhead.value, per_gpu_w - 700.0);
  EXPECT_DOUBLE_EQ(h100->overhead.value, 575.0);
  // Full load per GPU is the DGX share: 700 + 575 = 1,275 W.
  EXPECT_DOUBLE_EQ((h100->tdp + h100->overhead).value, 1275.0);
  EXPECT_DOUBLE_EQ(h100->price.value, 30000.0);  // MSRP ~$30k
}

TEST(Catalog, DerivedOverheadsFollowTheirArithmetic) {
  const auto catalog = builtin_catalog();
  // DGX B200 ~14.3 kW / 8 − 1,000 W = 1,787.5 − 1,000 = 787.5 W.
  EXPECT_DOUBLE_EQ(find_model(catalog, "B200")->overhead.value, 14300.0 / 8 - 1000.0);
  // GB200 NVL72 ~120 kW / 72 − 1,200 W = 1,666.7 − 1,200 ≈ 466.7 W.
  EXPECT_NEAR(find_model(catalog, "GB200")->overhead.value, 120000.0 / 72 - 1200.0, 0.05);
  // GB300 NVL72 ~120 kW / 72 − 1,400 W ≈ 266.7 W.
  EXPECT_NEAR(find_model(catalog, "B300")->overhead.value, 120000.0 / 72 - 1400.0, 0.05);
}

TEST(Catalog, OrderIsFixed) {
  // Deterministic output: two calls give the same ids in the same order.
  const auto a = builtin_catalog();
  const auto b = builtin_catalog();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].id, b[i].id);
  EXPECT_EQ(a.front().id, "H100-SXM");
}

}  // namespace
}  // namespace gpusim

namespace gpusim {
namespace {

TEST(Catalog, Gb300IsTheNvl72RacksPerGpuShare) {
  const auto catalog = builtin_catalog();
  const auto gb300 = std::find_if(catalog.begin(), catalog.end(), [](const auto& g) { return g.id == "GB300"; });
  ASSERT_NE(gb300, catalog.end());
  // 1,400 W Blackwell Ultra; overhead 120,000 W ÷ 72 − 1,400 W = 266.7 W; price $3.5M ÷ 72 ≈ 48,600 USD.
  EXPECT_EQ(gb300->tdp.value, 1400.0);
  EXPECT_NEAR(gb300->overhead.value, 120000.0 / 72 - 1400.0, 0.05);
  EXPECT_NEAR(gb300->price.value, 3.5e6 / 72, 20.0);
  // 18 compute trays of 4 GPUs make a 72-GPU rack.
  EXPECT_EQ(gb300->gpus_per_server.value_or(0), 4.0);
  EXPECT_EQ(gb300->gpus_per_rack.value_or(0), 72.0);
}

TEST(Catalog, EveryModelHasServersAndOnlyNvl72ModelsHaveRacks) {
  for (const auto& g : builtin_catalog()) {
    SCOPED_TRACE(g.id);
    ASSERT_TRUE(g.gpus_per_server.has_value());
    const bool nvl72 = g.id == "GB200" || g.id == "GB300";
    EXPECT_EQ(g.gpus_per_server.value(), nvl72 ? 4.0 : 8.0);
    EXPECT_EQ(g.gpus_per_rack.has_value(), nvl72);
  }
}

}  // namespace
}  // namespace gpusim
