#include "sim/figures/article_charts.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "sim/analysis/sweep.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/solve.hpp"
#include "sim/output/charts.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/printer.hpp"

namespace gpusim {

namespace fs = std::filesystem;

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

double metric_or_nan(const Json& j, const std::string& path) {
  const auto v = metric_value(j, path);
  return v ? *v : std::nan("");
}

const FleetSpec* pool_named(const ScenarioSpec& s, const std::string& name) {
  for (const auto& f : s.fleet)
    if (f.name == name) return &f;
  return nullptr;
}
const ContractSpec* contract_named(const ScenarioSpec& s, const std::string& name) {
  for (const auto& c : s.contracts)
    if (c.name == name) return &c;
  return nullptr;
}

// 1. The 22% under its assumptions: the fleet ramping through 2024 from a share
// of its year-end size, and Microsoft paying a multiple of the others' price.
std::optional<ChartFile> utilization_heatmap(const std::string& scenarios, const std::string& dir, unsigned threads,
                                             const EngineOptions& engine) {
  const std::string file = scenarios + "/articles/coreweave-2024-utilization.yaml";
  if (!fs::exists(file)) return std::nullopt;
  const LoadedScenario base = load_scenario(file);
  const FleetSpec* pool = pool_named(base.spec, "h100");
  const ContractSpec* ms = contract_named(base.spec, "Microsoft");
  const ContractSpec* others = contract_named(base.spec, "Others");
  if (!pool || !ms || !others || !others->price || !pool->schedule.constant) return std::nullopt;
  const double year_end = *pool->schedule.constant;
  const double others_price = others->price->value;
  std::vector<double> shares, ratios;
  for (int i = 0; i <= 7; ++i) shares.push_back(0.3 + 0.1 * i);
  for (int j = 0; j <= 8; ++j) ratios.push_back(0.6 + 0.1 * j);
  std::vector<std::vector<std::string>> points;
  const std::string start = format_date(base.spec.time.start), end = format_date(base.spec.time.end);
  for (double r : ratios) {
    for (double s : shares) {
      points.push_back({"time.step=1d", "fleet.h100.count=~", "fleet.h100.online=~",
                        "fleet.h100.ramp=[{at: " + start + ", count: " + format_number(s * year_end) + "}, {at: " + end +
                            ", count: " + format_number(year_end) + "}]",
                        "contracts.Microsoft.price=" + format_number(r * others_price) + " USD/gpu-h"});
    }
  }
  const std::vector<Json> out = run_points(base.document, points, threads, {}, nullptr, engine);
  std::vector<std::vector<double>> z(ratios.size(), std::vector<double>(shares.size()));
  for (std::size_t j = 0; j < ratios.size(); ++j)
    for (std::size_t i = 0; i < shares.size(); ++i)
      z[j][i] = 100 * metric_or_nan(out[j * shares.size() + i], "utilization.billed");
  ChartFile c{(fs::path(dir) / "coreweave-utilization-heatmap.svg").string(),
              "Implied utilization of CoreWeave's fleet in 2024",
              "Billed GPU-hours ÷ installed GPU-hours, with the other customers sized so that Microsoft is 62% of "
              "revenue. x: installed GPUs on 1 Jan 2024 as a share of the year-end 250,000 (a linear ramp through "
              "the year; 100% is the article's assumption). y: Microsoft's price per GPU-hour relative to the other "
              "customers' (100% is the article's assumption). The article's 22% sits on the right edge: a fleet "
              "that grew during the year raises the implied utilization, and so does Microsoft paying more than "
              "the others; Microsoft paying less lowers it. Even at the top-left corner it stays well below the "
              "50% of a normal cloud (A4). Colours blend between the computed grid points."};
  HeatmapOptions opt;
  opt.marked_point = LabelledPoint{100.0, 100.0, "article: " + fmt("%.1f%%", z[4][7])};
  opt.contour = ReferenceLine{50.0, "50% (a normal cloud, A4)"};
  std::vector<double> xs, ys;
  for (double s : shares) xs.push_back(100 * s);
  for (double r : ratios) ys.push_back(100 * r);
  write_heatmap(c.path, {c.title, "Fleet on 1 Jan 2024 (% of year-end)", "Microsoft price (% of others')",
                         "gpusim, scenarios/articles/coreweave-2024-utilization.yaml (A1-A3)"},
                xs, ys, z, "utilization.billed (%)", opt);
  return c;
}

// 2. What fits in 6 GW: GPUs, energy and the energy bill against PUE.
std::vector<ChartFile> six_gigawatt_charts(const std::string& scenarios, const std::string& dir, unsigned threads,
                                           const EngineOptions& engine) {
  const std::string file = scenarios + "/articles/meta-amd-6gw.yaml";
  if (!fs::exists(file)) return {};
  const LoadedScenario base = load_scenario(file);
  if (!pool_named(base.spec, "instinct")) return {};
  const std::vector<std::string> models{"H100-SXM", "B200", "GB200", "B300", "MI300X", "MI355X"};
  std::vector<double> pues;
  for (int i = 0; i <= 11; ++i) pues.push_back(1.05 + 0.05 * i);
  const std::vector<double> tariffs{0.05, 0.0806, 0.12};
  std::vector<std::vector<std::string>> points;
  for (const auto& m : models)
    for (double p : pues)
      points.push_back({"time.step=1d", "time.duration=365d", "fleet.instinct.gpu=" + m,
                        "sites.campus.pue=" + format_number(p)});
  for (double t : tariffs)
    for (double p : pues)
      points.push_back({"time.step=1d", "time.duration=365d", "sites.campus.pue=" + format_number(p),
                        "sites.campus.electricity=" + format_number(t) + " USD/kWh"});
  const std::vector<Json> out = run_points(base.document, points, threads, {}, nullptr, engine);
  std::vector<ChartFile> charts;
  const std::string source = "gpusim, scenarios/articles/meta-amd-6gw.yaml (B1, B4, B5); catalog in docs/catalog.md";
  {
    std::vector<Series> series;
    for (std::size_t mi = 0; mi < models.size(); ++mi) {
      Series s{models[mi], {}, {}};
      for (std::size_t pi = 0; pi < pues.size(); ++pi) {
        s.x.push_back(pues[pi]);
        s.y.push_back(metric_or_nan(out[mi * pues.size() + pi], "gpus.installed_end") / 1e6);
      }
      series.push_back(s);
    }
    ChartFile c{(fs::path(dir) / "six-gw-gpus.svg").string(), "GPUs that fit in 6 GW (facility) at full load",
                "The most whole GPUs whose full-load draw (GPU TDP + server overhead) × PUE fits under 6 GW, for "
                "several catalog models. The article's \"millions of accelerators\" holds for every model; liquid "
                "cooling (lower PUE, B5) adds GPUs. GB200 and B300 coincide: both draw about 1.67 kW per GPU at "
                "full load in an NVL72 rack (docs/catalog.md)."};
    LineChartOptions opt;
    opt.vertical_lines.push_back({1.08, "Meta PUE 2023"});
    write_line_chart(c.path, {c.title, "PUE", "GPUs (millions)", source}, series, opt);
    charts.push_back(c);
  }
  {
    const std::size_t mi = models.size() - 1;  // MI355X, the scenario's model
    Series it{"IT energy", {}, {}}, fac{"facility energy", {}, {}};
    for (std::size_t pi = 0; pi < pues.size(); ++pi) {
      const Json& j = out[mi * pues.size() + pi];
      it.x.push_back(pues[pi]);
      fac.x.push_back(pues[pi]);
      it.y.push_back(metric_or_nan(j, "energy.it_kwh") / 1e9);
      fac.y.push_back(metric_or_nan(j, "energy.facility_kwh") / 1e9);
    }
    ChartFile c{(fs::path(dir) / "six-gw-energy.svg").string(), "A year of 6 GW at full load (MI355X-class)",
                "Facility energy stays at 6 GW × 8,760 h ≈ 52.56 TWh whatever the PUE (the site's cap binds); a "
                "lower PUE moves more of it into the GPUs (IT energy). B4's 6 million kWh is one hour of this."};
    write_line_chart(c.path, {c.title, "PUE", "energy per year (TWh)", source}, {it, fac});
    charts.push_back(c);
  }
  {
    std::vector<Series> series;
    const std::size_t offset = models.size() * pues.size();
    for (std::size_t ti = 0; ti < tariffs.size(); ++ti) {
      Series s{fmt("%.4g USD/kWh", tariffs[ti]), {}, {}};
      for (std::size_t pi = 0; pi < pues.size(); ++pi) {
        s.x.push_back(pues[pi]);
        s.y.push_back(metric_or_nan(out[offset + ti * pues.size() + pi], "energy.cost_usd") / 1e9);
      }
      series.push_back(s);
    }
    ChartFile c{(fs::path(dir) / "six-gw-energy-bill.svg").string(), "The annual energy bill of a 6 GW campus",
                "Facility energy × flat tariff, for three electricity prices (8.06 c/kWh is the 2023 US industrial "
                "average, EIA). At the cap the bill hardly depends on PUE; what PUE changes is how many GPUs share it."};
    write_line_chart(c.path, {c.title, "PUE", "energy bill (billion USD per year)", source}, series);
    charts.push_back(c);
  }
  return charts;
}

// 3. CoreWeave 2024 income statement as a waterfall.
std::optional<ChartFile> income_waterfall(const std::string& scenarios, const std::string& dir, const EngineOptions& engine) {
  const std::string file = scenarios + "/articles/coreweave-2024-financials.yaml";
  if (!fs::exists(file)) return std::nullopt;
  const LoadedScenario base = load_scenario(file);
  const Json j = summary_json(run_document(base.document, engine));
  auto m = [&](const char* path) { return metric_or_nan(j, path) / 1e6; };
  std::vector<WaterfallStep> steps{
      {"revenue", m("finance.revenue_usd"), false},      {"energy", -m("finance.energy_cost_usd"), false},
      {"colocation", -m("finance.colocation_usd"), false}, {"opex", -m("finance.opex_usd"), false},
      {"depreciation", -m("finance.depreciation_usd"), false},
      {"operating income", m("finance.operating_income_usd"), true},
      {"interest", -m("finance.interest_usd"), false},   {"other items", m("finance.other_usd"), false},
      {"tax", -m("finance.tax_usd"), false},             {"net income", m("finance.net_income_usd"), true}};
  ChartFile c{(fs::path(dir) / "coreweave-2024-waterfall.svg").string(), "CoreWeave 2024: from revenue to net loss",
              "The A5 scenario's income statement as the engine computes it (USD millions): revenue from the fleet's "
              "contracts, then energy, colocation, opex and six-year depreciation down to operating income, then "
              "interest on the debt and the other items to the net loss. Revenue, energy, colocation, depreciation "
              "and interest come from cited facts; opex and the other items are calibrated remainders (the S-1 "
              "lines were not available), as the scenario file says."};
  write_waterfall(c.path, {c.title, "", "USD millions", "gpusim, scenarios/articles/coreweave-2024-financials.yaml (A5)"},
                  steps);
  return c;
}

// 4. Implied price per GPU-hour across the deals, beside H100 rental prices.
std::optional<ChartFile> deal_prices(const std::string& dir, const std::vector<FigureResult>& results) {
  std::vector<std::string> labels;
  std::vector<double> values;
  for (const auto& r : results) {
    if (r.spec.metric != "finance.revenue_per_gpu_hour_usd" && r.spec.metric.find("price_usd_per_gpu_hour") == std::string::npos)
      continue;
    labels.push_back(r.spec.label);
    values.push_back(r.reproduced);
  }
  if (labels.empty()) return std::nullopt;
  ChartFile c{(fs::path(dir) / "deal-prices.svg").string(), "What the deals imply per GPU-hour",
              "Each deal's value ÷ the GPU-hours its scenario delivers. The band is the range of H100 rental prices "
              "reported 2023-2026 (1-year contract index $1.70 in Oct 2025; launch prices above $8 in 2023; "
              "docs/facts.md). Two readings fall far below any market price: Nvidia-Lambda's units read as 8-GPU "
              "servers (which argues for the GPU reading) and Meta-AMD at the $60B value (most outlets reported "
              "more than $100B). E1 is an assumed price, not one the deal implies. The band is H100 prices; "
              "B2 and D1 are newer GPUs."};
  BarChartOptions opt;
  // Facts (docs/catalog.md cites facts.md): H100 1-year contract index low of
  // $1.70/GPU-h (Oct 2025, secondary) and 2023 peaks above $8 (confirmed).
  opt.band = Band{1.70, 8.00, "H100 rental prices 2023-2026"};
  write_bar_chart(c.path, {c.title, "", "USD per GPU-hour", "gpusim, scenarios/figures.yaml"}, labels, values, opt);
  return c;
}

}  // namespace

std::vector<ChartFile> write_article_charts(const std::string& scenarios, const std::string& dir,
                                            const std::vector<FigureResult>& results, unsigned threads,
                                            const EngineOptions& engine) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw OutputError("cannot create the output directory '" + dir + "': " + ec.message());
  std::vector<ChartFile> charts;
  if (auto c = utilization_heatmap(scenarios, dir, threads, engine)) charts.push_back(*c);
  for (auto& c : six_gigawatt_charts(scenarios, dir, threads, engine)) charts.push_back(c);
  if (auto c = income_waterfall(scenarios, dir, engine)) charts.push_back(*c);
  if (auto c = deal_prices(dir, results)) charts.push_back(*c);
  return charts;
}

std::string figures_markdown(const std::vector<FigureResult>& results, const std::vector<ChartFile>& charts,
                             const std::string& page_dir) {
  std::ostringstream o;
  o << "# Article figures, regenerated\n\n"
    << "<!-- Generated by `gpusim figures --out docs/figures --markdown docs/figures.md`; do not edit. -->\n\n"
    << "Each figure below comes out of the engine from a scenario file in `scenarios/articles/` (the 2025 deals "
       "of [deals.md](deals.md): `scenarios/deals/`); the published "
       "value sits beside it only for comparison (it lives in `scenarios/figures.yaml`, which the engine never "
       "reads). Figure ids refer to the source articles' digest (F, G, K: the deals). \"shown\" marks a figure the articles imply but do "
       "not state, which gpusim computes without a published value to check; \"target\" a figure the "
       "scenario goal-seeks (the check tests the solver); \"calibrated\" one whose scenario inputs were "
       "tuned to reach it (a consistency check, not a prediction).\n\n"
    << "| id | figure | published | reproduced | difference | ok |\n|---|---|---|---|---|---|\n";
  for (const auto& r : results) {
    const std::string diff = difference_text(r);
    o << "| " << r.spec.id << " | " << r.spec.title << " | " << (r.spec.published_text.empty() ? "-" : r.spec.published_text)
      << " | " << display_value(r.spec, r.reproduced) << " | " << diff << " | "
      << (!r.checked ? "shown" : r.ok ? "ok" : "**out of tolerance**")
      << (r.spec.basis == "computed" || !r.checked ? "" : " (" + r.spec.basis + ")") << " |\n";
  }
  o << "\n## Notes\n\n";
  for (const auto& r : results) {
    o << "- **" << r.spec.id << "** (" << r.spec.source << "; `" << fs::path(r.spec.scenario).filename().string()
      << "`, `" << r.spec.metric << "`";
    for (const auto& s : r.spec.set) o << ", `--set " << s << "`";
    o << ")" << (r.spec.note.empty() ? "" : ": " + r.spec.note) << "\n";
  }
  if (!charts.empty()) o << "\n## Charts\n\n";
  for (const auto& c : charts) {
    const std::string rel = page_dir.empty() ? c.path : fs::relative(c.path, page_dir).generic_string();
    o << "### " << c.title << "\n\n![" << c.title << "](" << rel << ")\n\n" << c.caption << "\n\n";
  }
  return o.str();
}

}  // namespace gpusim
