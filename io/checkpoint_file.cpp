#include "io/checkpoint_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "core/error.hpp"
#include "io/array_checksum.hpp"
#include "io/checkpoint_checks.hpp"
#include "io/file_digest.hpp"
#include "io/h5_file.hpp"
#include "io/h5_file_writer.hpp"
#include "io/staged_directory.hpp"
#include "io/storage_errors.hpp"

namespace distgae {
namespace fs = std::filesystem;
namespace {

constexpr const char* kCheckpointKind = "distgae-checkpoint";
constexpr const char* kChecksumAttribute = "checksum";
// Rows a node-array check reads at once: a few MiB, whatever N.
constexpr std::int64_t kCheckSliceValues = std::int64_t{1} << 20;

bool has_root_attribute(const H5File& file, const std::string& name) {
  return H5Aexists_by_name(file.id(), "/", name.c_str(), H5P_DEFAULT) > 0;
}

// A writer passing inconsistent arrays is a bug, not bad input: refuse before creating anything.
// `whole`: a featureless state must hold all its node rows (else it may hold none).
void check_state_for_writing(const std::string& path, const CheckpointState& state, bool whole) {
  const std::size_t n = state.parameters.size();
  if (state.adam_m.size() != n || state.adam_v.size() != n) {
    throw std::invalid_argument(at_file(path, "Adam moments do not match the parameters"));
  }
  const std::size_t all_rows =
      static_cast<std::size_t>(state.num_nodes) * static_cast<std::size_t>(state.hidden);
  const std::size_t values = state.node_rows.size();
  const bool consistent =
      state.node_adam_m.size() == values && state.node_adam_v.size() == values &&
      (state.featureless ? values == all_rows || (!whole && values == 0) : values == 0);
  if (!consistent) {
    throw std::invalid_argument(
        at_file(path, "node rows and their moments must all be empty or num_nodes × hidden" +
                          std::string(whole ? " (all of them in a whole file)" : "")));
  }
}

void write_attributes(H5File& file, const CheckpointState& state) {
  file.write_attribute("/", "kind", std::string(kCheckpointKind));
  file.write_attribute("/", "format_version", static_cast<std::int32_t>(kCheckpointFormatVersion));
  file.write_attribute("/", "epoch", state.epoch);
  file.write_attribute("/", "seed", state.seed);
  file.write_attribute("/", "model", state.model);
  file.write_attribute("/", "hidden", static_cast<std::int32_t>(state.hidden));
  file.write_attribute("/", "latent", static_cast<std::int32_t>(state.latent));
  file.write_attribute("/", "input_dim", state.input_dim);
  file.write_attribute("/", "num_nodes", state.num_nodes);
  file.write_attribute("/", "graph_fingerprint", state.graph_fingerprint);
  file.write_attribute("/", "config", state.config_json);
  file.write_attribute("/", "num_ranks", static_cast<std::int32_t>(state.num_ranks));
  file.write_attribute("/", "adam_steps", state.adam_steps);
  file.write_attribute("/", "metrics_jsonl", state.metrics_jsonl);
}

// Writes the file and closes it, so the caller can fsync it; a failure removes it. The node
// arrays' checksum attributes are 0 until written (write_checkpoint_node_checksums) when `state`
// does not hold their rows: created now, they are later overwritten in place, and the file's
// metadata does not grow after its space was reserved.
void write_file(const std::string& path, const CheckpointState& state) {
  const std::uint64_t strings = state.metrics_jsonl.size() + state.config_json.size();
  const std::uint64_t node_values =
      state.featureless ? static_cast<std::uint64_t>(state.num_nodes * state.hidden) : 0;
  const std::uint64_t data_bytes = sizeof(float) * (3 * state.parameters.size() +
                                                    std::size(kCheckpointNodeArrays) * node_values);
  write_h5_file(path, data_bytes, strings, [&](H5File& file) {
    write_attributes(file, state);
    const std::pair<const char*, const std::vector<float>*> replicated[] = {
        {"parameters", &state.parameters}, {"adam_m", &state.adam_m}, {"adam_v", &state.adam_v}};
    for (const auto& [name, values] : replicated) {
      file.write(name, *values);
      file.write_attribute(name, kChecksumAttribute, checksum_values(*values));
    }
    if (!state.featureless) return;
    const auto hidden = static_cast<hsize_t>(state.hidden);
    const std::vector<float>* arrays[] = {&state.node_rows, &state.node_adam_m, &state.node_adam_v};
    for (std::size_t i = 0; i < std::size(kCheckpointNodeArrays); ++i) {
      file.create_rows(kCheckpointNodeArrays[i], static_cast<hsize_t>(state.num_nodes), hidden);
      std::uint64_t checksum = 0;
      if (!arrays[i]->empty()) {
        file.write_rows(kCheckpointNodeArrays[i], 0, *arrays[i], hidden);
        checksum = checksum_rows(0, *arrays[i], static_cast<std::size_t>(state.hidden));
      }
      file.write_attribute(kCheckpointNodeArrays[i], kChecksumAttribute, checksum);
    }
  });
}

// Opens `path` and checks that it is a checkpoint this version reads.
H5File open_checkpoint(const std::string& path) {
  H5File file(path, H5File::Mode::kRead);
  if (!has_root_attribute(file, "kind") ||
      file.read_string_attribute("/", "kind") != kCheckpointKind) {
    throw InputError(at_file(path, "not a distgae checkpoint (root attribute kind is not '" +
                                       std::string(kCheckpointKind) + "')"));
  }
  const auto version = file.read_attribute<std::int32_t>("/", "format_version");
  if (version < kOldestCheckpointFormatVersion || version > kCheckpointFormatVersion) {
    throw InputError(at_file(
        path, fmt::format("checkpoint format version {}; this distgae reads "
                          "versions {} to {}",
                          version, kOldestCheckpointFormatVersion, kCheckpointFormatVersion)));
  }
  return file;
}

CheckpointState read_attributes(const H5File& file) {
  CheckpointState state;
  state.epoch = file.read_attribute<std::int64_t>("/", "epoch");
  state.seed = file.read_attribute<std::uint64_t>("/", "seed");
  state.model = file.read_string_attribute("/", "model");
  state.hidden = file.read_attribute<std::int32_t>("/", "hidden");
  state.latent = file.read_attribute<std::int32_t>("/", "latent");
  state.input_dim = file.read_attribute<std::int64_t>("/", "input_dim");
  state.num_nodes = file.read_attribute<std::int64_t>("/", "num_nodes");
  state.graph_fingerprint = file.read_string_attribute("/", "graph_fingerprint");
  state.config_json = file.read_string_attribute("/", "config");
  state.num_ranks = file.read_attribute<std::int32_t>("/", "num_ranks");
  state.adam_steps = file.read_attribute<std::int64_t>("/", "adam_steps");
  state.metrics_jsonl = file.read_string_attribute("/", "metrics_jsonl");
  state.format_version = file.read_attribute<std::int32_t>("/", "format_version");
  if (state.epoch < 0 || state.hidden <= 0 || state.latent <= 0 || state.num_nodes < 0 ||
      state.input_dim < 0 || state.adam_steps < 0 || state.num_ranks <= 0) {
    throw InputError(at_file(file.path(),
                             "checkpoint attributes out of range (negative epoch, "
                             "size or step count)"));
  }
  return state;
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  return fmt::format("[{}]", fmt::join(dims, ", "));
}

// Checks every array's shape against the attributes; returns the summary without the arrays.
CheckpointSummary read_summary(const H5File& file) {
  CheckpointSummary summary;
  summary.state = read_attributes(file);
  const CheckpointState& state = summary.state;
  const std::vector<hsize_t> parameters = file.shape("parameters");
  if (parameters.size() != 1) {
    throw InputError(at_file(file.path(), "parameters has shape " + shape_text(parameters) +
                                              ", expected one dimension"));
  }
  for (const char* moment : {"adam_m", "adam_v"}) {
    const std::vector<hsize_t> dims = file.shape(moment);
    if (dims != parameters) {
      throw InputError(
          at_file(file.path(), fmt::format("{} has shape {} but parameters has {}", moment,
                                           shape_text(dims), shape_text(parameters))));
    }
  }
  summary.num_parameters = static_cast<std::int64_t>(parameters[0]);
  summary.featureless = file.exists("node_rows");
  summary.state.featureless = summary.featureless;
  const std::vector<hsize_t> rows = {static_cast<hsize_t>(state.num_nodes),
                                     static_cast<hsize_t>(state.hidden)};
  for (const char* dataset : kCheckpointNodeArrays) {
    if (file.exists(dataset) != summary.featureless) {
      throw InputError(at_file(
          file.path(),
          std::string(dataset) + (summary.featureless ? " is missing" : " without node_rows")));
    }
    if (summary.featureless && file.shape(dataset) != rows) {
      throw InputError(at_file(
          file.path(), fmt::format("{} has shape {}, expected [num_nodes, hidden] = {}", dataset,
                                   shape_text(file.shape(dataset)), shape_text(rows))));
    }
  }
  return summary;
}

// The attributes and replicated arrays, every check made but those of the node arrays' rows,
// whose stored checksums are read.
CheckpointState read_replicated(const H5File& file) {
  const CheckpointSummary summary = read_summary(file);
  CheckpointState state = summary.state;
  check_checkpoint_attributes(file.path(), state, summary.num_parameters);
  state.parameters = file.read<float>("parameters");
  state.adam_m = file.read<float>("adam_m");
  state.adam_v = file.read<float>("adam_v");
  check_replicated_arrays(file, state);
  if (state.featureless && state.format_version >= 2) {
    for (std::size_t i = 0; i < std::size(kCheckpointNodeArrays); ++i) {
      state.node_checksums[i] = read_stored_checksum(file, kCheckpointNodeArrays[i]);
    }
  }
  return state;
}

// Rows [first_row, first_row + count) of node array `array` of an open checkpoint, checked a
// slice at a time.
NodeRowsCheck check_node_rows(const H5File& file, const CheckpointState& state, int array,
                              std::int64_t first_row, std::int64_t count) {
  const std::string dataset = kCheckpointNodeArrays[array];
  const auto width = static_cast<std::size_t>(state.hidden);
  // A declared size the file cannot hold is refused before a loop over it starts.
  file.backed_element_count(dataset, file.shape(dataset));
  const std::int64_t slice = std::max<std::int64_t>(1, kCheckSliceValues / state.hidden);
  NodeRowsCheck check;
  for (std::int64_t row = first_row; row < first_row + count; row += slice) {
    const std::int64_t rows = std::min(slice, first_row + count - row);
    const std::vector<float> values =
        file.read_rows(dataset, static_cast<hsize_t>(row), static_cast<hsize_t>(rows));
    check.checksum += checksum_rows(row, values, width);
    if (check.problem.empty()) {
      check.problem = first_bad_value(dataset, values, row, width, array == 2);
    }
  }
  return check;
}

}  // namespace

std::string checkpoint_name(std::int64_t epoch) {
  return fmt::format("ckpt-{:06}.h5", epoch);
}

void write_checkpoint(const std::string& path, const CheckpointState& state) {
  check_state_for_writing(path, state, true);
  const std::string temporary = path + ".tmp";
  try {
    write_file(temporary, state);
    commit_checkpoint_file(temporary, path);
  } catch (...) {
    // Leave no partial file behind; list_checkpoints ignores .tmp anyway.
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

void create_checkpoint_file(const std::string& temporary, const CheckpointState& state) {
  check_state_for_writing(temporary, state, false);
  write_file(temporary, state);
}

void write_checkpoint_node_checksums(const std::string& temporary,
                                     const std::array<std::uint64_t, 3>& checksums) {
  silence_hdf5_errors();
  // Overwriting the attributes' values changes no metadata's size, but the file's blocks are
  // reserved all the same before HDF5 writes: a failed flush would crash it at exit
  // (io/h5_file_writer.hpp).
  const std::uint64_t size = fs::file_size(temporary);
  const int reserved = preallocate(temporary, size + metadata_margin_bytes());
  if (reserved != 0 && reserved != EOPNOTSUPP) {
    throw std::runtime_error(
        at_file(temporary,
                fmt::format("cannot reserve room for its checksums: {}", std::strerror(reserved))));
  }
  errno = 0;  // storage_failure_cause() reads what a failed write leaves
  // H5File opens files to read or to create; here an existing file's attributes are updated.
  const hid_t id = H5Fopen(temporary.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (id < 0) throw std::runtime_error(at_file(temporary, "cannot reopen to write checksums"));
  bool written = true;
  for (std::size_t i = 0; i < checksums.size() && written; ++i) {
    // Through the dataset opened first: HDF5 1.10 cannot write an attribute opened by name.
    const H5Handle set(H5Dopen2(id, kCheckpointNodeArrays[i], H5P_DEFAULT), H5Dclose);
    const H5Handle attribute(H5Aopen(set.get(), kChecksumAttribute, H5P_DEFAULT), H5Aclose);
    written = attribute.valid() && H5Awrite(attribute.get(), H5T_NATIVE_UINT64, &checksums[i]) >= 0;
  }
  written = written && H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0;
  const std::string cause = storage_failure_cause(temporary);
  written = H5Fclose(id) >= 0 && written;
  release_preallocation(temporary);
  if (!written) {
    throw std::runtime_error(at_file(temporary, "cannot write the node arrays' checksums" + cause));
  }
}

void commit_checkpoint_file(const std::string& temporary, const std::string& path) {
  fsync_path(temporary);
  fs::rename(temporary, path);
  // The rename is durable only once the directory entry is.
  const fs::path directory = fs::path(path).parent_path();
  fsync_path(directory.empty() ? fs::path(".") : directory);
}

CheckpointState read_checkpoint(const std::string& path) {
  const H5File file = open_checkpoint(path);
  CheckpointState state = read_replicated(file);
  if (state.featureless) {
    const auto rows = static_cast<hsize_t>(state.num_nodes);
    std::vector<float>* arrays[] = {&state.node_rows, &state.node_adam_m, &state.node_adam_v};
    for (std::size_t i = 0; i < std::size(kCheckpointNodeArrays); ++i) {
      const char* dataset = kCheckpointNodeArrays[i];
      *arrays[i] = file.read_rows(dataset, 0, rows);
      const auto width = static_cast<std::size_t>(state.hidden);
      const std::uint64_t computed = checksum_rows(0, *arrays[i], width);
      if (state.format_version >= 2 && computed != state.node_checksums[i]) {
        throw InputError(
            at_file(path, checksum_mismatch(dataset, state.node_checksums[i], computed)));
      }
      const std::string problem = first_bad_value(dataset, *arrays[i], 0, width, i == 2);
      if (!problem.empty()) throw InputError(at_file(path, problem));
    }
  }
  return state;
}

CheckpointState read_checkpoint_replicated(const std::string& path) {
  return read_replicated(open_checkpoint(path));
}

std::vector<float> read_checkpoint_node_rows(const std::string& path, const std::string& array,
                                             std::int64_t first_row, std::int64_t count) {
  const H5File file = open_checkpoint(path);
  if (first_row < 0 || count < 0) {
    throw std::invalid_argument(at_file(path, "negative node rows requested"));
  }
  return file.read_rows(array, static_cast<hsize_t>(first_row), static_cast<hsize_t>(count));
}

NodeRowsCheck check_checkpoint_node_rows(const std::string& path, int array, std::int64_t first_row,
                                         std::int64_t count) {
  const H5File file = open_checkpoint(path);
  const CheckpointSummary summary = read_summary(file);
  if (!summary.featureless || array < 0 ||
      array >= static_cast<int>(std::size(kCheckpointNodeArrays))) {
    throw std::invalid_argument(at_file(path, "no such node array in this checkpoint"));
  }
  if (first_row < 0 || count < 0 || first_row + count > summary.state.num_nodes) {
    throw std::invalid_argument(at_file(path, "node rows to check outside [0, num_nodes)"));
  }
  return check_node_rows(file, summary.state, array, first_row, count);
}

std::string checksum_mismatch(const std::string& dataset, std::uint64_t stored,
                              std::uint64_t computed) {
  return fmt::format(
      "dataset '{}': checksum mismatch (stored {:#018x}, its values give {:#018x}): "
      "the file is damaged",
      dataset, stored, computed);
}

std::string checkpoint_problem(const std::string& path) {
  try {
    // The digest written beside it first: HDF5 may crash or loop on damaged metadata.
    if (const std::optional<FileDigest> recorded = read_digest_sidecar(path)) {
      const FileDigest actual = digest_file(path);
      if (actual != *recorded) {
        return sidecar_digest_mismatch(path, actual, *recorded);
      }
    }
    const H5File file = open_checkpoint(path);
    const CheckpointState state = read_replicated(file);
    if (!state.featureless) return {};
    for (int array = 0; array < static_cast<int>(std::size(kCheckpointNodeArrays)); ++array) {
      // As read_checkpoint: a damaged file is reported as damaged, whatever its values became.
      const NodeRowsCheck check = check_node_rows(file, state, array, 0, state.num_nodes);
      const std::uint64_t stored = state.node_checksums[static_cast<std::size_t>(array)];
      if (state.format_version >= 2 && check.checksum != stored) {
        return at_file(path,
                       checksum_mismatch(kCheckpointNodeArrays[array], stored, check.checksum));
      }
      if (!check.problem.empty()) return at_file(path, check.problem);
    }
    return {};
  } catch (const InputError& error) {
    return error.what();
  }
}

CheckpointSummary read_checkpoint_summary(const std::string& path) {
  return read_summary(open_checkpoint(path));
}

bool is_checkpoint_file(const std::string& path) {
  const H5File file(path, H5File::Mode::kRead);
  return has_root_attribute(file, "kind") &&
         file.read_string_attribute("/", "kind") == kCheckpointKind;
}

std::vector<std::string> list_checkpoints(const std::string& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) return {};
  std::vector<std::pair<std::int64_t, std::string>> found;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::int64_t epoch = checkpoint_epoch_of_name(entry.path().filename().string());
    if (epoch >= 0 && entry.is_regular_file(error))
      found.emplace_back(epoch, entry.path().string());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second > b.second;
  });
  std::vector<std::string> paths;
  paths.reserve(found.size());
  for (auto& [epoch, path] : found) paths.push_back(std::move(path));
  return paths;
}

}  // namespace distgae
