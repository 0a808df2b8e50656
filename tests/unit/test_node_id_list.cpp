// The --node-ids reader: one integer id per line, comments and blank lines skipped, every
// malformed line refused naming the file and line with a short printable excerpt.
#include "io/node_id_list.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::contains;
using testing_util::input_error;
using testing_util::ScratchDirectoryTest;

class NodeIdListTest : public ScratchDirectoryTest {
 protected:
  NodeIdListTest() : ScratchDirectoryTest("distgae-node-ids", "ids.txt") {}
};

TEST_F(NodeIdListTest, ReadsIdsInFileOrderSkippingCommentsAndBlankLines) {
  const std::string path =
      write("# ids\n\n  7\r\n-3\t\n% c\n+12\n9223372036854775807\n   # indented\n0");
  EXPECT_EQ(read_node_id_list(path), (std::vector<GlobalId>{7, -3, 12, 9223372036854775807, 0}));
}

TEST_F(NodeIdListTest, MalformedLinesNameTheFileAndLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1\n2 3\n", ":2: expected one integer node id per line, got '2 3'"},
      {"1\nabc\n", ":2: expected one integer node id per line, got 'abc'"},
      {"1\n1.5\n", ":2: expected one integer node id per line, got '1.5'"},
      {"1\n\x01\x1b[2J\n", ":2: expected one integer node id per line, got '\\x01\\x1b[2J'"},
      {"# c\n99999999999999999999\n",
       ":2: node id '99999999999999999999' does not fit in a "
       "64-bit integer"},
  };
  for (const auto& [content, expected] : cases) {
    const std::string path = write(content);
    EXPECT_EQ(input_error([&] { read_node_id_list(path); }), path + expected) << content;
  }
}

TEST_F(NodeIdListTest, HugeLineIsQuotedInEightyBytes) {
  const std::string path = write("1\nx" + std::string(10 << 20, '9') + "\n");
  EXPECT_EQ(input_error([&] { read_node_id_list(path); }),
            path + ":2: expected one integer node id per line, got 'x" + std::string(79, '9') +
                "...' (10485761 bytes)");
}

TEST_F(NodeIdListTest, EmptyOrMissingFileIsAnError) {
  const std::string empty = write("# only a comment\n\n");
  EXPECT_EQ(input_error([&] { read_node_id_list(empty); }),
            empty + ": no node ids (only comments and blank lines)");
  const std::string absent = path("absent.txt");
  EXPECT_TRUE(contains(input_error([&] { read_node_id_list(absent); }), absent + ": cannot open"));
}

}  // namespace
}  // namespace distgae
