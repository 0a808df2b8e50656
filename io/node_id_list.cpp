#include "io/node_id_list.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "io/text_scanner.hpp"

namespace distgae {

std::vector<GlobalId> read_node_id_list(const std::string& path) {
  LineReader lines(path);
  std::vector<GlobalId> ids;
  std::string_view line;
  while (lines.next(line)) {
    std::string_view rest = skip_blanks(line);
    if (rest.empty() || rest.front() == '#' || rest.front() == '%') continue;
    const std::string_view token = next_token(rest);
    GlobalId id = 0;
    const ParseStatus status = parse_int64(token, id);
    if (status == ParseStatus::out_of_range) {
      throw InputError(at_line(
          path, lines.line_number(),
          fmt::format("node id {} does not fit in a 64-bit integer", quote_excerpt(token))));
    }
    if (status != ParseStatus::ok || !next_token(rest).empty()) {
      throw InputError(at_line(path, lines.line_number(),
                               fmt::format("expected one integer node id per line, got {}",
                                           quote_excerpt(skip_blanks(line)))));
    }
    ids.push_back(id);
  }
  if (ids.empty()) throw InputError(at_file(path, "no node ids (only comments and blank lines)"));
  return ids;
}

}  // namespace distgae
