// The scenario the distributed-run tests share (distribute_test.cpp and
// tests/sim/mpi/mpi_cli_test.cpp): 100 T1 GPUs (1.3 kW of IT power each, so
// the 150 kW site holds 115) for 60 days, with failures and demand noise under
// a seed, so every result has all its digits; two uncertain inputs.
#pragma once

namespace gpusim {

inline constexpr const char* kDistributedScenario = R"(name: distributed
time: {start: 2024-01-01, end: 2024-03-01, step: 1d}
seed: 3
catalog:
  T1: {tdp: 1000 W, idle: 200 W, overhead: 300 W, price: 10000 USD}
sites: [{name: s, pue: 1.2, electricity: 0.1 USD/kWh, it_power_cap: 150 kW}]
fleet: [{name: p, gpu: T1, site: s, count: 100, afr: 10%, repair: 2d}]
contracts: [{name: C, pool: p, gpus: 60, price: 2 USD/gpu-h}]
demand: [{name: od, pool: p, kind: on_demand, gpus: 20, price: 3 USD/gpu-h, noise: 10%}]
uncertain:
  - {name: price, path: contracts.C.price, dist: normal, mean: 2 USD/gpu-h, sd: 0.3 USD/gpu-h}
  - {name: pue, path: sites.s.pue, dist: triangular, low: 1.1, mode: 1.2, high: 1.5}
)";

}  // namespace gpusim
