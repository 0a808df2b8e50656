#include "generate/edge_list_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace distgae {
namespace {

// Wide enough for any 64-bit count; an unknown count is padded to it with trailing blanks.
constexpr int kCountFieldWidth = 20;

// Header values stay on their line whatever the caller passes.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

}  // namespace

EdgeListFile::EdgeListFile(std::filesystem::path path, const EdgeListHeader& header)
    : file_(std::move(path)), declared_edges_(header.edges) {
  file_.write(
      fmt::format("# name: {}\n# nodes: {}\n# edges: ", one_line(header.name), header.nodes));
  count_field_offset_ = file_.bytes_written();
  file_.write(declared_edges_ ? fmt::format("{}", *declared_edges_)
                              : std::string(kCountFieldWidth, ' '));
  file_.write(fmt::format(
      "\n# format: one undirected edge per line, 'u v', 0-based node ids 0..nodes-1, u < v, each "
      "edge once, no self loops, sorted\n# generator: {}\n",
      one_line(header.generator)));
}

void EdgeListFile::append(const TextChunk& chunk) {
  file_.write(chunk.text);
  edges_ += chunk.lines;
}

std::uint64_t EdgeListFile::finish() {
  if (declared_edges_) {
    if (*declared_edges_ != edges_) {
      throw std::logic_error(fmt::format("{}: declared {} edges but wrote {}",
                                         file_.path().string(), *declared_edges_, edges_));
    }
  } else {
    file_.overwrite_at(count_field_offset_, fmt::format("{:<{}}", edges_, kCountFieldWidth));
  }
  const std::uint64_t bytes = file_.bytes_written();
  file_.close();
  return bytes;
}

}  // namespace distgae
