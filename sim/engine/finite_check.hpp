// Results must be finite: a run whose results hold an infinity or a NaN (a
// price of 1e307 USD/gpu-h, a life of 1e-300 y) is the user's input taken past
// what doubles hold, not a result. Called once after each run of a document
// (run_document, gpusim validate).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/engine/results.hpp"
#include "sim/scenario/document.hpp"

namespace gpusim {

struct SummaryCells;  // sim/output/summary.hpp

// The scenario's numbers that are extreme enough to take results past what a
// double holds: magnitudes of 1e15 or more (with k/M/B/T), or non-zero below
// 1e-12, as (key path, text as written), in document order.
std::vector<std::pair<std::string, std::string>> extreme_inputs(const DocNode& document);

// Throws ModelError when a result of `results` is not finite, naming the first
// such results and the extreme inputs of `document` (the error's path is the
// first of them, so the command places it at that key: FILE:LINE:COL or --set).
void check_finite_results(const Results& results, const DocNode& document);
// The same check on the summary's cells (summary_cells(results)), for callers
// that keep them anyway (a Monte Carlo run).
void check_finite_cells(const SummaryCells& cells, const DocNode& document);
// The same check on the JSON summary itself (summary_json(results)), for callers
// that keep it anyway (a sweep's point): no names are built unless one is not finite.
void check_finite_summary(const nlohmann::ordered_json& summary, const DocNode& document);

}  // namespace gpusim
