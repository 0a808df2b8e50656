// The collective input readers (partition/distributed/share_readers.hpp): every rank's share,
// gathered in rank order, is what the single-process reader gives for the whole file (Cora's
// edge list and features, a MatrixMarket graph, an HDF5 feature dataset, a node-id list), and a
// bad line in any rank's range makes every rank throw the single-process reader's message.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "core/error.hpp"
#include "io/feature_readers.hpp"
#include "io/graph_readers.hpp"
#include "io/h5_file.hpp"
#include "io/node_id_list.hpp"
#include "partition/distributed/share_readers.hpp"

namespace distgae {
namespace {

const std::string kCoraEdges = DISTGAE_TEST_DATA "/cora/edges.txt";
const std::string kCoraFeatures = DISTGAE_TEST_DATA "/cora/features.mtx";

// A directory every rank sees, made by rank 0 for one test and removed at its end.
class SharedDirectory {
 public:
  explicit SharedDirectory(const Communicator& world) : world_(world) {
    std::string dir;
    if (world.rank() == 0) {
      const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      dir = (std::filesystem::temp_directory_path() /
             ("distgae-share-" + std::to_string(::getpid()) + "-" + name))
                .string();
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
    }
    dir_ = world.broadcast(dir);
  }
  ~SharedDirectory() {
    world_.barrier();
    std::error_code ignored;
    if (world_.rank() == 0) std::filesystem::remove_all(dir_, ignored);
  }
  SharedDirectory(const SharedDirectory&) = delete;
  SharedDirectory& operator=(const SharedDirectory&) = delete;

  // Rank 0 writes `content` to `name`; every rank gets its path once it is there.
  std::string write(const std::string& name, const std::string& content) const {
    const std::string file = dir_ + "/" + name;
    if (world_.rank() == 0) std::ofstream(file, std::ios::binary) << content;
    world_.barrier();
    return file;
  }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  const Communicator& world_;
  std::string dir_;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<NodePair> gather_pairs(const Communicator& world, const std::vector<NodePair>& pairs) {
  std::vector<std::int64_t> flat;
  for (const NodePair& pair : pairs) {
    flat.push_back(pair.first);
    flat.push_back(pair.second);
  }
  const std::vector<std::int64_t> all = world.allgatherv(std::span<const std::int64_t>(flat));
  std::vector<NodePair> gathered;
  for (std::size_t i = 0; i + 1 < all.size(); i += 2) gathered.push_back({all[i], all[i + 1]});
  return gathered;
}

// Every rank's feature rows, concatenated in rank order.
FeatureMatrix gather_rows(const Communicator& world, const FeatureMatrix& block) {
  FeatureMatrix all;
  all.n_cols = block.n_cols;
  const std::vector<std::int64_t> lengths = [&] {
    std::vector<std::int64_t> local;
    for (std::int64_t r = 0; r < block.n_rows(); ++r) local.push_back(block.row_length(r));
    return world.allgatherv(std::span<const std::int64_t>(local));
  }();
  for (const std::int64_t length : lengths) all.row_start.push_back(all.row_start.back() + length);
  const std::vector<std::int64_t> cols(block.col_index.begin(), block.col_index.end());
  for (const std::int64_t col : world.allgatherv(std::span<const std::int64_t>(cols))) {
    all.col_index.push_back(static_cast<std::int32_t>(col));
  }
  world.allgatherv(std::span<const float>(block.values), all.values);
  return all;
}

void expect_same_rows(const FeatureMatrix& actual, const FeatureMatrix& expected) {
  EXPECT_EQ(actual.n_cols, expected.n_cols);
  EXPECT_EQ(actual.row_start, expected.row_start);
  EXPECT_EQ(actual.col_index, expected.col_index);
  EXPECT_EQ(actual.values, expected.values);
}

// The message every rank's AgreedError carries, without the "[rank r/P] " the agreement adds
// when not every rank failed; fails the test when a rank throws nothing or something else.
template <class Read>
std::string agreed_message(Read&& read) {
  try {
    read();
  } catch (const AgreedError& error) {
    EXPECT_EQ(error.exit_code(), kExitBadInput);
    std::string message = error.what();
    if (message.starts_with("[rank ")) message = message.substr(message.find("] ") + 2);
    return message;
  } catch (const std::exception& error) {
    ADD_FAILURE() << "not an AgreedError: " << error.what();
    return "";
  }
  ADD_FAILURE() << "no error";
  return "";
}

template <class Read>
std::string input_error(Read&& read) {
  try {
    read();
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

TEST(ShareReaders, CoraEdgeListSharesConcatenateToTheWholeFile) {
  const Communicator world = Communicator::world();
  const GraphShare share = read_graph_share(world, kCoraEdges);
  const RawGraph whole = read_graph(kCoraEdges);
  EXPECT_EQ(gather_pairs(world, share.edges), whole.edges);
  EXPECT_EQ(share.declared_num_nodes, whole.declared_num_nodes);
  EXPECT_EQ(share.data_lines, whole.data_lines);
  EXPECT_EQ(share.weighted_lines, whole.weighted_lines);
  EXPECT_EQ(share.source_path, kCoraEdges);
  // Each rank holds about its share, not the whole file.
  if (world.size() > 1) {
    EXPECT_LT(share.edges.size(), whole.edges.size() * 3 / 4);
  }
}

TEST(ShareReaders, MatrixMarketGraphSharesConcatenateToTheWholeFile) {
  const Communicator world = Communicator::world();
  const SharedDirectory dir(world);
  // Cora as a symmetric pattern matrix: each edge u < v once, in the lower triangle.
  std::string content = "%%MatrixMarket matrix coordinate pattern symmetric\n% cora\n";
  const RawGraph cora = read_graph(kCoraEdges);
  content += "2708 2708 " + std::to_string(cora.edges.size()) + "\n";
  for (const NodePair& edge : cora.edges) {
    content += std::to_string(edge.second + 1) + " " + std::to_string(edge.first + 1) + "\n";
  }
  const std::string path = dir.write("cora.mtx", content);
  const GraphShare share = read_graph_share(world, path);
  const RawGraph whole = read_graph(path);
  EXPECT_EQ(gather_pairs(world, share.edges), whole.edges);
  EXPECT_EQ(share.declared_num_nodes, 2708);
  EXPECT_EQ(share.data_lines, whole.data_lines);
  EXPECT_EQ(share.weighted_lines, 0);
}

TEST(ShareReaders, CoraFeatureBlocksAreTheWholeFilesRows) {
  const Communicator world = Communicator::world();
  const NodeBlocks blocks(2708, world.size());
  const FeatureBlock block = read_feature_block(world, kCoraFeatures, "features", blocks);
  EXPECT_EQ(block.n_rows(), blocks.size(world.rank()));
  expect_same_rows(gather_rows(world, block), read_features(kCoraFeatures));
}

TEST(ShareReaders, Hdf5FeatureBlocksAreTheWholeDatasetsRows) {
  const Communicator world = Communicator::world();
  const SharedDirectory dir(world);
  constexpr hsize_t kRows = 37, kCols = 6;
  const std::string path = dir.path("features.h5");
  if (world.rank() == 0) {
    std::vector<double> values(kRows * kCols);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = i % 4 == 1 ? 0.0 : 0.25 * i;
    H5File(path, H5File::Mode::kCreate).write("group/x", values, {kRows, kCols});
  }
  world.barrier();
  const NodeBlocks blocks(kRows, world.size());
  const FeatureBlock block = read_feature_block(world, path, "group/x", blocks);
  EXPECT_EQ(block.n_rows(), blocks.size(world.rank()));
  expect_same_rows(gather_rows(world, block), read_features(path, "group/x"));
}

TEST(ShareReaders, AFeatureRowCountOtherThanTheGraphsIsLoadFeaturesError) {
  const Communicator world = Communicator::world();
  const std::string expected =
      input_error([] { check_feature_row_count(kCoraFeatures, 2708, 2709); });
  EXPECT_EQ(agreed_message([&] {
              read_feature_block(world, kCoraFeatures, "features", NodeBlocks(2709, world.size()));
            }),
            expected);
}

TEST(ShareReaders, WithoutAFeatureFileEachRankHasEmptyRows) {
  const Communicator world = Communicator::world();
  const NodeBlocks blocks(10, world.size());
  const FeatureBlock block = read_feature_block(world, "", "features", blocks);
  EXPECT_EQ(block.n_cols, 0);
  EXPECT_EQ(block.n_rows(), blocks.size(world.rank()));
  EXPECT_EQ(block.nnz(), 0);
}

// Cora's edge list with line `line` (1-based) replaced by `replacement`.
std::string cora_with_line(long long line, const std::string& replacement) {
  std::istringstream in(read_text(kCoraEdges));
  std::string content, text;
  for (long long number = 1; std::getline(in, text); ++number) {
    content += (number == line ? replacement : text) + "\n";
  }
  return content;
}

TEST(ShareReaders, ABadLineInAnyRanksRangeFailsEveryRankWithTheWholeFileMessage) {
  const Communicator world = Communicator::world();
  const SharedDirectory dir(world);
  // Lines early, in the middle and at the end of the file: held by the first, a middle and the
  // last rank's ranges.
  for (const long long line : {7LL, 2700LL, 5283LL}) {
    SCOPED_TRACE(line);
    const std::string path = dir.write("edges.txt", cora_with_line(line, "12 x7"));
    const std::string expected = input_error([&] { read_graph(path); });
    EXPECT_TRUE(expected.starts_with(path + ":" + std::to_string(line) + ": ")) << expected;
    EXPECT_EQ(agreed_message([&] { read_graph_share(world, path); }), expected);
  }
  // Two bad lines: the earlier one is reported.
  std::string content = cora_with_line(4000, "3 4 5 6");
  content = content.substr(0, content.find("\n", 200) + 1) + "9\n" +
            content.substr(content.find("\n", 200) + 1);
  const std::string path = dir.write("edges.txt", content);
  const std::string expected = input_error([&] { read_graph(path); });
  EXPECT_EQ(agreed_message([&] { read_graph_share(world, path); }), expected);
}

TEST(ShareReaders, ABadFeatureLineOrCountFailsEveryRankWithTheWholeFileMessage) {
  const Communicator world = Communicator::world();
  const SharedDirectory dir(world);
  const std::string cora = read_text(kCoraFeatures);
  const NodeBlocks blocks(2708, world.size());
  const std::size_t late = cora.find("\n", cora.size() * 9 / 10) + 1;
  const std::vector<std::string> files = {
      cora.substr(0, late) + "17 3 nan\n" + cora.substr(late),  // a bad value (and one extra)
      cora.substr(0, late) + "1 20 2\n" + cora.substr(late),    // a duplicate, one too many
      cora.substr(0, cora.rfind("\n", cora.size() - 2) + 1),    // the last entry missing
  };
  for (const std::string& content : files) {
    const std::string path = dir.write("features.mtx", content);
    const std::string expected = input_error([&] { read_features(path); });
    EXPECT_NE(expected, "");
    EXPECT_EQ(agreed_message([&] { read_feature_block(world, path, "features", blocks); }),
              expected);
  }
}

TEST(ShareReaders, NodeIdSharesAreTheWholeListWithTheirLines) {
  const Communicator world = Communicator::world();
  const SharedDirectory dir(world);
  std::string content = "# node ids\n";
  for (int i = 0; i < 1000; ++i) content += std::to_string(999 - i) + (i % 7 == 0 ? "\n\n" : "\n");
  const std::string path = dir.write("ids.txt", content);
  const NodeIdShare share = read_node_id_share(world, path);
  const std::vector<GlobalId> all = world.allgatherv(std::span<const std::int64_t>(share.ids));
  EXPECT_EQ(all, read_node_id_list(path));
  EXPECT_EQ(share.first_position, world.exclusive_sum(static_cast<std::int64_t>(share.ids.size())));
  const std::vector<std::int64_t> lines =
      world.allgatherv(std::span<const std::int64_t>(share.line_numbers));
  ASSERT_EQ(lines.size(), 1000u);
  EXPECT_EQ(lines.front(), 2);
  EXPECT_EQ(lines.back(), 1000 + 1 + (999 / 7 + 1));
  // A bad id on the last line.
  const std::string bad = dir.write("bad.txt", content + "12 13\n");
  const std::string expected = input_error([&] { read_node_id_list(bad); });
  EXPECT_EQ(agreed_message([&] { read_node_id_share(world, bad); }), expected);
}

}  // namespace
}  // namespace distgae
