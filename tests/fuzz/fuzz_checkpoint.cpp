// The checkpoint readers on mutated checkpoints (seeds: `distgae train` checkpoints of a model
// with features and of a featureless one).
#include "fuzz_support.hpp"
#include "io/checkpoint_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace distgae;
  {
    const fuzz::InputDirectory dir;
    const std::string path = dir.write("ckpt-000004.h5", data, size);
    fuzz::expect_success_or_input_error([&] { read_checkpoint(path); });
    fuzz::expect_success_or_input_error([&] { read_checkpoint_summary(path); });
  }
  fuzz::expect_no_open_hdf5_objects();
  return 0;
}
