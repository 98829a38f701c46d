// All-or-nothing output folders for every command that writes `--out DIR`.
//
// A StagedOutput writes into a private staging folder beside the target
// (DIR's parent/.NAME.gpusim-PID-RANDOM.tmp); commit() moves every file into
// DIR (created if needed) only once all were written and every chart drawn.
// Destroyed without commit() (an error, an exception), it removes the staging
// folder, so a failed command leaves neither files nor an empty DIR.
//
// SIGINT and SIGTERM: install_signal_cleanup() (called once by the gpusim
// command) makes those signals first stop any gnuplot child and remove every
// staging and chart scratch folder in use, then end the process as the signal
// would. The folders and children are kept in a small fixed table that the
// signal handler can read without locking or allocating — the one piece of
// process-wide mutable state in gpusim, and only for cleanup.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace gpusim {

class StagedOutput {
 public:
  // Creates the staging folder; throws OutputError when it cannot (e.g. the
  // target's parent cannot be created, or the target is a file).
  explicit StagedOutput(std::string target_dir);
  ~StagedOutput();
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  // Where a file named `name` is staged (pass it to a chart writer).
  std::filesystem::path staged(const std::string& name) const;
  // The path `name` will have after commit() (what the command prints).
  std::filesystem::path final_path(const std::string& name) const;
  // Writes one file into the staging folder; throws OutputError.
  void write(const std::string& name, const std::string& content);
  // `text` (an error message) with the staging folder's path replaced by the
  // target as the user wrote it.
  std::string unstaged(std::string text) const;
  // Moves every staged file into the target folder (replacing files of the
  // same name, keeping others); throws OutputError.
  void commit();

 private:
  std::string target_text_;
  std::filesystem::path target_;
  std::filesystem::path staging_;
  int slot_ = -1;
  bool committed_ = false;
};

// Writes files whole or not at all into `dir` (a StagedOutput committed at once).
void write_files_atomically(const std::string& dir,
                            const std::vector<std::pair<std::string, std::string>>& name_and_content);

// Installs the SIGINT/SIGTERM handler described above (idempotent).
void install_signal_cleanup();

// The cleanup table, for scratch folders and child processes made elsewhere
// (sim/output/charts.cpp). Each returns a slot (-1 when the table is full: the
// path is then only cleaned up by its owner), released by the matching call.
int register_cleanup_folder(const std::filesystem::path& folder);
void release_cleanup_folder(int slot);
int register_cleanup_child(pid_t child);
void release_cleanup_child(int slot);

}  // namespace gpusim
