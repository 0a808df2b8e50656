#include "comm/agreement.hpp"

#include <fmt/format.h>

namespace distgae {

std::optional<ErrorReport> run_capturing_errors(const std::function<void()>& step) {
  try {
    step();
    return std::nullopt;
  } catch (...) {
    return report_current_exception();
  }
}

void settle_errors(const Communicator& world, const std::optional<ErrorReport>& local_failure,
                   bool name_rank) {
  const int ranks = world.size();
  const bool failed = local_failure.has_value();
  // Two small reductions: how many failed, and the lowest failing rank (as the largest
  // ranks - rank), whose message and exit code every rank then receives.
  const std::int64_t failures = world.allreduce_sum(failed ? 1 : 0);
  if (failures == 0) return;
  const int first =
      ranks - static_cast<int>(world.allreduce_max(failed ? ranks - world.rank() : 0));
  std::string message = world.broadcast(failed ? local_failure->message : std::string(), first);
  const std::int64_t exit_code =
      world.allreduce_max(world.rank() == first ? local_failure->exit_code : 0);
  if (name_rank && failures < ranks)
    message = fmt::format("[rank {}/{}] {}", first, ranks, message);
  throw AgreedError(message, static_cast<int>(exit_code));
}

}  // namespace distgae
