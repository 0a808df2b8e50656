// edges.txt as the shared data sets have it (../shared/datasets/README.md): '#' header lines
// naming the graph, its node and edge counts, the format and how it was made, then one "u v"
// line per undirected edge (0-based, u < v, each once, sorted), which the caller appends.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "generate/text_output.hpp"

namespace distgae {

struct EdgeListHeader {
  std::string name;
  std::int64_t nodes = 0;
  std::string generator;  // the command and every parameter, seed included
  // Known up front (checked by finish()) or not (a fixed-width field patched by finish()).
  std::optional<std::uint64_t> edges;
};

class EdgeListFile {
 public:
  // Creates the file and writes the header.
  EdgeListFile(std::filesystem::path path, const EdgeListHeader& header);

  // Appends lines made with append_pair_line; chunk.lines counts the edges.
  void append(const TextChunk& chunk);
  // Fills in the edge count (or checks it against the declared one: a mismatch is a bug) and
  // closes the file. Returns its size in bytes.
  std::uint64_t finish();
  std::uint64_t edges() const { return edges_; }

 private:
  TextFile file_;
  std::optional<std::uint64_t> declared_edges_;
  std::uint64_t count_field_offset_ = 0;
  std::uint64_t edges_ = 0;
};

}  // namespace distgae
