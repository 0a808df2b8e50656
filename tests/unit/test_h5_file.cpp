#include "io/h5_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {
namespace fs = std::filesystem;
using testing_util::contains;
using testing_util::input_error;
using testing_util::ScratchDirectory;

TEST(H5File, RoundTripsDatasetsAndAttributes) {
  const ScratchDirectory scratch("distgae-h5");
  const fs::path path = scratch.path("h5rt.h5");
  {
    H5File file(path.string(), H5File::Mode::kCreate);
    file.write("group/ints", std::vector<std::int64_t>{1, -2, 3, 4, 5, 6}, {3, 2});
    file.write("floats", std::vector<float>{0.5f, 1.5f});
    file.write("empty", std::vector<std::int32_t>{});
    file.write_attribute("/", "count", 42);
    file.write_attribute("/group", "ratio", 0.25);
    file.write_attribute("/", "name", std::string("cora"));
    file.write_attribute("/", "blank", std::string());
  }
  H5File file(path.string(), H5File::Mode::kRead);
  EXPECT_EQ(file.shape("group/ints"), (std::vector<hsize_t>{3, 2}));
  EXPECT_EQ(file.read<std::int64_t>("group/ints", 2),
            (std::vector<std::int64_t>{1, -2, 3, 4, 5, 6}));
  // HDF5 converts on read: int64 data read as double.
  EXPECT_EQ(file.read<double>("group/ints")[1], -2.0);
  EXPECT_EQ(file.read<float>("floats"), (std::vector<float>{0.5f, 1.5f}));
  EXPECT_TRUE(file.read<std::int32_t>("empty").empty());
  EXPECT_EQ(file.read_attribute<int>("/", "count"), 42);
  EXPECT_EQ(file.read_attribute<double>("/group", "ratio"), 0.25);
  EXPECT_EQ(file.read_string_attribute("/", "name"), "cora");
  EXPECT_EQ(file.read_string_attribute("/", "blank"), "");
  EXPECT_TRUE(file.exists("group/ints"));
  EXPECT_FALSE(file.exists("missing/ints"));
}

TEST(H5File, MissingDatasetAndWrongRankNameTheFileAndDataset) {
  const ScratchDirectory scratch("distgae-h5");
  const fs::path path = scratch.path("h5missing.h5");
  { H5File(path.string(), H5File::Mode::kCreate).write("x", std::vector<int>{1, 2}); }
  H5File file(path.string(), H5File::Mode::kRead);
  try {
    file.read<int>("nope");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("'nope'"), std::string::npos);
  }
  EXPECT_THROW(file.read<int>("x", 2), InputError);
  EXPECT_THROW(file.read_attribute<int>("/", "absent"), InputError);
}

TEST(H5File, TruncatedOrForeignFileIsAnInputError) {
  const ScratchDirectory scratch("distgae-h5");
  const fs::path path = scratch.path("h5trunc.h5");
  {
    H5File file(path.string(), H5File::Mode::kCreate);
    file.write("big", std::vector<double>(10000, 1.0));
  }
  fs::resize_file(path, fs::file_size(path) / 2);
  EXPECT_THROW(
      {
        H5File file(path.string(), H5File::Mode::kRead);
        file.read<double>("big");
      },
      InputError);
  std::ofstream(path) << "this is not HDF5\n";
  EXPECT_THROW(H5File(path.string(), H5File::Mode::kRead), InputError);
  fs::remove(path);
  EXPECT_THROW(H5File(path.string(), H5File::Mode::kRead), InputError);
}

// Creates `name` as a chunked float dataset of shape `dims` whose chunks are never written: it
// reads as fill values and takes a few hundred bytes whatever its shape.
void add_unwritten_dataset(const std::string& path, const char* name, std::vector<hsize_t> dims) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t create = H5Pcreate(H5P_DATASET_CREATE);
  const std::vector<hsize_t> chunk(dims.size(), 1);
  H5Pset_chunk(create, static_cast<int>(chunk.size()), chunk.data());
  const hid_t set =
      H5Dcreate2(file, name, H5T_NATIVE_FLOAT, space, H5P_DEFAULT, create, H5P_DEFAULT);
  EXPECT_GE(set, 0);
  H5Dclose(set);
  H5Pclose(create);
  H5Sclose(space);
  H5Fclose(file);
}

TEST(H5File, ShapesTheFileCannotBackAreRefusedBeforeAllocating) {
  const ScratchDirectory scratch("distgae-h5");
  const std::string path = scratch.path("unbacked.h5");
  { H5File(path, H5File::Mode::kCreate).write("x", std::vector<int>{1, 2}); }
  add_unwritten_dataset(path, "huge", {hsize_t{1} << 40});
  add_unwritten_dataset(path, "wide", {2, hsize_t{1} << 36});
  add_unwritten_dataset(path, "overflow", {hsize_t{1} << 40, hsize_t{1} << 40});
  add_unwritten_dataset(path, "small", {1000, 3});
  H5File file(path, H5File::Mode::kRead);
  const std::string message = input_error([&] { file.read<double>("huge"); });
  EXPECT_TRUE(contains(message, path + ": dataset 'huge' declares shape [1099511627776], more "
                                       "elements than the "));
  EXPECT_TRUE(contains(message, " bytes that hold it can (damaged file?)"));
  EXPECT_TRUE(contains(input_error([&] { file.read<float>("overflow"); }),
                       "dataset 'overflow' declares shape [1099511627776, 1099511627776]"));
  EXPECT_TRUE(contains(input_error([&] { file.read_rows("wide", 0, 1); }),
                       "dataset 'wide' declares shape [1, 68719476736]"));
  // Within the allowance, unwritten chunks still read as fill values.
  EXPECT_EQ(file.read<float>("small"), std::vector<float>(3000, 0.0f));
  EXPECT_EQ(file.read_rows("small", 10, 2), std::vector<float>(6, 0.0f));
}

// A damaged datatype message can claim numbers of any width; HDF5 sizes its conversion buffer by
// it (tests/fuzz found a 4 GiB allocation), so widths no integer or float has are refused.
TEST(H5File, NumbersWiderThanSixteenBytesAreRefused) {
  const ScratchDirectory scratch("distgae-h5");
  const std::string path = scratch.path("wide-type.h5");
  { H5File(path, H5File::Mode::kCreate).write("x", std::vector<int>{1}); }
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_STD_I64LE);
  ASSERT_GE(H5Tset_size(type, 32), 0);
  const hsize_t dims[1] = {4};
  const hid_t space = H5Screate_simple(1, dims, nullptr);
  const hid_t set = H5Dcreate2(file, "wide", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(set, 0);
  H5Dclose(set);
  H5Sclose(space);
  H5Tclose(type);
  H5Fclose(file);
  H5File reader(path, H5File::Mode::kRead);
  EXPECT_EQ(input_error([&] { reader.read<std::int64_t>("wide"); }),
            path + ": dataset 'wide' has 32-byte numbers (damaged file?)");
}

// H5Aread writes every element of an attribute: a string attribute with several would overrun
// the one-string buffer it is read into.
TEST(H5File, StringAttributeWithSeveralElementsIsRefused) {
  const ScratchDirectory scratch("distgae-h5");
  const std::string path = scratch.path("strings.h5");
  { H5File(path, H5File::Mode::kCreate).write("x", std::vector<int>{1}); }
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, 4);
  const hsize_t two = 2;
  const hid_t space = H5Screate_simple(1, &two, nullptr);
  const hid_t attr = H5Acreate2(file, "names", type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, type, "abcdefgh");
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  H5Fclose(file);
  H5File reader(path, H5File::Mode::kRead);
  EXPECT_EQ(input_error([&] { reader.read_string_attribute("/", "names"); }),
            path + ": attribute 'names' of '/' is not a single string");
}

}  // namespace
}  // namespace distgae
