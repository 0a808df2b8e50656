// The edge-list reader on arbitrary bytes, with and without a caller's node count.
#include "fuzz_support.hpp"
#include "io/graph_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace distgae;
  const fuzz::InputDirectory dir;
  const std::string path = dir.write("edges.txt", data, size);
  fuzz::expect_success_or_input_error([&] { read_edge_list(path); });
  EdgeListOptions bounded;
  bounded.id_bound = 1000;
  fuzz::expect_success_or_input_error([&] { read_edge_list(path, bounded); });
  return 0;
}
