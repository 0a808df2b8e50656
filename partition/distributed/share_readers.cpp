#include "partition/distributed/share_readers.hpp"

#include <array>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "comm/agreement.hpp"
#include "comm/exchange.hpp"
#include "io/feature_readers.hpp"
#include "io/matrix_market.hpp"
#include "io/node_id_list.hpp"
#include "io/text_range.hpp"

namespace distgae {
namespace {

// This rank's range of the whole file and the number of lines that begin in it.
struct LineRange {
  ByteRange bytes;
  std::int64_t lines = 0;
};

LineRange whole_file_range(const Communicator& communicator, const std::string& path) {
  LineRange range;
  range.bytes = line_aligned_range(path, ByteRange{0, regular_file_size(path)}, communicator.rank(),
                                   communicator.size());
  range.lines = count_lines(path, range.bytes);
  return range;
}

// What every rank knows before parsing its lines of an edge list.
struct EdgeListStart {
  EdgeListPrologue prologue;  // the '# nodes:' header, read by every rank
  LineRange range;
};

GraphShare read_edge_list_share(const Communicator& communicator, const std::string& path,
                                const EdgeListOptions& options) {
  const EdgeListStart start = agree_on_errors(communicator, [&] {
    return EdgeListStart{read_edge_list_prologue(path, options),
                         whole_file_range(communicator, path)};
  });
  const LineRange& range = start.range;
  const EdgeListPrologue& prologue = start.prologue;
  const std::int64_t first_line = 1 + communicator.exclusive_sum(range.lines);
  RawGraph part = agree_on_errors(
      communicator, [&] { return read_edge_list_range(path, range.bytes, first_line, prologue); });
  std::array<std::int64_t, 3> totals = {static_cast<std::int64_t>(part.edges.size()),
                                        part.data_lines, part.weighted_lines};
  communicator.allreduce_sum(std::span<std::int64_t>(totals));
  agree_on_errors(communicator,
                  [&] { check_edge_list_totals(path, prologue, options, totals[0]); });
  if (communicator.rank() == 0) warn_edge_weights_ignored(path, totals[2], totals[1]);
  GraphShare share;
  share.source_path = path;
  share.edges = std::move(part.edges);
  share.declared_num_nodes = prologue.declared_num_nodes;
  share.data_lines = totals[1];
  share.weighted_lines = totals[2];
  return share;
}

// The header every rank parses, this rank's range of the entries' region and its census.
struct MatrixMarketRange {
  MatrixMarketHeader header;
  ByteRange bytes;
  MatrixMarketLineCount count;
};

// The header read_header() parses and checks; then this rank's range and its census.
template <class ReadHeader>
MatrixMarketRange matrix_market_range(const Communicator& communicator, const std::string& path,
                                      ReadHeader&& read_header) {
  MatrixMarketRange range;
  range.header = read_header();
  range.bytes =
      line_aligned_range(path, ByteRange{range.header.entries_offset, regular_file_size(path)},
                         communicator.rank(), communicator.size());
  range.count = count_matrix_market_lines(path, range.bytes);
  return range;
}

// Where this rank's lines start in the file: the number of its first line and the index of its
// first entry; and the file's totals, once the entries are read.
struct MatrixMarketPlace {
  std::int64_t first_line = 0;
  std::int64_t first_entry = 0;
  std::int64_t entries = 0;    // entry lines of the whole file
  std::int64_t last_line = 0;  // the file's last line
};

MatrixMarketPlace place_of(const Communicator& communicator, const MatrixMarketRange& range) {
  MatrixMarketPlace place;
  place.first_line = range.header.size_line + 1 + communicator.exclusive_sum(range.count.lines);
  place.first_entry = communicator.exclusive_sum(range.count.entry_lines);
  std::array<std::int64_t, 2> totals = {range.count.entry_lines, range.count.lines};
  communicator.allreduce_sum(std::span<std::int64_t>(totals));
  place.entries = totals[0];
  place.last_line = range.header.size_line + totals[1];
  return place;
}

GraphShare read_matrix_market_graph_share(const Communicator& communicator, const std::string& path,
                                          const EdgeListOptions& options) {
  const MatrixMarketRange range = agree_on_errors(communicator, [&] {
    return matrix_market_range(communicator, path, [&] {
      const MatrixMarketHeader header = MatrixMarketReader(path).header();
      check_graph_matrix_header(path, header);
      return header;
    });
  });
  const MatrixMarketHeader& header = range.header;
  const MatrixMarketPlace place = place_of(communicator, range);
  std::int64_t non_unit_values = 0;
  std::vector<NodePair> edges = agree_on_errors(communicator, [&] {
    MatrixMarketReader reader(path, header, range.bytes, place.first_line, place.first_entry);
    std::vector<NodePair> local;
    local.reserve(static_cast<std::size_t>(range.count.entry_lines));
    reader.for_each_entry([&](const MatrixMarketEntry& entry) {
      add_matrix_entry_edge(entry, local, non_unit_values);
    });
    return local;
  });
  std::array<std::int64_t, 2> totals = {static_cast<std::int64_t>(edges.size()), non_unit_values};
  communicator.allreduce_sum(std::span<std::int64_t>(totals));
  agree_on_errors(communicator, [&] {
    check_entry_total(path, header, place.entries, place.last_line);
    check_graph_matrix_totals(path, totals[0]);
  });
  if (communicator.rank() == 0) warn_matrix_values_ignored(path, totals[1]);
  agree_on_errors(communicator, [&] { check_graph_matrix_bound(path, header.rows, options); });
  GraphShare share;
  share.source_path = path;
  share.edges = std::move(edges);
  share.declared_num_nodes = header.rows;
  share.data_lines = place.entries;
  // Every value of a real or integer matrix is a weight, and all of them are dropped.
  if (header.field != MatrixMarketField::pattern) share.weighted_lines = place.entries;
  return share;
}

// Rows of `path`'s HDF5 dataset in the block distribution of its own rows (the graph's when the
// counts agree, which is checked after the values, as load_features checks after reading).
FeatureBlock read_hdf5_feature_block(const Communicator& communicator, const std::string& path,
                                     const std::string& dataset, const NodeBlocks& blocks) {
  const std::int64_t rows =
      agree_on_errors(communicator, [&] { return read_hdf5_feature_shape(path, dataset).first; });
  const NodeBlocks row_blocks(rows, communicator.size());
  const int rank = communicator.rank();
  FeatureBlock block = agree_on_errors(communicator, [&] {
    return read_hdf5_feature_rows(path, dataset, row_blocks.begin(rank), row_blocks.size(rank));
  });
  agree_on_errors(communicator, [&] { check_feature_row_count(path, rows, blocks.num_nodes); });
  return block;
}

// A MatrixMarket file's entries parsed by range and sent to the owner of their row in the block
// distribution of the matrix's rows (the graph's when the counts agree, checked last as above).
FeatureBlock read_matrix_market_feature_block(const Communicator& communicator,
                                              const std::string& path, const NodeBlocks& blocks) {
  const MatrixMarketRange range = agree_on_errors(communicator, [&] {
    return matrix_market_range(communicator, path,
                               [&] { return read_matrix_market_feature_header(path); });
  });
  const MatrixMarketHeader& header = range.header;
  const MatrixMarketPlace place = place_of(communicator, range);
  std::vector<FeatureEntry> entries = agree_on_errors(communicator, [&] {
    return read_matrix_market_feature_range(path, header, range.bytes, place.first_line,
                                            place.first_entry, range.count.entry_lines);
  });
  agree_on_errors(communicator,
                  [&] { check_entry_total(path, header, place.entries, place.last_line); });
  const NodeBlocks row_blocks(header.rows, communicator.size());
  std::vector<FeatureEntry> owned =
      route(communicator, std::span<const FeatureEntry>(entries),
            [&](const FeatureEntry& entry) { return row_blocks.owner(entry.row); });
  entries = {};
  const int rank = communicator.rank();
  FeatureBlock block = agree_on_errors(communicator, [&] {
    return feature_rows_from_entries(path, owned, row_blocks.begin(rank), row_blocks.size(rank),
                                     header.cols);
  });
  agree_on_errors(communicator,
                  [&] { check_feature_row_count(path, header.rows, blocks.num_nodes); });
  return block;
}

}  // namespace

GraphShare read_graph_share(const Communicator& communicator, const std::string& path,
                            const EdgeListOptions& options) {
  const GraphFileFormat format =
      agree_on_errors(communicator, [&] { return graph_file_format(path); });
  return format == GraphFileFormat::matrix_market
             ? read_matrix_market_graph_share(communicator, path, options)
             : read_edge_list_share(communicator, path, options);
}

FeatureBlock read_feature_block(const Communicator& communicator, const std::string& path,
                                const std::string& dataset, const NodeBlocks& blocks) {
  if (blocks.num_ranks != communicator.size()) {
    throw std::invalid_argument("read_feature_block: blocks for another number of ranks");
  }
  if (path.empty()) {
    FeatureBlock featureless;
    featureless.row_start.assign(static_cast<std::size_t>(blocks.size(communicator.rank())) + 1, 0);
    return featureless;
  }
  const FeatureFileFormat format =
      agree_on_errors(communicator, [&] { return feature_file_format(path, dataset); });
  return format == FeatureFileFormat::hdf5
             ? read_hdf5_feature_block(communicator, path, dataset, blocks)
             : read_matrix_market_feature_block(communicator, path, blocks);
}

NodeIdShare read_node_id_share(const Communicator& communicator, const std::string& path) {
  const LineRange range =
      agree_on_errors(communicator, [&] { return whole_file_range(communicator, path); });
  const std::int64_t first_line = 1 + communicator.exclusive_sum(range.lines);
  NodeIdRange part = agree_on_errors(
      communicator, [&] { return read_node_id_range(path, range.bytes, first_line); });
  const auto count = static_cast<std::int64_t>(part.ids.size());
  const std::int64_t total = communicator.allreduce_sum(count);
  agree_on_errors(communicator, [&] { check_node_ids_found(path, total); });
  NodeIdShare share;
  share.source_path = path;
  share.first_position = communicator.exclusive_sum(count);
  share.ids = std::move(part.ids);
  share.line_numbers = std::move(part.line_numbers);
  return share;
}

}  // namespace distgae
