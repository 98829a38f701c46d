#include "sim/engine/finite_check.hpp"

#include <cmath>
#include <cstdlib>
#include <string_view>

#include "sim/output/summary.hpp"

namespace gpusim {

namespace {

// The number a scalar starts with, with a k/M/B/T multiplier ("2T" → 2e12), if any.
bool leading_number(const std::string& text, double& value) {
  const char* begin = text.c_str();
  char* end = nullptr;
  value = std::strtod(begin, &end);
  if (end == begin) return false;
  switch (*end) {
    case 'k': value *= 1e3; break;
    case 'M': value *= 1e6; break;
    case 'B': value *= 1e9; break;
    case 'T': value *= 1e12; break;
    default: break;
  }
  return true;
}

void collect(const DocNode& node, const std::string& path, std::vector<std::pair<std::string, std::string>>& out) {
  switch (node.kind) {
    case DocNode::Kind::null: return;
    case DocNode::Kind::scalar: {
      double v = 0;
      if (leading_number(node.scalar, v) && (!(std::fabs(v) < 1e15) || (v != 0 && std::fabs(v) < 1e-12)))
        out.emplace_back(path, node.scalar);
      return;
    }
    case DocNode::Kind::map:
      for (std::size_t i = 0; i < node.keys.size(); ++i)
        collect(node.children[i], path.empty() ? node.keys[i] : path + "." + node.keys[i], out);
      return;
    case DocNode::Kind::seq:
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        const std::string name = node.children[i].item_name();
        collect(node.children[i], path + "." + (name.empty() ? std::to_string(i) : name), out);
      }
      return;
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> extreme_inputs(const DocNode& document) {
  std::vector<std::pair<std::string, std::string>> out;
  collect(document, "", out);
  return out;
}

void check_finite_results(const Results& results, const DocNode& document) {
  check_finite_cells(summary_cells(results), document);
}

namespace {

bool all_finite(const nlohmann::ordered_json& j) {
  if (j.is_number_float()) return std::isfinite(j.get_ref<const double&>());
  if (j.is_object() || j.is_array()) {
    for (const auto& c : j)
      if (!all_finite(c)) return false;
  }
  return true;
}

std::string not_finite_text(std::string_view name, double value) {
  return std::string(name) + " = " + (std::isnan(value) ? "NaN" : value > 0 ? "inf" : "-inf");
}

// Throws for the results named in `bad` (none: returns), with the document's extreme inputs.
void throw_if_not_finite(const std::vector<std::string>& bad, const DocNode& document) {
  if (bad.empty()) return;
  std::string message = "the results are not finite (" + bad.front();
  for (std::size_t i = 1; i < bad.size() && i < 3; ++i) message += ", " + bad[i];
  if (bad.size() > 3) message += " and " + std::to_string(bad.size() - 3) + " more";
  message += ")";
  const auto inputs = extreme_inputs(document);
  if (inputs.empty()) {
    message += "; no input is extreme, please report this scenario";
    throw ModelError("", message);
  }
  message += "; inputs that took them there: ";
  for (std::size_t i = 0; i < inputs.size(); ++i)
    message += (i ? ", " : "") + inputs[i].first + " = " + inputs[i].second;
  throw ModelError(inputs.front().first, message);
}

}  // namespace

void check_finite_cells(const SummaryCells& cells, const DocNode& document) {
  std::vector<std::string> bad;
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (const std::optional<double>& value = cells.values[i]; value && !std::isfinite(*value))
      bad.push_back(not_finite_text(cells.name(i), *value));
  throw_if_not_finite(bad, document);
}

void check_finite_summary(const nlohmann::ordered_json& summary, const DocNode& document) {
  if (all_finite(summary)) return;
  std::vector<std::string> bad;
  for (const auto& [name, value] : flatten_all(summary))
    if (value && !std::isfinite(*value)) bad.push_back(not_finite_text(name, *value));
  throw_if_not_finite(bad, document);
}

}  // namespace gpusim
