// The shared MatrixMarket parser: banner and size line, entry order, symmetric mirroring, array
// layout and every malformed-input error (each names the file and line).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/matrix_market.hpp"
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
  const std::string short_array = write("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n");
  EXPECT_TRUE(contains(read_error(short_array), "file ends after 3 of the 4 declared"));
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

TEST_F(MatrixMarketTest, MissingFileIsAnInputErrorNamingIt) {
  const std::string path = this->path("absent.mtx");
  EXPECT_TRUE(contains(read_error(path), path + ": cannot open"));
}

}  // namespace
}  // namespace distgae
