// Embedding outputs (DESIGN.md, Checkpoints and outputs): each rank writes a shard
// embeddings/part-<r>.h5 with its owned nodes, and rank 0 writes embeddings/embeddings.h5 whose
// datasets are HDF5 virtual datasets over the shards, so h5py.File("embeddings.h5")["embedding"]
// is the whole [N, latent] matrix (rows in partition order, `node_id` beside it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace distgae {

// Attributes written on the root of every shard and of the view.
struct EmbeddingAttributes {
  std::string model;  // "gae" or "vgae"
  int latent = 0;
  int hidden = 0;
  std::int64_t epoch = 0;
  std::uint64_t seed = 0;
  double test_auc = 0.0;  // NaN when the dataset has no test split
  double test_ap = 0.0;
  std::string graph_fingerprint;
};

struct EmbeddingShard {
  int part = 0;
  int num_parts = 1;
  std::vector<GlobalId> node_id;  // [n] original ids
  std::vector<float> embedding;   // [n, latent] row-major (μ for VGAE)
  std::vector<float> logstd;      // [n, latent] for VGAE; empty for GAE
};

std::string embedding_shard_name(int part);  // "part-<r>.h5"

// Writes one shard (datasets node_id int64 [n], embedding float32 [n, latent], logstd when
// present; root attributes: part, num_parts, n_rows and EmbeddingAttributes).
void write_embedding_shard(const std::string& path, const EmbeddingShard& shard, int latent,
                           const EmbeddingAttributes& attributes);

// Writes the view file `path` in the shards' directory: virtual datasets node_id [N],
// embedding [N, latent] and (has_logstd) logstd [N, latent], shard r mapped to rows
// row_offsets[r] .. row_offsets[r+1]; the shards are referenced by relative name so the
// directory can be moved as a whole.
void write_embedding_view(const std::string& path, const std::vector<std::int64_t>& row_offsets,
                          int latent, bool has_logstd, const EmbeddingAttributes& attributes);

}  // namespace distgae
