// read_part on a mutated part file, beside the real meta.h5 of the dataset it came from
// (fixtures/dataset: `distgae partition` of a 40-node graph into 2 parts).
#include "fuzz_support.hpp"
#include "io/dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace distgae;
  {
    const fuzz::InputDirectory dir;
    dir.link("meta.h5", fuzz::fixture("dataset/meta.h5"));
    dir.link("part-1.h5", fuzz::fixture("dataset/part-1.h5"));
    dir.write("part-0.h5", data, size);
    fuzz::expect_success_or_input_error([&] { read_part(dir.path().string(), 0); });
  }
  fuzz::expect_no_open_hdf5_objects();
  return 0;
}
