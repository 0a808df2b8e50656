// Produce chunks in parallel, consume them in order: how the generators use several threads
// while writing one sorted file.
#pragma once

#include <cstdint>
#include <functional>

#include "generate/text_output.hpp"

namespace distgae {

// Fills the chunk (cleared before) for index `chunk`; called from several threads at once.
using ChunkProducer = std::function<void(std::int64_t chunk, TextChunk& out)>;
// Takes the finished chunk; called for 0, 1, ..., count - 1 in that order, one call at a time.
using ChunkConsumer = std::function<void(std::int64_t chunk, const TextChunk& chunk_text)>;

// Runs produce for chunks [0, count) on `threads` OpenMP threads (<= 0: OpenMP's default) and
// consume in chunk order as chunks finish, so a thread writes while others compute. Memory: one
// chunk per thread. The first exception thrown by either callback is rethrown here, after the
// threads have stopped taking new chunks.
// The number of threads for_each_chunk_in_order runs with for `threads`.
int chunk_threads(int threads);

void for_each_chunk_in_order(std::int64_t count, int threads, const ChunkProducer& produce,
                             const ChunkConsumer& consume);

}  // namespace distgae
