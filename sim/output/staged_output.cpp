#include "sim/output/staged_output.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include "sim/output/summary.hpp"

namespace gpusim {

namespace fs = std::filesystem;

namespace {

// ---- the cleanup table (read by the signal handler) ----------------------------

constexpr int kSlots = 64;
constexpr std::size_t kPathMax = 4096;

struct FolderSlot {
  std::atomic<int> state{0};  // 0 free, 1 being filled, 2 in use
  char path[kPathMax] = {};
};
struct ChildSlot {
  std::atomic<pid_t> pid{0};  // 0 free
};

// Process-wide by necessity: a signal handler has no other way to find them.
std::array<FolderSlot, kSlots> g_folders;
std::array<ChildSlot, kSlots> g_children;
std::atomic<bool> g_installed{false};

// Removes `path` and everything under it using only async-signal-safe system
// calls (open, getdents64, unlinkat, close, rmdir); nested up to `depth` levels.
void remove_tree_signal_safe(int parent_fd, const char* name, int depth) {
  const int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    ::unlinkat(parent_fd, name, 0);
    return;
  }
  alignas(8) char buffer[4096];
  for (int rounds = 0; rounds < 64; ++rounds) {
    const long n = ::syscall(SYS_getdents64, fd, buffer, sizeof buffer);
    if (n <= 0) break;
    for (long offset = 0; offset < n;) {
      struct Entry {
        ino64_t ino;
        off64_t off;
        unsigned short reclen;
        unsigned char type;
        char name[1];
      };
      const auto* entry = reinterpret_cast<const Entry*>(buffer + offset);
      const char* entry_name = buffer + offset + offsetof(Entry, name);
      offset += entry->reclen;
      if (std::strcmp(entry_name, ".") == 0 || std::strcmp(entry_name, "..") == 0) continue;
      if (entry->type == DT_DIR && depth > 0) {
        remove_tree_signal_safe(fd, entry_name, depth - 1);
      } else {
        ::unlinkat(fd, entry_name, 0);
      }
    }
  }
  ::close(fd);
  ::unlinkat(parent_fd, name, AT_REMOVEDIR);
}

void on_signal(int sig) {
  for (auto& child : g_children) {
    const pid_t pid = child.pid.load();
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  for (auto& folder : g_folders)
    if (folder.state.load() == 2) remove_tree_signal_safe(AT_FDCWD, folder.path, 4);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

std::string random_suffix() {
  std::random_device entropy;
  char text[32];
  std::snprintf(text, sizeof text, "%d-%08x", static_cast<int>(::getpid()), static_cast<unsigned>(entropy()));
  return text;
}

}  // namespace

int register_cleanup_folder(const fs::path& folder) {
  const std::string text = fs::absolute(folder).string();
  if (text.size() >= kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (g_folders[i].state.compare_exchange_strong(expected, 1)) {
      std::memcpy(g_folders[i].path, text.c_str(), text.size() + 1);
      g_folders[i].state.store(2);
      return i;
    }
  }
  return -1;
}

void release_cleanup_folder(int slot) {
  if (slot >= 0 && slot < kSlots) g_folders[slot].state.store(0);
}

int register_cleanup_child(pid_t child) {
  for (int i = 0; i < kSlots; ++i) {
    pid_t expected = 0;
    if (g_children[i].pid.compare_exchange_strong(expected, child)) return i;
  }
  return -1;
}

void release_cleanup_child(int slot) {
  if (slot >= 0 && slot < kSlots) g_children[slot].pid.store(0);
}

void install_signal_cleanup() {
  if (g_installed.exchange(true)) return;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

// ---- StagedOutput ----------------------------------------------------------------

StagedOutput::StagedOutput(std::string target_dir) : target_text_(target_dir) {
  fs::path target = fs::absolute(fs::path(target_dir)).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();  // "out/" → "out"
  std::error_code ec;
  if (fs::exists(target, ec) && !fs::is_directory(target, ec))
    throw OutputError("'" + target_dir + "' is not a directory");
  // A folder that exists (".", docs/figures) stages inside itself; a new one
  // beside itself, so that it appears whole, by one rename.
  const bool exists = fs::is_directory(target, ec);
  const fs::path parent = exists ? target : target.parent_path();
  if (!exists) fs::create_directories(parent, ec);
  if (ec) throw OutputError("cannot create the output directory '" + target_dir + "': " + ec.message());
  target_ = target;
  for (int attempt = 0; attempt < 16 && staging_.empty(); ++attempt) {
    const fs::path candidate = parent / ("." + target.filename().string() + ".gpusim-" + random_suffix() + ".tmp");
    if (fs::create_directory(candidate, ec)) staging_ = candidate;
    else if (ec) break;
  }
  if (staging_.empty())
    throw OutputError("cannot create the output directory '" + target_dir + "': " +
                      (ec ? ec.message() : std::string("no unique staging name")));
  slot_ = register_cleanup_folder(staging_);
}

StagedOutput::~StagedOutput() {
  std::error_code ignored;
  if (!committed_) fs::remove_all(staging_, ignored);
  release_cleanup_folder(slot_);
}

fs::path StagedOutput::staged(const std::string& name) const { return staging_ / name; }

std::string StagedOutput::unstaged(std::string text) const {
  const std::string from = staging_.string();
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + target_text_.size()))
    text.replace(at, from.size(), target_text_);
  return text;
}

fs::path StagedOutput::final_path(const std::string& name) const { return target_ / name; }

void StagedOutput::write(const std::string& name, const std::string& content) {
  const fs::path file = staged(name);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw OutputError("cannot write '" + final_path(name).string() + "'");
  out << content;
  out.close();
  if (!out) throw OutputError("cannot write '" + final_path(name).string() + "' (disk full?)");
}

void StagedOutput::commit() {
  std::error_code ec;
  if (!fs::exists(target_, ec)) {
    // A new folder appears whole: one rename of the staging folder.
    fs::rename(staging_, target_, ec);
    if (!ec) {
      committed_ = true;
      return;
    }
  }
  if (!fs::is_directory(target_, ec)) throw OutputError("'" + target_.string() + "' is not a directory");
  // An existing folder keeps its other files; each staged file replaces its namesake.
  std::vector<fs::path> staged_files;
  for (const auto& entry : fs::directory_iterator(staging_, ec)) staged_files.push_back(entry.path());
  std::sort(staged_files.begin(), staged_files.end());
  if (ec) throw OutputError("cannot read the staging folder '" + staging_.string() + "': " + ec.message());
  for (const auto& file : staged_files) {
    fs::rename(file, target_ / file.filename(), ec);
    if (ec) throw OutputError("cannot write '" + (target_ / file.filename()).string() + "': " + ec.message());
  }
  fs::remove(staging_, ec);
  committed_ = true;
}

void write_files_atomically(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  StagedOutput out(dir);
  for (const auto& [name, content] : files) out.write(name, content);
  out.commit();
}

}  // namespace gpusim
