#include "comm/halo_exchange.hpp"

#include <mpi.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "comm/mpi_check.hpp"
#include "comm/mpi_comm.hpp"
#include "core/timer.hpp"

namespace distgae {
namespace {
constexpr int kForwardTag = 101;
}  // namespace

struct HaloExchange::Requests {
  std::vector<MPI_Request> pending;
  void wait_all() {
    if (pending.empty()) return;
    mpi_check(MPI_Waitall(static_cast<int>(pending.size()), pending.data(), MPI_STATUSES_IGNORE),
              "MPI_Waitall");
    pending.clear();
  }
};

HaloExchange::HaloExchange(HaloPlan plan, const Communicator& communicator)
    : plan_(std::move(plan)), communicator_(communicator), requests_(std::make_unique<Requests>()) {
  const int world_size = communicator_.size();
  if (static_cast<int>(plan_.halo_offsets.size()) != world_size + 1 ||
      static_cast<int>(plan_.send_offsets.size()) != world_size + 1) {
    throw std::invalid_argument("HaloExchange: the plan is for " +
                                std::to_string(plan_.halo_offsets.size() - 1) +
                                " parts but the job has " + std::to_string(world_size) + " ranks");
  }
  requests_->pending.reserve(2 * static_cast<std::size_t>(world_size));
}

HaloExchange::~HaloExchange() = default;

void HaloExchange::check_shape(std::span<float> rows, int width) const {
  const auto expected = static_cast<std::size_t>((plan_.n_owned + n_halo()) * width);
  if (rows.size() != expected) {
    throw std::invalid_argument("HaloExchange: row buffer has " + std::to_string(rows.size()) +
                                " values, expected " + std::to_string(expected));
  }
}

void HaloExchange::start_forward(std::span<float> rows, int width) {
  const Stopwatch timer;
  check_shape(rows, width);
  const int peers = static_cast<int>(plan_.halo_offsets.size()) - 1;
  const auto w = static_cast<std::size_t>(width);
  for (int q = 0; q < peers; ++q) {
    const std::int64_t count = plan_.halo_offsets[q + 1] - plan_.halo_offsets[q];
    if (count == 0) continue;
    float* target =
        rows.data() + static_cast<std::size_t>(plan_.n_owned + plan_.halo_offsets[q]) * w;
    MPI_Request request;
    mpi_check(MPI_Irecv(target, static_cast<int>(count * width), MPI_FLOAT, q, kForwardTag,
                        to_mpi(communicator_), &request),
              "MPI_Irecv");
    requests_->pending.push_back(request);
  }
  buffer_.resize(plan_.send_rows.size() * w);
  for (std::size_t i = 0; i < plan_.send_rows.size(); ++i) {
    const float* source = rows.data() + static_cast<std::size_t>(plan_.send_rows[i]) * w;
    std::copy(source, source + w, buffer_.data() + i * w);
  }
  for (int q = 0; q < peers; ++q) {
    const std::int64_t count = plan_.send_offsets[q + 1] - plan_.send_offsets[q];
    if (count == 0) continue;
    MPI_Request request;
    mpi_check(MPI_Isend(buffer_.data() + static_cast<std::size_t>(plan_.send_offsets[q]) * w,
                        static_cast<int>(count * width), MPI_FLOAT, q, kForwardTag,
                        to_mpi(communicator_), &request),
              "MPI_Isend");
    requests_->pending.push_back(request);
    bytes_sent_ += count * width * static_cast<std::int64_t>(sizeof(float));
  }
  seconds_ += timer.seconds();
}

void HaloExchange::finish_forward() {
  const Stopwatch timer;
  requests_->wait_all();
  seconds_ += timer.seconds();
}

}  // namespace distgae
