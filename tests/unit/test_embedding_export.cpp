// Reading the embedding outputs back: the summary of a view and of a shard, and the export sorted
// by original node id (HDF5 and CSV), over shards written by io/embedding_files.
#include "io/embedding_export.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "io/embedding_files.hpp"
#include "io/h5_file.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {
namespace fs = std::filesystem;
using testing_util::contains;
using testing_util::input_error;

constexpr int kLatent = 3;
// Shards of 4, 0 and 3 rows.
const std::vector<std::int64_t> kOffsets = {0, 4, 4, 7};

// The original id of view row r: unordered, negative and past int32, as user ids may be.
GlobalId original_id(std::int64_t row) {
  static const GlobalId ids[] = {40, -5, 3'000'000'000'000, 7, 0, -9'000'000'000, 12};
  return ids[row];
}
// Values that need all nine significant digits to read back exactly.
float embedding_value(std::int64_t row, int column) {
  return std::nextafter(1.0f / 3.0f, 1.0f) * static_cast<float>(row + 1) -
         0.1f * static_cast<float>(column);
}
float logstd_value(std::int64_t row, int column) {
  return -0.7f * static_cast<float>(row) + 1e-7f * static_cast<float>(column);
}

EmbeddingAttributes make_attributes(bool vgae) {
  EmbeddingAttributes attributes;
  attributes.model = vgae ? "vgae" : "gae";
  attributes.latent = kLatent;
  attributes.hidden = 8;
  attributes.epoch = 3;
  attributes.seed = 0xFFFF'FFFF'FFFF'FFF0ull;
  attributes.test_auc = std::numeric_limits<double>::quiet_NaN();
  attributes.test_ap = 0.875;
  attributes.graph_fingerprint = "feedface00000000";
  return attributes;
}

class EmbeddingExport : public testing_util::ScratchDirectoryTest {
 protected:
  EmbeddingExport() : ScratchDirectoryTest("distgae-export") {}

  // Writes RUN/embeddings/{part-*.h5, embeddings.h5}; returns the view's path.
  std::string write_run(bool vgae) {
    const fs::path embeddings = dir() / "run" / "embeddings";
    fs::create_directories(embeddings);
    for (int part = 0; part < 3; ++part) {
      EmbeddingShard shard;
      shard.part = part;
      shard.num_parts = 3;
      for (std::int64_t row = kOffsets[part]; row < kOffsets[part + 1]; ++row) {
        shard.node_id.push_back(original_id(row));
        for (int k = 0; k < kLatent; ++k) {
          shard.embedding.push_back(embedding_value(row, k));
          if (vgae) shard.logstd.push_back(logstd_value(row, k));
        }
      }
      write_embedding_shard((embeddings / embedding_shard_name(part)).string(), shard, kLatent,
                            make_attributes(vgae));
    }
    const std::string view = (embeddings / "embeddings.h5").string();
    write_embedding_view(view, kOffsets, kLatent, vgae, make_attributes(vgae));
    return view;
  }

  // View rows in ascending node id order.
  static std::vector<std::int64_t> rows_by_id() {
    std::vector<std::int64_t> rows = {0, 1, 2, 3, 4, 5, 6};
    std::sort(rows.begin(), rows.end(),
              [](auto a, auto b) { return original_id(a) < original_id(b); });
    return rows;
  }

  // Only the expected files are in `where`: no temporary left behind.
  void expect_only(const fs::path& where, std::size_t count) {
    std::size_t found = 0;
    for (const auto& entry : fs::directory_iterator(where)) {
      EXPECT_NE(entry.path().filename().string().front(), '.') << entry.path();
      ++found;
    }
    EXPECT_EQ(found, count);
  }
};

TEST_F(EmbeddingExport, SortedHdf5HasRowsInIdOrderAndTheViewsAttributes) {
  write_run(true);
  const std::string run = resolve_embeddings_path(path("run"));
  EXPECT_EQ(run, path("run/embeddings/embeddings.h5"));
  EXPECT_EQ(export_sorted_embeddings(run, path("sorted.h5"), ExportFormat::kHdf5, false), 7);
  const H5File out(path("sorted.h5"), H5File::Mode::kRead);
  const std::vector<std::int64_t> node_id = out.read<std::int64_t>("node_id", 1);
  const std::vector<float> embedding = out.read<float>("embedding", 2);
  const std::vector<float> logstd = out.read<float>("logstd", 2);
  const std::vector<std::int64_t> rows = rows_by_id();
  ASSERT_EQ(node_id.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(node_id[i], original_id(rows[i]));
    for (int k = 0; k < kLatent; ++k) {
      EXPECT_EQ(embedding[i * kLatent + k], embedding_value(rows[i], k)) << "row " << i;
      EXPECT_EQ(logstd[i * kLatent + k], logstd_value(rows[i], k)) << "row " << i;
    }
  }
  EXPECT_EQ(out.read_string_attribute("/", "model"), "vgae");
  EXPECT_EQ(out.read_attribute<int>("/", "latent"), kLatent);
  EXPECT_EQ(out.read_attribute<std::uint64_t>("/", "seed"), 0xFFFF'FFFF'FFFF'FFF0ull);
  EXPECT_TRUE(std::isnan(out.read_attribute<double>("/", "test_auc")));
  EXPECT_EQ(out.read_attribute<double>("/", "test_ap"), 0.875);
  EXPECT_EQ(out.read_string_attribute("/", "graph_fingerprint"), "feedface00000000");
  EXPECT_EQ(out.read_attribute<std::int64_t>("/", "num_nodes"), 7);
  expect_only(dir(), 2);  // run/ and sorted.h5
}

TEST_F(EmbeddingExport, GaeExportHasNoLogstd) {
  const std::string view = write_run(false);
  export_sorted_embeddings(view, path("sorted.h5"), ExportFormat::kHdf5, false);
  const H5File out(path("sorted.h5"), H5File::Mode::kRead);
  EXPECT_FALSE(out.exists("logstd"));
  EXPECT_EQ(out.shape("embedding"), (std::vector<hsize_t>{7, kLatent}));
}

TEST_F(EmbeddingExport, CsvReadsBackToTheSameFloats) {
  const std::string view = write_run(true);
  export_sorted_embeddings(view, path("sorted.csv"), ExportFormat::kCsv, false);
  std::ifstream in(path("sorted.csv"));
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "node_id,e0,e1,e2");
  for (std::int64_t row : rows_by_id()) {
    ASSERT_TRUE(std::getline(in, line));
    std::istringstream fields(line);
    std::string field;
    std::getline(fields, field, ',');
    EXPECT_EQ(std::stoll(field), original_id(row));
    for (int k = 0; k < kLatent; ++k) {
      ASSERT_TRUE(std::getline(fields, field, ','));
      EXPECT_EQ(std::strtof(field.c_str(), nullptr), embedding_value(row, k)) << line;
    }
    EXPECT_FALSE(std::getline(fields, field, ',')) << "logstd is not in the CSV: " << line;
  }
  EXPECT_FALSE(std::getline(in, line));
}

TEST_F(EmbeddingExport, ExistingOutputNeedsOverwrite) {
  const std::string view = write_run(false);
  const std::string out = write("keep", "out.csv");
  EXPECT_TRUE(contains(
      input_error([&] { export_sorted_embeddings(view, out, ExportFormat::kCsv, false); }), out));
  std::ifstream kept(out);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "keep");
  export_sorted_embeddings(view, out, ExportFormat::kCsv, true);
  expect_only(dir(), 2);
  EXPECT_GT(fs::file_size(out), 10u);
}

TEST_F(EmbeddingExport, ViewWithAMissingShardIsRefused) {
  const std::string view = write_run(false);
  fs::remove(dir() / "run" / "embeddings" / "part-2.h5");
  const std::string message = input_error(
      [&] { export_sorted_embeddings(view, path("out.h5"), ExportFormat::kHdf5, false); });
  EXPECT_TRUE(contains(message, "part-2.h5"));
  EXPECT_FALSE(fs::exists(path("out.h5")));
  EXPECT_FALSE(read_embeddings_summary(view).shards.back().exists);
}

TEST_F(EmbeddingExport, RepeatedNodeIdsAreRefused) {
  EmbeddingShard shard;
  shard.node_id = {3, 1, 3};
  shard.embedding.assign(3 * kLatent, 0.5f);
  write_embedding_shard(path("part-0.h5"), shard, kLatent, make_attributes(false));
  EXPECT_TRUE(contains(input_error([&] {
                         export_sorted_embeddings(path("part-0.h5"), path("out.h5"),
                                                  ExportFormat::kHdf5, false);
                       }),
                       "node id 3 appears twice"));
}

TEST_F(EmbeddingExport, SummaryNamesTheViewsShardsOrTheShardsPart) {
  const std::string view = write_run(true);
  const EmbeddingsSummary summary = read_embeddings_summary(view);
  EXPECT_TRUE(summary.is_view);
  EXPECT_EQ(summary.rows, 7);
  EXPECT_EQ(summary.latent, kLatent);
  EXPECT_EQ(summary.model, "vgae");
  EXPECT_TRUE(summary.has_logstd);
  EXPECT_EQ(summary.epoch, 3);
  ASSERT_EQ(summary.shards.size(), 2u);  // the empty part-1 maps no rows
  EXPECT_EQ(summary.shards[0].file, "part-0.h5");
  EXPECT_EQ(summary.shards[0].rows, 4);
  EXPECT_EQ(summary.shards[1].file, "part-2.h5");
  EXPECT_EQ(summary.shards[1].rows, 3);
  EXPECT_TRUE(summary.shards[1].exists);
  const EmbeddingsSummary shard = read_embeddings_summary(path("run/embeddings/part-2.h5"));
  EXPECT_FALSE(shard.is_view);
  EXPECT_EQ(shard.part, 2);
  EXPECT_EQ(shard.num_parts, 3);
  EXPECT_EQ(shard.rows, 3);
  EXPECT_TRUE(is_embeddings_file(view));
}

TEST_F(EmbeddingExport, MissingOrForeignInputIsAnInputErrorNamingIt) {
  EXPECT_TRUE(contains(input_error([&] { resolve_embeddings_path(path("absent")); }), "absent"));
  fs::create_directory(dir() / "empty");
  EXPECT_TRUE(contains(input_error([&] { resolve_embeddings_path(path("empty")); }), "empty"));
  const std::string foreign = path("foreign.h5");
  {
    H5File h5(foreign, H5File::Mode::kCreate);
    h5.write("values", std::vector<float>{1.0f});
  }
  EXPECT_FALSE(is_embeddings_file(foreign));
  EXPECT_TRUE(contains(input_error([&] {
                         export_sorted_embeddings(foreign, path("o.h5"), ExportFormat::kHdf5,
                                                  false);
                       }),
                       foreign));
  const std::string text = write("node_id,e0\n", "text.h5");
  EXPECT_TRUE(contains(input_error([&] { read_embeddings_summary(text); }), text));
  EXPECT_FALSE(fs::exists(path("o.h5")));
}

}  // namespace
}  // namespace distgae
