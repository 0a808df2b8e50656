// Checkpoint files: checkpoints/ckpt-<epoch>.h5. One process writes the attributes and the
// replicated arrays (weights are replicated). Featureless runs' per-node arrays are [N, hidden]
// in canonical order, so a checkpoint resumes on any number of ranks; in a job every rank writes
// and reads only its own block of their rows (train/checkpointing.cpp), so none holds all N.
// Written to a temporary name, flushed, fsynced and renamed.
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

// A featureless checkpoint's [num_nodes, hidden] arrays, in the order CheckpointState has them.
inline constexpr const char* kCheckpointNodeArrays[] = {"node_rows", "node_adam_m", "node_adam_v"};

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
  // Featureless runs only: the [num_nodes, hidden] arrays node_rows, node_adam_m and node_adam_v
  // (canonical order, kCheckpointNodeArrays). A state holds all their rows (one process writing
  // or reading the whole file) or none (ranks writing or reading their own blocks).
  bool featureless = false;
  std::vector<float> node_rows, node_adam_m, node_adam_v;
  std::string metrics_jsonl;
};

// "ckpt-<epoch>.h5" (epoch zero-padded to 6 digits so names sort by epoch).
std::string checkpoint_name(std::int64_t epoch);

// Writes `path` atomically (PATH.tmp, flush, fsync, rename), node rows all N of them.
void write_checkpoint(const std::string& path, const CheckpointState& state);

// The steps of a checkpoint written by many ranks. One process creates the file (not atomic:
// name it PATH.tmp) with the attributes, the replicated arrays and, when featureless, the node
// arrays with their space allocated and the rows `state` holds (all or none); the ranks fill in
// their blocks of rows (comm/collective_h5.hpp); then one process commits it: fsync, rename to
// `path`, fsync the directory.
void create_checkpoint_file(const std::string& temporary, const CheckpointState& state);
void commit_checkpoint_file(const std::string& temporary, const std::string& path);

// Reads a whole checkpoint; a damaged, truncated or foreign file is an InputError naming it.
CheckpointState read_checkpoint(const std::string& path);
// The same without the node arrays, whose shapes are checked but not read (`featureless` says
// whether they are there): what a rank reads before its own blocks of them.
CheckpointState read_checkpoint_replicated(const std::string& path);
// Rows [first_row, first_row + count) of node array `array` (kCheckpointNodeArrays).
std::vector<float> read_checkpoint_node_rows(const std::string& path, const std::string& array,
                                             std::int64_t first_row, std::int64_t count);

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
