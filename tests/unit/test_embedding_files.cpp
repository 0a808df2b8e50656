// Embedding shards and the virtual-dataset view over them, read back through HDF5 as a user
// would: from another working directory, after moving the directory, and with decoy shards in the
// working directory that must not be picked up.
#include "io/embedding_files.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "io/h5_file.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {
namespace fs = std::filesystem;

constexpr int kLatent = 5;

// Values that tell the source row and column apart, exact in float32.
float embedding_value(std::int64_t row, int column) {
  return static_cast<float>(row) * 10.0f + 0.5f * static_cast<float>(column);
}
float logstd_value(std::int64_t row, int column) {
  return -static_cast<float>(row) - 0.25f * static_cast<float>(column);
}
GlobalId original_id(std::int64_t row) {
  return 1'000'000'000'000 + 7 * row;  // past int32, as original ids may be
}

EmbeddingShard make_shard(int part, const std::vector<std::int64_t>& offsets, bool vgae) {
  EmbeddingShard shard;
  shard.part = part;
  shard.num_parts = static_cast<int>(offsets.size()) - 1;
  for (std::int64_t row = offsets[part]; row < offsets[part + 1]; ++row) {
    shard.node_id.push_back(original_id(row));
    for (int k = 0; k < kLatent; ++k) {
      shard.embedding.push_back(embedding_value(row, k));
      if (vgae) shard.logstd.push_back(logstd_value(row, k));
    }
  }
  return shard;
}

EmbeddingAttributes make_attributes(bool vgae) {
  EmbeddingAttributes attributes;
  attributes.model = vgae ? "vgae" : "gae";
  attributes.latent = kLatent;
  attributes.hidden = 32;
  attributes.epoch = 200;
  attributes.seed = 0xFFFF'FFFF'FFFF'FFF0ull;
  attributes.test_auc = vgae ? std::numeric_limits<double>::quiet_NaN() : 0.91;
  attributes.test_ap = 0.92;
  attributes.graph_fingerprint = "sha256:abc";
  return attributes;
}

// Three shards of 4, 0 and 3 rows: the empty one has no rows to map.
const std::vector<std::int64_t> kOffsets = {0, 4, 4, 7};

// Writes the shards and the view into `dir`; returns the view's path.
std::string write_outputs(const fs::path& dir, bool vgae) {
  fs::create_directories(dir);
  for (int part = 0; part + 1 < static_cast<int>(kOffsets.size()); ++part) {
    write_embedding_shard((dir / embedding_shard_name(part)).string(),
                          make_shard(part, kOffsets, vgae), kLatent, make_attributes(vgae));
  }
  const std::string view = (dir / "embeddings.h5").string();
  write_embedding_view(view, kOffsets, kLatent, vgae, make_attributes(vgae));
  return view;
}

// Reads the view at `path` and checks it is the concatenation of the shards.
void expect_whole_matrix(const std::string& path, bool vgae) {
  const H5File view(path, H5File::Mode::kRead);
  const std::int64_t n = kOffsets.back();
  ASSERT_EQ(view.shape("embedding"), (std::vector<hsize_t>{7, kLatent}));
  const std::vector<std::int64_t> node_id = view.read<std::int64_t>("node_id", 1);
  const std::vector<float> embedding = view.read<float>("embedding", 2);
  ASSERT_EQ(node_id.size(), static_cast<std::size_t>(n));
  for (std::int64_t row = 0; row < n; ++row) {
    EXPECT_EQ(node_id[row], original_id(row)) << "row " << row;
    for (int k = 0; k < kLatent; ++k) {
      EXPECT_EQ(embedding[row * kLatent + k], embedding_value(row, k)) << "row " << row;
    }
  }
  ASSERT_EQ(view.exists("logstd"), vgae);
  if (!vgae) return;
  const std::vector<float> logstd = view.read<float>("logstd", 2);
  for (std::int64_t row = 0; row < n; ++row) {
    for (int k = 0; k < kLatent; ++k) {
      EXPECT_EQ(logstd[row * kLatent + k], logstd_value(row, k)) << "row " << row;
    }
  }
}

// Changes the working directory for the scope of a test.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const fs::path& dir) : saved_(fs::current_path()) {
    fs::current_path(dir);
  }
  ~WorkingDirectory() { fs::current_path(saved_); }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

 private:
  fs::path saved_;
};

class EmbeddingFiles : public testing_util::ScratchDirectoryTest {
 protected:
  EmbeddingFiles() : ScratchDirectoryTest("distgae-embeddings") {}
};

TEST_F(EmbeddingFiles, GaeViewIsTheConcatenationOfItsShards) {
  const std::string view = write_outputs(dir() / "embeddings", false);
  expect_whole_matrix(view, false);
}

TEST_F(EmbeddingFiles, VgaeViewAlsoConcatenatesLogstd) {
  const std::string view = write_outputs(dir() / "embeddings", true);
  expect_whole_matrix(view, true);
}

TEST_F(EmbeddingFiles, ViewResolvesShardsFromAnyWorkingDirectory) {
  const std::string view = write_outputs(dir() / "run" / "embeddings", true);
  {
    const WorkingDirectory cwd("/");
    expect_whole_matrix(view, true);
  }
  {
    const WorkingDirectory cwd(dir());
    expect_whole_matrix("run/embeddings/embeddings.h5", true);
  }
  // Shards of the same names but other contents in the working directory: the view's own
  // directory comes first.
  const fs::path decoys = dir() / "decoys";
  fs::create_directories(decoys);
  for (int part = 0; part < 3; ++part) {
    write_embedding_shard((decoys / embedding_shard_name(part)).string(),
                          make_shard(part, {0, 1, 2, 3}, true), kLatent, make_attributes(true));
  }
  const WorkingDirectory cwd(decoys);
  expect_whole_matrix(view, true);
}

TEST_F(EmbeddingFiles, MovedDirectoryStillReadsAsOneMatrix) {
  write_outputs(dir() / "first" / "embeddings", false);
  fs::create_directories(dir() / "second");
  fs::rename(dir() / "first" / "embeddings", dir() / "second" / "moved");
  fs::remove_all(dir() / "first");
  expect_whole_matrix((dir() / "second" / "moved" / "embeddings.h5").string(), false);
}

TEST_F(EmbeddingFiles, ShardsAndViewCarryTheirAttributes) {
  const std::string view_path = write_outputs(dir() / "embeddings", true);
  const H5File shard((dir() / "embeddings" / embedding_shard_name(2)).string(),
                     H5File::Mode::kRead);
  EXPECT_EQ(shard.read_attribute<int>("/", "part"), 2);
  EXPECT_EQ(shard.read_attribute<int>("/", "num_parts"), 3);
  EXPECT_EQ(shard.read_attribute<std::int64_t>("/", "n_rows"), 3);
  const H5File empty((dir() / "embeddings" / embedding_shard_name(1)).string(),
                     H5File::Mode::kRead);
  EXPECT_EQ(empty.read_attribute<std::int64_t>("/", "n_rows"), 0);
  EXPECT_EQ(empty.shape("embedding"), (std::vector<hsize_t>{0, kLatent}));

  const H5File view(view_path, H5File::Mode::kRead);
  EXPECT_EQ(view.read_attribute<std::int64_t>("/", "num_nodes"), 7);
  EXPECT_EQ(view.read_attribute<int>("/", "num_parts"), 3);
  for (const H5File* file : {&shard, &view}) {
    EXPECT_EQ(file->read_string_attribute("/", "model"), "vgae");
    EXPECT_EQ(file->read_attribute<int>("/", "latent"), kLatent);
    EXPECT_EQ(file->read_attribute<int>("/", "hidden"), 32);
    EXPECT_EQ(file->read_attribute<std::int64_t>("/", "epoch"), 200);
    EXPECT_EQ(file->read_attribute<std::uint64_t>("/", "seed"), 0xFFFF'FFFF'FFFF'FFF0ull);
    EXPECT_TRUE(std::isnan(file->read_attribute<double>("/", "test_auc")));
    EXPECT_EQ(file->read_attribute<double>("/", "test_ap"), 0.92);
    EXPECT_EQ(file->read_string_attribute("/", "graph_fingerprint"), "sha256:abc");
  }
}

TEST_F(EmbeddingFiles, ViewRejectsShardsThatDisagreeWithTheOffsets) {
  const std::string view = write_outputs(dir() / "embeddings", false);
  EXPECT_THROW(write_embedding_view(view, {0, 4, 5, 7}, kLatent, false, make_attributes(false)),
               std::runtime_error);
  EXPECT_THROW(write_embedding_view(view, kOffsets, kLatent, true, make_attributes(true)),
               std::runtime_error);
  EXPECT_THROW(write_embedding_view(view, {0, 4, 4, 7, 9}, kLatent, false, make_attributes(false)),
               std::runtime_error);  // part-3.h5 is missing
}

TEST_F(EmbeddingFiles, ShardRejectsRowsThatDoNotMatchTheIds) {
  EmbeddingShard shard = make_shard(0, kOffsets, false);
  shard.embedding.pop_back();
  EXPECT_THROW(write_embedding_shard(path("part-0.h5"), shard, kLatent, make_attributes(false)),
               std::invalid_argument);
}

}  // namespace
}  // namespace distgae
