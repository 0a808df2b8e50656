#include "io/graph_readers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/declared_size.hpp"
#include "io/h5_file.hpp"
#include "io/matrix_market.hpp"
#include "io/text_scanner.hpp"

namespace distgae {
namespace {

// Data lines read before the edge vector is sized from their average length.
constexpr long long kLinesBeforeReserve = 4096;

// The range node ids must lie in while an edge list is read, and where it came from.
struct IdBound {
  std::optional<GlobalId> bound;  // ids lie in [0, *bound); unset: any int64
  long long header_line = 0;      // the '# nodes:' line that set it; 0: the caller's id_bound
};

// Parses one node id of the line `lines` last returned.
GlobalId parse_node_id(std::string_view token, const LineReader& lines, const IdBound& ids) {
  GlobalId id = 0;
  const ParseStatus status = parse_int64(token, id);
  if (status == ParseStatus::not_a_number) {
    throw InputError(
        at_line(lines.path(), lines.line_number(),
                fmt::format("expected an integer node id, got {}", quote_excerpt(token))));
  }
  if (status == ParseStatus::out_of_range) {
    throw InputError(
        at_line(lines.path(), lines.line_number(),
                fmt::format("node id {} does not fit in a 64-bit integer", quote_excerpt(token))));
  }
  if (ids.bound && (id < 0 || id >= *ids.bound)) {
    const std::string origin =
        ids.header_line > 0
            ? fmt::format(" (the '# nodes: {}' header on line {})", *ids.bound, ids.header_line)
            : "";
    throw InputError(at_line(lines.path(), lines.line_number(),
                             fmt::format("node id {} outside [0, {}){}", id, *ids.bound, origin)));
  }
  return id;
}

// Parses a data line "u v [w]" into `graph`.
void parse_edge_line(std::string_view line, const LineReader& lines, const IdBound& ids,
                     RawGraph& graph) {
  std::string_view rest = line;
  const std::string_view first = next_token(rest);
  const std::string_view second = next_token(rest);
  const std::string_view weight = next_token(rest);
  if (second.empty()) {
    throw InputError(at_line(lines.path(), lines.line_number(),
                             fmt::format("expected two node ids 'u v [weight]', got one column: {}",
                                         quote_excerpt(line))));
  }
  if (!next_token(rest).empty()) {
    throw InputError(at_line(lines.path(), lines.line_number(),
                             fmt::format("expected 'u v [weight]', got more than three columns: {}",
                                         quote_excerpt(line))));
  }
  const GlobalId u = parse_node_id(first, lines, ids);
  const GlobalId v = parse_node_id(second, lines, ids);
  if (!weight.empty()) {
    // Ignored, but a column that is not a number means the file is not what we think it is.
    double value = 0.0;
    if (parse_double(weight, value) == ParseStatus::not_a_number) {
      throw InputError(at_line(lines.path(), lines.line_number(),
                               fmt::format("expected a numeric weight in the third column, got {}",
                                           quote_excerpt(weight))));
    }
    ++graph.weighted_lines;
  }
  graph.edges.push_back(NodePair{u, v});
}

// A comment line before the first edge: a '# nodes: N' header declares the ids 0..N-1 (see
// read_edge_list); any other comment is ignored.
void read_header_comment(std::string_view line, const LineReader& lines, IdBound& ids,
                         RawGraph& graph) {
  constexpr std::string_view kNodesKey = "nodes:";
  if (line.front() != '#') return;
  std::string_view value = skip_blanks(line.substr(1));
  if (!value.starts_with(kNodesKey)) return;
  value = skip_blanks(value.substr(kNodesKey.size()));
  while (!value.empty() && is_blank(value.back())) value.remove_suffix(1);
  GlobalId nodes = 0;
  if (parse_int64(value, nodes) != ParseStatus::ok || nodes < 1) {
    throw InputError(at_line(
        lines.path(), lines.line_number(),
        fmt::format("malformed '# nodes:' header: expected a positive integer node count, got {}",
                    quote_excerpt(value))));
  }
  if (ids.bound && *ids.bound != nodes) {
    const std::string other =
        ids.header_line > 0
            ? fmt::format("the header on line {} ('# nodes: {}')", ids.header_line, *ids.bound)
            : fmt::format("--num-nodes {}", *ids.bound);
    throw InputError(at_line(lines.path(), lines.line_number(),
                             fmt::format("'# nodes: {}' disagrees with {}", nodes, other)));
  }
  graph.declared_num_nodes = nodes;
  ids.bound = nodes;
  ids.header_line = lines.line_number();
}

// Sizes `edges` for the whole file from the average length of the lines read so far: growing a
// vector of hundreds of millions of edges step by step copies it and faults in fresh pages
// each time.
void reserve_for_whole_file(const LineReader& lines, std::vector<NodePair>& edges) {
  std::error_code error;
  const std::uintmax_t file_bytes = std::filesystem::file_size(lines.path(), error);
  if (error || lines.bytes_consumed() == 0) return;
  // At least 4: the shortest edge line is "1 2\n"; this bounds the reservation if the sample
  // happened to be mostly blank lines.
  const double bytes_per_line = std::max(
      4.0, static_cast<double>(lines.bytes_consumed()) / static_cast<double>(lines.line_number()));
  edges.reserve(static_cast<std::size_t>(static_cast<double>(file_bytes) / bytes_per_line * 1.05));
}

// Every node a '# nodes:' header declares is allocated downstream (ids, degrees, rows), so a
// header may declare only a bounded number of nodes that no edge names (io/declared_size.hpp).
// Checked once the edges are read, before anything is sized by the count; a count the caller
// gave too (--num-nodes) is the user's own request.
void check_declared_nodes(const RawGraph& graph, const IdBound& ids,
                          const EdgeListOptions& options) {
  if (!graph.declared_num_nodes || ids.header_line == 0 || options.id_bound) return;
  const auto edges = static_cast<std::int64_t>(graph.edges.size());
  if (*graph.declared_num_nodes > dimension_limit(edges, 2)) {
    throw InputError(at_line(
        graph.source_path, ids.header_line,
        fmt::format("'# nodes: {}' declares more nodes than its {} edges name plus {} isolated "
                    "ones; refused, as every declared node costs memory (give --num-nodes to "
                    "mean it)",
                    *graph.declared_num_nodes, edges, kUnbackedDimensionAllowance)));
  }
}

void warn_weights_ignored(const RawGraph& graph) {
  if (graph.weighted_lines == 0) return;
  log::warning("{}: {} of {} lines have a third (weight) column; edge weights are ignored",
               graph.source_path, graph.weighted_lines, graph.data_lines);
}

}  // namespace

RawGraph read_edge_list(const std::string& path, const EdgeListOptions& options) {
  RawGraph graph;
  graph.source_path = path;
  LineReader lines(path);
  IdBound ids{options.id_bound};
  std::string_view line;
  while (lines.next(line)) {
    line = skip_blanks(line);
    if (line.empty()) continue;
    if (line.front() == '#' || line.front() == '%') {
      if (graph.data_lines == 0) read_header_comment(line, lines, ids, graph);
      continue;
    }
    ++graph.data_lines;
    parse_edge_line(line, lines, ids, graph);
    if (graph.data_lines == kLinesBeforeReserve) reserve_for_whole_file(lines, graph.edges);
  }
  if (graph.edges.empty()) {
    throw InputError(at_file(path, "no edges (only comments and blank lines)"));
  }
  check_declared_nodes(graph, ids, options);
  warn_weights_ignored(graph);
  return graph;
}

RawGraph read_matrix_market_graph(const std::string& path) {
  MatrixMarketReader reader(path);
  const MatrixMarketHeader& header = reader.header();
  if (header.rows != header.cols) {
    throw InputError(at_line(
        path, header.size_line,
        fmt::format("a graph's matrix must be square, got {} x {}", header.rows, header.cols)));
  }
  // Each entry names two nodes (one through its mirror when symmetric); a matrix's other rows are
  // isolated nodes, bounded as a '# nodes:' header's are.
  if (header.rows > dimension_limit(header.stored_entries, 2)) {
    throw InputError(at_line(
        path, header.size_line,
        fmt::format("a {} x {} matrix with {} entries declares more nodes than its entries name "
                    "plus {} isolated ones; refused, as every declared node costs memory",
                    header.rows, header.cols, header.stored_entries, kUnbackedDimensionAllowance)));
  }
  RawGraph graph;
  graph.source_path = path;
  graph.declared_num_nodes = header.rows;
  graph.edges.reserve(reader.reservable_entries());
  long long non_unit_values = 0;
  reader.for_each_entry([&](const MatrixMarketEntry& entry) {
    if (entry.value == 0.0) return;
    if (entry.value != 1.0) ++non_unit_values;
    graph.edges.push_back(NodePair{entry.row, entry.col});
  });
  graph.data_lines = reader.data_lines();
  // Every value of a real or integer matrix is a weight, and all of them are dropped.
  if (header.field != MatrixMarketField::pattern) graph.weighted_lines = graph.data_lines;
  if (graph.edges.empty()) {
    throw InputError(at_file(path, "no edges (the matrix has no non-zero entry)"));
  }
  if (non_unit_values > 0) {
    log::warning("{}: {} entries have values other than 0 and 1; edge weights are ignored", path,
                 non_unit_values);
  }
  return graph;
}

RawGraph read_graph(const std::string& path, const EdgeListOptions& options) {
  const std::string prefix = read_file_prefix(path, 32);
  if (has_hdf5_signature(prefix)) {
    throw InputError(at_file(path,
                             "is an HDF5 file; graphs are read from edge lists ('u v' "
                             "lines) or MatrixMarket files"));
  }
  if (!has_matrix_market_banner(prefix)) return read_edge_list(path, options);
  RawGraph graph = read_matrix_market_graph(path);
  if (options.id_bound && *graph.declared_num_nodes > *options.id_bound) {
    throw InputError(at_file(path, fmt::format("the matrix has {} rows but node ids must lie in "
                                               "[0, {})",
                                               *graph.declared_num_nodes, *options.id_bound)));
  }
  return graph;
}

}  // namespace distgae
