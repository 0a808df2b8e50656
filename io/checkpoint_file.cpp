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

// Writes the file and closes it (the H5File's scope), so the caller can fsync it.
void write_file(const std::string& path, const CheckpointState& state) {
  H5File file(path, H5File::Mode::kCreate);
  write_attributes(file, state);
  file.write("parameters", state.parameters);
  file.write("adam_m", state.adam_m);
  file.write("adam_v", state.adam_v);
  if (state.featureless) {
    const auto hidden = static_cast<hsize_t>(state.hidden);
    const std::vector<float>* arrays[] = {&state.node_rows, &state.node_adam_m, &state.node_adam_v};
    for (std::size_t i = 0; i < std::size(kCheckpointNodeArrays); ++i) {
      file.create_rows(kCheckpointNodeArrays[i], static_cast<hsize_t>(state.num_nodes), hidden);
      file.write_rows(kCheckpointNodeArrays[i], 0, *arrays[i], hidden);
    }
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

// The attributes and replicated arrays, all shapes checked; node arrays not read.
CheckpointState read_replicated(const H5File& file) {
  const CheckpointSummary summary = read_summary(file);
  CheckpointState state = summary.state;
  state.parameters = file.read<float>("parameters");
  state.adam_m = file.read<float>("adam_m");
  state.adam_v = file.read<float>("adam_v");
  return state;
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
    state.node_rows = file.read_rows("node_rows", 0, rows);
    state.node_adam_m = file.read_rows("node_adam_m", 0, rows);
    state.node_adam_v = file.read_rows("node_adam_v", 0, rows);
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
