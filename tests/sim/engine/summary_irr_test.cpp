// The summary stage's IRR (sim/engine/summary.cpp): a run made without it
// (EngineOptions::irr false, a goal-seek's trial) keeps its monthly flows, and
// complete_irr then finds the very value the run would have found.
#include <gtest/gtest.h>

#include <string>

#include "sim/engine/engine.hpp"
#include "sim/scenario/loader.hpp"

namespace gpusim {
namespace {

TEST(SummaryIrr, IrrFoundLaterIsTheIrrFoundInTheRun) {
  const LoadedScenario loaded = load_scenario(std::string(GPUSIM_SOURCE_DIR) + "/scenarios/teaching/worked-example.yaml");
  for (const EngineKind engine : {EngineKind::step, EngineKind::segment}) {
    const Results with = run_scenario(loaded.spec, EngineOptions{0, engine, false, true});
    Results without = run_scenario(loaded.spec, EngineOptions{0, engine, false, false});
    ASSERT_TRUE(with.summary.irr.has_value());  // -40.3% a year: the worked example does not pay back
    EXPECT_TRUE(with.irr_flows.empty());
    EXPECT_FALSE(without.summary.irr.has_value());
    EXPECT_FALSE(without.irr_flows.empty());
    EXPECT_EQ(without.summary.npv_usd, with.summary.npv_usd);  // everything else is found as before
    complete_irr(without);
    ASSERT_TRUE(without.summary.irr.has_value());
    EXPECT_EQ(*without.summary.irr, *with.summary.irr);  // bit for bit
    EXPECT_TRUE(without.irr_flows.empty());
  }
}

}  // namespace
}  // namespace gpusim
