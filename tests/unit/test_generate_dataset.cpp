#include "generate/synthetic_dataset.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {
namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

SbmParams sbm_params() {
  SbmParams p;
  p.nodes = 3000;
  p.edges = 30000;
  p.communities = 5;
  p.features = 40;
  p.feature_nnz = 6;
  p.seed = 11;
  return p;
}

struct EdgeListContents {
  std::vector<std::string> header;  // '#' lines
  std::vector<std::pair<long long, long long>> edges;
};

EdgeListContents read_edge_list(const fs::path& path) {
  EdgeListContents contents;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("#")) {
      contents.header.push_back(line);
      continue;
    }
    std::istringstream fields(line);
    long long u = -1, v = -1;
    fields >> u >> v;
    contents.edges.emplace_back(u, v);
  }
  return contents;
}

// The number after "# key:" in the header.
long long header_count(const EdgeListContents& contents, const std::string& key) {
  for (const std::string& line : contents.header) {
    if (line.starts_with("# " + key + ":")) return std::stoll(line.substr(key.size() + 3));
  }
  ADD_FAILURE() << "no '# " << key << ":' line";
  return -1;
}

void expect_valid_edge_list(const EdgeListContents& contents, long long nodes) {
  ASSERT_EQ(contents.header.size(), 5u);
  EXPECT_TRUE(contents.header[0].starts_with("# name: "));
  EXPECT_EQ(header_count(contents, "nodes"), nodes);
  EXPECT_EQ(header_count(contents, "edges"), static_cast<long long>(contents.edges.size()));
  EXPECT_TRUE(contents.header[3].starts_with("# format: "));
  EXPECT_TRUE(contents.header[4].starts_with("# generator: distgae generate "));
  EXPECT_TRUE(std::is_sorted(contents.edges.begin(), contents.edges.end()));
  EXPECT_EQ(std::adjacent_find(contents.edges.begin(), contents.edges.end()), contents.edges.end());
  for (const auto& [u, v] : contents.edges) {
    ASSERT_LE(0, u);
    ASSERT_LT(u, v);
    ASSERT_LT(v, nodes);
  }
}

GenerateOptions threads_and_chunks(int threads,
                                   std::int64_t chunk_lines = GenerateOptions{}.chunk_lines) {
  GenerateOptions options;
  options.threads = threads;
  options.chunk_lines = chunk_lines;
  return options;
}

class GenerateDatasetTest : public testing_util::ScratchDirectoryTest {
 protected:
  GenerateDatasetTest() : ScratchDirectoryTest("distgae-generate") {}
};

TEST_F(GenerateDatasetTest, SbmFilesHaveTheSharedFormat) {
  const fs::path out = path("sbm");
  const GeneratedDataset result = write_sbm_dataset(sbm_params(), out, threads_and_chunks(2));
  EXPECT_EQ(result.edges, 30000u);
  ASSERT_EQ(result.files.size(), 3u);
  const EdgeListContents edges = read_edge_list(out / "edges.txt");
  expect_valid_edge_list(edges, 3000);
  EXPECT_EQ(edges.edges.size(), 30000u);
  EXPECT_EQ(edges.header[0], "# name: sbm");
  EXPECT_NE(edges.header[4].find("--seed 11"), std::string::npos);
  EXPECT_EQ(result.files[0].bytes, fs::file_size(out / "edges.txt"));

  std::ifstream features(out / "features.mtx");
  std::string line;
  std::getline(features, line);
  EXPECT_EQ(line, "%%MatrixMarket matrix coordinate real general");
  while (std::getline(features, line) && line.starts_with("%")) {
  }
  EXPECT_EQ(line, "3000 40 18000");
  std::vector<std::pair<long long, long long>> entries;
  long long row = 0, col = 0;
  double value = 0;
  while (features >> row >> col >> value) {
    EXPECT_EQ(value, 1.0);
    ASSERT_GE(row, 1);
    ASSERT_LE(row, 3000);
    ASSERT_GE(col, 1);
    ASSERT_LE(col, 40);
    entries.emplace_back(row, col);
  }
  ASSERT_EQ(entries.size(), 18000u);
  EXPECT_TRUE(std::is_sorted(entries.begin(), entries.end()));
  EXPECT_EQ(std::adjacent_find(entries.begin(), entries.end()), entries.end());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ASSERT_EQ(entries[i].first, static_cast<long long>(i / 6) + 1);  // 6 a row
  }

  std::ifstream labels(out / "labels.txt");
  long long label = 0;
  long long node = 0;
  while (labels >> label) EXPECT_EQ(label, node++ % 5);
  EXPECT_EQ(node, 3000);
}

// Byte-identical output whatever the threads and the chunk size.
TEST_F(GenerateDatasetTest, SbmFilesAreTheSameForAnyThreadsAndChunks) {
  // Same name in every header; chunks from one node (edges) up to the whole graph.
  const auto options = [](int threads, std::int64_t chunk_lines) {
    GenerateOptions o = threads_and_chunks(threads, chunk_lines);
    o.name = "same";
    return o;
  };
  write_sbm_dataset(sbm_params(), path("a"), options(1, 1000000));
  write_sbm_dataset(sbm_params(), path("b"), options(2, 700));
  write_sbm_dataset(sbm_params(), path("c"), options(2, 30));
  for (const char* file : {"edges.txt", "features.mtx", "labels.txt"}) {
    const std::string reference = slurp(dir() / "a" / file);
    EXPECT_EQ(slurp(dir() / "b" / file), reference) << file;
    EXPECT_EQ(slurp(dir() / "c" / file), reference) << file;
  }
  SbmParams other = sbm_params();
  other.seed = 12;
  write_sbm_dataset(other, path("d"), {});
  EXPECT_NE(slurp(dir() / "d" / "edges.txt"), slurp(dir() / "a" / "edges.txt"));
}

TEST_F(GenerateDatasetTest, SbmWithoutFeaturesWritesNoMatrix) {
  SbmParams p = sbm_params();
  p.features = 0;
  p.feature_nnz = 0;
  write_sbm_dataset(p, path("plain"), {});
  EXPECT_TRUE(fs::exists(dir() / "plain" / "edges.txt"));
  EXPECT_TRUE(fs::exists(dir() / "plain" / "labels.txt"));
  EXPECT_FALSE(fs::exists(dir() / "plain" / "features.mtx"));
}

TEST_F(GenerateDatasetTest, RmatHeaderCountsTheEdgesWrittenAndThreadsDoNotMatter) {
  RmatParams p;
  p.scale = 13;
  p.seed = 4;
  const GeneratedDataset result = write_rmat_dataset(p, path("r1"), threads_and_chunks(1));
  GenerateOptions two_threads = threads_and_chunks(2);
  two_threads.name = "r1";  // the name is in the header
  write_rmat_dataset(p, path("r2"), two_threads);
  EXPECT_EQ(slurp(dir() / "r2" / "edges.txt"), slurp(dir() / "r1" / "edges.txt"));
  ASSERT_EQ(result.files.size(), 1u);
  const EdgeListContents edges = read_edge_list(dir() / "r1" / "edges.txt");
  expect_valid_edge_list(edges, 8192);
  EXPECT_EQ(edges.edges.size(), result.edges);
  EXPECT_LT(result.edges, 16u * 8192u);
}

TEST_F(GenerateDatasetTest, BadParametersOrAnExistingOutputLeaveNothingBehind) {
  SbmParams bad = sbm_params();
  bad.edges = 3000LL * 2999;  // more than the pairs
  EXPECT_THROW(write_sbm_dataset(bad, path("x"), {}), InputError);
  RmatParams bad_rmat;
  bad_rmat.scale = 40;
  EXPECT_THROW(write_rmat_dataset(bad_rmat, path("y"), {}), InputError);
  EXPECT_TRUE(fs::is_empty(dir()));

  fs::create_directory(path("taken"));
  EXPECT_THROW(write_sbm_dataset(sbm_params(), path("taken"), {}), InputError);
  EXPECT_TRUE(fs::is_empty(dir() / "taken"));
  GenerateOptions overwrite;
  overwrite.overwrite = true;
  write_sbm_dataset(sbm_params(), path("taken"), overwrite);
  EXPECT_TRUE(fs::exists(dir() / "taken" / "edges.txt"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir()), {}), 1);
}

}  // namespace
}  // namespace distgae
