// Several parts of one graph run on their own threads in one process, exchanging rows through a
// RowExchange that reads its peers' buffers directly: the multi-part code path (interior rows
// before the halo arrives, halo rows of activations and of gradients) tested without MPI.
// Barriers stand where MPI would wait.
#pragma once

#include <algorithm>
#include <barrier>
#include <cstdint>
#include <exception>
#include <functional>
#include <span>
#include <thread>
#include <vector>

#include "core/row_exchange.hpp"
#include "io/dataset.hpp"

namespace distgae::testing {

class ThreadedExchangeGroup {
 public:
  explicit ThreadedExchangeGroup(const std::vector<PartData>& parts)
      : parts_(parts),
        barrier_(static_cast<std::ptrdiff_t>(parts.size())),
        rows_(parts.size()),
        values_(parts.size()) {
    members_.reserve(parts.size());  // exchange() hands out references to the members
    for (std::size_t p = 0; p < parts.size(); ++p) members_.emplace_back(*this, p);
  }

  RowExchange& exchange(int part) { return members_[static_cast<std::size_t>(part)]; }

  // Runs body(part) for every part on its own thread; rethrows the first exception.
  void run(const std::function<void(int)>& body) {
    std::vector<std::exception_ptr> errors(parts_.size());
    std::vector<std::thread> threads;
    for (std::size_t p = 0; p < parts_.size(); ++p) {
      threads.emplace_back([&, p] {
        try {
          body(static_cast<int>(p));
        } catch (...) {
          errors[p] = std::current_exception();
          barrier_.arrive_and_drop();  // let the others finish instead of hanging
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (const std::exception_ptr& error : errors) {
      if (error) std::rethrow_exception(error);
    }
  }

 private:
  class Member final : public RowExchange {
   public:
    Member(ThreadedExchangeGroup& group, std::size_t part) : group_(group), part_(part) {}

    void start_forward(std::span<float> rows, int width) override {
      group_.rows_[part_] = rows;
      group_.barrier_.arrive_and_wait();
      const PartData& me = group_.parts_[part_];
      for (std::size_t q = 0; q < group_.parts_.size(); ++q) {
        const PartData& owner = group_.parts_[q];
        for (std::int64_t k = me.halo_offsets[q]; k < me.halo_offsets[q + 1]; ++k) {
          const std::int64_t source =
              owner.send_rows[owner.send_offsets[part_] + k - me.halo_offsets[q]];
          copy_row(group_.rows_[q], source, rows, me.n_owned + k, width);
        }
      }
    }
    // Nobody may change its rows until every peer has copied them.
    void finish_forward() override { group_.barrier_.arrive_and_wait(); }

    void agree_max(std::span<double> values) override {
      group_.values_[part_] = values;
      group_.barrier_.arrive_and_wait();
      std::vector<double> maxima(values.begin(), values.end());
      for (const std::span<double> peer : group_.values_) {
        for (std::size_t i = 0; i < maxima.size(); ++i) maxima[i] = std::max(maxima[i], peer[i]);
      }
      group_.barrier_.arrive_and_wait();  // every part has read every other's values
      std::copy(maxima.begin(), maxima.end(), values.begin());
    }

   private:
    static void copy_row(std::span<const float> from, std::int64_t from_row, std::span<float> to,
                         std::int64_t to_row, int width) {
      for (int c = 0; c < width; ++c) to[to_row * width + c] = from[from_row * width + c];
    }
    ThreadedExchangeGroup& group_;
    std::size_t part_;
  };

  const std::vector<PartData>& parts_;
  std::barrier<> barrier_;
  std::vector<std::span<float>> rows_;
  std::vector<std::span<double>> values_;
  std::vector<Member> members_;
};

}  // namespace distgae::testing
