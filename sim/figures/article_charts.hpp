// The article charts of `gpusim figures`, each computed by the engine from the
// article scenarios (runs at daily steps where a chart needs many points: the
// scenarios have no hour-of-day inputs, so daily and hourly totals agree), and
// the generated figures page.
#pragma once

#include <string>
#include <vector>

#include "sim/figures/registry.hpp"

namespace gpusim {

struct ChartFile {
  std::string path;     // the SVG written
  std::string title;
  std::string caption;  // what it shows and what to read from it
};

// Writes the charts into `out_dir`; `scenarios_dir` holds articles/…;
// `results` supplies the registry's figures (chart 4). Charts whose scenario is
// missing are skipped. Every run is on `engine`.
std::vector<ChartFile> write_article_charts(const std::string& scenarios_dir, const std::string& out_dir,
                                            const std::vector<FigureResult>& results, unsigned threads,
                                            const EngineOptions& engine = {});

// The figures page (markdown): the table, notes and the charts, with chart
// links relative to `page_dir`.
std::string figures_markdown(const std::vector<FigureResult>& results, const std::vector<ChartFile>& charts,
                             const std::string& page_dir);

}  // namespace gpusim
