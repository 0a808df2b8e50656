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
#include "io/matrix_market.hpp"
#include "io/text_range.hpp"

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
  std::int64_t weighted_lines = 0;
  // Data lines read (comments and blank lines excluded).
  std::int64_t data_lines = 0;
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

// What the comments before an edge list's first data line say (see read_edge_list): the ids'
// bound, from a '# nodes: N' header or the caller's id_bound.
struct EdgeListPrologue {
  std::optional<GlobalId> id_bound;  // ids lie in [0, *id_bound); unset: any int64
  std::int64_t header_line = 0;      // the '# nodes:' line that set it; 0: the caller's id_bound
  std::optional<GlobalId> declared_num_nodes;  // the header's N
};

// Reads the comment lines before the first data line (every line of a file without one) with
// read_edge_list's header rules and errors. Every rank of a job that reads the file by ranges
// runs it first, so that all know the bound before parsing their own lines.
EdgeListPrologue read_edge_list_prologue(const std::string& path,
                                         const EdgeListOptions& options = {});

// The lines of `range` (io/text_range.hpp), the first numbered `first_line`: their edges in file
// order and their data_lines and weighted_lines; declared_num_nodes from the prologue. Comments
// are skipped. A bad line is the InputError read_edge_list throws for it (same message, same
// line number); the whole-file checks are check_edge_list_totals's, once every range is read.
RawGraph read_edge_list_range(const std::string& path, ByteRange range, std::int64_t first_line,
                              const EdgeListPrologue& prologue);

// read_edge_list's checks once every line is read, on the whole file's edge count: an edge list
// without edges, a '# nodes:' header declaring too many nodes for its edges.
void check_edge_list_totals(const std::string& path, const EdgeListPrologue& prologue,
                            const EdgeListOptions& options, std::int64_t edges);

// The warning read_edge_list logs when lines had a weight column (none when weighted_lines is 0).
void warn_edge_weights_ignored(const std::string& path, std::int64_t weighted_lines,
                               std::int64_t data_lines);

// Reads a square MatrixMarket matrix (coordinate or array; real, integer or pattern; general or
// symmetric) as a graph: a non-zero at (i, j) is an edge between nodes i-1 and j-1.
RawGraph read_matrix_market_graph(const std::string& path);

// The checks read_matrix_market_graph makes of the header before reading entries (square, not
// too many rows for its entries), for readers of the entries by range.
void check_graph_matrix_header(const std::string& path, const MatrixMarketHeader& header);

// What read_matrix_market_graph keeps of one entry: an edge unless its value is 0; a value other
// than 0 and 1 is counted in `non_unit_values` (weights are ignored, with one warning).
inline void add_matrix_entry_edge(const MatrixMarketEntry& entry, std::vector<NodePair>& edges,
                                  std::int64_t& non_unit_values) {
  if (entry.value == 0.0) return;
  if (entry.value != 1.0) ++non_unit_values;
  edges.push_back(NodePair{entry.row, entry.col});
}

// read_matrix_market_graph's check once every entry is read, on the whole file's edge count: a
// matrix without a non-zero; then its warning about ignored values (none when there are none).
void check_graph_matrix_totals(const std::string& path, std::int64_t edges);
void warn_matrix_values_ignored(const std::string& path, std::int64_t non_unit_values);

// read_graph's check of a MatrixMarket graph's rows against the caller's id_bound.
void check_graph_matrix_bound(const std::string& path, GlobalId rows,
                              const EdgeListOptions& options);

// Dispatches on the file's first bytes: "%%MatrixMarket" → MatrixMarket, otherwise edge list.
RawGraph read_graph(const std::string& path, const EdgeListOptions& options = {});

enum class GraphFileFormat { edge_list, matrix_market };
// read_graph's dispatch: the format of the file by its first bytes; InputError for an HDF5 file.
GraphFileFormat graph_file_format(const std::string& path);

}  // namespace distgae
