#include "core/parallel_work.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "core/error.hpp"

namespace distgae {
namespace {

std::int64_t from_environment() {
  const char* text = std::getenv("DISTGAE_MIN_PARALLEL_WORK");
  if (text == nullptr || *text == '\0') return kDefaultMinParallelWork;
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (*end != '\0' || value < 0) {
    throw InputError(std::string("DISTGAE_MIN_PARALLEL_WORK: '") + text +
                     "' is not a non-negative integer");
  }
  return value;
}

std::atomic<std::int64_t> forced{-1};  // set_min_parallel_work's value; -1: none

}  // namespace

std::int64_t min_parallel_work() {
  const std::int64_t value = forced.load(std::memory_order_relaxed);
  if (value >= 0) return value;
  static const std::int64_t configured = from_environment();  // read once, thread-safely
  return configured;
}

void set_min_parallel_work(std::int64_t work) {
  if (work < 0) throw std::invalid_argument("set_min_parallel_work: negative threshold");
  forced.store(work, std::memory_order_relaxed);
}

}  // namespace distgae
