// Byte ranges of a text file at line boundaries (io/text_range.hpp) and LineReader over one
// range: the ranges of every split cover the file in order, each line in the range holding its
// first byte, and the lines of each range come with the numbers the whole file gives them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/text_range.hpp"
#include "io/text_scanner.hpp"
#include "range_split.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::contains;
using testing_util::describe;
using testing_util::input_error;
using testing_util::ScratchDirectoryTest;
using testing_util::Split;

class TextRangeTest : public ScratchDirectoryTest {
 protected:
  TextRangeTest() : ScratchDirectoryTest("distgae-text-range", "input.txt") {}
};

struct NumberedLine {
  std::int64_t number = 0;
  std::string text;
  bool operator==(const NumberedLine&) const = default;
};

std::vector<NumberedLine> lines_of(LineReader& reader) {
  std::vector<NumberedLine> lines;
  std::string_view line;
  while (reader.next(line)) lines.push_back({reader.line_number(), std::string(line)});
  return lines;
}

// Checks that `split` covers `region` exactly, in order, every range starting at a line start,
// and that reading its ranges with the numbers from count_lines gives the whole file's lines.
void expect_split_reads_whole_file(const std::string& path, const std::string& content,
                                   const Split& split) {
  SCOPED_TRACE(describe(split));
  ASSERT_FALSE(split.empty());
  EXPECT_EQ(split.front().begin, 0u);
  EXPECT_EQ(split.back().end, content.size());
  for (std::size_t i = 0; i < split.size(); ++i) {
    EXPECT_LE(split[i].begin, split[i].end);
    if (i > 0) {
      EXPECT_EQ(split[i].begin, split[i - 1].end);
    }
    if (split[i].begin > 0 && split[i].begin < content.size()) {
      EXPECT_EQ(content[split[i].begin - 1], '\n') << "range " << i << " starts mid-line";
    }
  }
  LineReader whole(path);
  const std::vector<NumberedLine> expected = lines_of(whole);
  std::vector<NumberedLine> joined;
  const std::vector<std::int64_t> firsts = testing_util::first_lines(path, split);
  for (std::size_t i = 0; i < split.size(); ++i) {
    LineReader part(path, split[i], firsts[i], /*chunk_bytes=*/7);  // small: many refills
    for (NumberedLine& line : lines_of(part)) joined.push_back(std::move(line));
  }
  EXPECT_EQ(joined, expected);
}

TEST_F(TextRangeTest, EverySplitCoversTheFileAndKeepsLineNumbers) {
  const std::string content =
      "\xEF\xBB\xBF# header\r\n0 1\r\n\n  \n2 3\nlonger line with words\n\n\n4 5";
  const std::string path = write(content);
  for (const Split& split : testing_util::splits_to_try(path, {0, content.size()})) {
    expect_split_reads_whole_file(path, content, split);
  }
}

TEST_F(TextRangeTest, AFileEndingInANewlineHasNoEmptyLastLine) {
  const std::string content = "a\nbb\n\nccc\n";
  const std::string path = write(content);
  EXPECT_EQ(count_lines(path, {0, content.size()}), 4);
  for (const Split& split : testing_util::splits_to_try(path, {0, content.size()})) {
    expect_split_reads_whole_file(path, content, split);
  }
}

TEST_F(TextRangeTest, EvenSplitsHaveEmptyRangesWhenRanksOutnumberLines) {
  const std::string content = "0 1\n";
  const std::string path = write(content);
  const Split split = testing_util::even_split(path, {0, content.size()}, 5);
  int non_empty = 0;
  for (const ByteRange& range : split) non_empty += range.empty() ? 0 : 1;
  EXPECT_EQ(non_empty, 1);
  expect_split_reads_whole_file(path, content, split);
  const std::string empty_path = write("", "empty.txt");
  for (const ByteRange& range : testing_util::even_split(empty_path, {0, 0}, 3)) {
    EXPECT_TRUE(range.empty());
    EXPECT_EQ(count_lines(empty_path, range), 0);
  }
}

TEST_F(TextRangeTest, ACutInsideALongLineMovesPastItsEnd) {
  // Longer than the 1 MiB chunk the search reads at a time.
  const std::string long_line(3u << 20, 'x');
  const std::string content = "0 1\n" + long_line + "\n2 3\n";
  const std::string path = write(content);
  EXPECT_EQ(line_start_at_or_after(path, {0, content.size()}, 5), 4 + long_line.size() + 1);
  EXPECT_EQ(line_start_at_or_after(path, {0, content.size()}, 4), 4u);
  EXPECT_EQ(line_start_at_or_after(path, {0, content.size()}, content.size()), content.size());
  for (int parts = 2; parts <= 5; ++parts) {
    expect_split_reads_whole_file(path, content,
                                  testing_util::even_split(path, {0, content.size()}, parts));
  }
}

TEST_F(TextRangeTest, ARegionSplitsFromItsOwnBegin) {
  const std::string content = "header\nsize\n1\n2\n3\n";
  const std::string path = write(content);
  const ByteRange region{12, content.size()};  // the lines after "size"
  for (int parts = 1; parts <= 4; ++parts) {
    const Split split = testing_util::even_split(path, region, parts);
    EXPECT_EQ(split.front().begin, 12u);
    EXPECT_EQ(split.back().end, content.size());
    std::int64_t lines = 0;
    for (const ByteRange& range : split) lines += count_lines(path, range);
    EXPECT_EQ(lines, 3);
  }
}

TEST_F(TextRangeTest, CountLinesCountsALastLineWithoutNewline) {
  const std::string content = "a\nb\nc";
  const std::string path = write(content);
  EXPECT_EQ(count_lines(path, {0, content.size()}), 3);
  EXPECT_EQ(count_lines(path, {0, 2}), 1);
  EXPECT_EQ(count_lines(path, {2, 5}), 2);
  EXPECT_EQ(count_lines(path, {4, 4}), 0);
}

TEST_F(TextRangeTest, OnlyRegularFilesAreReadByRanges) {
  const std::string path = write("0 1\n");
  EXPECT_EQ(regular_file_size(path), 4u);
  EXPECT_TRUE(contains(input_error([&] { regular_file_size(path + ".missing"); }), "cannot open"));
  EXPECT_TRUE(
      contains(input_error([&] { regular_file_size(dir().string()); }), "not a regular file"));
}

}  // namespace
}  // namespace distgae
