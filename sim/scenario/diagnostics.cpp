#include "sim/scenario/diagnostics.hpp"

namespace gpusim {

std::string SourceLoc::str() const {
  std::string out = file ? *file : std::string("<built-in>");
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(col);
  return out;
}

std::string Diagnostic::str() const {
  std::string out = loc.str() + ": error: ";
  if (!path.empty()) out += path + ": ";
  return out + message;
}

void Diagnostics::error(const SourceLoc& loc, std::string path, std::string message) {
  items_.push_back({loc, std::move(path), std::move(message)});
}

void Diagnostics::throw_if_any() const {
  if (!items_.empty()) throw ScenarioError(items_);
}

namespace {
std::string first_line(const std::vector<Diagnostic>& d) {
  return d.empty() ? std::string("scenario error") : d.front().str();
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diags)
    : std::runtime_error(first_line(diags)), diags_(std::move(diags)) {}

std::string ScenarioError::report() const {
  std::string out;
  for (const auto& d : diags_) out += d.str() + "\n";
  const std::size_t n = diags_.size();
  out += std::to_string(n) + (n == 1 ? " error" : " errors") + "; nothing was run\n";
  return out;
}

}  // namespace gpusim
