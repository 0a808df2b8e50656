// read_dataset_meta on a mutated meta.h5 (fixtures/dataset's parts beside it).
#include "fuzz_support.hpp"
#include "io/dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace distgae;
  {
    const fuzz::InputDirectory dir;
    dir.link("part-0.h5", fuzz::fixture("dataset/part-0.h5"));
    dir.link("part-1.h5", fuzz::fixture("dataset/part-1.h5"));
    dir.write("meta.h5", data, size);
    fuzz::expect_success_or_input_error([&] { read_dataset_meta(dir.path().string()); });
  }
  fuzz::expect_no_open_hdf5_objects();
  return 0;
}
