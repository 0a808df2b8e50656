#include "io/h5_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace distgae {
namespace {
namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() /
         (name + "-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
          ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".h5");
}

TEST(H5File, RoundTripsDatasetsAndAttributes) {
  const fs::path path = temp_file("h5rt");
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
  fs::remove(path);
}

TEST(H5File, MissingDatasetAndWrongRankNameTheFileAndDataset) {
  const fs::path path = temp_file("h5missing");
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
  fs::remove(path);
}

TEST(H5File, TruncatedOrForeignFileIsAnInputError) {
  const fs::path path = temp_file("h5trunc");
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
