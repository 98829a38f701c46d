// The runs of a sweep or a Monte Carlo split across MPI ranks (gpusim-mpi).
// The only code that calls MPI besides sim/mpi/main.cpp; built only when CMake
// finds MPI, so the library and `gpusim` never link it.
#pragma once

#include <mpi.h>

#include "sim/analysis/distribute.hpp"

namespace gpusim {

// Rank r runs the indices i with i % ranks == r on its threads; every rank
// then sends its results (or its lowest failing index and error) to rank 0,
// which puts them in index order; rank 0 tells every rank whether a run
// failed, so all ranks end together with the same error and exit status.
class MpiDistributor : public RunDistributor {
 public:
  explicit MpiDistributor(MPI_Comm comm);
  int rank() const { return rank_; }
  int ranks() const { return ranks_; }
  std::vector<std::string> run(std::size_t count, unsigned threads,
                               const std::function<std::string(std::size_t)>& job,
                               const ProgressCallback& progress) const override;

  // --threads 0 under gpusim-mpi: the cores this rank may run on. A rank the
  // launcher bound to some cores (mpirun --map-by slot:PE=N, srun
  // --cpus-per-task=N) gets those; an unbound rank shares the node's cores
  // with the other ranks on its node.
  unsigned default_threads() const;

 private:
  MPI_Comm comm_;
  int rank_ = 0, ranks_ = 1;
  int node_ranks_ = 1;  // ranks on this rank's node (MPI_COMM_TYPE_SHARED)
};

}  // namespace gpusim
