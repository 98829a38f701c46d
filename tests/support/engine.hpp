// Running inline YAML scenarios through the engine in tests, and reading their
// results by summary path: the helpers of the hand-computed engine tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/engine/solve.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/loader.hpp"

namespace gpusim::testing {

// A test GPU, T1: tdp 1,000 W, idle 200 W, overhead 300 W (full load 1,300 W),
// 10,000 USD — round numbers that keep the arithmetic short; Z0 draws nothing.
inline const char* const kTestCatalog = R"(
catalog:
  T1: {tdp: 1000 W, idle: 200 W, overhead: 300 W, price: 10000 USD}
  Z0: {tdp: 0 W, idle: 0 W, overhead: 0 W, price: 0 USD}
)";

inline DocNode document_of(const std::string& text) {
  Diagnostics diags;
  DocNode doc = parse_yaml_text(text, "test.yaml", diags);
  diags.throw_if_any();
  return doc;
}

// Runs the scenario with the test catalog (solving it when it has `solve:`).
inline Results run_yaml(const std::string& text, const EngineOptions& options = {}) {
  return run_document(document_of(std::string(kTestCatalog) + text), options);
}

// Replaces every "STEP" in `text` by `step` (1h or 1d).
inline std::string with_step(std::string text, const std::string& step) {
  for (auto at = text.find("STEP"); at != std::string::npos; at = text.find("STEP", at)) text.replace(at, 4, step);
  return text;
}

// Runs `text` (with STEP) at 1 h and at 1 d steps and checks each result.
inline void for_each_step(const std::string& text, const std::function<void(const Results&)>& check) {
  for (const char* step : {"1h", "1d"}) {
    SCOPED_TRACE(step);
    check(run_yaml(with_step(text, step)));
  }
}

// Every shipped scenario (scenarios/**/*.yaml but the figure registry and the
// sweep files), sorted. Under the sanitizers (GPUSIM_TIME_SCALE) without the
// gigawatt benchmark: its 2,000 contracts take minutes in the step engine.
inline std::vector<std::filesystem::path> shipped_scenarios() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(GPUSIM_SOURCE_DIR) + "/scenarios")) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".yaml" || name == "figures.yaml" || name.find(".sweep.") != std::string::npos) continue;
#ifdef GPUSIM_TIME_SCALE
    if (e.path().parent_path().filename() == "bench") continue;
#endif
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline double metric(const Results& r, const std::string& path) {
  const auto v = metric_value(summary_json(r), path);
  EXPECT_TRUE(v) << path << " is not in the summary";
  return v.value_or(std::nan(""));
}

}  // namespace gpusim::testing

#define EXPECT_REL(actual, expected)                                           \
  do {                                                                         \
    const double expected_value_ = (expected);                                 \
    EXPECT_NEAR((actual), expected_value_, 1e-9 * std::fabs(expected_value_)); \
  } while (0)
