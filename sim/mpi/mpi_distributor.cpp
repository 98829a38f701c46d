#include "sim/mpi/mpi_distributor.hpp"

#include <sched.h>

#include <algorithm>
#include <cstdint>
#include <thread>

namespace gpusim {

namespace {

constexpr int kTag = 16;
constexpr std::size_t kChunkBytes = std::size_t{1} << 30;  // MPI counts are ints: send 1 GiB at a time

void send_bytes(const std::string& bytes, int to, MPI_Comm comm) {
  const std::uint64_t size = bytes.size();
  MPI_Send(&size, 1, MPI_UINT64_T, to, kTag, comm);
  for (std::size_t at = 0; at < bytes.size(); at += kChunkBytes)
    MPI_Send(bytes.data() + at, static_cast<int>(std::min(kChunkBytes, bytes.size() - at)), MPI_BYTE, to, kTag, comm);
}

std::string receive_bytes(int from, MPI_Comm comm) {
  std::uint64_t size = 0;
  MPI_Recv(&size, 1, MPI_UINT64_T, from, kTag, comm, MPI_STATUS_IGNORE);
  std::string bytes(size, '\0');
  for (std::size_t at = 0; at < bytes.size(); at += kChunkBytes)
    MPI_Recv(bytes.data() + at, static_cast<int>(std::min(kChunkBytes, bytes.size() - at)), MPI_BYTE, from, kTag, comm,
             MPI_STATUS_IGNORE);
  return bytes;
}

// Rank 0's bytes to every rank.
void broadcast_bytes(std::string& bytes, MPI_Comm comm) {
  std::uint64_t size = bytes.size();
  MPI_Bcast(&size, 1, MPI_UINT64_T, 0, comm);
  bytes.resize(size);
  for (std::size_t at = 0; at < bytes.size(); at += kChunkBytes)
    MPI_Bcast(bytes.data() + at, static_cast<int>(std::min(kChunkBytes, bytes.size() - at)), MPI_BYTE, 0, comm);
}

}  // namespace

MpiDistributor::MpiDistributor(MPI_Comm comm) : comm_(comm) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &ranks_);
  MPI_Comm node;
  MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_size(node, &node_ranks_);
  MPI_Comm_free(&node);
}

unsigned MpiDistributor::default_threads() const {
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  unsigned allowed = hardware;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) allowed = static_cast<unsigned>(CPU_COUNT(&set));
  if (allowed > 0 && allowed < hardware) return allowed;  // the launcher bound this rank to these cores
  return std::max(1u, hardware / static_cast<unsigned>(node_ranks_));
}

std::vector<std::string> MpiDistributor::run(std::size_t count, unsigned threads,
                                             const std::function<std::string(std::size_t)>& job,
                                             const ProgressCallback& progress) const {
  if (threads == 0) threads = default_threads();
  const std::vector<std::size_t> mine = owned_indices(count, rank_, ranks_);
  // Progress on rank 0 only: its own share, scaled to the whole (the ranks'
  // shares differ by at most one run).
  ProgressCallback scaled;
  if (rank_ == 0 && progress)
    scaled = [&](std::size_t done, std::size_t total) {
      progress(std::min(count, done * count / std::max<std::size_t>(total, 1)), count);
    };
  ShareResult share = run_share(mine, threads, job, scaled);

  // Every rank's share to rank 0, in rank order; rank 0 tells every rank
  // whether a run failed, so all end together, with the same error.
  std::vector<std::string> results;
  std::string status;
  if (rank_ == 0) {
    ShareGatherer gatherer(count, ranks_);
    gatherer.add(0, std::move(share));
    for (int from = 1; from < ranks_; ++from) gatherer.add(from, receive_bytes(from, comm_));
    status = gatherer.status();
    results = gatherer.take_results();
  } else {
    send_bytes(pack_share(std::move(share)), 0, comm_);
  }
  broadcast_bytes(status, comm_);
  throw_if_failed(status, ranks_);
  if (rank_ != 0) throw NotTheWriter{};
  return results;
}

}  // namespace gpusim
