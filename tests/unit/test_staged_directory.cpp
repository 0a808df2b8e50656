#include "io/staged_directory.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {
namespace fs = std::filesystem;

class StagedDirectoryTest : public testing_util::ScratchDirectoryTest {
 protected:
  StagedDirectoryTest() : ScratchDirectoryTest("distgae-staged") {}
  // Entries of the scratch directory: anything besides `out` is a staging leftover.
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir()), {}));
  }
};

TEST_F(StagedDirectoryTest, CommitRenamesIntoPlace) {
  const fs::path out = path("out");
  {
    StagedDirectory staged(out, false);
    std::ofstream(staged.staging_path() / "a.txt") << "x";
    EXPECT_FALSE(fs::exists(out));
    staged.commit();
  }
  EXPECT_TRUE(fs::exists(out / "a.txt"));
  EXPECT_EQ(entries(), 1u);
}

TEST_F(StagedDirectoryTest, FailureBeforeCommitLeavesNothing) {
  const fs::path out = path("out");
  try {
    StagedDirectory staged(out, false);
    std::ofstream(staged.staging_path() / "a.txt") << "x";
    throw std::runtime_error("simulated failure");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(entries(), 0u);
}

TEST_F(StagedDirectoryTest, ExistingOutputNeedsOverwrite) {
  const fs::path out = path("out");
  fs::create_directory(out);
  std::ofstream(out / "old.txt") << "old";
  EXPECT_THROW(StagedDirectory(out, false), InputError);
  {
    StagedDirectory staged(out, true);
    std::ofstream(staged.staging_path() / "new.txt") << "new";
    EXPECT_TRUE(fs::exists(out / "old.txt"));  // the old one stays until commit
    staged.commit();
  }
  EXPECT_TRUE(fs::exists(out / "new.txt"));
  EXPECT_FALSE(fs::exists(out / "old.txt"));
  EXPECT_EQ(entries(), 1u);
}

}  // namespace
}  // namespace distgae
