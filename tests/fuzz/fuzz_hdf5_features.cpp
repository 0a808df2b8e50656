// The HDF5 feature reader on mutated HDF5 files (seeds: real feature files).
#include "fuzz_support.hpp"
#include "io/feature_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace distgae;
  {
    const fuzz::InputDirectory dir;
    const std::string path = dir.write("features.h5", data, size);
    fuzz::expect_success_or_input_error([&] { read_features(path, "features"); });
  }
  fuzz::expect_no_open_hdf5_objects();
  return 0;
}
