#include "sim/scenario/diagnostics.hpp"

#include <algorithm>
#include <climits>
#include <tuple>

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
  if (items_.empty()) return;
  // In reading order: by file (as first met), then line and column; errors
  // without a line keep their place after their file's located ones.
  std::vector<std::string> files;
  for (const auto& d : items_) {
    const std::string f = d.loc.file ? *d.loc.file : std::string();
    if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
  }
  auto rank = [&](const Diagnostic& d) {
    const std::string f = d.loc.file ? *d.loc.file : std::string();
    const auto file_rank = std::find(files.begin(), files.end(), f) - files.begin();
    return std::tuple(file_rank, d.loc.line == 0 ? INT_MAX : d.loc.line, d.loc.col);
  };
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return rank(a) < rank(b); });
  throw ScenarioError(std::move(sorted));
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
