#include "train/checkpoint_history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace distgae {
namespace {

void check_metrics(const std::string& path, std::int64_t epoch, std::string_view text) {
  const auto fail = [&](std::int64_t line, const std::string& message) {
    throw InputError(
        at_file(path, fmt::format("attribute metrics_jsonl line {}: {}", line, message)));
  };
  // Counted before anything is parsed: an epoch of 10^12 is refused at once, not line by line.
  const auto lines = static_cast<std::int64_t>(std::count(text.begin(), text.end(), '\n'));
  if (lines != epoch || (!text.empty() && text.back() != '\n')) {
    throw InputError(at_file(
        path, fmt::format("attribute metrics_jsonl holds {} complete lines{}, expected one per "
                          "epoch up to the checkpoint's epoch {}",
                          lines, !text.empty() && text.back() != '\n' ? " and a partial one" : "",
                          epoch)));
  }
  std::size_t start = 0;
  for (std::int64_t line = 1; line <= epoch; ++line) {
    const std::size_t end = text.find('\n', start);
    const nlohmann::json record =
        nlohmann::json::parse(text.substr(start, end - start), nullptr, false);
    if (record.is_discarded() || !record.is_object()) fail(line, "not a JSON object");
    const auto found = record.find("epoch");
    if (found == record.end() || !found->is_number_integer() ||
        found->get<std::int64_t>() != line) {
      fail(line,
           fmt::format("its \"epoch\" is {}, expected {}",
                       found == record.end() ? "missing" : found->dump().substr(0, 40), line));
    }
    start = end + 1;
  }
}

}  // namespace

void check_checkpoint_history(const std::string& path, const CheckpointState& state) {
  check_metrics(path, state.epoch, state.metrics_jsonl);
  const nlohmann::json config = nlohmann::json::parse(state.config_json, nullptr, false);
  if (config.is_discarded() || !config.is_object()) {
    throw InputError(at_file(path, "attribute config is not a JSON object"));
  }
}

}  // namespace distgae
