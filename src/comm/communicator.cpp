#include "comm/communicator.hpp"

#include <mpi.h>

#include <limits>
#include <stdexcept>

#include "comm/mpi_check.hpp"
#include "comm/mpi_comm.hpp"

namespace distgae {
namespace {

struct Layout {
  std::vector<int> counts, displacements;
  std::size_t total = 0;
};

// Counts as MPI's int counts and the displacements they imply, refusing what does not fit;
// returns the total.
template <class Count>
std::int64_t int_layout(std::span<const Count> counts, std::vector<int>& int_counts,
                        std::vector<int>& displacements) {
  int_counts.resize(counts.size());
  displacements.resize(counts.size());
  std::int64_t total = 0;
  for (std::size_t q = 0; q < counts.size(); ++q) {
    const auto count = static_cast<std::int64_t>(counts[q]);
    if (count < 0 || total > std::numeric_limits<int>::max() ||
        count > std::numeric_limits<int>::max()) {
      throw std::length_error("MPI collective of more than 2^31 values from or to one rank");
    }
    int_counts[q] = static_cast<int>(count);
    displacements[q] = static_cast<int>(total);
    total += count;
  }
  return total;
}

// Every rank's count (gathered to all ranks, or to root only) and the displacements they imply.
Layout gather_layout(MPI_Comm comm, std::size_t size, int world_size, bool to_all, int root) {
  if (size > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::length_error("gather of more than 2^31 values from one rank");
  }
  int count = static_cast<int>(size);
  std::vector<int> counts(static_cast<std::size_t>(world_size), 0);
  if (to_all) {
    mpi_check(MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm), "MPI_Allgather");
  } else {
    mpi_check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm), "MPI_Gather");
  }
  Layout layout;
  layout.total = static_cast<std::size_t>(
      int_layout(std::span<const int>(counts), layout.counts, layout.displacements));
  return layout;
}

template <class T>
std::vector<T> gather_to_root(MPI_Comm comm, std::span<const T> values, MPI_Datatype type, int root,
                              int rank, int world_size) {
  const Layout layout = gather_layout(comm, values.size(), world_size, false, root);
  std::vector<T> result(rank == root ? layout.total : 0);
  mpi_check(MPI_Gatherv(values.data(), static_cast<int>(values.size()), type, result.data(),
                        layout.counts.data(), layout.displacements.data(), type, root, comm),
            "MPI_Gatherv");
  return result;
}

// A committed MPI datatype of `width` contiguous `element`s, freed on scope exit.
class RowType {
 public:
  explicit RowType(int width, MPI_Datatype element = MPI_FLOAT) {
    mpi_check(MPI_Type_contiguous(width, element, &type_), "MPI_Type_contiguous");
    mpi_check(MPI_Type_commit(&type_), "MPI_Type_commit");
  }
  RowType(const RowType&) = delete;
  RowType& operator=(const RowType&) = delete;
  ~RowType() { MPI_Type_free(&type_); }
  MPI_Datatype get() const { return type_; }

 private:
  MPI_Datatype type_ = MPI_DATATYPE_NULL;
};

// MPI_Alltoallv of `send` (counts in units of `type`, each `width` values of T), the receive
// counts exchanged first; the received values go where receive(values) points, called once with
// their number.
template <class T, class Receive>
void exchange_into(MPI_Comm comm, int size, std::span<const T> send,
                   std::span<const std::int64_t> send_counts, std::size_t width, MPI_Datatype type,
                   std::vector<std::int64_t>& recv_counts, Receive&& receive) {
  if (send_counts.size() != static_cast<std::size_t>(size)) {
    throw std::invalid_argument("alltoallv: one count per rank");
  }
  std::int64_t sent = 0;
  for (std::int64_t count : send_counts) sent += count;
  if (static_cast<std::size_t>(sent) * width != send.size()) {
    throw std::invalid_argument("alltoallv: the counts do not add up to the values sent");
  }
  recv_counts.assign(send_counts.size(), 0);
  mpi_check(
      MPI_Alltoall(send_counts.data(), 1, MPI_INT64_T, recv_counts.data(), 1, MPI_INT64_T, comm),
      "MPI_Alltoall");
  std::vector<int> counts_out, displacements_out, counts_in, displacements_in;
  int_layout(send_counts, counts_out, displacements_out);
  const std::int64_t received =
      int_layout(std::span<const std::int64_t>(recv_counts), counts_in, displacements_in);
  T* const recv = receive(static_cast<std::size_t>(received) * width);
  mpi_check(MPI_Alltoallv(send.data(), counts_out.data(), displacements_out.data(), type, recv,
                          counts_in.data(), displacements_in.data(), type, comm),
            "MPI_Alltoallv");
}

template <class T>
std::vector<T> exchange(MPI_Comm comm, int size, std::span<const T> send,
                        std::span<const std::int64_t> send_counts, std::size_t width,
                        MPI_Datatype type, std::vector<std::int64_t>& recv_counts) {
  std::vector<T> recv;
  exchange_into(comm, size, send, send_counts, width, type, recv_counts, [&](std::size_t values) {
    recv.resize(values);
    return recv.data();
  });
  return recv;
}

}  // namespace

Communicator Communicator::world() {
  int rank = 0;
  int size = 1;
  mpi_check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  return Communicator(Scope::kWorld, rank, size);
}

Communicator Communicator::self() {
  return Communicator(Scope::kSelf, 0, 1);
}

void Communicator::barrier() const {
  mpi_check(MPI_Barrier(to_mpi(*this)), "MPI_Barrier");
}

void Communicator::allreduce_sum(std::span<double> values) const {
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE,
                          MPI_SUM, to_mpi(*this)),
            "MPI_Allreduce");
}

void Communicator::allreduce_sum(std::span<std::int64_t> values) const {
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_INT64_T,
                          MPI_SUM, to_mpi(*this)),
            "MPI_Allreduce");
}

void Communicator::allreduce_sum(std::span<std::uint64_t> values) const {
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()),
                          MPI_UINT64_T, MPI_SUM, to_mpi(*this)),
            "MPI_Allreduce");
}

std::int64_t Communicator::allreduce_sum(std::int64_t value) const {
  allreduce_sum(std::span<std::int64_t>(&value, 1));
  return value;
}

std::int64_t Communicator::allreduce_max(std::int64_t value) const {
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_MAX, to_mpi(*this)),
            "MPI_Allreduce");
  return value;
}

void Communicator::allreduce_max(std::span<double> values) const {
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE,
                          MPI_MAX, to_mpi(*this)),
            "MPI_Allreduce");
}

std::int64_t Communicator::allreduce_min(std::int64_t value) const {
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_MIN, to_mpi(*this)),
            "MPI_Allreduce");
  return value;
}

std::int64_t Communicator::exclusive_sum(std::int64_t value) const {
  std::int64_t before = 0;
  mpi_check(MPI_Exscan(&value, &before, 1, MPI_INT64_T, MPI_SUM, to_mpi(*this)), "MPI_Exscan");
  // MPI leaves rank 0's result undefined.
  return rank_ == 0 ? 0 : before;
}

std::vector<std::int64_t> Communicator::allgather(std::int64_t value) const {
  std::vector<std::int64_t> values(static_cast<std::size_t>(size_));
  mpi_check(MPI_Allgather(&value, 1, MPI_INT64_T, values.data(), 1, MPI_INT64_T, to_mpi(*this)),
            "MPI_Allgather");
  return values;
}

std::vector<std::uint8_t> Communicator::broadcast(std::span<const std::uint8_t> value,
                                                  int root) const {
  std::int64_t length = static_cast<std::int64_t>(value.size());
  mpi_check(MPI_Bcast(&length, 1, MPI_INT64_T, root, to_mpi(*this)), "MPI_Bcast");
  if (length > std::numeric_limits<int>::max()) {
    throw std::length_error("broadcast of more than 2^31 bytes");
  }
  std::vector<std::uint8_t> result =
      rank_ == root ? std::vector<std::uint8_t>(value.begin(), value.end())
                    : std::vector<std::uint8_t>(static_cast<std::size_t>(length));
  mpi_check(MPI_Bcast(result.data(), static_cast<int>(length), MPI_UINT8_T, root, to_mpi(*this)),
            "MPI_Bcast");
  return result;
}

std::string Communicator::broadcast(const std::string& value, int root) const {
  std::int64_t length = static_cast<std::int64_t>(value.size());
  mpi_check(MPI_Bcast(&length, 1, MPI_INT64_T, root, to_mpi(*this)), "MPI_Bcast");
  std::string result = rank_ == root ? value : std::string(static_cast<std::size_t>(length), '\0');
  mpi_check(MPI_Bcast(result.data(), static_cast<int>(length), MPI_CHAR, root, to_mpi(*this)),
            "MPI_Bcast");
  return result;
}

std::vector<std::int64_t> Communicator::allgatherv(std::span<const std::int64_t> values) const {
  const Layout layout = gather_layout(to_mpi(*this), values.size(), size_, true, 0);
  std::vector<std::int64_t> result(layout.total);
  mpi_check(
      MPI_Allgatherv(values.data(), static_cast<int>(values.size()), MPI_INT64_T, result.data(),
                     layout.counts.data(), layout.displacements.data(), MPI_INT64_T, to_mpi(*this)),
      "MPI_Allgatherv");
  return result;
}

void Communicator::allgatherv(std::span<const float> values, std::vector<float>& out) const {
  const Layout layout = gather_layout(to_mpi(*this), values.size(), size_, true, 0);
  out.resize(layout.total);
  mpi_check(
      MPI_Allgatherv(values.data(), static_cast<int>(values.size()), MPI_FLOAT, out.data(),
                     layout.counts.data(), layout.displacements.data(), MPI_FLOAT, to_mpi(*this)),
      "MPI_Allgatherv");
}

std::vector<float> Communicator::alltoallv_rows(std::span<const float> send,
                                                std::span<const std::int64_t> send_rows, int width,
                                                std::vector<std::int64_t>& recv_rows) const {
  if (width <= 0) throw std::invalid_argument("alltoallv_rows: a positive width");
  const RowType row(width);
  return exchange(to_mpi(*this), size_, send, send_rows, static_cast<std::size_t>(width), row.get(),
                  recv_rows);
}

void Communicator::alltoallv_records(
    std::span<const std::uint8_t> send, std::span<const std::int64_t> send_counts,
    std::size_t record_size, std::vector<std::int64_t>& recv_counts,
    const std::function<std::uint8_t*(std::size_t records)>& receive) const {
  if (record_size == 0 || record_size > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::invalid_argument("alltoallv_records: a record of 1 to 2^31 bytes");
  }
  const RowType record(static_cast<int>(record_size), MPI_UINT8_T);
  exchange_into(to_mpi(*this), size_, send, send_counts, record_size, record.get(), recv_counts,
                [&](std::size_t bytes) { return receive(bytes / record_size); });
}

std::vector<double> Communicator::alltoallv(std::span<const double> send,
                                            std::span<const std::int64_t> send_counts,
                                            std::vector<std::int64_t>& recv_counts) const {
  return exchange(to_mpi(*this), size_, send, send_counts, 1, MPI_DOUBLE, recv_counts);
}

std::vector<std::uint8_t> Communicator::alltoallv(std::span<const std::uint8_t> send,
                                                  std::span<const std::int64_t> send_counts,
                                                  std::vector<std::int64_t>& recv_counts) const {
  return exchange(to_mpi(*this), size_, send, send_counts, 1, MPI_UINT8_T, recv_counts);
}

std::vector<double> Communicator::allgatherv(std::span<const double> values) const {
  const Layout layout = gather_layout(to_mpi(*this), values.size(), size_, true, 0);
  std::vector<double> result(layout.total);
  mpi_check(
      MPI_Allgatherv(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, result.data(),
                     layout.counts.data(), layout.displacements.data(), MPI_DOUBLE, to_mpi(*this)),
      "MPI_Allgatherv");
  return result;
}

std::vector<double> Communicator::gatherv(std::span<const double> values, int root) const {
  return gather_to_root(to_mpi(*this), values, MPI_DOUBLE, root, rank_, size_);
}

std::vector<float> Communicator::gatherv(std::span<const float> values, int root) const {
  return gather_to_root(to_mpi(*this), values, MPI_FLOAT, root, rank_, size_);
}

std::vector<std::uint8_t> Communicator::gatherv(std::span<const std::uint8_t> values,
                                                int root) const {
  return gather_to_root(to_mpi(*this), values, MPI_UINT8_T, root, rank_, size_);
}

}  // namespace distgae
