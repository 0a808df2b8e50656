// Reading a dataset back (io/dataset_reader.cpp): Cora written by write_dataset reads back as
// written, and files damaged one way at a time (by write_dataset from a tampered PartData, or
// edited in place with the HDF5 C API as a user's script would) are refused with an error naming
// the file and the dataset or attribute, before anything is sized by the damaged value.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>

#include "cora_partitioned.hpp"
#include "io/dataset.hpp"
#include "io/file_digest.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::contains;
using testing_util::cora_partitioned;
using testing_util::input_error;
using testing_util::ScratchDirectory;

// Opens `path` read-write, runs `edit` on it and closes it.
void edit_file(const std::string& path, const std::function<void(hid_t)>& edit) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0) << path;
  edit(file);
  H5Fclose(file);
}

// Replaces the root attribute `name` with an int64 scalar.
void set_root_attribute(hid_t file, const char* name, std::int64_t value) {
  H5Adelete(file, name);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attribute = H5Acreate2(file, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attribute, H5T_NATIVE_INT64, &value);
  H5Aclose(attribute);
  H5Sclose(space);
}

class DatasetReader : public ::testing::Test {
 protected:
  ScratchDirectory scratch{"distgae-dataset-reader"};
  std::string dir = scratch.path("cora-2");
  DatasetMeta meta = cora_partitioned(2).meta;
  std::vector<PartData> parts = cora_partitioned(2).parts;

  // Written without its digests.txt: the checks under test are those a dataset without digests
  // (older, or edited on purpose) relies on, which a digest would preempt for damaged files.
  void write() {
    write_dataset(dir, meta, parts, true);
    std::filesystem::remove(digest_manifest_path(dir));
  }
  // read_part's error on part 1, which must name its file and each fragment.
  void expect_part_refused(std::initializer_list<const char*> fragments) {
    const std::string message = input_error([&] { read_part(dir, 1, read_dataset_meta(dir)); });
    EXPECT_TRUE(contains(message, part_path(dir, 1)));
    for (const char* fragment : fragments) EXPECT_TRUE(contains(message, fragment));
  }
};

TEST_F(DatasetReader, ReadsBackWhatWasWritten) {
  write();
  const DatasetMeta read_meta = read_dataset_meta(dir);
  EXPECT_EQ(read_meta.canonical_to_ordered, meta.canonical_to_ordered);
  EXPECT_EQ(read_meta.graph_fingerprint, meta.graph_fingerprint);
  for (int p = 0; p < 2; ++p) {
    const PartData part = p == 0 ? read_part(dir, p, read_meta) : read_part(dir, p);
    EXPECT_EQ(part.canonical_id, parts[p].canonical_id);
    EXPECT_EQ(part.degree, parts[p].degree);
    EXPECT_EQ(part.send_rows, parts[p].send_rows);
    EXPECT_EQ(part.adjacency.col_index, parts[p].adjacency.col_index);
    EXPECT_EQ(part.train_edges, parts[p].train_edges);
    EXPECT_EQ(part.test_neg, parts[p].test_neg);
    EXPECT_EQ(part.features.values, parts[p].features.values);
    EXPECT_EQ(part.graph_fingerprint, meta.graph_fingerprint);
  }
}

TEST_F(DatasetReader, RefusesAFileThatDiffersFromItsDigestBeforeHdf5OpensIt) {
  write_dataset(dir, meta, parts, true);
  ASSERT_TRUE(std::filesystem::exists(digest_manifest_path(dir)));
  const DatasetMeta read_meta = read_dataset_meta(dir);
  EXPECT_EQ(read_part(dir, 1, read_meta).n_owned, parts[1].n_owned);
  // One byte in the middle of part 1: HDF5 might read garbage or worse; the digest is certain.
  {
    std::fstream file(part_path(dir, 1), std::ios::in | std::ios::out | std::ios::binary);
    const auto middle =
        static_cast<std::streamoff>(std::filesystem::file_size(part_path(dir, 1)) / 2);
    file.seekg(middle);
    const char byte = static_cast<char>(file.get());
    file.seekp(middle);
    file.put(static_cast<char>(~byte));
  }
  expect_part_refused({"damaged or replaced", "digests.txt"});
  std::filesystem::resize_file(meta_path(dir), 100);
  EXPECT_TRUE(contains(input_error([&] { read_dataset_meta(dir); }),
                       meta_path(dir) + ": damaged or replaced: 100 bytes"));
}

TEST_F(DatasetReader, RefusesAHugeOrNegativeOwnedCountBeforeReadingAnArray) {
  parts[1].n_owned = 1'000'000'000'000;
  write();
  expect_part_refused({"'n_owned' 1000000000000", "exceed 32-bit local ids"});
  parts[1].n_owned = 1'000'000'000;
  write();
  expect_part_refused({"attribute 'n_owned' is 1000000000", "meta.h5's part_offsets"});
  parts[1].n_owned = -1;
  write();
  expect_part_refused({"attribute 'n_owned' is -1"});
}

TEST_F(DatasetReader, RefusesArraysOfAnotherLengthThanTheAttributesSay) {
  parts[1].degree.pop_back();
  write();
  expect_part_refused({"dataset 'nodes/degree' has", "(n_owned + n_halo)"});
}

TEST_F(DatasetReader, RefusesOffsetsThatDecreaseOrOverrunBeforeReadingWhatTheyIndex) {
  parts[1].adjacency.row_start[3] = parts[1].adjacency.row_start[4] + 1;
  write();
  expect_part_refused({"adjacency/row_start[4]", "never decrease"});
  parts = cora_partitioned(2).parts;
  parts[1].send_offsets.back() += 5;
  write();
  expect_part_refused({"send/offsets[2]", "the entries of send/rows"});
}

TEST_F(DatasetReader, RefusesAPartFileOfADatasetWithAnotherSeed) {
  write();
  const std::string other = scratch.path("cora-2-seed-8");
  const PartitionedDataset& seed8 = cora_partitioned(2, 8);
  write_dataset(other, seed8.meta, seed8.parts, true);
  std::filesystem::copy_file(part_path(other, 1), part_path(dir, 1),
                             std::filesystem::copy_options::overwrite_existing);
  expect_part_refused({"attribute 'graph_fingerprint'", "another dataset"});
  // A part written before the fingerprint existed: the structure still tells them apart.
  std::vector<PartData> old_parts = seed8.parts;
  for (PartData& part : old_parts) part.graph_fingerprint.clear();
  write_dataset(other, seed8.meta, old_parts, true);
  std::filesystem::copy_file(part_path(other, 1), part_path(dir, 1),
                             std::filesystem::copy_options::overwrite_existing);
  expect_part_refused({});
}

TEST_F(DatasetReader, RefusesAPartAttributeOfAnotherIndex) {
  write();
  edit_file(part_path(dir, 1), [](hid_t file) { set_root_attribute(file, "part", 0); });
  expect_part_refused({"attribute 'part' is 0", "part 1"});
}

TEST_F(DatasetReader, RefusesAMissingDatasetOrFeatureGroup) {
  write();
  edit_file(part_path(dir, 1), [](hid_t file) { H5Ldelete(file, "send/rows", H5P_DEFAULT); });
  expect_part_refused({"'send/rows' is missing"});
  write();
  edit_file(part_path(dir, 1), [](hid_t file) { H5Ldelete(file, "features", H5P_DEFAULT); });
  expect_part_refused({"'features/row_start' is missing"});
}

TEST_F(DatasetReader, RefusesATruncatedPartFile) {
  write();
  const std::string path = part_path(dir, 1);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  expect_part_refused({"not a readable HDF5 file"});
}

TEST_F(DatasetReader, RefusesMetaWithANodeCountItsArraysDoNotHave) {
  write();
  edit_file(meta_path(dir),
            [](hid_t file) { set_root_attribute(file, "num_nodes", 1'000'000'000'000); });
  const std::string message = input_error([&] { read_dataset_meta(dir); });
  EXPECT_TRUE(contains(message, meta_path(dir)));
  EXPECT_TRUE(contains(message, "dataset 'node_id' has 2708 entries, expected 1000000000000"));
}

}  // namespace
}  // namespace distgae
