#include "io/embedding_files.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"
#include "io/h5_file.hpp"
#include "io/h5_file_writer.hpp"

namespace distgae {
namespace {

// What a reader sees in rows whose shard is missing: HDF5 reads an unavailable source as the
// fill value without an error, so make it unmistakable instead of zeros.
constexpr float kMissingValue = std::numeric_limits<float>::quiet_NaN();
constexpr std::int64_t kMissingNodeId = std::numeric_limits<std::int64_t>::min();

void write_common_attributes(H5File& file, const EmbeddingAttributes& attributes) {
  file.write_attribute("/", "model", attributes.model);
  file.write_attribute("/", "latent", static_cast<std::int32_t>(attributes.latent));
  file.write_attribute("/", "hidden", static_cast<std::int32_t>(attributes.hidden));
  file.write_attribute("/", "epoch", attributes.epoch);
  file.write_attribute("/", "seed", attributes.seed);
  file.write_attribute("/", "test_auc", attributes.test_auc);
  file.write_attribute("/", "test_ap", attributes.test_ap);
  file.write_attribute("/", "graph_fingerprint", attributes.graph_fingerprint);
}

void check_latent(const std::string& path, int latent) {
  if (latent <= 0) {
    throw std::invalid_argument(
        at_file(path, "latent width must be positive, got " + std::to_string(latent)));
  }
}

// The view only maps rows; a shard whose shape disagrees would silently show fill values or
// truncated rows, so check each one before writing the mapping. A VGAE shard with no rows has
// no logstd (an empty EmbeddingShard::logstd reads as GAE), and needs none: nothing is mapped.
void check_shard(const std::filesystem::path& shard_path, std::int64_t rows, int latent,
                 bool has_logstd) {
  const H5File shard(shard_path.string(), H5File::Mode::kRead);
  const std::vector<hsize_t> matrix = {static_cast<hsize_t>(rows), static_cast<hsize_t>(latent)};
  const bool ok = shard.shape("node_id") == std::vector<hsize_t>{static_cast<hsize_t>(rows)} &&
                  shard.shape("embedding") == matrix &&
                  (shard.exists("logstd") ? has_logstd && shard.shape("logstd") == matrix
                                          : !has_logstd || rows == 0);
  if (!ok) {
    throw std::runtime_error(at_file(
        shard_path.string(),
        "shard does not hold " + std::to_string(rows) + " rows of " + std::to_string(latent) +
            (has_logstd ? " with logstd" : " without logstd") + " as the view expects"));
  }
}

// One virtual dataset [N] or [N, latent]: shard r's `dataset` fills rows row_offsets[r] ..
// row_offsets[r+1]. Shards are named relative to the view: HDF5 looks for a relative source
// name in the view file's own directory before the current directory.
void write_virtual_dataset(H5File& view, const std::string& dataset, hid_t type,
                           const void* fill_value, const std::vector<std::int64_t>& row_offsets,
                           int columns) {
  const bool matrix = columns > 0;
  const auto width = static_cast<hsize_t>(matrix ? columns : 1);
  const int rank = matrix ? 2 : 1;
  const hsize_t dims[2] = {static_cast<hsize_t>(row_offsets.back()), width};
  H5Handle space(H5Screate_simple(rank, dims, nullptr), H5Sclose);
  H5Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!space.valid() || !properties.valid() ||
      H5Pset_fill_value(properties.get(), type, fill_value) < 0) {
    throw std::runtime_error(
        at_file(view.path(), "cannot set up virtual dataset '" + dataset + "'"));
  }
  const std::string source_dataset = "/" + dataset;
  for (std::size_t r = 0; r + 1 < row_offsets.size(); ++r) {
    const auto rows = static_cast<hsize_t>(row_offsets[r + 1] - row_offsets[r]);
    if (rows == 0) continue;  // an empty selection cannot be mapped; nothing to show anyway
    const hsize_t start[2] = {static_cast<hsize_t>(row_offsets[r]), 0};
    const hsize_t count[2] = {rows, width};
    H5Handle source_space(H5Screate_simple(rank, count, nullptr), H5Sclose);
    const std::string shard = embedding_shard_name(static_cast<int>(r));
    if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
        H5Pset_virtual(properties.get(), space.get(), shard.c_str(), source_dataset.c_str(),
                       source_space.get()) < 0) {
      throw std::runtime_error(
          at_file(view.path(), "cannot map '" + dataset + "' of " + shard + " into the view"));
    }
  }
  H5Sselect_all(space.get());
  H5Handle set(H5Dcreate2(view.id(), dataset.c_str(), type, space.get(), H5P_DEFAULT,
                          properties.get(), H5P_DEFAULT),
               H5Dclose);
  if (!set.valid()) {
    throw std::runtime_error(
        at_file(view.path(), "cannot create virtual dataset '" + dataset + "'"));
  }
}

}  // namespace

std::string embedding_shard_name(int part) {
  return "part-" + std::to_string(part) + ".h5";
}

void write_embedding_shard(const std::string& path, const EmbeddingShard& shard, int latent,
                           const EmbeddingAttributes& attributes) {
  check_latent(path, latent);
  const auto rows = static_cast<hsize_t>(shard.node_id.size());
  const std::size_t values = shard.node_id.size() * static_cast<std::size_t>(latent);
  if (shard.embedding.size() != values ||
      (!shard.logstd.empty() && shard.logstd.size() != values)) {
    throw std::invalid_argument(
        at_file(path, "embedding rows do not match the " + std::to_string(rows) + " node ids"));
  }
  // write_h5_file: a full disk is an error naming the file, never a crash in HDF5.
  const std::uint64_t data_bytes = sizeof(std::int64_t) * shard.node_id.size() +
                                   sizeof(float) * (shard.embedding.size() + shard.logstd.size());
  write_h5_file(path, data_bytes, 0, [&](H5File& file) {
    const std::vector<hsize_t> matrix = {rows, static_cast<hsize_t>(latent)};
    file.write("node_id", shard.node_id);
    file.write("embedding", shard.embedding, matrix);
    if (!shard.logstd.empty()) file.write("logstd", shard.logstd, matrix);
    file.write_attribute("/", "part", static_cast<std::int32_t>(shard.part));
    file.write_attribute("/", "num_parts", static_cast<std::int32_t>(shard.num_parts));
    file.write_attribute("/", "n_rows", static_cast<std::int64_t>(rows));
    write_common_attributes(file, attributes);
  });
}

void write_embedding_view(const std::string& path, const std::vector<std::int64_t>& row_offsets,
                          int latent, bool has_logstd, const EmbeddingAttributes& attributes) {
  check_latent(path, latent);
  if (row_offsets.size() < 2 || row_offsets.front() != 0 ||
      !std::is_sorted(row_offsets.begin(), row_offsets.end())) {
    throw std::invalid_argument(
        at_file(path, "row offsets must be [P+1] values starting at 0, never decreasing"));
  }
  const std::filesystem::path directory = std::filesystem::path(path).parent_path();
  for (std::size_t r = 0; r + 1 < row_offsets.size(); ++r) {
    check_shard(directory / embedding_shard_name(static_cast<int>(r)),
                row_offsets[r + 1] - row_offsets[r], latent, has_logstd);
  }
  // Virtual datasets' mappings are metadata: the reserve grows with the shards they name.
  write_h5_file(path, 0, 256 * row_offsets.size(), [&](H5File& view) {
    write_virtual_dataset(view, "node_id", H5T_NATIVE_INT64, &kMissingNodeId, row_offsets, 0);
    write_virtual_dataset(view, "embedding", H5T_NATIVE_FLOAT, &kMissingValue, row_offsets, latent);
    if (has_logstd) {
      write_virtual_dataset(view, "logstd", H5T_NATIVE_FLOAT, &kMissingValue, row_offsets, latent);
    }
    const std::int64_t num_nodes = row_offsets.back();
    view.write_attribute("/", "num_parts", static_cast<std::int32_t>(row_offsets.size() - 1));
    view.write_attribute("/", "n_rows", num_nodes);
    view.write_attribute("/", "num_nodes", num_nodes);
    write_common_attributes(view, attributes);
  });
}

}  // namespace distgae
