// The partitioned dataset: a directory holding meta.h5 (the whole graph's facts, the node
// ordering and partition statistics) and part-<r>.h5 (everything rank r needs, and nothing
// else). docs/format.md documents every dataset and attribute.
//
// Writing goes to a temporary sibling directory that is renamed into place only when every file
// is complete, so a failed run never leaves a directory that looks like a dataset.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/csr.hpp"
#include "core/types.hpp"
#include "io/feature_readers.hpp"

namespace distgae {

inline constexpr int kDatasetFormatVersion = 1;

// Per-part partition statistics, each vector [num_parts].
struct PartitionStatistics {
  std::vector<std::int64_t> owned;     // nodes owned
  std::vector<std::int64_t> interior;  // owned nodes with no neighbour on another part
  std::vector<std::int64_t> halo;      // distinct remote neighbours (ghost rows received)
  std::vector<std::int64_t> sent;  // rows sent to other parts per exchange (empty: written before
                                   // the field existed)
  std::vector<std::int64_t> local_edges;  // adjacency entries in the part's rows (directed)
  std::vector<std::int64_t> train_edges;  // training edges whose first endpoint it owns
  std::int64_t edge_cut = 0;              // undirected training edges between two parts
  std::int64_t comm_volume = 0;           // halo rows summed over parts (rows sent per exchange)
  double imbalance = 1.0;                 // max owned / mean owned
};

struct DatasetMeta {
  int format_version = kDatasetFormatVersion;
  GlobalId num_nodes = 0;
  std::int64_t num_edges = 0;  // undirected edges of the canonical graph (all splits)
  std::int64_t num_train_edges = 0;
  std::int64_t num_val_edges = 0;   // positives; as many negatives
  std::int64_t num_test_edges = 0;  // positives; as many negatives
  int num_parts = 1;
  std::uint64_t seed = 0;
  double val_frac = 0.0;
  double test_frac = 0.0;
  bool split = true;        // false: --no-split, every edge trains
  std::string partitioner;  // "single", "metis" or "random"
  std::string objective;    // "vol" or "cut" (metis only)
  double imbalance_tolerance = 1.0;
  std::int64_t feature_dim = 0;  // 0: featureless
  std::string source_graph;
  std::string source_features;    // empty when featureless
  std::string graph_fingerprint;  // canonical graph + split: equal whatever the number of parts
  std::int64_t input_lines = 0;
  std::int64_t self_loops_dropped = 0;
  std::int64_t duplicates_merged = 0;

  std::vector<GlobalId> node_id;               // [N] original id of each canonical node
  std::vector<std::int64_t> part_offsets;      // [P+1] partition-ordered range of each part
  std::vector<GlobalId> canonical_to_ordered;  // [N]
  PartitionStatistics stats;
};

// Everything rank `part` needs. Local rows: owned nodes first (interior, then boundary), then
// halo nodes grouped by owner part. Pairs are in canonical ids, first < second, and belong to
// the part that owns their first endpoint.
struct PartData {
  int part = 0;
  int num_parts = 1;
  std::int64_t n_owned = 0;
  std::int64_t n_interior = 0;
  std::int64_t n_halo = 0;
  std::vector<GlobalId> canonical_id;  // [n_owned + n_halo]
  std::vector<GlobalId> node_id;       // [n_owned + n_halo] original ids
  std::vector<std::int64_t> degree;    // [n_owned + n_halo] global training-graph degree
  // Halo rows owned by part q are local rows n_owned + halo_offsets[q] .. n_owned +
  // halo_offsets[q+1]. [P+1]
  std::vector<std::int64_t> halo_offsets;
  // Rows sent to part q: send_rows[send_offsets[q] .. send_offsets[q+1]), in the order q's halo
  // lists them. [P+1] and [sum].
  std::vector<std::int64_t> send_offsets;
  std::vector<LocalId> send_rows;
  // Training adjacency of the owned rows, columns are local ids, sorted; no self loops.
  // [n_owned rows, n_owned + n_halo columns]
  Csr<LocalId> adjacency;
  std::vector<NodePair> train_edges;
  std::vector<NodePair> val_pos, val_neg, test_pos, test_neg;
  FeatureMatrix features;  // [n_owned, feature_dim]; n_cols == 0 when featureless
  // meta's graph_fingerprint, so a part of another dataset is told apart; empty when unknown (a
  // part written before the attribute existed, or built without partition_dataset).
  std::string graph_fingerprint;
};

// Path helpers: DIR/meta.h5 and DIR/part-<r>.h5.
std::string meta_path(const std::string& dir);
std::string part_path(const std::string& dir, int part);

// Writes meta and every part into `dir` via a temporary directory renamed at the end. `dir`
// must not exist unless `overwrite` is set (then it is replaced only once the new one is
// complete).
void write_dataset(const std::string& dir, const DatasetMeta& meta,
                   const std::vector<PartData>& parts, bool overwrite);

// The files of write_dataset one at a time, for a writer that makes them on several ranks
// (partition/distributed/distributed_dataset_writer.hpp); each is a complete HDF5 file written
// through write_h5_file (io/h5_file_writer.hpp): a failure removes it and names it.
// part-<r>.h5 at `path`.
void write_part_file(const std::string& path, const PartData& part);
// meta.h5 at `path`.
void write_meta_file(const std::string& path, const DatasetMeta& meta);
// meta.h5 at `path` but for the values of its [N] arrays kMetaNodeIdDataset and
// kMetaCanonicalToOrderedDataset: created int64 [meta.num_nodes], contiguous, their space
// allocated and unwritten, for the ranks to fill with parallel writes of their blocks
// (comm/collective_h5.hpp); meta.node_id and meta.canonical_to_ordered are not read.
void create_meta_file(const std::string& path, const DatasetMeta& meta);
inline constexpr const char* kMetaNodeIdDataset = "node_id";
inline constexpr const char* kMetaCanonicalToOrderedDataset = "canonical_to_ordered";

// Reads and validates meta.h5 (io/part_validation.hpp): InputError naming the file, the dataset
// or attribute and the offending value when it breaks an invariant of docs/format.md.
DatasetMeta read_dataset_meta(const std::string& dir);
// Reads part `part` and validates it against itself and against `meta` (a validated meta of the
// same directory); every size is checked against the file's shapes before it allocates anything.
PartData read_part(const std::string& dir, int part, const DatasetMeta& meta);
// The same, reading meta.h5 first.
PartData read_part(const std::string& dir, int part);

}  // namespace distgae
