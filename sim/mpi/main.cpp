// gpusim-mpi: the gpusim command line on every rank of an MPI job
// (`mpirun -n N gpusim-mpi sweep|mc …`, or `srun` under Slurm). Every rank
// reads the same files and builds the same points; `sweep` and `mc` split
// their runs across the ranks (MpiDistributor) and rank 0 writes exactly what
// `gpusim` writes. Only rank 0 prints; other commands run on rank 0 alone.
// Without mpirun it runs as one process, like gpusim. See docs/cluster.md.
#include <mpi.h>

#include <iostream>
#include <streambuf>

#include "sim/cli/commands.hpp"
#include "sim/mpi/mpi_distributor.hpp"

namespace {
// Where ranks other than 0 print: nowhere.
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};
}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  // Only the main thread calls MPI; the worker threads of parallel_for never do.
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int status = 3;
  {
    const gpusim::MpiDistributor distributor(MPI_COMM_WORLD);
    const bool writer = distributor.rank() == 0;
    NullBuffer null_buffer;
    std::ostream null_stream(&null_buffer);
    const gpusim::cli::CommandLine context{writer ? std::cout : null_stream, writer ? std::cerr : null_stream,
                                           &distributor, writer};
    try {
      status = gpusim::cli::run_command_line(argc, argv, context);
    } catch (const gpusim::NotTheWriter&) {
      status = 0;  // this rank's runs are delivered to rank 0, which writes
    }
  }
  std::cout.flush();
  MPI_Finalize();
  return status;
}
