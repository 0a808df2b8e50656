// The partitioned dataset's invariants (docs/format.md, "Invariants"), checked before anything
// read from a dataset is trusted: meta.h5 against itself, and one part against itself and
// against meta. A damaged or foreign file would otherwise crash a rank (an index past an array),
// hang the job (ranks disagreeing on what they exchange) or train on the wrong graph without a
// word.
//
// Each check throws InputError naming the file, the dataset or attribute, and the first
// offending index and value. Each is linear in what it checks (the training edges add a binary
// search per edge) and allocates at most a few arrays of one entry per local row or per node.
#pragma once

#include <string>

#include "io/dataset.hpp"

namespace distgae {

// meta.h5's root attributes, before any array is read: counts non-negative and consistent
// (num_edges = train + val + test edges).
void check_dataset_meta_header(const DatasetMeta& meta, const std::string& path);

// meta.h5 on its own: counts, part_offsets, canonical_to_ordered (a permutation of 0..N-1) and
// the partition statistics. The arrays must have been read with their sizes checked.
void check_dataset_meta(const DatasetMeta& meta, const std::string& path);

// A part file's root attributes, before any array is read: `part` is `expected_part`, counts
// non-negative and small enough for 32-bit local ids, n_interior <= n_owned.
void check_part_header(const PartData& part, int expected_part, const std::string& path);

// The root attributes against a checked meta: graph_fingerprint (when the part has one),
// num_parts, n_owned (meta's part_offsets), and n_interior and n_halo (meta's statistics).
void check_part_header_against_meta(const PartData& part, const DatasetMeta& meta,
                                    const std::string& path);

// One part on its own: array sizes, halo and send offsets, send lists (exactly the owned rows
// with a neighbour on each peer), adjacency (row starts, column range and order, no self loops,
// symmetric among owned rows), degrees, interior rows and features.
void check_part_structure(const PartData& part, const std::string& path);

// The part against a checked meta: its root attributes (as above), statistics,
// canonical ids (owned rows exactly meta's partition order, halo rows owned by the peer that
// halo/offsets names), original ids, pairs (0 <= first < second < N, sorted, each once, the
// first endpoint owned here), the
// training edges (exactly the adjacency's edges whose first endpoint is owned here) and the
// feature width. Call after check_part_structure.
void check_part_against_meta(const PartData& part, const DatasetMeta& meta,
                             const std::string& path);

}  // namespace distgae
