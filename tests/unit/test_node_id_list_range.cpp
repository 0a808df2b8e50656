// Node-id lists by range: every split of a list, read range by range, gives the whole list's
// ids with their lines, and a bad line the whole-file reader's message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/node_id_list.hpp"
#include "range_split.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::describe;
using testing_util::ScratchDirectoryTest;
using testing_util::Split;

class NodeIdRangeTest : public ScratchDirectoryTest {
 protected:
  NodeIdRangeTest() : ScratchDirectoryTest("distgae-node-id-range", "ids.txt") {}
};

struct Outcome {
  std::vector<GlobalId> ids;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

Outcome whole_file(const std::string& path) {
  Outcome outcome;
  try {
    outcome.ids = read_node_id_list(path);
  } catch (const InputError& error) {
    outcome.error = error.what();
  }
  return outcome;
}

// The list read range by range; the line of each id is checked against the file's lines.
Outcome by_ranges(const std::string& path, const Split& split,
                  const std::vector<std::string>& lines) {
  Outcome outcome;
  try {
    const std::vector<std::int64_t> firsts = testing_util::first_lines(path, split);
    for (std::size_t i = 0; i < split.size(); ++i) {
      const NodeIdRange part = read_node_id_range(path, split[i], firsts[i]);
      EXPECT_EQ(part.ids.size(), part.line_numbers.size());
      for (std::size_t k = 0; k < part.ids.size(); ++k) {
        const auto line = static_cast<std::size_t>(part.line_numbers[k]);
        const bool in_file = line >= 1 && line <= lines.size();
        EXPECT_TRUE(in_file) << line;
        if (in_file) {
          EXPECT_NE(lines[line - 1].find(std::to_string(part.ids[k])), std::string::npos);
        }
      }
      outcome.ids.insert(outcome.ids.end(), part.ids.begin(), part.ids.end());
    }
    check_node_ids_found(path, static_cast<std::int64_t>(outcome.ids.size()));
  } catch (const InputError& error) {
    outcome = Outcome{{}, error.what()};
  }
  return outcome;
}

std::vector<std::string> split_lines(const std::string& content) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < content.size()) {
    std::size_t end = content.find('\n', begin);
    if (end == std::string::npos) end = content.size();
    lines.push_back(content.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

TEST_F(NodeIdRangeTest, EverySplitGivesTheWholeListAndEachIdsLine) {
  const std::vector<std::string> files = {
      "# ids\n10\n\n 20 \r\n% c\n-3\n9223372036854775807\n7",
      "1\nabc\n2\n",
      "1\n2 3\n4\nx\n",
      "5\n99999999999999999999\n",
      "# none\n\n",
  };
  for (const std::string& content : files) {
    SCOPED_TRACE(content);
    const std::string path = write(content);
    const Outcome expected = whole_file(path);
    for (const Split& split : testing_util::splits_to_try(path, {0, content.size()})) {
      EXPECT_EQ(by_ranges(path, split, split_lines(content)), expected) << describe(split);
    }
  }
}

}  // namespace
}  // namespace distgae
