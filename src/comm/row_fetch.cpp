#include "comm/row_fetch.hpp"

#include <mpi.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <climits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "comm/mpi_check.hpp"
#include "comm/mpi_comm.hpp"

namespace distgae {
namespace {

// Below this many ids a parallel region costs more than it saves: each id is a few nanoseconds
// of work, and the bitmap and slots it writes would move between cores (core/parallel_work.hpp).
constexpr std::int64_t kParallelIds = 1 << 16;

// MPI counts and displacements are int: a layout past INT_MAX elements must fail loudly rather
// than wrap into a negative count.
int checked_int(std::int64_t value, const char* what) {
  if (value > INT_MAX) {
    throw std::overflow_error(std::string("RowFetch: ") + what + " (" + std::to_string(value) +
                              " elements) exceeds MPI's int count limit; use more ranks or a "
                              "narrower width");
  }
  return static_cast<int>(value);
}

// Exclusive prefix sums of `counts` × `width` into `scaled_counts` / `displacements`, checked.
void scale_layout(const std::vector<int>& counts, int width, std::vector<int>& scaled_counts,
                  std::vector<int>& displacements, const char* what) {
  std::int64_t offset = 0;
  for (std::size_t q = 0; q < counts.size(); ++q) {
    const std::int64_t count = static_cast<std::int64_t>(counts[q]) * width;
    scaled_counts[q] = checked_int(count, what);
    displacements[q] = checked_int(offset, what);
    offset += count;
  }
  checked_int(offset, what);
}

// Throws, naming the first of `ids` outside [0, num_nodes), if there is one.
void check_ids_in_range(std::span<const GlobalId> ids, GlobalId num_nodes) {
  const auto bad = std::find_if(ids.begin(), ids.end(),
                                [num_nodes](GlobalId id) { return id < 0 || id >= num_nodes; });
  if (bad != ids.end()) {
    throw std::out_of_range("RowFetch: node id " + std::to_string(*bad) + " is outside [0, " +
                            std::to_string(num_nodes) + ")");
  }
}

}  // namespace

// The layout of the last plan. "fetch" is what this rank receives from each peer (its unique
// remote ids, ascending, hence grouped by owner in rank order); "serve" is what peers asked of
// this rank (local rows, peer order then each peer's ascending request order).
struct RowFetch::State {
  std::vector<GlobalId> remote_ids;  // unique, ascending
  std::vector<int> fetch_counts, fetch_displs;
  std::vector<int> serve_counts, serve_displs;
  std::vector<GlobalId> serve_rows;  // ids on the wire, then local rows
  // Per-call scratch, sized once and reused: counts × width and their displacements.
  std::vector<int> scaled_fetch_counts, scaled_fetch_displs;
  std::vector<int> scaled_serve_counts, scaled_serve_displs;
  std::vector<float> serve_buffer;        // [serve_rows, width]
  std::vector<std::int64_t> serve_units;  // [serve_rows, width], gradients in fixed point

  explicit State(std::size_t peers)
      : fetch_counts(peers, 0),
        fetch_displs(peers, 0),
        serve_counts(peers, 0),
        serve_displs(peers, 0),
        scaled_fetch_counts(peers, 0),
        scaled_fetch_displs(peers, 0),
        scaled_serve_counts(peers, 0),
        scaled_serve_displs(peers, 0) {}

  // Which ids outside [first, end) were asked for: one bit per partition-ordered id (N/8 bytes),
  // and per 64-id word the number of set bits before it, so an id's rank among the unique remote
  // ids is one popcount away. O(ids + N/64) work and no sort, which matters when every epoch asks
  // for tens of millions of ids (the negatives' endpoints).
  std::vector<std::uint64_t> requested;
  std::vector<std::int64_t> rank_before_word;

  // Marks the ids outside [first, end); sets remote_ids to them, ascending. Throws, before any
  // collective, on ids outside [0, num_nodes).
  void collect_remote_ids(std::span<const GlobalId> ids, GlobalId first, GlobalId end,
                          GlobalId num_nodes) {
    const auto n_ids = static_cast<std::int64_t>(ids.size());
    const auto words = static_cast<std::size_t>((num_nodes + 63) / 64);
    requested.assign(words, 0);
    // Every id is marked (owned ones too: no branch in the hot loop); owned bits are cleared
    // after. An id outside [0, num_nodes) marks nothing and is reported after the loop.
    bool out_of_range = false;
    const auto mark = [&](std::int64_t i, auto&& set_bit) {
      const GlobalId id = ids[static_cast<std::size_t>(i)];
      if (static_cast<std::uint64_t>(id) < static_cast<std::uint64_t>(num_nodes)) {
        set_bit(requested[static_cast<std::size_t>(id >> 6)], std::uint64_t{1} << (id & 63));
      } else {
        out_of_range = true;
      }
    };
    if (n_ids > kParallelIds && omp_get_max_threads() > 1) {
#pragma omp parallel for schedule(static) reduction(|| : out_of_range)
      for (std::int64_t i = 0; i < n_ids; ++i) {
        mark(i, [](std::uint64_t& word, std::uint64_t bit) {
          std::atomic_ref<std::uint64_t> shared(word);
          if ((shared.load(std::memory_order_relaxed) & bit) == 0) {
            shared.fetch_or(bit, std::memory_order_relaxed);
          }
        });
      }
    } else {
      for (std::int64_t i = 0; i < n_ids; ++i) {
        mark(i, [](std::uint64_t& word, std::uint64_t bit) { word |= bit; });
      }
    }
    if (out_of_range) check_ids_in_range(ids, num_nodes);
    for (GlobalId id = first; id < end;) {  // clear the owned range, a word at a time
      const auto w = static_cast<std::size_t>(id >> 6);
      const GlobalId word_end = std::min<GlobalId>(end, (id | 63) + 1);
      const int low = static_cast<int>(id & 63);
      const int bits = static_cast<int>(word_end - id);
      const std::uint64_t mask =
          bits == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << bits) - 1) << low;
      requested[w] &= ~mask;
      id = word_end;
    }
    rank_before_word.resize(words);
    std::int64_t count = 0;
    for (std::size_t w = 0; w < words; ++w) {
      rank_before_word[w] = count;
      count += std::popcount(requested[w]);
    }
    checked_int(count, "ids requested");
    remote_ids.resize(static_cast<std::size_t>(count));
    std::size_t next = 0;
    for (std::size_t w = 0; w < words; ++w) {
      for (std::uint64_t bits = requested[w]; bits != 0; bits &= bits - 1) {
        remote_ids[next++] =
            static_cast<GlobalId>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
      }
    }
  }

  // The position of a marked remote id among the unique remote ids.
  std::int64_t remote_rank(GlobalId id) const {
    const auto w = static_cast<std::size_t>(id >> 6);
    const std::uint64_t below = (std::uint64_t{1} << (id & 63)) - 1;
    return rank_before_word[w] + std::popcount(requested[w] & below);
  }

  // Collective: tells each owner which of its ids this rank needs; serve_rows gets the ids
  // every peer asked of this rank.
  void exchange_requests(const std::vector<std::int64_t>& part_offsets, MPI_Comm comm) {
    // Sorted ids are grouped by owner: each owner's share is the run between its offsets.
    for (std::size_t q = 0; q < fetch_counts.size(); ++q) {
      const auto begin = std::lower_bound(remote_ids.begin(), remote_ids.end(), part_offsets[q]);
      const auto stop = std::lower_bound(begin, remote_ids.end(), part_offsets[q + 1]);
      fetch_counts[q] = static_cast<int>(stop - begin);
    }
    mpi_check(MPI_Alltoall(fetch_counts.data(), 1, MPI_INT, serve_counts.data(), 1, MPI_INT, comm),
              "MPI_Alltoall");
    scale(1);
    fetch_displs = scaled_fetch_displs;
    serve_displs = scaled_serve_displs;
    std::int64_t n_serve = 0;
    for (const int count : serve_counts) n_serve += count;
    serve_rows.resize(static_cast<std::size_t>(n_serve));
    mpi_check(MPI_Alltoallv(remote_ids.data(), fetch_counts.data(), fetch_displs.data(),
                            MPI_INT64_T, serve_rows.data(), serve_counts.data(),
                            serve_displs.data(), MPI_INT64_T, comm),
              "MPI_Alltoallv");
  }

  void scale(int width) {
    scale_layout(fetch_counts, width, scaled_fetch_counts, scaled_fetch_displs, "rows fetched");
    scale_layout(serve_counts, width, scaled_serve_counts, scaled_serve_displs, "rows served");
  }
};

RowFetch::RowFetch(std::vector<std::int64_t> part_offsets, const Communicator& communicator)
    : part_offsets_(std::move(part_offsets)), communicator_(communicator) {
  const int world_size = communicator_.size();
  rank_ = communicator_.rank();
  if (static_cast<int>(part_offsets_.size()) != world_size + 1) {
    throw std::invalid_argument("RowFetch: the offsets are for " +
                                std::to_string(static_cast<int>(part_offsets_.size()) - 1) +
                                " parts but the job has " + std::to_string(world_size) + " ranks");
  }
  if (part_offsets_.front() != 0 || !std::is_sorted(part_offsets_.begin(), part_offsets_.end())) {
    throw std::invalid_argument("RowFetch: part offsets must start at 0 and never decrease");
  }
  state_ = std::make_unique<State>(static_cast<std::size_t>(world_size));
}

RowFetch::~RowFetch() = default;

std::int64_t RowFetch::n_owned() const {
  return part_offsets_[rank_ + 1] - part_offsets_[rank_];
}

std::int64_t RowFetch::n_remote() const {
  return static_cast<std::int64_t>(state_->remote_ids.size());
}

void RowFetch::plan(std::span<const GlobalId> ids, std::vector<std::int64_t>& slots) {
  const GlobalId first = part_offsets_[rank_];
  const GlobalId end = part_offsets_[rank_ + 1];
  State& s = *state_;
  slots.resize(ids.size());
  if (first == 0 && end == part_offsets_.back()) {
    // This rank owns every node (one rank): a slot is the id itself, and nothing is fetched.
    // Ids are still validated before the collective below.
    check_ids_in_range(ids, end);
    std::copy(ids.begin(), ids.end(), slots.begin());
    s.remote_ids.clear();
  } else {
    // Validates before any collective, so a bad id on every rank throws everywhere, not a hang.
    s.collect_remote_ids(ids, first, end, part_offsets_.back());
    assign_slots(ids, first, slots);
  }
  s.exchange_requests(part_offsets_, to_mpi(communicator_));
  bytes_sent_ += n_remote() * static_cast<std::int64_t>(sizeof(GlobalId));
  for (GlobalId& row : s.serve_rows) {
    if (row < first || row >= end) {  // a peer's offsets disagree with ours
      throw std::logic_error("RowFetch: rank " + std::to_string(rank_) + " was asked for id " +
                             std::to_string(row) + " which it does not own");
    }
    row -= first;
  }
}

void RowFetch::assign_slots(std::span<const GlobalId> ids, GlobalId first,
                            std::vector<std::int64_t>& slots) const {
  const State& s = *state_;
  const std::int64_t owned = n_owned();
  const auto n_ids = static_cast<std::int64_t>(ids.size());
#pragma omp parallel for schedule(static) if (n_ids > kParallelIds)
  for (std::int64_t i = 0; i < n_ids; ++i) {
    const GlobalId id = ids[static_cast<std::size_t>(i)];
    const GlobalId local = id - first;
    slots[static_cast<std::size_t>(i)] =
        static_cast<std::uint64_t>(local) < static_cast<std::uint64_t>(owned)
            ? local
            : owned + s.remote_rank(id);
  }
}

void RowFetch::fetch(const float* owned, int width, float* remote) {
  if (width <= 0) throw std::invalid_argument("RowFetch::fetch: width must be positive");
  State& s = *state_;
  s.scale(width);
  const auto w = static_cast<std::size_t>(width);
  s.serve_buffer.resize(s.serve_rows.size() * w);
  for (std::size_t i = 0; i < s.serve_rows.size(); ++i) {
    const float* source = owned + static_cast<std::size_t>(s.serve_rows[i]) * w;
    std::copy(source, source + w, s.serve_buffer.data() + i * w);
  }
  mpi_check(
      MPI_Alltoallv(s.serve_buffer.data(), s.scaled_serve_counts.data(),
                    s.scaled_serve_displs.data(), MPI_FLOAT, remote, s.scaled_fetch_counts.data(),
                    s.scaled_fetch_displs.data(), MPI_FLOAT, to_mpi(communicator_)),
      "MPI_Alltoallv");
  bytes_sent_ += static_cast<std::int64_t>(s.serve_buffer.size() * sizeof(float));
}

template <class T>
void RowFetch::return_rows(const T* remote_grad, int width, T* owned_grad) {
  if (width <= 0) {
    throw std::invalid_argument("RowFetch::return_gradients: width must be positive");
  }
  State& s = *state_;
  s.scale(width);
  const auto w = static_cast<std::size_t>(width);
  std::vector<T>& buffer = [&s]() -> std::vector<T>& {
    if constexpr (std::is_same_v<T, float>) {
      return s.serve_buffer;
    } else {
      return s.serve_units;
    }
  }();
  buffer.resize(s.serve_rows.size() * w);
  const MPI_Datatype type = std::is_same_v<T, float> ? MPI_FLOAT : MPI_INT64_T;
  mpi_check(MPI_Alltoallv(remote_grad, s.scaled_fetch_counts.data(), s.scaled_fetch_displs.data(),
                          type, buffer.data(), s.scaled_serve_counts.data(),
                          s.scaled_serve_displs.data(), type, to_mpi(communicator_)),
            "MPI_Alltoallv");
  bytes_sent_ += n_remote() * width * static_cast<std::int64_t>(sizeof(T));
  // Peer order, then request order: the same additions in the same order on every run.
  for (std::size_t i = 0; i < s.serve_rows.size(); ++i) {
    T* target = owned_grad + static_cast<std::size_t>(s.serve_rows[i]) * w;
    const T* gradient = buffer.data() + i * w;
    for (std::size_t k = 0; k < w; ++k) target[k] += gradient[k];
  }
}

void RowFetch::return_gradients(const float* remote_grad, int width, float* owned_grad) {
  return_rows(remote_grad, width, owned_grad);
}

void RowFetch::return_gradients(const std::int64_t* remote_grad, int width,
                                std::int64_t* owned_grad) {
  return_rows(remote_grad, width, owned_grad);
}

}  // namespace distgae
