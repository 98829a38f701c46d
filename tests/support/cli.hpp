// Running the built `gpusim` binary from a test, as a user would: its exit
// status, stdout and stderr. GPUSIM_BINARY is defined for every test program.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace gpusim::testing {

struct CommandResult {
  int status = -1;
  std::string out, err;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A shell word: 'it'\''s' for it's.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs a shell command line (its words already quoted); stderr goes through a
// file in `scratch_dir`.
inline CommandResult run_command(const std::filesystem::path& scratch_dir, const std::string& command_line) {
  CommandResult r;
  const std::filesystem::path err_file = scratch_dir / "stderr.txt";
  const std::string command = command_line + " 2>" + err_file.string() + " </dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.out.append(buffer.data(), n);
  const int raw = pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.err = read_file(err_file);
  return r;
}

// Runs `gpusim ARGS` (ARGS already quoted for the shell).
inline CommandResult run_gpusim(const std::filesystem::path& scratch_dir, const std::string& args) {
  return run_command(scratch_dir, std::string(GPUSIM_BINARY) + " " + args);
}

}  // namespace gpusim::testing
