// The edge-list and MatrixMarket graph readers by byte range: a file split into ranges at every
// byte (small files) or many (Cora), each range parsed in order as the ranks of a job parse
// theirs, gives the whole-file reader's edges and counts, and a bad line the whole-file reader's
// message and line number whichever range holds it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/graph_readers.hpp"
#include "io/matrix_market.hpp"
#include "range_split.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::describe;
using testing_util::ScratchDirectoryTest;
using testing_util::Split;

class GraphRangeTest : public ScratchDirectoryTest {
 protected:
  GraphRangeTest() : ScratchDirectoryTest("distgae-graph-range", "edges.txt") {}
};

// What a read gives: the graph, or the message of its InputError.
struct Outcome {
  std::vector<NodePair> edges;
  std::int64_t data_lines = 0;
  std::int64_t weighted_lines = 0;
  std::optional<GlobalId> declared_num_nodes;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

template <class Read>
Outcome outcome_of(Read&& read) {
  Outcome outcome;
  try {
    read(outcome);
  } catch (const InputError& error) {
    outcome = Outcome{};
    outcome.error = error.what();
  }
  return outcome;
}

Outcome whole_file(const std::string& path, const EdgeListOptions& options = {}) {
  return outcome_of([&](Outcome& out) {
    const RawGraph graph = read_graph(path, options);
    out.edges = graph.edges;
    out.data_lines = graph.data_lines;
    out.weighted_lines = graph.weighted_lines;
    out.declared_num_nodes = graph.declared_num_nodes;
  });
}

// The edge list read range by range (the first failing range's error is the one ranks agree
// on: the lowest failing rank's).
Outcome edge_list_by_ranges(const std::string& path, const Split& split,
                            const EdgeListOptions& options = {}) {
  return outcome_of([&](Outcome& out) {
    const EdgeListPrologue prologue = read_edge_list_prologue(path, options);
    const std::vector<std::int64_t> firsts = testing_util::first_lines(path, split);
    for (std::size_t i = 0; i < split.size(); ++i) {
      const RawGraph part = read_edge_list_range(path, split[i], firsts[i], prologue);
      out.edges.insert(out.edges.end(), part.edges.begin(), part.edges.end());
      out.data_lines += part.data_lines;
      out.weighted_lines += part.weighted_lines;
    }
    check_edge_list_totals(path, prologue, options, static_cast<std::int64_t>(out.edges.size()));
    out.declared_num_nodes = prologue.declared_num_nodes;
  });
}

void expect_every_split_reads_as_whole(const std::string& path, std::uint64_t every_byte_limit,
                                       const EdgeListOptions& options = {}) {
  const Outcome expected = whole_file(path, options);
  const std::uint64_t size = regular_file_size(path);
  for (const Split& split : testing_util::splits_to_try(path, {0, size}, every_byte_limit)) {
    EXPECT_EQ(edge_list_by_ranges(path, split, options), expected)
        << describe(split) << "\nexpected error: " << expected.error;
  }
}

TEST_F(GraphRangeTest, EdgeListWithCommentsBlankLinesCrLfHeaderAndWeights) {
  const std::string path = write(
      "\xEF\xBB\xBF# a comment\n# nodes: 9\n% other\n\n0 1\r\n2 3 0.5\n  4\t5\n# late comment\n\n"
      "6 7 1e3\n8 0");
  const Outcome expected = whole_file(path);
  ASSERT_EQ(expected.error, "");
  EXPECT_EQ(expected.edges.size(), 5u);
  EXPECT_EQ(expected.weighted_lines, 2);
  EXPECT_EQ(expected.declared_num_nodes, 9);
  expect_every_split_reads_as_whole(path, 4096);
}

TEST_F(GraphRangeTest, CoraEdgeList) {
  const std::string path = std::string(DISTGAE_TEST_DATA) + "/cora/edges.txt";
  const Outcome expected = whole_file(path);
  ASSERT_EQ(expected.error, "");
  EXPECT_EQ(expected.edges.size(), 5278u);
  expect_every_split_reads_as_whole(path, 0);
}

TEST_F(GraphRangeTest, ABadLineGivesTheWholeFileMessageWhicheverRangeHoldsIt) {
  const std::vector<std::string> bad_files = {
      "0 1\n1 abc\n2 3\n",
      "0 1\n\n# c\n1 x\n2 3\n4 y z w\n",  // two bad lines: the first one is reported
      "0 1\n2 3\n4\n",
      "0 1\n0 1 2 3\n5 6\n",
      "0 1 0.5\n1 2 heavy\n",
      "0 1\n1 18446744073709551616\n",
      "# nodes: 4\n0 1\n\n1 2\n2 4\n3 9\n",  // ids bounded by the header on line 1
      "# nodes: 0\n0 1\n",
      "# nodes: 1000000000000\n0 1\n",  // more nodes than the edges warrant
      "# only comments\n\n% and blank lines\n",
      "",
  };
  for (const std::string& content : bad_files) {
    SCOPED_TRACE(content);
    const std::string path = write(content);
    ASSERT_NE(whole_file(path).error, "");
    expect_every_split_reads_as_whole(path, 4096);
  }
}

TEST_F(GraphRangeTest, TheCallersIdBoundIsCheckedOnEveryRange) {
  const std::string path = write("0 1\n1 2\n2 3\n3 4\n");
  EdgeListOptions options;
  options.id_bound = 4;
  ASSERT_NE(whole_file(path, options).error, "");
  expect_every_split_reads_as_whole(path, 4096, options);
  const std::string with_header = write("# nodes: 5\n0 1\n", "header.txt");
  ASSERT_NE(whole_file(with_header, options).error, "");  // the header disagrees
  expect_every_split_reads_as_whole(with_header, 4096, options);
}

// A MatrixMarket graph read range by range over its entries' region, as read_graph_share does.
Outcome matrix_market_by_ranges(const std::string& path, const Split& split) {
  return outcome_of([&](Outcome& out) {
    const MatrixMarketHeader header = MatrixMarketReader(path).header();
    check_graph_matrix_header(path, header);
    std::int64_t first_line = header.size_line + 1;
    std::int64_t first_entry = 0;
    std::int64_t non_unit_values = 0;
    for (const ByteRange& range : split) {
      const MatrixMarketLineCount count = count_matrix_market_lines(path, range);
      MatrixMarketReader reader(path, header, range, first_line, first_entry);
      reader.for_each_entry([&](const MatrixMarketEntry& entry) {
        add_matrix_entry_edge(entry, out.edges, non_unit_values);
      });
      EXPECT_EQ(reader.data_lines(), count.entry_lines);
      first_line += count.lines;
      first_entry += count.entry_lines;
    }
    check_entry_total(path, header, first_entry, first_line - 1);
    check_graph_matrix_totals(path, static_cast<std::int64_t>(out.edges.size()));
    out.data_lines = first_entry;
    if (header.field != MatrixMarketField::pattern) out.weighted_lines = first_entry;
    out.declared_num_nodes = header.rows;
  });
}

void expect_matrix_market_splits_read_as_whole(const std::string& path) {
  const Outcome expected = whole_file(path);
  const MatrixMarketHeader header = MatrixMarketReader(path).header();
  const ByteRange region{header.entries_offset, regular_file_size(path)};
  for (const Split& split : testing_util::splits_to_try(path, region)) {
    EXPECT_EQ(matrix_market_by_ranges(path, split), expected)
        << describe(split) << "\nexpected error: " << expected.error;
  }
}

TEST_F(GraphRangeTest, MatrixMarketCoordinateArrayAndSymmetricGraphs) {
  const std::vector<std::string> files = {
      "%%MatrixMarket matrix coordinate real general\n% c\n4 4 5\n1 2 1\n\n% mid comment\n"
      "2 3 0\n3 4 2.5\n4 1 1\n2 2 1",
      "%%MatrixMarket matrix coordinate pattern symmetric\n3 3 3\n2 1\n3 3\n3 2\n",
      // A byte-order mark and Windows line ends.
      "\xEF\xBB\xBF%%MatrixMarket matrix coordinate integer general\r\n% c\r\n3 3 3\r\n1 2 1\r\n"
      "\r\n3 1 2\r\n2 3 1\r\n",
      "%%MatrixMarket matrix array integer general\n3 3\n1\n0\n2\n0\n0\n1\n1\n1\n0\n",
      "%%MatrixMarket matrix array real symmetric\n% lower triangle, by columns\n4 4\n1\n0\n2\n"
      "0\n\n3\n0\n1\n0\n5\n0\n",
  };
  for (const std::string& content : files) {
    SCOPED_TRACE(content);
    const std::string path = write(content, "graph.mtx");
    ASSERT_EQ(whole_file(path).error, "");
    expect_matrix_market_splits_read_as_whole(path);
  }
}

TEST_F(GraphRangeTest, MatrixMarketErrorsNameTheWholeFilesLine) {
  const std::vector<std::string> files = {
      "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 2 1\n2 x 1\n3 1 1\n",
      "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 2 1\n2 3 1\n\n3 1 1\n",  // more
      "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 2 1\n% c\n2 3 1\n\n",    // fewer
      "%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n1 3\n",  // above diagonal
      "%%MatrixMarket matrix array real general\n2 2\n1.0\n2.0\n3.0\n",         // fewer (array)
      "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n5\n",         // more (array)
      "%%MatrixMarket matrix array real general\n2 2\n1\n2\nnan\n4\n",
      "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 2 0\n2 3 0\n",  // no non-zero
  };
  for (const std::string& content : files) {
    SCOPED_TRACE(content);
    const std::string path = write(content, "graph.mtx");
    ASSERT_NE(whole_file(path).error, "");
    expect_matrix_market_splits_read_as_whole(path);
  }
}

}  // namespace
}  // namespace distgae
