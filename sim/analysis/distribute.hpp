// Where the runs of a sweep or a Monte Carlo happen. By default every run is
// on this process's threads (parallel_for). `gpusim-mpi` passes a
// RunDistributor that splits the runs across MPI ranks (sim/mpi/): each rank
// runs its share on its own threads, and the results come back to the writing
// process (rank 0) as bytes, in index order. The layer sits below the writers:
// callers encode each run's raw result and decode it again, so the tables,
// JSON and charts are made by the same code, from the same numbers (doubles
// travel as their 8 bytes), whatever the number of ranks and threads.
//
// This header knows nothing of MPI; it also holds what any distributor needs
// (which indices a rank owns, running a share, errors as bytes).
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gpusim {

using ProgressCallback = std::function<void(std::size_t done, std::size_t total)>;

class RunDistributor {
 public:
  virtual ~RunDistributor() = default;
  // Runs job(i) for this process's share of the indices 0..count-1 on
  // `threads` threads (0: the distributor's default) and returns, on the
  // writing process, every index's bytes in index order. Every other process
  // throws NotTheWriter once its share is delivered. When any job fails, every
  // process throws the error of the lowest failing index (as one process
  // would), its message naming the rank it ran on. `progress` is called on the
  // writing process only.
  virtual std::vector<std::string> run(std::size_t count, unsigned threads,
                                       const std::function<std::string(std::size_t)>& job,
                                       const ProgressCallback& progress) const = 0;
};

// Thrown by a RunDistributor on the processes that do not write: their share is
// delivered and they have nothing left to do. Deliberately not a
// std::exception, so the command's error handling lets it through to the
// launcher's main (sim/mpi/main.cpp), which ends that process with status 0.
struct NotTheWriter {};

// Indices owned by `rank` of `ranks`: i with i % ranks == rank (round robin, so
// neighbouring points, often of similar cost, go to different ranks).
std::vector<std::size_t> owned_indices(std::size_t count, int rank, int ranks);

// One process's share run on its threads: each owned index's bytes (in the
// order of `indices`), and the lowest failing index with its error encoded.
struct ShareResult {
  std::vector<std::string> results;
  std::size_t error_index = SIZE_MAX;  // SIZE_MAX: no error
  std::string error;                   // encode_error of that index's exception
};
ShareResult run_share(const std::vector<std::size_t>& indices, unsigned threads,
                      const std::function<std::string(std::size_t)>& job, const ProgressCallback& progress);
// A share as the bytes a rank sends to the writing rank.
std::string pack_share(ShareResult share);

// The writing rank's side: every rank's share put in index order, and the
// error of the lowest failing index over all ranks.
class ShareGatherer {
 public:
  ShareGatherer(std::size_t count, int ranks) : count_(count), ranks_(ranks), results_(count) {}
  void add(int rank, ShareResult share);
  void add(int rank, std::string_view packed);  // pack_share's bytes
  // Empty when every job succeeded; else the failing rank and its error, for
  // every rank to pass to throw_if_failed.
  std::string status() const;
  std::vector<std::string> take_results() { return std::move(results_); }

 private:
  std::size_t count_;
  int ranks_;
  std::vector<std::string> results_;
  std::size_t error_index_ = SIZE_MAX;
  int error_rank_ = 0;
  std::string error_;
};
// Throws the error in a non-empty status, its message ending
// " (on rank R of N)"; returns when the status is empty.
void throw_if_failed(std::string_view status, int ranks);

// An exception as bytes and back: ModelError (key path and message),
// ScenarioError (every diagnostic with its place) or anything else (its
// message, rethrown as an internal error). `note` is appended to the message
// (to each diagnostic's), e.g. " (on rank 1 of 2)".
std::string encode_error(const std::exception_ptr& error);
[[noreturn]] void rethrow_error(std::string_view encoded, const std::string& note);

// Plain values as bytes: fixed-width integers and doubles in this machine's
// byte order (every rank of a job runs the same binary), strings with their
// length. A double keeps its exact bits, NaN and -0 included.
class ByteWriter {
 public:
  void u64(std::uint64_t v);
  void f64(double v);
  void str(std::string_view s);
  void f64s(const std::vector<double>& v);
  void strs(const std::vector<std::string>& v);
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  ByteReader(std::string&&) = delete;  // it reads a view: the bytes must outlive it
  std::uint64_t u64();
  double f64();
  std::string str();
  std::vector<double> f64s();
  std::vector<std::string> strs();
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::string_view take(std::size_t n);
  std::string_view bytes_;
  std::size_t at_ = 0;
};

// Runs `count` independent jobs on up to `threads` threads (0: the hardware
// threads; never more than the jobs, nor 4 × the hardware threads, since more
// only cost memory); job(i) writes its own slot. The first error in index order
// is rethrown once all jobs are done. (Defined in sweep.cpp.)
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& job,
                  const ProgressCallback& progress = {});

// job(i) for i in 0..count-1, here (distributor null: straight into the
// results, no encoding) or through `distributor` (encoded, decoded on the
// writer). Results in index order either way.
template <class T, class Encode, class Decode>
std::vector<T> run_each(std::size_t count, unsigned threads, const RunDistributor* distributor,
                        const std::function<T(std::size_t)>& job, Encode encode, Decode decode,
                        const ProgressCallback& progress) {
  std::vector<T> out(count);
  if (!distributor) {
    parallel_for(count, threads, [&](std::size_t i) { out[i] = job(i); }, progress);
    return out;
  }
  std::vector<std::string> bytes =
      distributor->run(count, threads, [&](std::size_t i) { return encode(job(i)); }, progress);
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = decode(std::string_view(bytes[i]));
    std::string().swap(bytes[i]);  // free as we go: results are held once, not twice
  }
  return out;
}

}  // namespace gpusim
