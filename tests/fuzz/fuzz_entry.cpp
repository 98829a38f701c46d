#include "tests/fuzz/fuzz_entry.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "sim/analysis/sweep.hpp"
#include "sim/engine/finite_check.hpp"
#include "sim/engine/results.hpp"
#include "sim/engine/solve.hpp"
#include "sim/output/summary.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/document.hpp"
#include "sim/scenario/loader.hpp"

namespace gpusim::fuzz {

namespace {

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "gpusim fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

// `#set ...` and `#vary ...` comment lines of the input.
void directives(const std::string& text, std::vector<std::string>& sets, std::vector<std::string>& varies) {
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    if (line.rfind("#set ", 0) == 0) sets.push_back(line.substr(5));
    if (line.rfind("#vary ", 0) == 0) varies.push_back(line.substr(6));
    start = end + 1;
  }
}

// Keeps a run short: more than kMaxFuzzSteps steps become that many (1 d steps
// when the run is long), so one input takes milliseconds.
void cap_grid(DocNode& document) {
  ScenarioSpec spec;
  try {
    spec = read_scenario(document);
  } catch (const ScenarioError&) {
    return;  // the full read below reports it
  }
  const long steps = (spec.time.end - spec.time.start) / spec.time.step_hours;
  if (steps <= kMaxFuzzSteps) return;
  DocNode* time = document.find("time");
  if (!time || !time->is_map()) return;
  time->erase("end");
  DocNode duration;
  duration.kind = DocNode::Kind::scalar;
  duration.scalar = std::to_string(kMaxFuzzSteps) + "d";
  time->set("duration", duration, time->loc);
  DocNode step;
  step.kind = DocNode::Kind::scalar;
  step.scalar = "1d";
  time->set("step", step, time->loc);
}

}  // namespace

void run_one_input(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> sets, varies;
  directives(text, sets, varies);
  try {
    Diagnostics diags;
    DocNode document = parse_yaml_text(text, "fuzz.yaml", diags);
    diags.throw_if_any();
    for (const auto& s : sets) apply_override(document, s, diags);
    diags.throw_if_any();
    std::vector<VaryAxis> axes;
    for (const auto& v : varies) axes.push_back(parse_vary(document, v));
    if (!axes.empty()) (void)grid_size(axes);
    cap_grid(document);
    LocationIndex locations;
    (void)read_scenario(document, &locations);
    const Results results = run_document(document);
    const Json summary = summary_json(results);
    const std::string json = summary.dump(2);  // throws on invalid UTF-8
    const std::string table = summary_table(results);
    const std::string series = timeseries_csv(results, Period::month);
    const std::string customers = customers_csv(results);
    (void)flatten_all(summary);
    if (json.empty() || table.empty() || series.empty() || customers.empty()) finding("empty output", "");
  } catch (const ScenarioError&) {
  } catch (const ModelError&) {
  } catch (const std::exception& e) {
    finding("unexpected exception (gpusim would exit 3)", e.what());
  }
}

}  // namespace gpusim::fuzz
