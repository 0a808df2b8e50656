// The MatrixMarket reader on arbitrary bytes, as a graph and as a feature matrix (the two
// callers size different things by its header).
#include "fuzz_support.hpp"
#include "io/feature_readers.hpp"
#include "io/graph_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace distgae;
  const fuzz::InputDirectory dir;
  const std::string path = dir.write("matrix.mtx", data, size);
  fuzz::expect_success_or_input_error([&] { read_matrix_market_graph(path); });
  fuzz::expect_success_or_input_error([&] { read_matrix_market_features(path); });
  return 0;
}
