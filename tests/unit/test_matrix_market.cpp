// The shared MatrixMarket parser: banner and size line, entry order, symmetric mirroring, array
// layout and every malformed-input error (each names the file and line).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/matrix_market.hpp"
#include "io/text_scanner.hpp"
#include "test_util.hpp"

namespace distgae {
namespace {

using testing_util::contains;
using testing_util::input_error;
using testing_util::ScratchDirectoryTest;

class MatrixMarketTest : public ScratchDirectoryTest {
 protected:
  MatrixMarketTest() : ScratchDirectoryTest("distgae-mm", "m.mtx") {}
};

struct Entry {
  std::int64_t row, col;
  double value;
  long long line;
  friend bool operator==(const Entry&, const Entry&) = default;
};

std::vector<Entry> read_all(const std::string& path) {
  MatrixMarketReader reader(path);
  std::vector<Entry> entries;
  reader.for_each_entry([&](const MatrixMarketEntry& e) {
    entries.push_back(Entry{e.row, e.col, e.value, e.line});
  });
  return entries;
}

// The InputError message thrown by reading `path` completely; fails the test when none is.
std::string read_error(const std::string& path) {
  return input_error([&] { read_all(path); }, path);
}

TEST_F(MatrixMarketTest, ReadsCoordinateRealGeneralAsZeroBasedEntriesWithLines) {
  const std::string path = write(
      "%%MatrixMarket matrix coordinate real general\n% a comment\n3 4 2\n1 2 0.5\n3 4 -2e1\n");
  MatrixMarketReader reader(path);
  EXPECT_EQ(reader.header().rows, 3);
  EXPECT_EQ(reader.header().cols, 4);
  EXPECT_EQ(reader.header().stored_entries, 2);
  EXPECT_EQ(reader.header().format, MatrixMarketFormat::coordinate);
  EXPECT_EQ(read_all(path), (std::vector<Entry>{{0, 1, 0.5, 4}, {2, 3, -20.0, 5}}));
}

TEST_F(MatrixMarketTest, BannerIsCaseInsensitive) {
  const std::string path =
      write("%%matrixmarket MATRIX Coordinate INTEGER General\n2 2 1\n2 1 +7\n");
  EXPECT_EQ(read_all(path), (std::vector<Entry>{{1, 0, 7.0, 3}}));
}

TEST_F(MatrixMarketTest, PatternEntriesHaveValueOne) {
  const std::string path =
      write("%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n");
  EXPECT_EQ(read_all(path), (std::vector<Entry>{{0, 2, 1.0, 3}, {1, 0, 1.0, 4}}));
}

TEST_F(MatrixMarketTest, SymmetricMirrorsOffDiagonalEntriesOnly) {
  const std::string path =
      write("%%MatrixMarket matrix coordinate real symmetric\n3 3 2\n1 1 4\n3 1 2.5\n");
  EXPECT_EQ(read_all(path), (std::vector<Entry>{{0, 0, 4.0, 3}, {2, 0, 2.5, 4}, {0, 2, 2.5, 4}}));
}

TEST_F(MatrixMarketTest, ArrayValuesAreColumnMajor) {
  const std::string path =
      write("%%MatrixMarket matrix array real general\n2 3\n1\n2\n3\n4\n5\n6\n");
  MatrixMarketReader reader(path);
  EXPECT_EQ(reader.header().stored_entries, 6);
  EXPECT_EQ(
      read_all(path),
      (std::vector<Entry>{
          {0, 0, 1, 3}, {1, 0, 2, 4}, {0, 1, 3, 5}, {1, 1, 4, 6}, {0, 2, 5, 7}, {1, 2, 6, 8}}));
}

TEST_F(MatrixMarketTest, SymmetricArrayStoresLowerTriangleColumnMajor) {
  const std::string path = write("%%MatrixMarket matrix array integer symmetric\n2 2\n1\n2\n3\n");
  EXPECT_EQ(read_all(path),
            (std::vector<Entry>{{0, 0, 1, 3}, {1, 0, 2, 4}, {0, 1, 2, 4}, {1, 1, 3, 5}}));
}

TEST_F(MatrixMarketTest, SkipsCommentsBlankLinesAndCarriageReturns) {
  const std::string path = write(
      "%%MatrixMarket matrix coordinate real general\r\n%c\r\n\r\n  2 2 2\r\n% mid\r\n1 1 1\r\n"
      "\r\n\t2 2\t3\r\n% trailing comment\r\n");
  EXPECT_EQ(read_all(path), (std::vector<Entry>{{0, 0, 1, 6}, {1, 1, 3, 8}}));
}

TEST_F(MatrixMarketTest, RecognisesItsBanner) {
  EXPECT_TRUE(has_matrix_market_banner("%%MatrixMarket matrix"));
  EXPECT_TRUE(has_matrix_market_banner("%%MATRIXMARKET"));
  EXPECT_FALSE(has_matrix_market_banner("%MatrixMarket"));
  EXPECT_FALSE(has_matrix_market_banner("1 2\n"));
}

TEST_F(MatrixMarketTest, RejectsBadBannersNamingFileAndLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"%%MatrixMarkt matrix coordinate real general", "malformed MatrixMarket banner"},
      {"%%MatrixMarket matrix coordinate real", "malformed MatrixMarket banner"},
      {"1 2 3", "malformed MatrixMarket banner"},
      {"%%MatrixMarket vector coordinate real general", "unsupported MatrixMarket object"},
      {"%%MatrixMarket matrix sparse real general", "unknown MatrixMarket format 'sparse'"},
      {"%%MatrixMarket matrix coordinate float general", "unknown MatrixMarket field 'float'"},
      {"%%MatrixMarket matrix coordinate complex general", "unsupported MatrixMarket field"},
      {"%%MatrixMarket matrix coordinate real hermitian", "unsupported MatrixMarket symmetry"},
      {"%%MatrixMarket matrix coordinate real skew-symmetric", "unsupported MatrixMarket symmetry"},
      {"%%MatrixMarket matrix coordinate real upper", "unknown MatrixMarket symmetry 'upper'"},
      {"%%MatrixMarket matrix array pattern general", "pattern field needs the coordinate"},
  };
  for (const auto& [banner, expected] : cases) {
    const std::string path = write(banner + "\n2 2 1\n1 1 1\n");
    const std::string message = read_error(path);
    EXPECT_TRUE(contains(message, path + ":1: ")) << banner;
    EXPECT_TRUE(contains(message, expected)) << banner;
  }
  const std::string empty = write("");
  EXPECT_TRUE(contains(read_error(empty), empty + ":1: empty file"));
}

TEST_F(MatrixMarketTest, RejectsMissingOrBadSizeLine) {
  const std::string header = "%%MatrixMarket matrix coordinate real general\n% c\n";
  const std::string missing = write(header);
  EXPECT_TRUE(contains(read_error(missing), missing + ":3: missing size line"));
  for (const std::string size : {"2 2", "2 x 1", "2 2 1 5", "-1 2 1", "99999999999999999999 2 1"}) {
    const std::string path = write(header + size + "\n1 1 1\n");
    EXPECT_TRUE(contains(read_error(path), path + ":3: bad size line")) << size;
  }
  const std::string array = write("%%MatrixMarket matrix array real general\n2 2 4\n");
  EXPECT_TRUE(contains(read_error(array), array + ":2: bad size line"));
  const std::string nonsquare = write("%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n");
  EXPECT_TRUE(contains(read_error(nonsquare), nonsquare + ":2: a symmetric matrix must be square"));
}

TEST_F(MatrixMarketTest, RejectsEntriesOutsideTheDeclaredRange) {
  const std::string header = "%%MatrixMarket matrix coordinate real general\n3 2 1\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0 1 1", "row index '0' outside 1..3"},      {"4 1 1", "row index '4' outside 1..3"},
      {"1 3 1", "column index '3' outside 1..2"},   {"1 -1 1", "column index '-1' outside 1..2"},
      {"1 99999999999999999999 1", "outside 1..2"},
  };
  for (const auto& [line, expected] : cases) {
    const std::string path = write(header + line + "\n");
    const std::string message = read_error(path);
    EXPECT_TRUE(contains(message, path + ":3: ")) << line;
    EXPECT_TRUE(contains(message, expected)) << line;
  }
}

TEST_F(MatrixMarketTest, RejectsFewerOrMoreEntriesThanDeclared) {
  const std::string fewer =
      write("%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 2 1\n% end\n");
  EXPECT_TRUE(contains(read_error(fewer), fewer + ":5: file ends after 2 of the 3 declared"));
  const std::string more =
      write("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n2 2 1\n");
  EXPECT_TRUE(contains(read_error(more), more + ":4: more entries than the 1 declared"));
  // A comment leaves room for the fourth value, so the count is only found short at the end.
  const std::string short_array =
      write("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n% no fourth\n");
  EXPECT_TRUE(contains(read_error(short_array), ":6: file ends after 3 of the 4 declared"));
}

TEST_F(MatrixMarketTest, RejectsBadValuesNamingTheLine) {
  const std::string real = "%%MatrixMarket matrix coordinate real general\n2 2 1\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {real + "1 1 abc\n", ":3: expected a real value, got 'abc'"},
      {real + "1 1 1.5x\n", ":3: expected a real value, got '1.5x'"},
      {real + "1 1 nan\n", ":3: value 'nan' is not finite"},
      {real + "1 1 -inf\n", ":3: value '-inf' is not finite"},
      {real + "1 1 1e999\n", ":3: value '1e999' is out of the range"},
      {real + "x 1 1\n", ":3: expected an integer row index, got 'x'"},
      {real + "1 1\n", ":3: expected 3 columns (row column value), got 2"},
      {real + "1 1 1 1\n", ":3: expected 3 columns (row column value), got 4"},
      {"%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 2.5\n",
       ":3: expected an integer value, got '2.5'"},
      {"%%MatrixMarket matrix coordinate pattern general\n1 1 1\n1 1 1\n",
       ":3: expected 2 columns (row column), got 3"},
      {"%%MatrixMarket matrix array real general\n1 2\n1 2\n", ":3: expected one value per line"},
  };
  for (const auto& [content, expected] : cases) {
    const std::string path = write(content);
    EXPECT_TRUE(contains(read_error(path), path + expected)) << content;
  }
}

// The fuzzer's find: a size line of a few bytes declaring billions of entries made readers
// reserve room for them. The count must now fit in the bytes after the size line.
TEST_F(MatrixMarketTest, RefusesMoreDeclaredEntriesThanTheFileCanHold) {
  const std::string coordinate =
      write("%%MatrixMarket matrix coordinate pattern general\n999999 999999 99999999999\n1 1\n",
            "c.mtx");
  EXPECT_EQ(
      read_error(coordinate),
      coordinate +
          ":2: declares 99999999999 entries, but the 4 bytes after this line hold at most 1 "
          "(an entry takes at least 4 bytes, as '1 1\\n'): truncated file or wrong size line");
  const std::string array =
      write("%%MatrixMarket matrix array real general\n100000 100000\n1\n2\n", "a.mtx");
  EXPECT_TRUE(contains(read_error(array), array + ":2: declares 10000000000 entries, but the 4 "
                                                  "bytes after this line hold at most 2"));
  const std::string overflow =
      write("%%MatrixMarket matrix array real general\n9999999999 9999999999\n", "o.mtx");
  EXPECT_TRUE(contains(read_error(overflow), overflow + ":2: a 9999999999 x 9999999999 array has "
                                                        "more values than fit in 64 bits"));
  // Exactly as many as fit: 3 shortest entries, the last without its newline, are accepted.
  const std::string tight =
      write("%%MatrixMarket matrix coordinate pattern general\n9 9 3\n1 1\n2 2\n3 3", "t.mtx");
  EXPECT_EQ(read_all(tight).size(), 3u);
  EXPECT_EQ(MatrixMarketReader(tight).reservable_entries(), 3u);
}

TEST_F(MatrixMarketTest, RefusesMoreDeclaredEntriesThanTheMatrixHasPositions) {
  const std::string general =
      write("%%MatrixMarket matrix coordinate real general\n2 2 5\n" + std::string(64, '%') + "\n");
  EXPECT_TRUE(
      contains(read_error(general),
               general + ":2: declares 5 entries, but a 2 x 2 matrix has only 4 positions"));
  const std::string symmetric = write("%%MatrixMarket matrix coordinate real symmetric\n2 2 4\n" +
                                      std::string(64, '%') + "\n");
  EXPECT_TRUE(contains(read_error(symmetric),
                       ":2: declares 4 entries, but a 2 x 2 symmetric "
                       "matrix has only 3 positions"));
}

// A symmetric file stores the lower triangle; an entry above the diagonal would be mirrored
// onto a position that may hold a value of its own.
TEST_F(MatrixMarketTest, RefusesSymmetricEntriesAboveTheDiagonal) {
  const std::string path =
      write("%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n2 1 1\n3 3 1\n1 3 5\n");
  EXPECT_EQ(read_error(path), path +
                                  ":5: entry at row 1, column 3 lies above the diagonal: a "
                                  "symmetric MatrixMarket file stores the lower triangle "
                                  "only (row >= column)");
  const std::string pattern =
      write("%%MatrixMarket matrix coordinate pattern symmetric\n2 2 1\n1 2\n", "p.mtx");
  EXPECT_TRUE(contains(read_error(pattern), pattern + ":3: entry at row 1, column 2 lies above"));
}

// Whatever a file holds, an error quotes at most 80 bytes of it, printable, on one line.
TEST_F(MatrixMarketTest, ErrorsQuoteShortPrintableExcerpts) {
  const std::string long_token(10 << 20, '7');
  const std::string huge =
      write("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 x" + long_token + "\n");
  const std::string message = read_error(huge);
  EXPECT_LT(message.size(), huge.size() + 200);
  EXPECT_TRUE(contains(message, ":3: expected a real value, got 'x777"));
  EXPECT_TRUE(contains(message, "...' (10485761 bytes)"));
  const std::string control = write(
      "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 \x1b[31m\x07\x01\xff\n", "c.mtx");
  EXPECT_TRUE(
      contains(read_error(control), ":3: expected a real value, got '\\x1b[31m\\x07\\x01\\xff'"));
  const std::string banner =
      write("%%MatrixMarket matrix coordinate real ge" + std::string(1, '\0') + "neral\n", "b.mtx");
  EXPECT_TRUE(contains(read_error(banner), "unknown MatrixMarket symmetry 'ge\\x00neral'"));
}

TEST_F(MatrixMarketTest, MissingFileIsAnInputErrorNamingIt) {
  const std::string path = this->path("absent.mtx");
  EXPECT_TRUE(contains(read_error(path), path + ": cannot open"));
}

}  // namespace
}  // namespace distgae
