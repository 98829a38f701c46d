#include "models/catalog.hpp"

namespace gpusim {

namespace {
// Packaging: GPUs per server and per rack (0: the model is not sold that way).
struct Packaging {
  double per_server = 0, per_rack = 0;
};

GpuModelSpec entry(const char* id, double tdp_w, double idle_w, double overhead_w, double price_usd,
                   Packaging packaging, const char* source) {
  GpuModelSpec g;
  if (packaging.per_server > 0) g.gpus_per_server = packaging.per_server;
  if (packaging.per_rack > 0) g.gpus_per_rack = packaging.per_rack;
  g.id = id;
  g.tdp = watts(tdp_w);
  g.idle = watts(idle_w);
  g.overhead = watts(overhead_w);
  g.price = usd(price_usd);
  g.source = source;
  return g;
}
}  // namespace

std::vector<GpuModelSpec> builtin_catalog() {
  // Idle: where no measurement exists, 20% of TDP (LBNL's idle model: estimate).
  // Packaging: 8 GPUs in an HGX / DGX or AMD Instinct platform server; an NVL72
  // rack holds 72 GPUs in 18 compute trays (servers) of 4.
  const Packaging hgx{8, 0}, nvl72{4, 72};
  return {
      entry("H100-SXM", 700, 75, 575, 30000, hgx,
            "TDP 700 W: confirmed (NVIDIA H100 product page). Idle 75 W: estimate "
            "(H100-class idles at ~60-80 W). Overhead 575 W: derived (DGX H100 system max "
            "10.2 kW / 8 GPUs - 700 W, confirmed datasheet). Price 30,000 USD: MSRP ~$30k "
            "(confirmed/secondary; range $25-40k)."),
      entry("H200", 700, 80, 575, 30000, hgx,
            "TDP 700 W: confirmed (NVIDIA spec pages). Idle 80 W: secondary (a measured H200 "
            "idled at 80 W). Overhead 575 W: estimate (same HGX 8-GPU platform as DGX H100). "
            "Price 30,000 USD: estimate (no public H200 price; H100 MSRP ~$30k)."),
      entry("B200", 1000, 200, 787.5, 35000, hgx,
            "TDP 1,000 W (HGX): confirmed. Idle 200 W: estimate (20% of TDP, LBNL model). "
            "Overhead 787.5 W: derived (DGX B200 system max ~14.3 kW / 8 - 1,000 W; secondary). "
            "Price 35,000 USD: midpoint of Blackwell $30-40k (confirmed, CNBC)."),
      entry("GB200", 1200, 240, 466.7, 40000, nvl72,
            "TDP 1,200 W in GB200: confirmed. Idle 240 W: estimate (20% of TDP, LBNL model). "
            "Overhead 466.7 W: derived (NVL72 rack ~120 kW / 72 GPUs - 1,200 W; confirmed "
            "vendor blogs). Price 40,000 USD: top of Blackwell $30-40k (estimate)."),
      entry("B300", 1400, 280, 266.7, 40000, hgx,
            "TDP ~1,400 W: confirmed (vendor blog, bank model). Idle 280 W: estimate (20% of "
            "TDP, LBNL model). Overhead 266.7 W: derived (GB300 NVL72 rack ~120 kW / 72 - "
            "1,400 W). Price 40,000 USD: estimate (Blackwell $30-40k)."),
      entry("GB300", 1400, 280, 266.7, 48600, nvl72,
            "Per GPU of the GB300 NVL72 rack (72 Blackwell Ultra GPUs, 36 Grace CPUs, 18 compute "
            "trays of 4 GPUs). TDP 1,400 W: confirmed (vendor blog, bank model). Idle 280 W: "
            "estimate (20% of TDP, LBNL model). Overhead 266.7 W: derived (rack ~120 kW / 72 - "
            "1,400 W; confirmed vendor blogs). Price 48,600 USD: estimate (rack ~$3-4M reported, "
            "midpoint $3.5M / 72)."),
      entry("MI300X", 750, 150, 575, 20000, hgx,
            "TDP 750 W: confirmed. Idle 150 W: estimate (20% of TDP, LBNL model). Overhead "
            "575 W: estimate (an 8-GPU server like DGX H100). Price 20,000 USD: estimate "
            "(no public price)."),
      entry("MI325X", 1000, 200, 575, 25000, hgx,
            "TDP ~1,000 W: secondary. Idle 200 W: estimate (20% of TDP, LBNL model). "
            "Overhead 575 W: estimate (an 8-GPU server like DGX H100). Price 25,000 USD: "
            "estimate (no public price)."),
      entry("MI355X", 1400, 280, 575, 30000, hgx,
            "TDP 1,400 W: confirmed (Tom's Hardware). Idle 280 W: estimate (20% of TDP, LBNL "
            "model). Overhead 575 W: estimate (an 8-GPU server like DGX H100). Price 30,000 "
            "USD: estimate (no public price; Blackwell-class $30-40k)."),
  };
}

}  // namespace gpusim
