#include "io/graph_readers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/declared_size.hpp"
#include "io/h5_file.hpp"
#include "io/text_scanner.hpp"

namespace distgae {
namespace {

// Data lines read before the edge vector is sized from their average length.
constexpr std::int64_t kLinesBeforeReserve = 4096;

// Parses one node id of the line `lines` last returned.
GlobalId parse_node_id(std::string_view token, const LineReader& lines,
                       const EdgeListPrologue& ids) {
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
  if (ids.id_bound && (id < 0 || id >= *ids.id_bound)) {
    const std::string origin =
        ids.header_line > 0
            ? fmt::format(" (the '# nodes: {}' header on line {})", *ids.id_bound, ids.header_line)
            : "";
    throw InputError(
        at_line(lines.path(), lines.line_number(),
                fmt::format("node id {} outside [0, {}){}", id, *ids.id_bound, origin)));
  }
  return id;
}

// Parses a data line "u v [w]" into `graph`.
void parse_edge_line(std::string_view line, const LineReader& lines, const EdgeListPrologue& ids,
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
void read_header_comment(std::string_view line, const LineReader& lines, EdgeListPrologue& ids) {
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
  if (ids.id_bound && *ids.id_bound != nodes) {
    const std::string other =
        ids.header_line > 0
            ? fmt::format("the header on line {} ('# nodes: {}')", ids.header_line, *ids.id_bound)
            : fmt::format("--num-nodes {}", *ids.id_bound);
    throw InputError(at_line(lines.path(), lines.line_number(),
                             fmt::format("'# nodes: {}' disagrees with {}", nodes, other)));
  }
  ids.declared_num_nodes = nodes;
  ids.id_bound = nodes;
  ids.header_line = lines.line_number();
}

// Sizes `edges` for the lines of `range` from the average length of those read so far: growing
// a vector of hundreds of millions of edges step by step copies it and faults in fresh pages
// each time.
void reserve_for_range(const LineReader& lines, ByteRange range, std::int64_t first_line,
                       std::vector<NodePair>& edges) {
  const std::uint64_t bytes_read = lines.bytes_consumed() - range.begin;
  const std::int64_t lines_read = lines.line_number() - first_line + 1;
  if (bytes_read == 0 || lines_read <= 0) return;
  // At least 4: the shortest edge line is "1 2\n"; this bounds the reservation if the sample
  // happened to be mostly blank lines.
  const double bytes_per_line =
      std::max(4.0, static_cast<double>(bytes_read) / static_cast<double>(lines_read));
  edges.reserve(
      static_cast<std::size_t>(static_cast<double>(range.size()) / bytes_per_line * 1.05));
}

// Reads the data lines `lines` returns, skipping blank and comment lines; calls
// on_header_comment(line) for comments before the first data line.
template <class OnHeaderComment>
void read_edge_lines(LineReader& lines, ByteRange range, std::int64_t first_line,
                     const EdgeListPrologue& ids, RawGraph& graph,
                     OnHeaderComment&& on_header_comment) {
  std::string_view line;
  while (lines.next(line)) {
    line = skip_blanks(line);
    if (line.empty()) continue;
    if (line.front() == '#' || line.front() == '%') {
      if (graph.data_lines == 0) on_header_comment(line);
      continue;
    }
    ++graph.data_lines;
    parse_edge_line(line, lines, ids, graph);
    if (graph.data_lines == kLinesBeforeReserve)
      reserve_for_range(lines, range, first_line, graph.edges);
  }
}

}  // namespace

RawGraph read_edge_list(const std::string& path, const EdgeListOptions& options) {
  RawGraph graph;
  graph.source_path = path;
  LineReader lines(path);
  EdgeListPrologue ids;
  ids.id_bound = options.id_bound;
  // A pipe's size is unknown: no reservation then.
  std::error_code error;
  const std::uintmax_t file_bytes = std::filesystem::file_size(path, error);
  const ByteRange whole{0, error ? 0 : static_cast<std::uint64_t>(file_bytes)};
  read_edge_lines(lines, whole, 1, ids, graph,
                  [&](std::string_view line) { read_header_comment(line, lines, ids); });
  graph.declared_num_nodes = ids.declared_num_nodes;
  check_edge_list_totals(path, ids, options, static_cast<std::int64_t>(graph.edges.size()));
  warn_edge_weights_ignored(path, graph.weighted_lines, graph.data_lines);
  return graph;
}

EdgeListPrologue read_edge_list_prologue(const std::string& path, const EdgeListOptions& options) {
  LineReader lines(path);
  EdgeListPrologue ids;
  ids.id_bound = options.id_bound;
  std::string_view line;
  while (lines.next(line)) {
    line = skip_blanks(line);
    if (line.empty()) continue;
    if (line.front() != '#' && line.front() != '%') break;
    read_header_comment(line, lines, ids);
  }
  return ids;
}

RawGraph read_edge_list_range(const std::string& path, ByteRange range, std::int64_t first_line,
                              const EdgeListPrologue& prologue) {
  RawGraph graph;
  graph.source_path = path;
  graph.declared_num_nodes = prologue.declared_num_nodes;
  LineReader lines(path, range, first_line);
  read_edge_lines(lines, range, first_line, prologue, graph, [](std::string_view) {});
  return graph;
}

// Every node a '# nodes:' header declares is allocated downstream (ids, degrees, rows), so a
// header may declare only a bounded number of nodes that no edge names (io/declared_size.hpp).
// Checked once the edges are read, before anything is sized by the count; a count the caller
// gave too (--num-nodes) is the user's own request.
void check_edge_list_totals(const std::string& path, const EdgeListPrologue& prologue,
                            const EdgeListOptions& options, std::int64_t edges) {
  if (edges == 0) throw InputError(at_file(path, "no edges (only comments and blank lines)"));
  if (!prologue.declared_num_nodes || prologue.header_line == 0 || options.id_bound) return;
  if (*prologue.declared_num_nodes > dimension_limit(edges, 2)) {
    throw InputError(at_line(
        path, prologue.header_line,
        fmt::format("'# nodes: {}' declares more nodes than its {} edges name plus {} isolated "
                    "ones; refused, as every declared node costs memory (give --num-nodes to "
                    "mean it)",
                    *prologue.declared_num_nodes, edges, kUnbackedDimensionAllowance)));
  }
}

void warn_edge_weights_ignored(const std::string& path, std::int64_t weighted_lines,
                               std::int64_t data_lines) {
  if (weighted_lines == 0) return;
  log::warning("{}: {} of {} lines have a third (weight) column; edge weights are ignored", path,
               weighted_lines, data_lines);
}

void check_graph_matrix_header(const std::string& path, const MatrixMarketHeader& header) {
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
}

void check_graph_matrix_totals(const std::string& path, std::int64_t edges) {
  if (edges == 0) throw InputError(at_file(path, "no edges (the matrix has no non-zero entry)"));
}

void warn_matrix_values_ignored(const std::string& path, std::int64_t non_unit_values) {
  if (non_unit_values > 0) {
    log::warning("{}: {} entries have values other than 0 and 1; edge weights are ignored", path,
                 non_unit_values);
  }
}

void check_graph_matrix_bound(const std::string& path, GlobalId rows,
                              const EdgeListOptions& options) {
  if (options.id_bound && rows > *options.id_bound) {
    throw InputError(at_file(path, fmt::format("the matrix has {} rows but node ids must lie in "
                                               "[0, {})",
                                               rows, *options.id_bound)));
  }
}

RawGraph read_matrix_market_graph(const std::string& path) {
  MatrixMarketReader reader(path);
  const MatrixMarketHeader& header = reader.header();
  check_graph_matrix_header(path, header);
  RawGraph graph;
  graph.source_path = path;
  graph.declared_num_nodes = header.rows;
  graph.edges.reserve(reader.reservable_entries());
  std::int64_t non_unit_values = 0;
  reader.for_each_entry([&](const MatrixMarketEntry& entry) {
    add_matrix_entry_edge(entry, graph.edges, non_unit_values);
  });
  graph.data_lines = reader.data_lines();
  // Every value of a real or integer matrix is a weight, and all of them are dropped.
  if (header.field != MatrixMarketField::pattern) graph.weighted_lines = graph.data_lines;
  check_graph_matrix_totals(path, static_cast<std::int64_t>(graph.edges.size()));
  warn_matrix_values_ignored(path, non_unit_values);
  return graph;
}

GraphFileFormat graph_file_format(const std::string& path) {
  const std::string prefix = read_file_prefix(path, 32);
  if (has_hdf5_signature(prefix)) {
    throw InputError(at_file(path,
                             "is an HDF5 file; graphs are read from edge lists ('u v' "
                             "lines) or MatrixMarket files"));
  }
  return has_matrix_market_banner(prefix) ? GraphFileFormat::matrix_market
                                          : GraphFileFormat::edge_list;
}

RawGraph read_graph(const std::string& path, const EdgeListOptions& options) {
  if (graph_file_format(path) == GraphFileFormat::edge_list) return read_edge_list(path, options);
  RawGraph graph = read_matrix_market_graph(path);
  check_graph_matrix_bound(path, *graph.declared_num_nodes, options);
  return graph;
}

}  // namespace distgae
