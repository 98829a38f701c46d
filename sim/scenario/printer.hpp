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

}  // namespace gpusim
