// Checkpoint files: checkpoints/ckpt-<epoch>.h5. One process writes the attributes and the
// replicated arrays (weights are replicated). Featureless runs' per-node arrays are [N, hidden]
// in canonical order, so a checkpoint resumes on any number of ranks; in a job every rank writes
// and reads only its own block of their rows (train/checkpointing.cpp), so none holds all N.
// Written to a temporary name, flushed, fsynced and renamed.
//
// Nothing in a checkpoint is trusted before it is checked (docs/format.md, "What a resume
// checks"): shapes against the attributes, the epoch against the file name, adam_steps against
// the epoch, the parameter count against the model, every value finite, and (format version 2)
// each float32 array against the `checksum` attribute written with it (io/array_checksum.hpp).
// Version 1 files, from before checksums, are read with every other check; the caller warns that
// they cannot be verified.
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

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace distgae {

// Version 2 adds a uint64 attribute `checksum` to every float32 dataset; version 1 is still read.
inline constexpr int kCheckpointFormatVersion = 2;
inline constexpr int kOldestCheckpointFormatVersion = 1;

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
  // The node arrays' checksums, in kCheckpointNodeArrays order: for writing, the sums of every
  // rank's blocks (checksum_rows); after reading, what the file holds (zero in version 1).
  std::array<std::uint64_t, 3> node_checksums{};
  std::string metrics_jsonl;
  int format_version = kCheckpointFormatVersion;  // of the file read: checksums from version 2
};

// "ckpt-<epoch>.h5" (epoch zero-padded to 6 digits so names sort by epoch).
std::string checkpoint_name(std::int64_t epoch);

// Writes `path` atomically (PATH.tmp, flush, fsync, rename), node rows all N of them.
void write_checkpoint(const std::string& path, const CheckpointState& state);

// The steps of a checkpoint written by many ranks. One process creates the file (not atomic:
// name it PATH.tmp) with the attributes, the replicated arrays and, when featureless, the node
// arrays with their space allocated and the rows `state` holds (all or none); the ranks fill in
// their blocks of rows (comm/collective_h5.hpp); one process writes the node arrays' checksums
// (the sum of the ranks' shares) and commits it: fsync, rename to `path`, fsync the directory.
void create_checkpoint_file(const std::string& temporary, const CheckpointState& state);
void write_checkpoint_node_checksums(const std::string& temporary,
                                     const std::array<std::uint64_t, 3>& checksums);
void commit_checkpoint_file(const std::string& temporary, const std::string& path);

// Reads a whole checkpoint, every check above made; a damaged, truncated or foreign file is an
// InputError naming it and what is wrong (the dataset or attribute, the row).
CheckpointState read_checkpoint(const std::string& path);
// The same without the node arrays, whose shapes and checksum attributes are read but not their
// rows (`featureless` says whether they are there): what a rank reads before checking its share
// of them (check_checkpoint_node_rows) and reading its own blocks.
CheckpointState read_checkpoint_replicated(const std::string& path);
// Rows [first_row, first_row + count) of node array `array` (kCheckpointNodeArrays).
std::vector<float> read_checkpoint_node_rows(const std::string& path, const std::string& array,
                                             std::int64_t first_row, std::int64_t count);

// One process's share of checking a node array: rows [first_row, first_row + count) of
// kCheckpointNodeArrays[array], read a slice at a time (memory stays small whatever the count).
// `checksum` is their share of the array's checksum (shares of a split of all rows add up to it);
// `problem` names the first row with a value that is not finite (or a negative second moment),
// empty when there is none. A read failure is an InputError naming the file.
struct NodeRowsCheck {
  std::uint64_t checksum = 0;
  std::string problem;
};
NodeRowsCheck check_checkpoint_node_rows(const std::string& path, int array, std::int64_t first_row,
                                         std::int64_t count);

// "dataset 'X': checksum mismatch (...)": the message of an array whose values do not give the
// checksum stored with it.
std::string checksum_mismatch(const std::string& dataset, std::uint64_t stored,
                              std::uint64_t computed);

// The whole check of one file by one process, for `distgae info`: empty when every check passes
// (checksums too, for version 2), else the first problem. Reads every array once.
std::string checkpoint_problem(const std::string& path);

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
