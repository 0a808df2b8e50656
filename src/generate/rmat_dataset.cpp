// write_rmat_dataset: edges.txt, one chunk per output id block (rmat_graph.hpp).
#include <fmt/format.h>

#include "generate/edge_list_file.hpp"
#include "generate/ordered_chunks.hpp"
#include "generate/synthetic_dataset.hpp"
#include "io/staged_directory.hpp"

namespace distgae {

GeneratedDataset write_rmat_dataset(const RmatParams& params, const std::filesystem::path& out,
                                    const GenerateOptions& options) {
  validate_rmat(params);  // before the cell counts (and before anything is created)
  StagedDirectory staged(out, options.overwrite);
  const RmatGraph graph(params);
  const std::string name = options.name.empty() ? default_dataset_name(out) : options.name;
  // The edge count is known only once every block is deduplicated: finish() patches it in.
  EdgeListFile file(staged.staging_path() / "edges.txt",
                    {name, graph.nodes(), describe_rmat(params), std::nullopt});
  for_each_chunk_in_order(
      graph.num_blocks(), options.threads,
      [&](std::int64_t block, TextChunk& chunk) {
        std::vector<std::uint64_t> edges;
        graph.block_edges(block, edges);
        chunk.text.reserve(edges.size() * 16);
        for (const std::uint64_t edge : edges) {
          append_pair_line(chunk.text, static_cast<std::uint64_t>(packed_source(edge)),
                           static_cast<std::uint64_t>(packed_target(edge)));
        }
        chunk.lines = edges.size();
      },
      [&](std::int64_t, const TextChunk& chunk) { file.append(chunk); });
  GeneratedDataset result;
  result.nodes = graph.nodes();
  result.edges = file.edges();
  result.threads = chunk_threads(options.threads);
  result.details = fmt::format("{} samples (edge factor {}), {} of them self loops or duplicates",
                               graph.samples(), params.edge_factor, graph.samples() - result.edges);
  result.files.push_back({"edges.txt", file.finish(), result.edges});
  staged.commit();
  return result;
}

}  // namespace distgae
