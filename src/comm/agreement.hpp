// Agreement on errors: a step that every rank runs locally (reading its part, checking its
// output directory, validating a checkpoint) and whose failure on any one rank every rank must
// learn of, so that all leave together with one clear message instead of some waiting forever in
// the next collective for a rank that has gone.
//
// agree_on_errors(world, step) runs `step` here, catching what it throws; then, collectively,
// if it failed on any rank, every rank throws the same AgreedError: the lowest failing rank's
// message (prefixed "[rank r/P] " when not every rank failed) and its error's exit code. main
// prints it once and the job ends normally with that code (no MPI_Abort, no Open MPI banner).
// Errors outside such a step still end the job, by MPI_Abort from main (comm/mpi_env.hpp).
#pragma once

#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "comm/communicator.hpp"
#include "core/error.hpp"

namespace distgae {

// Runs `step` and returns its failure, if any, as a report (step's result stays with the caller).
std::optional<ErrorReport> run_capturing_errors(const std::function<void()>& step);

// Collective: throws AgreedError on every rank when `local_failure` is set on any; the message
// names the failing rank when `name_rank` and not every rank failed.
void settle_errors(const Communicator& world, const std::optional<ErrorReport>& local_failure,
                   bool name_rank = true);

template <class Step>
auto agree_on_errors(const Communicator& world, Step&& step) {
  using Result = std::invoke_result_t<Step&>;
  if constexpr (std::is_void_v<Result>) {
    settle_errors(world, run_capturing_errors([&] { step(); }));
  } else {
    std::optional<Result> result;
    settle_errors(world, run_capturing_errors([&] { result.emplace(step()); }));
    return std::move(*result);
  }
}

// A step only rank 0 runs (creating a directory, writing a file every rank shares), agreed as
// above; its message names no rank, which would only say "rank 0" of a shared resource.
template <class Step>
void agree_on_root_errors(const Communicator& world, Step&& step) {
  std::optional<ErrorReport> failure;
  if (world.rank() == 0) failure = run_capturing_errors([&] { step(); });
  settle_errors(world, failure, false);
}

}  // namespace distgae
