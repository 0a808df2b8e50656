// write_sbm_dataset: the SBM's three files, each streamed in chunks of nodes.
#include <fmt/format.h>

#include <algorithm>

#include "generate/edge_list_file.hpp"
#include "generate/ordered_chunks.hpp"
#include "generate/sbm_features.hpp"
#include "generate/synthetic_dataset.hpp"
#include "io/staged_directory.hpp"

namespace distgae {
namespace {

std::int64_t chunk_count(std::int64_t nodes, std::int64_t chunk_nodes) {
  return (nodes + chunk_nodes - 1) / chunk_nodes;
}

WrittenFile write_edges(const SbmGraph& graph, const std::filesystem::path& path,
                        const std::string& name, const GenerateOptions& options) {
  const SbmParams& p = graph.params();
  // Chunks of nodes holding about chunk_lines edges on average (low ids have more partners).
  const std::int64_t chunk_nodes =
      std::max<std::int64_t>(1, p.nodes / std::max<std::int64_t>(1, p.edges / options.chunk_lines));
  EdgeListFile file(path, {name, p.nodes, describe_sbm(p), static_cast<std::uint64_t>(p.edges)});
  for_each_chunk_in_order(
      chunk_count(p.nodes, chunk_nodes), options.threads,
      [&](std::int64_t chunk, TextChunk& out) {
        const GlobalId begin = chunk * chunk_nodes;
        const GlobalId end = std::min(p.nodes, begin + chunk_nodes);
        std::vector<std::uint64_t> intra;
        std::vector<std::uint64_t> inter;
        graph.higher_degrees(begin, end, intra, inter);
        SbmScratch scratch;
        std::vector<GlobalId> neighbours;
        for (GlobalId node = begin; node < end; ++node) {
          const auto i = static_cast<std::size_t>(node - begin);
          graph.higher_neighbours(node, intra[i], inter[i], scratch, neighbours);
          for (const GlobalId neighbour : neighbours) {
            append_pair_line(out.text, static_cast<std::uint64_t>(node),
                             static_cast<std::uint64_t>(neighbour));
          }
          out.lines += neighbours.size();
        }
      },
      [&](std::int64_t, const TextChunk& chunk) { file.append(chunk); });
  const std::uint64_t edges = file.edges();
  return {"edges.txt", file.finish(), edges};
}

WrittenFile write_features(const SbmParams& p, const std::filesystem::path& path,
                           const std::string& name, const GenerateOptions& options) {
  const SbmFeatures features(p);
  const std::uint64_t nonzeros =
      static_cast<std::uint64_t>(p.nodes) * static_cast<std::uint64_t>(p.feature_nnz);
  TextFile file(path);
  file.write(fmt::format(
      "%%MatrixMarket matrix coordinate real general\n"
      "% {} node features: {} nonzeros (1.0) a row, about {:.0f}% of them drawn from the {} "
      "columns its community prefers, the rest from all {}; row i = node i-1; {}\n"
      "{} {} {}\n",
      name, p.feature_nnz, 100.0 * p.feature_signal, features.preferred_count(), p.features,
      describe_sbm(p), p.nodes, p.features, nonzeros));
  const std::int64_t chunk_nodes = std::max<std::int64_t>(1, options.chunk_lines / p.feature_nnz);
  std::uint64_t written = 0;
  for_each_chunk_in_order(
      chunk_count(p.nodes, chunk_nodes), options.threads,
      [&](std::int64_t chunk, TextChunk& out) {
        const GlobalId begin = chunk * chunk_nodes;
        const GlobalId end = std::min(p.nodes, begin + chunk_nodes);
        FeatureScratch scratch;
        std::vector<std::uint64_t> columns;
        for (GlobalId node = begin; node < end; ++node) {
          features.node_columns(node, scratch, columns);
          for (const std::uint64_t column : columns) {
            append_decimal(out.text, static_cast<std::uint64_t>(node) + 1);
            out.text.push_back(' ');
            append_decimal(out.text, column + 1);
            out.text.append(" 1\n");
          }
          out.lines += columns.size();
        }
      },
      [&](std::int64_t, const TextChunk& chunk) {
        file.write(chunk.text);
        written += chunk.lines;
      });
  const std::uint64_t bytes = file.bytes_written();
  file.close();
  return {"features.mtx", bytes, written};
}

WrittenFile write_labels(const SbmGraph& graph, const std::filesystem::path& path,
                         const GenerateOptions& options) {
  const std::int64_t nodes = graph.params().nodes;
  const std::int64_t chunk_nodes = std::max<std::int64_t>(1, options.chunk_lines);
  TextFile file(path);
  for_each_chunk_in_order(
      chunk_count(nodes, chunk_nodes), options.threads,
      [&](std::int64_t chunk, TextChunk& out) {
        const GlobalId begin = chunk * chunk_nodes;
        const GlobalId end = std::min(nodes, begin + chunk_nodes);
        for (GlobalId node = begin; node < end; ++node) {
          append_decimal(out.text, static_cast<std::uint64_t>(graph.community(node)));
          out.text.push_back('\n');
        }
        out.lines = static_cast<std::uint64_t>(end - begin);
      },
      [&](std::int64_t, const TextChunk& chunk) { file.write(chunk.text); });
  const std::uint64_t bytes = file.bytes_written();
  file.close();
  return {"labels.txt", bytes, static_cast<std::uint64_t>(nodes)};
}

}  // namespace

std::string default_dataset_name(const std::filesystem::path& out) {
  std::filesystem::path name = out.filename();
  if (name.empty()) name = out.parent_path().filename();  // "out/" -> "out"
  return name.string();
}

GeneratedDataset write_sbm_dataset(const SbmParams& params, const std::filesystem::path& out,
                                   const GenerateOptions& options) {
  const SbmGraph graph(params);  // validates before anything is created
  StagedDirectory staged(out, options.overwrite);
  const std::string name = options.name.empty() ? default_dataset_name(out) : options.name;
  GeneratedDataset result;
  result.nodes = params.nodes;
  result.threads = chunk_threads(options.threads);
  result.details = fmt::format(
      "{} communities, {} edges inside them ({:.1f}%), {} features with {} nonzeros a row",
      params.communities, graph.intra_edges(),
      100.0 * static_cast<double>(graph.intra_edges()) / static_cast<double>(params.edges),
      params.features, params.feature_nnz);
  result.files.push_back(write_edges(graph, staged.staging_path() / "edges.txt", name, options));
  result.edges = result.files.back().lines;
  if (params.features > 0) {
    result.files.push_back(
        write_features(params, staged.staging_path() / "features.mtx", name, options));
  }
  result.files.push_back(write_labels(graph, staged.staging_path() / "labels.txt", options));
  staged.commit();
  return result;
}

}  // namespace distgae
