#include "generate/ordered_chunks.hpp"

#include <omp.h>

#include <atomic>
#include <exception>
#include <vector>

namespace distgae {

int chunk_threads(int threads) {
  return threads > 0 ? threads : omp_get_max_threads();
}

void for_each_chunk_in_order(std::int64_t count, int threads, const ChunkProducer& produce,
                             const ChunkConsumer& consume) {
  const int team = chunk_threads(threads);
  std::vector<TextChunk> buffers(static_cast<std::size_t>(team));  // reused: no realloc per chunk
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  const auto record = [&] {
#pragma omp critical(distgae_chunk_failure)
    if (!failure) failure = std::current_exception();
    failed = true;
  };
  // An exception must not leave an OpenMP region: each is caught and recorded, and later chunks
  // skip their work (but still enter their ordered region, in turn, like every iteration).
#pragma omp parallel for ordered schedule(dynamic, 1) num_threads(team)
  for (std::int64_t chunk = 0; chunk < count; ++chunk) {
    TextChunk& buffer = buffers[static_cast<std::size_t>(omp_get_thread_num())];
    if (!failed) {
      try {
        buffer.text.clear();
        buffer.lines = 0;
        produce(chunk, buffer);
      } catch (...) {
        record();
      }
    }
#pragma omp ordered
    {
      if (!failed) {
        try {
          consume(chunk, buffer);
        } catch (...) {
          record();
        }
      }
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace distgae
