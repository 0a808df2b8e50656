// What a checkpoint must pass before a resume trusts it (io/checkpoint_checks.hpp): real files
// written by write_checkpoint, then damaged in place as a disk or a person would, each refused
// with an InputError naming the file and the dataset or attribute at fault.
#include "io/checkpoint_checks.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "io/array_checksum.hpp"
#include "io/checkpoint_file.hpp"
#include "io/h5_file.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {
using testing_util::contains;
using testing_util::input_error;

using testing_util::ramp;

// A featureless VGAE of 5 nodes, hidden 4, latent 2 after 20 epochs (W1 only: 4 x 4).
CheckpointState featureless_state() {
  CheckpointState state;
  state.epoch = state.adam_steps = 20;
  state.model = "vgae";
  state.hidden = 4;
  state.latent = 2;
  state.num_nodes = 5;
  state.graph_fingerprint = "f";
  state.config_json = "{}";
  state.parameters = ramp(16, 1.0f);
  state.adam_m = ramp(16, -2.0f);
  state.adam_v = ramp(16, 3.0f);
  state.featureless = true;
  state.node_rows = ramp(20, 10.0f);
  state.node_adam_m = ramp(20, -20.0f);
  state.node_adam_v = ramp(20, 30.0f);
  return state;
}

H5Handle open_for_update(const std::string& path) {
  H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
  EXPECT_TRUE(file.valid()) << path;
  return file;
}

// Rewrites value `index` (row-major) of a float32 dataset, leaving its stored checksum.
void set_value(const std::string& path, const std::string& dataset, std::size_t index,
               float value) {
  std::vector<float> values = H5File(path, H5File::Mode::kRead).read<float>(dataset);
  values.at(index) = value;
  const H5Handle file = open_for_update(path);
  const H5Handle set(H5Dopen2(file.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  ASSERT_GE(H5Dwrite(set.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
}

void flip_bit(const std::string& path, const std::string& dataset, std::size_t index, int bit) {
  const float value = H5File(path, H5File::Mode::kRead).read<float>(dataset).at(index);
  set_value(path, dataset, index,
            std::bit_cast<float>(std::bit_cast<std::uint32_t>(value) ^ (1u << bit)));
}

template <class T>
void set_attribute(const std::string& path, const std::string& object, const std::string& name,
                   T value) {
  const H5Handle file = open_for_update(path);
  // Through the object opened first: HDF5 1.10 cannot write an attribute opened by name alone.
  const H5Handle holder(H5Oopen(file.get(), object.c_str(), H5P_DEFAULT), H5Oclose);
  const H5Handle attribute(H5Aopen(holder.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  ASSERT_TRUE(attribute.valid()) << name;
  ASSERT_GE(H5Awrite(attribute.get(), h5_native_type<T>(), &value), 0);
}

// Stores the checksum of the dataset's current values, as a writer of a bad value would have.
void sign(const std::string& path, const std::string& dataset, std::size_t width) {
  const std::vector<float> values = H5File(path, H5File::Mode::kRead).read<float>(dataset);
  set_attribute(path, dataset, "checksum", checksum_rows(0, values, width));
}

class CheckpointChecks : public testing_util::ScratchDirectoryTest {
 protected:
  CheckpointChecks() : ScratchDirectoryTest("distgae-checkpoint-checks") {}
  std::string write_state(const CheckpointState& state, const std::string& name) {
    write_checkpoint(path(name), state);
    return path(name);
  }
  // read_checkpoint's error, which must name the file.
  std::string refusal(const std::string& file) {
    const std::string message = input_error([&] { read_checkpoint(file); });
    EXPECT_TRUE(contains(message, file)) << message;
    EXPECT_EQ(checkpoint_problem(file), message);  // info's whole check finds the same
    return message;
  }
};

TEST_F(CheckpointChecks, AGoodFileVerifies) {
  const std::string file = write_state(featureless_state(), "ckpt-000020.h5");
  EXPECT_EQ(read_checkpoint(file).format_version, kCheckpointFormatVersion);
  EXPECT_EQ(checkpoint_problem(file), "");
}

TEST_F(CheckpointChecks, AFlippedBitInAnyArrayIsAChecksumMismatchNamingIt) {
  for (const char* dataset :
       {"parameters", "adam_m", "adam_v", "node_rows", "node_adam_m", "node_adam_v"}) {
    for (const int bit : {0, 22, 31}) {  // mantissa, top of the mantissa, sign
      const std::string file = write_state(featureless_state(), "ckpt-000020.h5");
      flip_bit(file, dataset, 5, bit);
      const std::string message = refusal(file);
      EXPECT_TRUE(contains(message, std::string("dataset '") + dataset + "'")) << message;
      EXPECT_TRUE(contains(message, "checksum mismatch")) << message;
    }
  }
}

TEST_F(CheckpointChecks, ANodeArrayIsCheckedByAnyRanksShares) {
  const std::string file = write_state(featureless_state(), "c.h5");
  const CheckpointState stored = read_checkpoint_replicated(file);
  for (int array = 0; array < 3; ++array) {
    // Rows 0..2 on one rank, 2..5 on another: the shares add up to the stored checksum.
    const NodeRowsCheck first = check_checkpoint_node_rows(file, array, 0, 2);
    const NodeRowsCheck second = check_checkpoint_node_rows(file, array, 2, 3);
    EXPECT_EQ(first.checksum + second.checksum, stored.node_checksums[array]);
    EXPECT_EQ(first.problem + second.problem, "");
  }
  flip_bit(file, "node_adam_m", 13, 4);  // row 3
  EXPECT_EQ(check_checkpoint_node_rows(file, 1, 0, 2).checksum +
                    check_checkpoint_node_rows(file, 1, 2, 3).checksum ==
                stored.node_checksums[1],
            false);
  // The replicated part alone cannot tell: only the ranks' shares do.
  EXPECT_NO_THROW(read_checkpoint_replicated(file));
}

TEST_F(CheckpointChecks, ValuesThatCannotBeAreRefusedEvenWithAMatchingChecksum) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  struct Case {
    const char* dataset;
    std::size_t index, width;
    float value;
    const char* expected;
  };
  for (const Case& c : {Case{"parameters", 3, 1, nan, "index 3: value nan is not finite"},
                        Case{"adam_m", 0, 1, -inf, "index 0: value -inf is not finite"},
                        Case{"adam_v", 7, 1, -1.0f, "a second moment is never negative"},
                        Case{"node_rows", 9, 4, inf, "row 2 column 1: value inf is not finite"},
                        Case{"node_adam_v", 19, 4, -0.5f, "row 4 column 3"}}) {
    const std::string file = write_state(featureless_state(), "ckpt-000020.h5");
    set_value(file, c.dataset, c.index, c.value);
    sign(file, c.dataset, c.width);
    const std::string message = refusal(file);
    EXPECT_TRUE(contains(message, std::string("dataset '") + c.dataset + "'")) << message;
    EXPECT_TRUE(contains(message, c.expected)) << message;
  }
}

TEST_F(CheckpointChecks, TheEpochMustBeTheOneTheFileNameSays) {
  CheckpointState state = featureless_state();
  const std::string file = write_state(state, "ckpt-000030.h5");
  const std::string message = refusal(file);
  EXPECT_TRUE(contains(message, "attribute epoch is 20 but the file name says epoch 30"))
      << message;
  for (const std::int64_t epoch : {std::int64_t{1'000'000'000'000}, std::int64_t{19}}) {
    const std::string named = write_state(state, "ckpt-000020.h5");
    set_attribute(named, "/", "epoch", epoch);
    EXPECT_TRUE(contains(refusal(named), "the file name says epoch 20"));
  }
  EXPECT_NO_THROW(read_checkpoint(write_state(state, "renamed-by-hand.h5")));
}

TEST_F(CheckpointChecks, AdamStepsMustBeTheEpoch) {
  const std::string file = write_state(featureless_state(), "ckpt-000020.h5");
  set_attribute(file, "/", "adam_steps", std::int64_t{1} << 40);
  EXPECT_TRUE(
      contains(refusal(file), "attribute adam_steps is 1099511627776, expected the epoch 20"));
}

TEST_F(CheckpointChecks, TheParameterCountMustBeTheModels) {
  CheckpointState state = featureless_state();
  state.model = "gae";  // W1 [4, 2]: 8 values, not 16
  const std::string file = write_state(state, "ckpt-000020.h5");
  EXPECT_TRUE(contains(refusal(file),
                       "parameters holds 16 values, but a gae with input_dim 0, "
                       "hidden 4 and latent 2 has 8"));
  const std::string huge = write_state(featureless_state(), "huge.h5");
  set_attribute(huge, "/", "hidden", std::int32_t{2'000'000'000});
  set_attribute(huge, "/", "latent", std::int32_t{2'000'000'000});
  EXPECT_FALSE(checkpoint_problem(huge).empty());  // a shape check or the count: never a crash
}

TEST_F(CheckpointChecks, AVersionOneFileHasNoChecksumsAndIsReadWithTheOtherChecks) {
  const std::string file = write_state(featureless_state(), "ckpt-000020.h5");
  set_attribute(file, "/", "format_version", std::int32_t{1});
  {
    const H5Handle h5 = open_for_update(file);
    for (const char* dataset :
         {"parameters", "adam_m", "adam_v", "node_rows", "node_adam_m", "node_adam_v"}) {
      ASSERT_GE(H5Adelete_by_name(h5.get(), dataset, "checksum", H5P_DEFAULT), 0);
    }
  }
  EXPECT_EQ(read_checkpoint(file).format_version, 1);
  flip_bit(file, "parameters", 2, 0);  // undetectable without a checksum: the reason for them
  EXPECT_EQ(checkpoint_problem(file), "");
  set_value(file, "node_rows", 0, std::numeric_limits<float>::quiet_NaN());
  EXPECT_TRUE(contains(refusal(file), "not finite"));
}

TEST_F(CheckpointChecks, AVersionTwoFileWithoutChecksumsIsRefused) {
  const std::string file = write_state(featureless_state(), "ckpt-000020.h5");
  {
    const H5Handle h5 = open_for_update(file);
    ASSERT_GE(H5Adelete_by_name(h5.get(), "adam_m", "checksum", H5P_DEFAULT), 0);
  }
  EXPECT_TRUE(contains(refusal(file), "attribute 'checksum' of 'adam_m' is missing"));
}

TEST_F(CheckpointChecks, FileNamesGiveTheirEpoch) {
  EXPECT_EQ(checkpoint_epoch_of_name("ckpt-000020.h5"), 20);
  EXPECT_EQ(checkpoint_epoch_of_name("ckpt-1000000000000.h5"), 1'000'000'000'000);
  EXPECT_EQ(checkpoint_epoch_of_name("ckpt-000020.h5.tmp"), -1);
  EXPECT_EQ(checkpoint_epoch_of_name("ckpt--1.h5"), -1);
  EXPECT_EQ(checkpoint_epoch_of_name("ckpt-99999999999999999999.h5"), -1);
}

}  // namespace
}  // namespace distgae
