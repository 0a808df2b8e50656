#include "comm/communicator.hpp"

#include <mpi.h>

#include "comm/mpi_check.hpp"

namespace distgae {

Communicator Communicator::world() {
  int rank = 0;
  int size = 1;
  mpi_check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  return Communicator(rank, size);
}

void Communicator::barrier() const {
  mpi_check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
}

void Communicator::allreduce_sum(std::span<double> values) const {
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE,
                          MPI_SUM, MPI_COMM_WORLD),
            "MPI_Allreduce");
}

void Communicator::allreduce_sum(std::span<std::int64_t> values) const {
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_INT64_T,
                          MPI_SUM, MPI_COMM_WORLD),
            "MPI_Allreduce");
}

std::int64_t Communicator::allreduce_sum(std::int64_t value) const {
  allreduce_sum(std::span<std::int64_t>(&value, 1));
  return value;
}

std::int64_t Communicator::allreduce_max(std::int64_t value) const {
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD),
            "MPI_Allreduce");
  return value;
}

std::string Communicator::broadcast(const std::string& value, int root) const {
  std::int64_t length = static_cast<std::int64_t>(value.size());
  mpi_check(MPI_Bcast(&length, 1, MPI_INT64_T, root, MPI_COMM_WORLD), "MPI_Bcast");
  std::string result = rank_ == root ? value : std::string(static_cast<std::size_t>(length), '\0');
  mpi_check(MPI_Bcast(result.data(), static_cast<int>(length), MPI_CHAR, root, MPI_COMM_WORLD),
            "MPI_Bcast");
  return result;
}

std::vector<std::int64_t> Communicator::allgatherv(std::span<const std::int64_t> values) const {
  int count = static_cast<int>(values.size());
  std::vector<int> counts(static_cast<std::size_t>(size_));
  mpi_check(MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD),
            "MPI_Allgather");
  std::vector<int> displacements(counts.size(), 0);
  for (std::size_t r = 1; r < counts.size(); ++r) {
    displacements[r] = displacements[r - 1] + counts[r - 1];
  }
  std::vector<std::int64_t> result(static_cast<std::size_t>(displacements.back() + counts.back()));
  mpi_check(MPI_Allgatherv(values.data(), count, MPI_INT64_T, result.data(), counts.data(),
                           displacements.data(), MPI_INT64_T, MPI_COMM_WORLD),
            "MPI_Allgatherv");
  return result;
}

}  // namespace distgae
