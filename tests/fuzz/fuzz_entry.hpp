// The fuzz target: the whole path a scenario takes through gpusim, for one
// input. Shared by the libFuzzer harness (scenario_fuzz.cpp, clang only) and
// the corpus replay (replay_main.cpp, any compiler), so the regression corpus
// is replayed through exactly the code the fuzzer ran.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gpusim::fuzz {

// Runs one input: YAML text, whose comment lines `#set PATH=VALUE` and
// `#vary PATH=SPEC` are also applied as --set overrides and parsed as --vary
// axes. Parse → extends-free read → run on a capped grid (at most
// kMaxFuzzSteps steps) → table, JSON summary and CSVs. Errors a user can
// cause (ScenarioError, ModelError) are the expected outcome; any other
// exception, a crash or a sanitizer report is a finding (it aborts).
void run_one_input(const std::uint8_t* data, std::size_t size);

inline constexpr long kMaxFuzzSteps = 800;

}  // namespace gpusim::fuzz
