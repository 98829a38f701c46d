// Helpers for the scenario tests: a temporary directory per test, files written
// into it, and the errors of loading one with the directory stripped from the
// file names so that expectations read "s.yaml:7:5: error: ...".
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"

namespace gpusim::testing {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "gpusim_test_" + std::to_string(::getpid()) + "_";
    if (info) name += std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name)
      if (c == '/') c = '_';
    path_ = fs::temp_directory_path() / name;
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string prefix() const { return path_.string() + "/"; }

  // Writes `text` to DIR/name (creating subdirectories) and returns the full path.
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << text;
    return p.string();
  }

  // Removes every occurrence of the directory prefix from `s`.
  std::string strip(std::string s) const {
    const std::string pre = prefix();
    for (std::size_t at = s.find(pre); at != std::string::npos; at = s.find(pre, at)) s.erase(at, pre.size());
    return s;
  }

 private:
  fs::path path_;
};

// Every diagnostic of loading `file` (with `overrides`), stripped; empty when it loads.
inline std::vector<std::string> load_errors(const TempDir& dir, const std::string& file,
                                            const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario(file, overrides);
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(dir.strip(d.str()));
    return out;
  }
  return {};
}

// The first diagnostic of loading `text` written as `name`; "" when it loads.
inline std::string first_error(const TempDir& dir, const std::string& text, const std::string& name = "s.yaml",
                               const std::vector<std::string>& overrides = {}) {
  const auto errors = load_errors(dir, dir.write(name, text), overrides);
  return errors.empty() ? std::string() : errors.front();
}

}  // namespace gpusim::testing
