// Readers for graph files: SNAP-style edge lists and MatrixMarket matrices.
//
// They return edges in the user's original ids exactly as read (self loops, duplicates and both
// directions included); canonicalisation happens in partition/. Every problem is an InputError
// whose one-line message names the file and the line ("edges.txt:17: ...").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace distgae {

struct RawGraph {
  std::string source_path;
  // Edges in original ids, in file order. `first`/`second` are the two columns.
  std::vector<NodePair> edges;
  // Set when the file fixes the node set itself: a MatrixMarket graph's nodes are 0..rows-1, an
  // edge list's with a '# nodes: N' header 0..N-1, isolated ones included. Unset for other edge
  // lists, whose node set is the ids that occur.
  std::optional<GlobalId> declared_num_nodes;
  // Lines that carried a third (weight) column; the weights are ignored.
  long long weighted_lines = 0;
  // Data lines read (comments and blank lines excluded).
  long long data_lines = 0;
};

struct EdgeListOptions {
  // The caller's node count (--num-nodes): when set, every id must lie in [0, *id_bound): an id
  // outside is an error naming its line, and so is a '# nodes:' header that says otherwise.
  std::optional<GlobalId> id_bound;
};

// Reads "u v [w]" lines: whitespace separated, '#' and '%' start comment lines, blank lines
// skipped, any int64 ids. A third column is accepted and ignored (one warning per file); a line
// with one column or more than three, a non-integer id or an id outside int64 is an error.
// An edge list without a single edge is an error.
//
// A '# nodes: N' line among the comments before the first edge (as `distgae generate` and the
// shared data sets write it) declares the ids 0..N-1: it sets declared_num_nodes and bounds the
// ids like id_bound. N must be a positive integer, equal to id_bound when both are given (and to
// any other '# nodes:' line).
// Only that lower-case key counts: SNAP's "# Nodes: 4039 Edges: 88234" counts nodes whose ids
// are arbitrary, and stays a comment like every other.
RawGraph read_edge_list(const std::string& path, const EdgeListOptions& options = {});

// Reads a square MatrixMarket matrix (coordinate or array; real, integer or pattern; general or
// symmetric) as a graph: a non-zero at (i, j) is an edge between nodes i-1 and j-1.
RawGraph read_matrix_market_graph(const std::string& path);

// Dispatches on the file's first bytes: "%%MatrixMarket" → MatrixMarket, otherwise edge list.
RawGraph read_graph(const std::string& path, const EdgeListOptions& options = {});

}  // namespace distgae
