// The --node-ids reader on arbitrary bytes.
#include "fuzz_support.hpp"
#include "io/node_id_list.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace distgae;
  const fuzz::InputDirectory dir;
  const std::string path = dir.write("ids.txt", data, size);
  fuzz::expect_success_or_input_error([&] { read_node_id_list(path); });
  return 0;
}
