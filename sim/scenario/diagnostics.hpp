// User-facing scenario errors: each names the file, line, column and key path.
//
//   FILE:LINE:COL: error: KEY.PATH: what is wrong (what was expected)
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace gpusim {

// A place in a scenario file (1-based line and column), or on the command line.
struct SourceLoc {
  std::shared_ptr<const std::string> file;  // null: no file (built-in default)
  int line = 0;
  int col = 0;
  std::string str() const;  // "file:line:col" (or "file" when line is 0)
};

struct Diagnostic {
  SourceLoc loc;
  std::string path;     // key path, e.g. "fleet.h100.count"; may be empty
  std::string message;  // what is wrong (what was expected)
  std::string str() const;
};

// Collects diagnostics in one pass, in the order found.
class Diagnostics {
 public:
  void error(const SourceLoc& loc, std::string path, std::string message);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // Throws ScenarioError when any error was collected.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> items_;
};

// Thrown by the loader with every error found; the CLI prints them and exits 2.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diags);
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }
  // Every diagnostic on its own line, then "N errors; nothing was run".
  std::string report() const;

 private:
  std::vector<Diagnostic> diags_;
};

}  // namespace gpusim
