#include "io/checkpoint_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "core/error.hpp"
#include "io/h5_file.hpp"
#include "io/staged_directory.hpp"

namespace distgae {
namespace fs = std::filesystem;
namespace {

constexpr const char* kCheckpointKind = "distgae-checkpoint";
constexpr const char* kNodeDatasets[] = {"node_rows", "node_adam_m", "node_adam_v"};

bool has_root_attribute(const H5File& file, const std::string& name) {
  return H5Aexists_by_name(file.id(), "/", name.c_str(), H5P_DEFAULT) > 0;
}

// A writer passing inconsistent arrays is a bug, not bad input: refuse before creating anything.
void check_state_for_writing(const std::string& path, const CheckpointState& state) {
  const std::size_t n = state.parameters.size();
  if (state.adam_m.size() != n || state.adam_v.size() != n) {
    throw std::invalid_argument(at_file(path, "Adam moments do not match the parameters"));
  }
  const bool featureless = !state.node_rows.empty();
  const std::size_t rows = featureless ? static_cast<std::size_t>(state.num_nodes) *
                                             static_cast<std::size_t>(state.hidden)
                                       : 0;
  if (state.node_rows.size() != rows || state.node_adam_m.size() != rows ||
      state.node_adam_v.size() != rows) {
    throw std::invalid_argument(
        at_file(path, "node rows and their moments must all be empty or num_nodes × hidden"));
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

// Writes the whole file and closes it (the H5File's scope), so the caller can fsync it.
void write_file(const std::string& path, const CheckpointState& state) {
  H5File file(path, H5File::Mode::kCreate);
  write_attributes(file, state);
  file.write("parameters", state.parameters);
  file.write("adam_m", state.adam_m);
  file.write("adam_v", state.adam_v);
  if (!state.node_rows.empty()) {
    const std::vector<hsize_t> dims = {static_cast<hsize_t>(state.num_nodes),
                                       static_cast<hsize_t>(state.hidden)};
    file.write("node_rows", state.node_rows, dims);
    file.write("node_adam_m", state.node_adam_m, dims);
    file.write("node_adam_v", state.node_adam_v, dims);
  }
  file.flush();
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
  if (version != kCheckpointFormatVersion) {
    throw InputError(at_file(path, fmt::format("checkpoint format version {}; this distgae reads "
                                               "version {}",
                                               version, kCheckpointFormatVersion)));
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
  const std::vector<hsize_t> rows = {static_cast<hsize_t>(state.num_nodes),
                                     static_cast<hsize_t>(state.hidden)};
  for (const char* dataset : kNodeDatasets) {
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

// "ckpt-<digits>.h5" → the epoch; -1 for any other name (".tmp" files included).
std::int64_t epoch_of_name(const std::string& name) {
  constexpr std::string_view kPrefix = "ckpt-", kSuffix = ".h5";
  if (name.size() <= kPrefix.size() + kSuffix.size() || !name.starts_with(kPrefix) ||
      !name.ends_with(kSuffix)) {
    return -1;
  }
  const char* first = name.data() + kPrefix.size();
  const char* last = name.data() + name.size() - kSuffix.size();
  if (!std::all_of(first, last, [](char c) { return c >= '0' && c <= '9'; })) return -1;
  std::int64_t epoch = -1;
  const auto [end, error] = std::from_chars(first, last, epoch);
  return error == std::errc() && end == last ? epoch : -1;
}

}  // namespace

std::string checkpoint_name(std::int64_t epoch) {
  return fmt::format("ckpt-{:06}.h5", epoch);
}

void write_checkpoint(const std::string& path, const CheckpointState& state) {
  check_state_for_writing(path, state);
  const std::string temporary = path + ".tmp";
  try {
    write_file(temporary, state);
    fsync_path(temporary);
    fs::rename(temporary, path);
  } catch (...) {
    // Leave no partial file behind; list_checkpoints ignores .tmp anyway.
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
  // The rename is durable only once the directory entry is.
  const fs::path directory = fs::path(path).parent_path();
  fsync_path(directory.empty() ? fs::path(".") : directory);
}

CheckpointState read_checkpoint(const std::string& path) {
  const H5File file = open_checkpoint(path);
  CheckpointState state = read_summary(file).state;
  state.parameters = file.read<float>("parameters");
  state.adam_m = file.read<float>("adam_m");
  state.adam_v = file.read<float>("adam_v");
  if (file.exists("node_rows")) {
    state.node_rows = file.read<float>("node_rows");
    state.node_adam_m = file.read<float>("node_adam_m");
    state.node_adam_v = file.read<float>("node_adam_v");
  }
  return state;
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
    const std::int64_t epoch = epoch_of_name(entry.path().filename().string());
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
