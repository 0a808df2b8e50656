// File digests: shares of any split of the blocks add up to the whole file's digest; any one
// flipped bit, a truncation or an appended byte changes it; the manifest round-trips and a file
// that differs from it is refused, naming the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "io/file_digest.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::contains;
using testing_util::input_error;
using testing_util::ScratchDirectory;

// 3.5 blocks of seeded random bytes.
std::string random_bytes(std::size_t size) {
  std::mt19937_64 random(7);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random());
  return bytes;
}

TEST(FileDigest, SharesOfAnyBlockSplitAddUpToTheWholeFile) {
  ScratchDirectory scratch("digest");
  const std::size_t size = static_cast<std::size_t>(kDigestBlockBytes) * 7 / 2;
  const std::string path = scratch.write(random_bytes(size), "file.bin");
  const FileDigest whole = digest_file(path);
  EXPECT_EQ(whole.size, static_cast<std::int64_t>(size));
  for (std::int64_t cut : {0, 1, 2, 3, 4}) {
    FileDigest left = digest_file_blocks(path, 0, cut);
    const FileDigest right = digest_file_blocks(path, cut, 10);
    left.hash += right.hash;
    EXPECT_EQ(left, whole) << "cut at block " << cut;
  }
}

TEST(FileDigest, EveryFlippedBitAndEveryLengthChangeIsCaught) {
  ScratchDirectory scratch("digest");
  const std::string bytes = random_bytes(static_cast<std::size_t>(kDigestBlockBytes) + 1000);
  const FileDigest original = digest_file(scratch.write(bytes, "a.bin"));
  // Bits at the start, inside words, across the block boundary and in the tail word.
  for (std::size_t at : {std::size_t{0}, std::size_t{5}, std::size_t{8191},
                         static_cast<std::size_t>(kDigestBlockBytes) - 1,
                         static_cast<std::size_t>(kDigestBlockBytes), bytes.size() - 1}) {
    for (int bit : {0, 3, 7}) {
      std::string flipped = bytes;
      flipped[at] = static_cast<char>(flipped[at] ^ (1 << bit));
      EXPECT_NE(digest_file(scratch.write(flipped, "b.bin")).hash, original.hash)
          << "byte " << at << " bit " << bit;
    }
  }
  EXPECT_NE(digest_file(scratch.write(bytes.substr(0, bytes.size() - 1), "c.bin")), original);
  EXPECT_NE(digest_file(scratch.write(bytes + '\0', "d.bin")), original);
  // Two blocks swapped keep every byte but not their places.
  const std::string swapped = bytes.substr(kDigestBlockBytes) + bytes.substr(0, kDigestBlockBytes);
  EXPECT_NE(digest_file(scratch.write(swapped, "e.bin")).hash, original.hash);
}

TEST(FileDigest, ManifestRoundTripsAndRefusesADifferentFile) {
  ScratchDirectory scratch("digest");
  const std::string dir = scratch.dir().string();
  scratch.write("first file", "one.h5");
  scratch.write("second file", "two.h5");
  const DigestManifest manifest = {{"one.h5", digest_file(scratch.path("one.h5"))},
                                   {"two.h5", digest_file(scratch.path("two.h5"))}};
  write_digest_manifest(dir, manifest);
  const std::optional<DigestManifest> read = read_digest_manifest(dir);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, manifest);
  verify_file_digest(*read, dir, "one.h5");

  scratch.write("first fild", "one.h5");
  const std::string changed = input_error([&] { verify_file_digest(*read, dir, "one.h5"); });
  EXPECT_TRUE(contains(changed, scratch.path("one.h5") + ": damaged or replaced"));
  EXPECT_TRUE(
      contains(input_error([&] { verify_file_digest(*read, dir, "three.h5"); }), "not listed"));
  std::filesystem::remove(scratch.path("two.h5"));
  EXPECT_TRUE(contains(input_error([&] { verify_file_digest(*read, dir, "two.h5"); }),
                       scratch.path("two.h5")));
}

TEST(FileDigest, MalformedManifestLineIsNamed) {
  ScratchDirectory scratch("digest");
  scratch.write("# header\none.h5 10 00000000000000zz\n", "digests.txt");
  EXPECT_TRUE(contains(input_error([&] { read_digest_manifest(scratch.dir().string()); }),
                       "digests.txt:2:"));
  std::filesystem::remove(scratch.path("digests.txt"));
  EXPECT_FALSE(read_digest_manifest(scratch.dir().string()).has_value());
}

}  // namespace
}  // namespace distgae
