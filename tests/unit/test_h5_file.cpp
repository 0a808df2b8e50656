#include "io/h5_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {
namespace fs = std::filesystem;
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

}  // namespace
}  // namespace distgae
