// `distgae generate`: a synthetic graph written as a data set directory in the shared format
// (edges.txt, and for the SBM features.mtx and labels.txt), ready for `distgae partition`.
//
// Written under a temporary name and renamed when complete (StagedDirectory). Streamed: chunks
// of nodes (SBM) or id blocks (R-MAT) are generated on OpenMP threads and written in order, so
// memory is a few chunks, not the graph. Every random draw is keyed by the seed and by node,
// node range or quadrant cell, so the files are identical, byte for byte, for any thread count
// and chunk size.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "generate/rmat_graph.hpp"
#include "generate/sbm_graph.hpp"

namespace distgae {

struct GenerateOptions {
  int threads = 0;         // OpenMP threads; <= 0: OpenMP's default
  bool overwrite = false;  // replace an existing output directory
  std::string name;        // the '# name:' of edges.txt; empty: the output directory's name
  std::int64_t chunk_lines = std::int64_t{1} << 19;  // lines a chunk aims at (memory vs overhead)
};

struct WrittenFile {
  std::string name;
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;  // data lines: edges, nonzeros, labels
};

struct GeneratedDataset {
  std::int64_t nodes = 0;
  std::uint64_t edges = 0;
  std::string details;  // what else a person wants to know, e.g. the share inside communities
  int threads = 1;      // threads used
  std::vector<WrittenFile> files;
};

// Writes edges.txt, features.mtx (unless params.features == 0) and labels.txt (the community of
// each node) into `out`. InputError for bad parameters or an existing `out` without overwrite.
GeneratedDataset write_sbm_dataset(const SbmParams& params, const std::filesystem::path& out,
                                   const GenerateOptions& options);

// Writes edges.txt (the graph has no features and no labels) into `out`.
GeneratedDataset write_rmat_dataset(const RmatParams& params, const std::filesystem::path& out,
                                    const GenerateOptions& options);

// The name a data set gets by default: the last component of `out` ("runs/sbm1m/" -> "sbm1m").
std::string default_dataset_name(const std::filesystem::path& out);

}  // namespace distgae
