#include "io/node_id_list.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "io/text_scanner.hpp"

namespace distgae {
namespace {

// Calls add(id) for the id of each data line `lines` returns.
template <class Add>
void read_id_lines(LineReader& lines, Add&& add) {
  std::string_view line;
  while (lines.next(line)) {
    std::string_view rest = skip_blanks(line);
    if (rest.empty() || rest.front() == '#' || rest.front() == '%') continue;
    const std::string_view token = next_token(rest);
    GlobalId id = 0;
    const ParseStatus status = parse_int64(token, id);
    if (status == ParseStatus::out_of_range) {
      throw InputError(at_line(
          lines.path(), lines.line_number(),
          fmt::format("node id {} does not fit in a 64-bit integer", quote_excerpt(token))));
    }
    if (status != ParseStatus::ok || !next_token(rest).empty()) {
      throw InputError(at_line(lines.path(), lines.line_number(),
                               fmt::format("expected one integer node id per line, got {}",
                                           quote_excerpt(skip_blanks(line)))));
    }
    add(id);
  }
}

}  // namespace

std::vector<GlobalId> read_node_id_list(const std::string& path) {
  LineReader lines(path);
  std::vector<GlobalId> ids;
  read_id_lines(lines, [&](GlobalId id) { ids.push_back(id); });
  check_node_ids_found(path, static_cast<std::int64_t>(ids.size()));
  return ids;
}

NodeIdRange read_node_id_range(const std::string& path, ByteRange range, std::int64_t first_line) {
  LineReader lines(path, range, first_line);
  NodeIdRange result;
  read_id_lines(lines, [&](GlobalId id) {
    result.ids.push_back(id);
    result.line_numbers.push_back(lines.line_number());
  });
  return result;
}

void check_node_ids_found(const std::string& path, std::int64_t ids) {
  if (ids == 0) throw InputError(at_file(path, "no node ids (only comments and blank lines)"));
}

}  // namespace distgae
