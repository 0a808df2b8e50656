// Embedding outputs checked before they are read as results (io/embedding_validation.hpp): a
// run's shards and view written by io/embedding_files, then one shard damaged or replaced; the
// summary (what `distgae info` prints) and the export must refuse it, naming the file at fault,
// and the export refuses values that are not finite, naming the node.
#include "io/embedding_validation.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>

#include "io/embedding_export.hpp"
#include "io/embedding_files.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {
namespace fs = std::filesystem;
using testing_util::contains;
using testing_util::input_error;

constexpr int kLatent = 2;
const std::vector<std::int64_t> kOffsets = {0, 3, 5};  // two shards: 3 and 2 rows

EmbeddingAttributes attributes() {
  EmbeddingAttributes a;
  a.model = "vgae";
  a.latent = kLatent;
  a.hidden = 4;
  a.epoch = 7;
  a.seed = 11;
  a.test_auc = std::numeric_limits<double>::quiet_NaN();  // NaN must equal NaN
  a.test_ap = 0.5;
  a.graph_fingerprint = "00112233deadbeef";
  return a;
}

EmbeddingShard shard_of(int part, std::int64_t rows_from, std::int64_t rows_to) {
  EmbeddingShard shard;
  shard.part = part;
  shard.num_parts = 2;
  for (std::int64_t row = rows_from; row < rows_to; ++row) {
    shard.node_id.push_back(100 + row);
    for (int k = 0; k < kLatent; ++k) {
      shard.embedding.push_back(static_cast<float>(row) + 0.5f * static_cast<float>(k));
      shard.logstd.push_back(-static_cast<float>(row));
    }
  }
  return shard;
}

class EmbeddingValidation : public testing_util::ScratchDirectoryTest {
 protected:
  EmbeddingValidation() : ScratchDirectoryTest("distgae-embedding-validation") {}
  void SetUp() override {
    ScratchDirectoryTest::SetUp();
    for (int part = 0; part < 2; ++part)
      rewrite_shard(part, shard_of(part, kOffsets[part], kOffsets[part + 1]), attributes());
    write_embedding_view(view(), kOffsets, kLatent, true, attributes());
  }
  std::string view() const { return path("embeddings.h5"); }
  std::string shard(int part) const { return path(embedding_shard_name(part)); }
  void rewrite_shard(int part, const EmbeddingShard& s, const EmbeddingAttributes& a) {
    write_embedding_shard(shard(part), s, kLatent, a);
  }
  // The summary's error, which must name `file` and `fragment`.
  void expect_summary_refused(const std::string& file, const std::string& fragment) {
    const std::string message = input_error([&] { read_embeddings_summary(view()); });
    EXPECT_TRUE(contains(message, file));
    EXPECT_TRUE(contains(message, fragment));
  }
  std::string export_error() {
    return input_error(
        [&] { export_sorted_embeddings(view(), path("out.h5"), ExportFormat::kHdf5, false); });
  }
};

TEST_F(EmbeddingValidation, AcceptsTheRunAsWritten) {
  EXPECT_NO_THROW(read_embeddings_summary(view()));
  EXPECT_EQ(export_sorted_embeddings(view(), path("out.h5"), ExportFormat::kHdf5, false), 5);
}

TEST_F(EmbeddingValidation, RefusesATruncatedShard) {
  fs::resize_file(shard(1), fs::file_size(shard(1)) / 2);
  expect_summary_refused(shard(1), "not a readable HDF5 file");
  EXPECT_TRUE(contains(export_error(), shard(1)));
  EXPECT_FALSE(fs::exists(path("out.h5")));
}

TEST_F(EmbeddingValidation, RefusesAShardWithOtherRowsOrLogstdThanTheViewMaps) {
  rewrite_shard(1, shard_of(1, 3, 4), attributes());
  expect_summary_refused(shard(1), "has 1 rows, but the view");
  EmbeddingShard gae = shard_of(1, 3, 5);
  gae.logstd.clear();
  rewrite_shard(1, gae, attributes());
  expect_summary_refused(shard(1), "lacks logstd");
}

TEST_F(EmbeddingValidation, RefusesAShardWhoseAttributesDisagreeWithTheViews) {
  const std::vector<std::pair<std::function<void(EmbeddingAttributes&)>, std::string>> changes = {
      {[](EmbeddingAttributes& a) { a.model = "gae"; }, "model 'gae'"},
      {[](EmbeddingAttributes& a) { a.hidden = 5; }, "hidden 5"},
      {[](EmbeddingAttributes& a) { a.epoch = 8; }, "epoch 8"},
      {[](EmbeddingAttributes& a) { a.seed = 12; }, "seed 12"},
      {[](EmbeddingAttributes& a) { a.test_ap = 0.25; }, "test_auc/test_ap"},
      {[](EmbeddingAttributes& a) { a.graph_fingerprint = "ffff"; }, "graph_fingerprint 'ffff'"},
  };
  for (const auto& [change, fragment] : changes) {
    EmbeddingAttributes a = attributes();
    change(a);
    rewrite_shard(1, shard_of(1, 3, 5), a);
    expect_summary_refused(shard(1), fragment);
  }
  EmbeddingShard wrong_parts = shard_of(1, 3, 5);
  wrong_parts.num_parts = 3;
  rewrite_shard(1, wrong_parts, attributes());
  expect_summary_refused(shard(1), "num_parts 3");
}

TEST_F(EmbeddingValidation, RefusesAShardOfAnotherPart) {
  EmbeddingShard other = shard_of(1, 3, 5);
  other.part = 0;
  rewrite_shard(1, other, attributes());
  expect_summary_refused(shard(1),
                         "attribute 'part' is 0, but the view maps this file as part-1.h5");
}

TEST_F(EmbeddingValidation, RefusesAnNRowsAttributeOtherThanTheRows) {
  const hid_t file = H5Fopen(shard(0).c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t attribute = H5Aopen(file, "n_rows", H5P_DEFAULT);
  const std::int64_t rows = 99;
  H5Awrite(attribute, H5T_NATIVE_INT64, &rows);
  H5Aclose(attribute);
  H5Fclose(file);
  expect_summary_refused(shard(0), "attribute 'n_rows' is 99");
  EXPECT_TRUE(contains(input_error([&] { read_embeddings_summary(shard(0)); }), shard(0)));
}

TEST_F(EmbeddingValidation, ExportRefusesValuesThatAreNotFiniteNamingTheNode) {
  EmbeddingShard nan_row = shard_of(1, 3, 5);
  nan_row.embedding[1 * kLatent + 1] = std::numeric_limits<float>::quiet_NaN();  // view row 4
  rewrite_shard(1, nan_row, attributes());
  const std::string message = export_error();
  EXPECT_TRUE(contains(message, view()));
  EXPECT_TRUE(contains(message, "embedding of node id 104 (row 4, from part-1.h5) holds nan"));
  EXPECT_FALSE(fs::exists(path("out.h5")));
  EmbeddingShard infinite = shard_of(1, 3, 5);
  infinite.logstd[0] = std::numeric_limits<float>::infinity();  // view row 3
  rewrite_shard(1, infinite, attributes());
  EXPECT_TRUE(contains(export_error(), "logstd of node id 103 (row 3, from part-1.h5) holds inf"));
  // A shard exported on its own names the shard.
  const std::string alone = input_error(
      [&] { export_sorted_embeddings(shard(1), path("o.h5"), ExportFormat::kHdf5, false); });
  EXPECT_TRUE(contains(alone, shard(1)));
  EXPECT_TRUE(contains(alone, "node id 103"));
}

}  // namespace
}  // namespace distgae
