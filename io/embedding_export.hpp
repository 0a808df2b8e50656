// Reading the embedding outputs back (io/embedding_files.hpp writes them): the summary that
// `distgae info` prints, and `distgae export`'s single file sorted by original node id, as HDF5
// or CSV. The view is read through HDF5 like any dataset; its virtual mappings are inspected only
// to name the shard files (and to refuse a view whose shards are missing, which HDF5 would
// otherwise read as fill values without an error).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace distgae {

// One shard file a view maps, in row order.
struct EmbeddingSource {
  std::string file;  // as stored in the view (relative to the view's directory)
  std::int64_t rows = 0;
  bool exists = false;
};

struct EmbeddingsSummary {
  std::string path;
  bool is_view = false;  // virtual datasets over shards (else a shard or an export)
  std::int64_t rows = 0;
  int latent = 0;
  int hidden = 0;
  bool has_logstd = false;  // VGAE
  std::string model;
  std::int64_t epoch = 0;
  std::uint64_t seed = 0;
  double test_auc = 0.0;  // NaN when the dataset had no test split
  double test_ap = 0.0;
  std::string graph_fingerprint;
  int part = -1;  // a shard's part, -1 otherwise
  int num_parts = 0;
  std::int64_t n_rows_attribute = -1;     // the n_rows attribute; -1 when absent
  std::int64_t num_nodes_attribute = -1;  // a view's num_nodes attribute; -1 when absent
  std::vector<EmbeddingSource> shards;    // the view's mapped files; empty for a shard
};

// The embeddings file `input` names: RUN/embeddings/embeddings.h5 for a run directory,
// DIR/embeddings.h5 for an embeddings directory, else `input` itself. InputError naming `input`
// when it is missing or a directory without one.
std::string resolve_embeddings_path(const std::string& input);

// Whether the HDF5 file `path` is an embeddings view, shard or sorted export: datasets
// `embedding` and `node_id`, attributes `model` and `latent`. InputError naming it when it is
// not a readable HDF5 file.
bool is_embeddings_file(const std::string& path);

// Attributes, shapes and (for a view) the mapped shards; InputError naming `path` when it is not
// an embeddings file or its shapes or attributes disagree, and naming a shard of a view when the
// shard is unreadable or disagrees with the view (io/embedding_validation.hpp). A missing shard
// is only marked (EmbeddingSource::exists).
EmbeddingsSummary read_embeddings_summary(const std::string& path);

enum class ExportFormat { kHdf5, kCsv };

// Writes the embeddings file `embeddings_path` to `output`, rows sorted by ascending node id:
//  kHdf5: node_id int64 [N], embedding float32 [N, latent], logstd float32 [N, latent] (VGAE),
//         and every root attribute of the source;
//  kCsv:  a header `node_id,e0,...,e<latent-1>`, then one row per node, floats as {:.9g} (they
//         read back to the same float32); logstd is left out.
// Written under a hidden temporary name beside `output`, fsynced and renamed. An existing
// `output` is an InputError unless `overwrite`; so are a view with missing shards, repeated
// node ids and a value that is not finite (naming its node id). Returns the number of rows
// written.
std::int64_t export_sorted_embeddings(const std::string& embeddings_path, const std::string& output,
                                      ExportFormat format, bool overwrite);

}  // namespace distgae
