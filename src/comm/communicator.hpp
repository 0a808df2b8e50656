// Communicator: the few collectives the rest of the code needs, over MPI_COMM_WORLD. Keeps
// <mpi.h> out of every header but this module's sources.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace distgae {

class Communicator {
 public:
  // The world communicator of the running job (needs an active MpiEnv).
  static Communicator world();

  int rank() const { return rank_; }
  int size() const { return size_; }

  void barrier() const;
  // In-place element-wise sums over all ranks.
  void allreduce_sum(std::span<double> values) const;
  void allreduce_sum(std::span<std::int64_t> values) const;
  std::int64_t allreduce_sum(std::int64_t value) const;
  std::int64_t allreduce_max(std::int64_t value) const;
  // Every rank gets root's string.
  std::string broadcast(const std::string& value, int root = 0) const;
  // Concatenation of every rank's values, in rank order, on every rank.
  std::vector<std::int64_t> allgatherv(std::span<const std::int64_t> values) const;

 private:
  Communicator(int rank, int size) : rank_(rank), size_(size) {}
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace distgae
