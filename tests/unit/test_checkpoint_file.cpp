// Checkpoint files: written atomically, read back exactly, and every damaged or foreign file
// refused with one line naming it.
#include "io/checkpoint_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "io/array_checksum.hpp"
#include "io/h5_file.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {
namespace fs = std::filesystem;
using testing_util::contains;
using testing_util::input_error;

using testing_util::ramp;

CheckpointState make_state(bool featureless) {
  CheckpointState state;
  state.epoch = 20;
  state.seed = 0xFFFF'FFFF'FFFF'FFF1ull;  // past int64: seeds are uint64
  state.model = "vgae";
  state.hidden = 4;
  state.latent = 2;
  state.input_dim = featureless ? 0 : 7;
  state.num_nodes = 5;
  state.graph_fingerprint = "0123456789abcdef";
  state.config_json = R"({"epochs":200,"lr":0.01})";
  state.num_ranks = 3;
  // W0 [input_dim, hidden] (none when featureless) and W1 [hidden, 2 * latent] of a VGAE.
  const std::size_t n_params = featureless ? 16 : 7 * 4 + 16;
  state.parameters = ramp(n_params, 1.0f);
  state.adam_m = ramp(n_params, -2.0f);
  state.adam_v = ramp(n_params, 3.0f);
  state.adam_steps = 20;
  state.metrics_jsonl = "{\"epoch\":1,\"loss\":1.5}\n{\"epoch\":2,\"loss\":1.25}\n";
  if (featureless) {
    state.featureless = true;
    state.node_rows = ramp(20, 10.0f);
    state.node_adam_m = ramp(20, 20.0f);
    state.node_adam_v = ramp(20, 30.0f);
  }
  return state;
}

void expect_equal(const CheckpointState& a, const CheckpointState& b) {
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.hidden, b.hidden);
  EXPECT_EQ(a.latent, b.latent);
  EXPECT_EQ(a.input_dim, b.input_dim);
  EXPECT_EQ(a.num_nodes, b.num_nodes);
  EXPECT_EQ(a.graph_fingerprint, b.graph_fingerprint);
  EXPECT_EQ(a.featureless, b.featureless);
  EXPECT_EQ(a.config_json, b.config_json);
  EXPECT_EQ(a.num_ranks, b.num_ranks);
  EXPECT_EQ(a.parameters, b.parameters);
  EXPECT_EQ(a.adam_m, b.adam_m);
  EXPECT_EQ(a.adam_v, b.adam_v);
  EXPECT_EQ(a.adam_steps, b.adam_steps);
  EXPECT_EQ(a.node_rows, b.node_rows);
  EXPECT_EQ(a.node_adam_m, b.node_adam_m);
  EXPECT_EQ(a.node_adam_v, b.node_adam_v);
  EXPECT_EQ(a.metrics_jsonl, b.metrics_jsonl);
}

// Replaces one float32 dataset of an existing file, as a damaged or hand-edited file would have.
void replace_dataset(const std::string& path, const std::string& name,
                     const std::vector<hsize_t>& dims) {
  H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
  ASSERT_TRUE(file.valid());
  ASSERT_GE(H5Ldelete(file.get(), name.c_str(), H5P_DEFAULT), 0);
  H5Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  H5Handle set(H5Dcreate2(file.get(), name.c_str(), H5T_NATIVE_FLOAT, space.get(), H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT),
               H5Dclose);
  ASSERT_TRUE(set.valid());
}

class CheckpointFile : public testing_util::ScratchDirectoryTest {
 protected:
  CheckpointFile() : ScratchDirectoryTest("distgae-checkpoint") {}

  std::string write_state(const CheckpointState& state, const std::string& name) {
    const std::string file = path(name);
    write_checkpoint(file, state);
    return file;
  }
};

TEST_F(CheckpointFile, NameIsTheZeroPaddedEpoch) {
  EXPECT_EQ(checkpoint_name(20), "ckpt-000020.h5");
  EXPECT_EQ(checkpoint_name(0), "ckpt-000000.h5");
  EXPECT_EQ(checkpoint_name(1234567), "ckpt-1234567.h5");
}

TEST_F(CheckpointFile, GaeCheckpointWithoutNodeRowsRoundTrips) {
  CheckpointState state = make_state(false);
  state.model = "gae";
  state.parameters.resize(7 * 4 + 4 * 2);  // W1 [hidden, latent]: one head
  state.adam_m.resize(state.parameters.size());
  state.adam_v.resize(state.parameters.size());
  const std::string file = write_state(state, checkpoint_name(state.epoch));
  EXPECT_FALSE(fs::exists(file + ".tmp"));
  expect_equal(read_checkpoint(file), state);
  EXPECT_FALSE(H5File(file, H5File::Mode::kRead).exists("node_rows"));
  EXPECT_TRUE(is_checkpoint_file(file));
}

TEST_F(CheckpointFile, FeaturelessCheckpointKeepsNodeRowsAsAMatrix) {
  const CheckpointState state = make_state(true);
  const std::string file = write_state(state, "c.h5");
  expect_equal(read_checkpoint(file), state);
  const H5File h5(file, H5File::Mode::kRead);
  for (const char* name : {"node_rows", "node_adam_m", "node_adam_v"}) {
    EXPECT_EQ(h5.shape(name), (std::vector<hsize_t>{5, 4})) << name;
  }
  EXPECT_EQ(h5.read_string_attribute("/", "kind"), "distgae-checkpoint");
  EXPECT_EQ(h5.read_attribute<int>("/", "format_version"), kCheckpointFormatVersion);
}

TEST_F(CheckpointFile, SummaryHasTheAttributesAndSizesButNoArrays) {
  const std::string file = write_state(make_state(true), "c.h5");
  const CheckpointSummary summary = read_checkpoint_summary(file);
  EXPECT_EQ(summary.num_parameters, 16);
  EXPECT_TRUE(summary.featureless);
  EXPECT_EQ(summary.state.epoch, 20);
  EXPECT_EQ(summary.state.num_ranks, 3);
  EXPECT_EQ(summary.state.metrics_jsonl, make_state(true).metrics_jsonl);
  EXPECT_TRUE(summary.state.parameters.empty());
  EXPECT_TRUE(summary.state.node_rows.empty());
}

TEST_F(CheckpointFile, LargeMetricsTextRoundTrips) {
  // Past HDF5's 64 KiB limit for attributes stored in the object header: a variable-length
  // string keeps its text in the global heap.
  CheckpointState state = make_state(false);
  state.metrics_jsonl.clear();
  for (int epoch = 1; state.metrics_jsonl.size() < 200'000; ++epoch) {
    state.metrics_jsonl += "{\"epoch\":" + std::to_string(epoch) +
                           ",\"loss\":0.123456789,\"val_auc\":0.9,\"epoch_s\":0.01}\n";
  }
  expect_equal(read_checkpoint(write_state(state, "c.h5")), state);
}

TEST_F(CheckpointFile, OverwritesAnOlderFileOfTheSameName) {
  const std::string file = write_state(make_state(false), "c.h5");
  CheckpointState later = make_state(false);
  later.epoch = later.adam_steps = 40;
  write_checkpoint(file, later);
  EXPECT_EQ(read_checkpoint(file).epoch, 40);
}

TEST_F(CheckpointFile, TruncatedFileIsAnInputErrorNamingIt) {
  const std::string file = write_state(make_state(true), "whole.h5");
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string truncated = write(bytes.substr(0, bytes.size() / 2), "ckpt-000020.h5");
  EXPECT_TRUE(contains(input_error([&] { read_checkpoint(truncated); }), truncated));
  EXPECT_TRUE(contains(input_error([&] { read_checkpoint(path("absent.h5")); }), "absent.h5"));
  const std::string text = write("not HDF5\n", "text.h5");
  EXPECT_TRUE(contains(input_error([&] { read_checkpoint(text); }), text));
}

TEST_F(CheckpointFile, ForeignFileOrOtherVersionIsAnInputError) {
  const std::string foreign = path("foreign.h5");
  {
    H5File h5(foreign, H5File::Mode::kCreate);
    h5.write_attribute("/", "kind", std::string("distgae-dataset"));
  }
  EXPECT_FALSE(is_checkpoint_file(foreign));
  EXPECT_TRUE(contains(input_error([&] { read_checkpoint(foreign); }), "not a distgae checkpoint"));
  const std::string future = path("future.h5");
  {
    H5File h5(future, H5File::Mode::kCreate);
    h5.write_attribute("/", "kind", std::string("distgae-checkpoint"));
    h5.write_attribute("/", "format_version", std::int32_t{kCheckpointFormatVersion + 1});
  }
  const std::string message = input_error([&] { read_checkpoint(future); });
  EXPECT_TRUE(contains(message, future));
  EXPECT_TRUE(contains(message, "version " + std::to_string(kCheckpointFormatVersion + 1)));
}

TEST_F(CheckpointFile, InconsistentSizesAreAnInputError) {
  const std::string moments = write_state(make_state(false), "moments.h5");
  replace_dataset(moments, "adam_v", {43});
  EXPECT_TRUE(contains(input_error([&] { read_checkpoint(moments); }), "adam_v"));
  const std::string rows = write_state(make_state(true), "rows.h5");
  replace_dataset(rows, "node_adam_m", {4, 5});
  const std::string message = input_error([&] { read_checkpoint_summary(rows); });
  EXPECT_TRUE(contains(message, rows));
  EXPECT_TRUE(contains(message, "node_adam_m"));
}

TEST_F(CheckpointFile, WriterRefusesInconsistentArraysAndLeavesNothing) {
  CheckpointState state = make_state(true);
  state.node_adam_v.pop_back();
  EXPECT_THROW(write_checkpoint(path("c.h5"), state), std::invalid_argument);
  state = make_state(false);
  state.adam_m.push_back(0.0f);
  EXPECT_THROW(write_checkpoint(path("c.h5"), state), std::invalid_argument);
  EXPECT_TRUE(fs::is_empty(dir()));
}

TEST_F(CheckpointFile, ListIsNewestFirstAndSkipsTemporaryAndOtherFiles) {
  for (std::int64_t epoch : {5, 100, 20, 1000000})
    write_state(make_state(false), checkpoint_name(epoch));
  write("partial", "ckpt-000200.h5.tmp");
  write("x", "ckpt-.h5");
  write("x", "ckpt-12a.h5");
  write("x", "notes.txt");
  fs::create_directory(dir() / "ckpt-000300.h5");  // a directory is not a checkpoint
  const std::vector<std::string> expected = {path("ckpt-1000000.h5"), path("ckpt-000100.h5"),
                                             path("ckpt-000020.h5"), path("ckpt-000005.h5")};
  EXPECT_EQ(list_checkpoints(dir().string()), expected);
}

TEST_F(CheckpointFile, ListOfAMissingDirectoryIsEmpty) {
  EXPECT_TRUE(list_checkpoints(path("no-such-dir")).empty());
}

}  // namespace
}  // namespace distgae

namespace distgae {
namespace {

// Rows [first, first + count) of a [rows, 4] ramp, as make_state's node arrays.
std::vector<float> ramp_rows(float start, std::size_t first, std::size_t count) {
  const std::vector<float> all = ramp(20, start);
  return {all.begin() + static_cast<std::ptrdiff_t>(4 * first),
          all.begin() + static_cast<std::ptrdiff_t>(4 * (first + count))};
}

TEST_F(CheckpointFile, ReadsTheReplicatedPartAndBlocksOfNodeRowsApart) {
  const std::string file = write_state(make_state(true), "c.h5");
  const CheckpointState replicated = read_checkpoint_replicated(file);
  EXPECT_TRUE(replicated.featureless);
  EXPECT_TRUE(replicated.node_rows.empty());
  EXPECT_EQ(replicated.parameters, make_state(true).parameters);
  EXPECT_EQ(read_checkpoint_node_rows(file, "node_rows", 1, 3), ramp_rows(10.0f, 1, 3));
  EXPECT_EQ(read_checkpoint_node_rows(file, "node_adam_m", 0, 5), ramp(20, 20.0f));
  EXPECT_EQ(read_checkpoint_node_rows(file, "node_adam_v", 4, 1), ramp_rows(30.0f, 4, 1));
  EXPECT_TRUE(read_checkpoint_node_rows(file, "node_rows", 5, 0).empty());
  EXPECT_FALSE(read_checkpoint_replicated(write_state(make_state(false), "d.h5")).featureless);
}

TEST_F(CheckpointFile, NodeRowsPastTheEndAreAnInputErrorNamingTheFile) {
  const std::string file = write_state(make_state(true), "c.h5");
  const std::string message =
      input_error([&] { read_checkpoint_node_rows(file, "node_rows", 4, 3); });
  EXPECT_TRUE(contains(message, file)) << message;
  EXPECT_TRUE(contains(message, "node_rows")) << message;
}

TEST_F(CheckpointFile, CreatedWithRoomForNodeRowsThenCommittedUnderItsName) {
  // What rank 0 writes before the ranks fill in their blocks in parallel.
  CheckpointState state = make_state(true);
  state.node_rows.clear();
  state.node_adam_m.clear();
  state.node_adam_v.clear();
  const std::string temporary = path("ckpt-000020.h5.tmp");
  create_checkpoint_file(temporary, state);
  EXPECT_TRUE(list_checkpoints(dir().string()).empty());  // not a checkpoint until committed
  // The rows are left for the ranks; their checksums come last, summed over the ranks' blocks.
  const std::uint64_t zero_rows = checksum_rows(0, std::vector<float>(20, 0.0f), 4);
  write_checkpoint_node_checksums(temporary, {zero_rows, zero_rows, zero_rows});
  commit_checkpoint_file(temporary, path("ckpt-000020.h5"));
  EXPECT_FALSE(fs::exists(temporary));
  ASSERT_EQ(list_checkpoints(dir().string()).size(), 1u);
  const CheckpointState read = read_checkpoint(path("ckpt-000020.h5"));
  EXPECT_EQ(read.node_rows, std::vector<float>(20, 0.0f));  // allocated, left for the ranks
  EXPECT_EQ(read.parameters, state.parameters);
}

TEST_F(CheckpointFile, AWholeFileNeedsAllNodeRows) {
  CheckpointState state = make_state(true);
  state.node_rows.clear();
  state.node_adam_m.clear();
  state.node_adam_v.clear();
  EXPECT_THROW(write_checkpoint(path("c.h5"), state), std::invalid_argument);
  state = make_state(false);
  state.node_rows = ramp(20, 1.0f);  // rows in a model with features
  state.node_adam_m = state.node_adam_v = state.node_rows;
  EXPECT_THROW(create_checkpoint_file(path("c.h5.tmp"), state), std::invalid_argument);
  EXPECT_TRUE(fs::is_empty(dir()));
}

}  // namespace
}  // namespace distgae
