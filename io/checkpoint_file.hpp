// Checkpoint files: checkpoints/ckpt-<epoch>.h5, written by rank 0 (weights are replicated;
// featureless runs' per-node rows are gathered in canonical order, so a checkpoint resumes on
// any number of ranks). Written to a temporary name, flushed, fsynced and renamed.
//
// Layout (docs/format.md): root attributes kind = "distgae-checkpoint", format_version, epoch,
// seed, model, hidden, latent, input_dim, num_nodes, graph_fingerprint, config (JSON text),
// num_ranks (that wrote it), adam_steps; datasets parameters, adam_m, adam_v [n_params] float32;
// when featureless: node_rows, node_adam_m, node_adam_v [N, hidden] float32 (canonical order);
// metrics: the metrics.jsonl lines so far, one string attribute `metrics_jsonl`. It is a
// variable-length string, so its text lives in the file's global heap and only a reference sits
// in the object header: the 64 KiB limit on attribute size does not apply (tested with 200 KB),
// and h5py reads it as one str.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace distgae {

inline constexpr int kCheckpointFormatVersion = 1;

struct CheckpointState {
  std::int64_t epoch = 0;  // epochs completed
  std::uint64_t seed = 0;
  std::string model;  // "gae" | "vgae"
  int hidden = 0;
  int latent = 0;
  std::int64_t input_dim = 0;
  std::int64_t num_nodes = 0;
  std::string graph_fingerprint;
  std::string config_json;  // the run's whole configuration
  int num_ranks = 1;
  std::vector<float> parameters, adam_m, adam_v;
  std::int64_t adam_steps = 0;
  // Featureless runs only (else empty): [num_nodes, hidden] in canonical order.
  std::vector<float> node_rows, node_adam_m, node_adam_v;
  std::string metrics_jsonl;
};

// "ckpt-<epoch>.h5" (epoch zero-padded to 6 digits so names sort by epoch).
std::string checkpoint_name(std::int64_t epoch);

// Writes `path` atomically: PATH.tmp, flush, fsync, rename.
void write_checkpoint(const std::string& path, const CheckpointState& state);

// Reads a whole checkpoint; a damaged, truncated or foreign file is an InputError naming it.
CheckpointState read_checkpoint(const std::string& path);

// What `distgae info` shows: the attributes and metrics, with the arrays' sizes checked but not
// read (node rows are N × hidden floats, three times over).
struct CheckpointSummary {
  CheckpointState state;  // parameters, moments and node rows left empty
  std::int64_t num_parameters = 0;
  bool featureless = false;  // node_rows present
};
CheckpointSummary read_checkpoint_summary(const std::string& path);

// Whether `path` (an HDF5 file) is a checkpoint: its root attribute kind says so. Throws
// InputError naming it when it is not a readable HDF5 file.
bool is_checkpoint_file(const std::string& path);

// The checkpoint files of `dir` (complete ones: no .tmp), newest epoch first.
std::vector<std::string> list_checkpoints(const std::string& dir);

}  // namespace distgae
