#include "io/node_id_list.hpp"

#include <charconv>
#include <fstream>

#include "core/error.hpp"

namespace distgae {

std::vector<GlobalId> read_node_id_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(at_file(path, "cannot open"));
  std::vector<GlobalId> ids;
  std::string line;
  long long line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    std::size_t begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos || line[begin] == '#' || line[begin] == '%') continue;
    std::size_t end = line.find_last_not_of(" \t\r") + 1;
    GlobalId id = 0;
    const char* first = line.data() + begin;
    const char* last = line.data() + end;
    auto [ptr, ec] = std::from_chars(first, last, id);
    if (ec == std::errc::result_out_of_range) {
      throw InputError(at_line(path, line_number, "node id does not fit in 64 bits"));
    }
    if (ec != std::errc() || ptr != last) {
      throw InputError(
          at_line(path, line_number,
                  "expected one integer node id, got '" + std::string(first, last) + "'"));
    }
    ids.push_back(id);
  }
  if (ids.empty()) throw InputError(at_file(path, "no node ids"));
  return ids;
}

}  // namespace distgae
