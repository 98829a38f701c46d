// The built-in GPU catalog: per-GPU power (TDP, idle, server overhead) and
// purchase price, each from a cited public figure (docs/catalog.md lists the
// sources; facts of status "estimate" stay labelled as such in `source`).
//
// Overhead is the server's share per GPU at full load (CPUs, memory, NICs,
// fans): system maximum ÷ GPUs − GPU TDP, e.g. DGX H100 10.2 kW ÷ 8 − 700 W.
#pragma once

#include <vector>

#include "models/scenario.hpp"

namespace gpusim {

// Every built-in GPU model, in a fixed order.
std::vector<GpuModelSpec> builtin_catalog();

}  // namespace gpusim
