// The embeddings readers (`distgae info` and `export`) on a mutated embeddings.h5: the view's
// shards (fixtures/embeddings, from `distgae train` on 2 ranks) lie beside it, so a mutated view
// still maps real files; a mutated shard seed is read as a shard.
#include "fuzz_support.hpp"
#include "io/embedding_export.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace distgae;
  {
    const fuzz::InputDirectory dir;
    dir.link("part-0.h5", fuzz::fixture("embeddings/part-0.h5"));
    dir.link("part-1.h5", fuzz::fixture("embeddings/part-1.h5"));
    const std::string path = dir.write("embeddings.h5", data, size);
    fuzz::expect_success_or_input_error([&] { read_embeddings_summary(path); });
    const std::string sorted = (dir.path() / "sorted.h5").string();
    fuzz::expect_success_or_input_error(
        [&] { export_sorted_embeddings(path, sorted, ExportFormat::kHdf5, true); });
    const std::string csv = (dir.path() / "sorted.csv").string();
    fuzz::expect_success_or_input_error(
        [&] { export_sorted_embeddings(path, csv, ExportFormat::kCsv, true); });
  }
  fuzz::expect_no_open_hdf5_objects();
  return 0;
}
