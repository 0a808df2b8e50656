// Checks of the embedding outputs before they are read as results (io/embedding_export.hpp):
// each shard a view maps agrees with the view, and exported values are finite. HDF5 reads an
// unreadable shard of a view as fill values without an error, and a NaN row from a diverged
// run would pass into a user's nearest-neighbour search unnoticed; both are refused instead,
// as InputError naming the file at fault.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "io/embedding_export.hpp"

namespace distgae {

// The view's own attributes against its shapes: n_rows (and num_nodes, when present) equal to
// its rows; a shard's part within [0, num_parts).
void check_embeddings_attributes(const EmbeddingsSummary& summary);

// Shard `source` of `view` (summarised as `shard`, read from the file the mapping names) against
// the view: a shard and not a view, the part its name says, the rows the view maps from it, and
// the view's latent width, logstd, model, widths, epoch, seed, scores, fingerprint and number of
// parts. InputError naming the shard file.
void check_shard_against_view(const EmbeddingsSummary& view, const EmbeddingSource& source,
                              const EmbeddingsSummary& shard);

// Every value of `values` ([node_id.size(), summary.latent], row-major, the file's dataset
// `dataset`) is finite; otherwise InputError naming the file, the row's node id and, for a view,
// the shard the row comes from.
void check_finite_rows(const EmbeddingsSummary& summary, const std::string& dataset,
                       std::span<const float> values, std::span<const std::int64_t> node_id);

}  // namespace distgae
