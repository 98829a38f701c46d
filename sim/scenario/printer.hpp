// `gpusim validate --print`: the scenario as gpusim understood it, every
// default filled in and every quantity in its unit, as YAML that reads back
// to the same scenario.
#pragma once

#include <string>

#include "models/scenario.hpp"

namespace gpusim {

std::string print_scenario(const ScenarioSpec& spec);

// Shortest text that reads back to the same double ("0.08", "2.5", "250000").
std::string format_number(double v);

// v rounded to 15 significant digits, the most a decimal keeps through a
// double: drops the noise of binary sums, so a grid 1.5 + 14 × 0.1 gives 2.9,
// not 2.9000000000000004. Non-finite values are returned as they are.
double round_decimal_noise(double v);

}  // namespace gpusim
