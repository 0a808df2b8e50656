// Graph readers: SNAP-style edge lists, MatrixMarket graphs and the read_graph dispatcher, on
// small real files, plus the bundled Cora edge list.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "io/graph_readers.hpp"
#include "io/text_scanner.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::contains;
using testing_util::input_error;
using testing_util::ScratchDirectoryTest;

class GraphReaderTest : public ScratchDirectoryTest {
 protected:
  GraphReaderTest() : ScratchDirectoryTest("distgae-graph", "edges.txt") {}
};

using Edges = std::vector<NodePair>;

TEST_F(GraphReaderTest, EdgeListSkipsCommentsBlankLinesAndCarriageReturns) {
  const std::string path =
      write("# SNAP header\n% another comment\n\n0 1\r\n  2\t3  \n   \n\t# indented comment\n4 0");
  const RawGraph graph = read_edge_list(path);
  EXPECT_EQ(graph.edges, (Edges{{0, 1}, {2, 3}, {4, 0}}));
  EXPECT_EQ(graph.data_lines, 3);
  EXPECT_EQ(graph.weighted_lines, 0);
  EXPECT_EQ(graph.source_path, path);
  EXPECT_FALSE(graph.declared_num_nodes.has_value());
}

TEST_F(GraphReaderTest, EdgeListKeepsAnyInt64IdsInFileOrder) {
  constexpr GlobalId kMin = std::numeric_limits<GlobalId>::min();
  constexpr GlobalId kMax = std::numeric_limits<GlobalId>::max();
  const std::string path =
      write("-5 7\n9223372036854775807 -9223372036854775808\n3 3\n7 -5\n+8 1\n");
  EXPECT_EQ(read_edge_list(path).edges, (Edges{{-5, 7}, {kMax, kMin}, {3, 3}, {7, -5}, {8, 1}}));
}

TEST_F(GraphReaderTest, EdgeListIgnoresWeightsWithOneWarningPerFile) {
  const std::string path = write("0 1 0.5\n1 2\n2 3 7\n3 4 -1e3\n");
  ::testing::internal::CaptureStderr();
  const RawGraph graph = read_edge_list(path);
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(graph.edges, (Edges{{0, 1}, {1, 2}, {2, 3}, {3, 4}}));
  EXPECT_EQ(graph.weighted_lines, 3);
  EXPECT_EQ(graph.data_lines, 4);
  EXPECT_TRUE(contains(warnings, "weights are ignored"));
  EXPECT_TRUE(contains(warnings, path));
  EXPECT_EQ(std::count(warnings.begin(), warnings.end(), '\n'), 1) << warnings;
}

TEST_F(GraphReaderTest, EdgeListErrorsNameFileAndLine) {
  std::string lines;
  for (int i = 0; i < 16; ++i) lines += std::to_string(i) + " " + std::to_string(i + 1) + "\n";
  const std::string path = write(lines + "abc 3\n");
  EXPECT_EQ(input_error([&] { read_edge_list(path); }),
            path + ":17: expected an integer node id, got 'abc'");

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0 1\n5\n", ":2: expected two node ids 'u v [weight]', got one column: '5'"},
      {"0 1 1 1\n", ":1: expected 'u v [weight]', got more than three columns: '0 1 1 1'"},
      {"0 1\n1 \x02\n", ":2: expected an integer node id, got '\\x02'"},
      {"0 1.5\n", ":1: expected an integer node id, got '1.5'"},
      {"0 1 heavy\n", ":1: expected a numeric weight in the third column, got 'heavy'"},
      {"# c\n1 9223372036854775808\n",
       ":2: node id '9223372036854775808' does not fit in a 64-bit"},
      {"-9223372036854775809 1\n", ":1: node id '-9223372036854775809' does not fit in a 64-bit"},
  };
  for (const auto& [content, expected] : cases) {
    const std::string file = write(content, "bad.txt");
    EXPECT_TRUE(contains(input_error([&] { read_edge_list(file); }), file + expected)) << content;
  }
}

// A 10 MB line (a binary file given as a graph, a file without newlines) is quoted in 80 bytes.
TEST_F(GraphReaderTest, EdgeListErrorOnAHugeLineStaysShort) {
  const std::string path = write("0 1\n1 " + std::string(10 << 20, 'q') + " 2\n");
  const std::string message = input_error([&] { read_edge_list(path); });
  EXPECT_EQ(message, path + ":2: expected an integer node id, got '" + std::string(80, 'q') +
                         "...' (10485760 bytes)");
}

// Each declared node is allocated downstream, so a header of a few bytes may not declare
// billions of nodes that no edge names; the same count given by the caller is accepted.
TEST_F(GraphReaderTest, EdgeListNodesHeaderFarBeyondItsEdgesIsRefused) {
  const std::string path = write("# c\n# nodes: 1000000000000\n0 1\n");
  EXPECT_EQ(input_error([&] { read_edge_list(path); }),
            path +
                ":2: '# nodes: 1000000000000' declares more nodes than its 1 edges name plus "
                "16777216 isolated ones; refused, as every declared node costs memory (give "
                "--num-nodes to mean it)");
  EdgeListOptions options;
  options.id_bound = 1000000000000;
  EXPECT_EQ(read_edge_list(path, options).declared_num_nodes, 1000000000000);
  // Up to the allowance plus two nodes per edge is accepted.
  const std::string edge = write("# nodes: 16777218\n0 1\n", "edge.txt");
  EXPECT_EQ(read_edge_list(edge).declared_num_nodes, 16777218);
  const std::string beyond = write("# nodes: 16777219\n0 1\n", "beyond.txt");
  EXPECT_TRUE(contains(input_error([&] { read_edge_list(beyond); }), beyond + ":1: "));
}

TEST_F(GraphReaderTest, MatrixMarketGraphFarMoreNodesThanEntriesIsRefused) {
  const std::string path =
      write("%%MatrixMarket matrix coordinate pattern general\n99999999999 99999999999 1\n2 1\n",
            "g.mtx");
  EXPECT_EQ(input_error([&] { read_graph(path); }),
            path +
                ":2: a 99999999999 x 99999999999 matrix with 1 entries declares more nodes "
                "than its entries name plus 16777216 isolated ones; refused, as every "
                "declared node costs memory");
}

TEST_F(GraphReaderTest, EdgeListWithoutEdgesIsAnError) {
  const std::string path = write("# only a comment\n\n% and another\n");
  EXPECT_TRUE(contains(input_error([&] { read_edge_list(path); }), path + ": no edges"));
  const std::string empty = write("", "empty.txt");
  EXPECT_TRUE(contains(input_error([&] { read_graph(empty); }), empty + ": no edges"));
}

TEST_F(GraphReaderTest, UnopenableFileIsAnError) {
  const std::string path = this->path("absent.txt");
  EXPECT_TRUE(contains(input_error([&] { read_edge_list(path); }), path + ": cannot open"));
  EXPECT_TRUE(contains(input_error([&] { read_graph(path); }), path + ": cannot open"));
}

TEST_F(GraphReaderTest, EdgeListChecksTheIdBound) {
  const std::string path = write("0 1\n2 4\n3 5\n");
  EdgeListOptions options;
  options.id_bound = 5;
  EXPECT_EQ(input_error([&] { read_edge_list(path, options); }),
            path + ":3: node id 5 outside [0, 5)");
  const std::string negative = write("0 1\n-1 2\n", "negative.txt");
  EXPECT_EQ(input_error([&] { read_edge_list(negative, options); }),
            negative + ":2: node id -1 outside [0, 5)");
  options.id_bound = 6;
  EXPECT_EQ(read_edge_list(path, options).edges.size(), 3u);
}

TEST_F(GraphReaderTest, EdgeListNodesHeaderDeclaresTheNodeCount) {
  const std::string path = write("# name: g\n# nodes: 6\n# edges: 2\n0 1\n2 3\n");
  const RawGraph graph = read_edge_list(path);
  EXPECT_EQ(graph.declared_num_nodes, 6);
  EXPECT_EQ(graph.edges, (Edges{{0, 1}, {2, 3}}));
  EXPECT_EQ(read_edge_list(write("\n#nodes:7  \n%c\n0 1\n", "tight.txt")).declared_num_nodes, 7);
  // SNAP's capitalised count, '%' comments and comments after the first edge are not headers.
  const std::string snap =
      write("# Nodes: 2 Edges: 1\n% nodes: 3\n10 20\n# nodes: 4\n", "snap.txt");
  EXPECT_FALSE(read_edge_list(snap).declared_num_nodes.has_value());
}

TEST_F(GraphReaderTest, EdgeListNodesHeaderBoundsTheIds) {
  const std::string path = write("# name: g\n# nodes: 4\n0 1\n2 4\n");
  EXPECT_EQ(input_error([&] { read_edge_list(path); }),
            path + ":4: node id 4 outside [0, 4) (the '# nodes: 4' header on line 2)");
}

TEST_F(GraphReaderTest, EdgeListNodesHeaderMustAgreeWithTheIdBound) {
  const std::string path = write("# name: g\n# nodes: 4\n0 1\n2 3\n");
  EdgeListOptions options;
  options.id_bound = 5;
  EXPECT_EQ(input_error([&] { read_edge_list(path, options); }),
            path + ":2: '# nodes: 4' disagrees with --num-nodes 5");
  EXPECT_TRUE(contains(input_error([&] { read_graph(path, options); }), path + ":2: "));
  options.id_bound = 4;
  EXPECT_EQ(read_edge_list(path, options).declared_num_nodes, 4);
  const std::string twice = write("# nodes: 4\n# nodes: 5\n0 1\n", "twice.txt");
  EXPECT_EQ(input_error([&] { read_edge_list(twice); }),
            twice + ":2: '# nodes: 5' disagrees with the header on line 1 ('# nodes: 4')");
}

TEST_F(GraphReaderTest, EdgeListMalformedNodesHeaderIsAnError) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"# nodes: many\n0 1\n",
       ":1: malformed '# nodes:' header: expected a positive integer "
       "node count, got 'many'"},
      {"# c\n# nodes: -3\n0 1\n",
       ":2: malformed '# nodes:' header: expected a positive "
       "integer node count, got '-3'"},
      {"# nodes: 0\n0 1\n", ":1: malformed '# nodes:' header"},
      {"# nodes:\n0 1\n", ":1: malformed '# nodes:' header"},
      {"# nodes: 12 edges: 34\n0 1\n", ":1: malformed '# nodes:' header"},
      {"# nodes: 2.5\n0 1\n", ":1: malformed '# nodes:' header"},
      {"# nodes: 99999999999999999999\n0 1\n", ":1: malformed '# nodes:' header"},
  };
  for (const auto& [content, expected] : cases) {
    const std::string file = write(content, "bad.txt");
    EXPECT_TRUE(contains(input_error([&] { read_edge_list(file); }), file + expected)) << content;
  }
}

// A 4-byte chunk makes every line cross a refill and several outgrow the buffer.
TEST_F(GraphReaderTest, LineReaderSplitsLinesAcrossTinyChunks) {
  const std::string path = write("ab\r\n\nlonger than four\r\nx\n\n  last without newline");
  LineReader lines(path, 4);
  std::vector<std::string> seen;
  std::string_view line;
  while (lines.next(line)) seen.emplace_back(line);
  EXPECT_EQ(seen, (std::vector<std::string>{"ab", "", "longer than four", "x", "",
                                            "  last without newline"}));
  EXPECT_EQ(lines.line_number(), 6);
}

TEST_F(GraphReaderTest, LineReaderParsesNumbersWholeTokensOnly) {
  std::int64_t id = 0;
  EXPECT_EQ(parse_int64("-42", id), ParseStatus::ok);
  EXPECT_EQ(id, -42);
  EXPECT_EQ(parse_int64("+42", id), ParseStatus::ok);
  EXPECT_EQ(id, 42);
  EXPECT_EQ(parse_int64("42x", id), ParseStatus::not_a_number);
  EXPECT_EQ(parse_int64("+-1", id), ParseStatus::not_a_number);
  EXPECT_EQ(parse_int64("", id), ParseStatus::not_a_number);
  EXPECT_EQ(parse_int64("9223372036854775808", id), ParseStatus::out_of_range);
  double value = 0.0;
  EXPECT_EQ(parse_double("-1.5e3", value), ParseStatus::ok);
  EXPECT_EQ(value, -1500.0);
  EXPECT_EQ(parse_double("1e-310", value), ParseStatus::ok);  // subnormal, still a number
  EXPECT_EQ(parse_double("1,5", value), ParseStatus::not_a_number);
}

TEST(QuoteExcerpt, EscapesUnprintableBytesAndCutsAt80) {
  EXPECT_EQ(quote_excerpt("abc"), "'abc'");
  EXPECT_EQ(quote_excerpt(""), "''");
  EXPECT_EQ(quote_excerpt(std::string("a\x01\x07\tb\0\x7f\x80\xff", 9)),
            "'a\\x01\\x07\\x09b\\x00\\x7f\\x80\\xff'");
  EXPECT_EQ(quote_excerpt("C:\\x41"), "'C:\\\\x41'");  // a backslash cannot pass for an escape
  EXPECT_EQ(quote_excerpt("\x1b[2J"), "'\\x1b[2J'");   // no terminal escape gets through
  const std::string eighty(80, 'z');
  EXPECT_EQ(quote_excerpt(eighty), "'" + eighty + "'");
  EXPECT_EQ(quote_excerpt(eighty + "!"), "'" + eighty + "...' (81 bytes)");
  EXPECT_EQ(quote_excerpt(std::string(10 << 20, '\n')).size(), 80 * 4 + 2 + 3 + 17);
}

TEST_F(GraphReaderTest, MatrixMarketGraphTurnsNonZerosIntoEdges) {
  const std::string path =
      write("%%MatrixMarket matrix coordinate real general\n5 5 4\n1 2 1\n2 3 0\n4 1 1\n5 5 1\n",
            "g.mtx");
  const RawGraph graph = read_matrix_market_graph(path);
  EXPECT_EQ(graph.edges, (Edges{{0, 1}, {3, 0}, {4, 4}}));
  EXPECT_EQ(graph.declared_num_nodes, 5);
  EXPECT_EQ(graph.data_lines, 4);
}

TEST_F(GraphReaderTest, MatrixMarketSymmetricPatternGraphGivesBothDirections) {
  const std::string path =
      write("%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n3 3\n", "g.mtx");
  const RawGraph graph = read_matrix_market_graph(path);
  EXPECT_EQ(graph.edges, (Edges{{1, 0}, {0, 1}, {2, 2}}));
  EXPECT_EQ(graph.weighted_lines, 0);
}

TEST_F(GraphReaderTest, MatrixMarketArrayGraphKeepsNonZeros) {
  const std::string path =
      write("%%MatrixMarket matrix array integer general\n2 2\n0\n1\n1\n0\n", "g.mtx");
  EXPECT_EQ(read_matrix_market_graph(path).edges, (Edges{{1, 0}, {0, 1}}));
}

TEST_F(GraphReaderTest, MatrixMarketGraphMustBeSquareAndHaveEdges) {
  const std::string rectangular =
      write("%%MatrixMarket matrix coordinate pattern general\n2 3 1\n1 3\n", "r.mtx");
  EXPECT_TRUE(contains(input_error([&] { read_matrix_market_graph(rectangular); }),
                       rectangular + ":2: a graph's matrix must be square, got 2 x 3"));
  const std::string zeros =
      write("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 0\n", "z.mtx");
  EXPECT_TRUE(
      contains(input_error([&] { read_matrix_market_graph(zeros); }), zeros + ": no edges"));
}

TEST_F(GraphReaderTest, ReadGraphDispatchesOnTheFirstBytes) {
  const std::string mtx =
      write("%%MatrixMarket matrix coordinate pattern general\n3 3 1\n1 3\n", "graph.txt");
  EXPECT_EQ(read_graph(mtx).declared_num_nodes, 3);
  const std::string list = write("% a comment, not a banner\n1 2\n", "list.mtx");
  EXPECT_EQ(read_graph(list).edges, (Edges{{1, 2}}));
  EdgeListOptions options;
  options.id_bound = 2;
  EXPECT_TRUE(contains(input_error([&] { read_graph(mtx, options); }), "3 rows"));
  EXPECT_TRUE(contains(input_error([&] { read_graph(list, options); }), ":2: node id 2 outside"));
  const std::string hdf5 = write(std::string("\x89HDF\r\n\x1a\n", 8) + "rest", "g.h5");
  EXPECT_TRUE(contains(input_error([&] { read_graph(hdf5); }), hdf5 + ": is an HDF5 file"));
}

TEST_F(GraphReaderTest, LeadingUtf8ByteOrderMarkIsSkipped) {
  const std::string bom = "\xEF\xBB\xBF";
  EXPECT_EQ(read_graph(write(bom + "4 5\n")).edges, (Edges{{4, 5}}));
  const std::string mtx =
      write(bom + "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 2\n", "g.mtx");
  EXPECT_EQ(read_graph(mtx).declared_num_nodes, 2);
}

TEST(GraphReaderCora, BundledEdgeListHas5278EdgesAnd2708Nodes) {
  const RawGraph graph = read_graph(std::string(DISTGAE_TEST_DATA) + "/cora/edges.txt");
  EXPECT_EQ(graph.declared_num_nodes, 2708);
  EXPECT_EQ(graph.edges.size(), 5278u);
  EXPECT_EQ(graph.data_lines, 5278);
  EXPECT_EQ(graph.weighted_lines, 0);
}

}  // namespace
}  // namespace distgae
