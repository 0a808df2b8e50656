#include "io/checkpoint_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

#include "core/error.hpp"
#include "io/array_checksum.hpp"

namespace distgae {

std::int64_t checkpoint_epoch_of_name(const std::string& filename) {
  constexpr std::string_view kPrefix = "ckpt-", kSuffix = ".h5";
  if (filename.size() <= kPrefix.size() + kSuffix.size() || !filename.starts_with(kPrefix) ||
      !filename.ends_with(kSuffix)) {
    return -1;
  }
  const char* first = filename.data() + kPrefix.size();
  const char* last = filename.data() + filename.size() - kSuffix.size();
  if (!std::all_of(first, last, [](char c) { return c >= '0' && c <= '9'; })) return -1;
  std::int64_t epoch = -1;
  const auto [end, error] = std::from_chars(first, last, epoch);
  return error == std::errc() && end == last ? epoch : -1;
}

void check_checkpoint_attributes(const std::string& path, const CheckpointState& state,
                                 std::int64_t num_parameters) {
  const auto fail = [&](const std::string& message) { throw InputError(at_file(path, message)); };
  const std::size_t slash = path.find_last_of('/');
  const std::int64_t named =
      checkpoint_epoch_of_name(slash == std::string::npos ? path : path.substr(slash + 1));
  if (named >= 0 && state.epoch != named) {
    fail(fmt::format("attribute epoch is {} but the file name says epoch {}", state.epoch, named));
  }
  if (state.adam_steps != state.epoch) {
    fail(fmt::format("attribute adam_steps is {}, expected the epoch {} (one Adam step per epoch)",
                     state.adam_steps, state.epoch));
  }
  if (state.model != "gae" && state.model != "vgae") {
    fail(fmt::format("attribute model is '{}', expected 'gae' or 'vgae'", state.model));
  }
  if (state.featureless != (state.input_dim == 0)) {
    fail(state.featureless ? "node_rows in a checkpoint with features (input_dim > 0)"
                           : "node_rows is missing (input_dim 0: a featureless model)");
  }
  // W0 [input_dim, hidden] (absent when featureless), then W1 [hidden, heads * latent]; the
  // attributes are whatever the file says, so the products are checked for overflow.
  const std::int64_t heads = state.model == "vgae" ? 2 : 1;
  std::int64_t w0 = 0, w1 = 0, total = 0;
  const bool overflow =
      __builtin_mul_overflow(std::int64_t{state.hidden}, heads * state.latent, &w1) ||
      __builtin_mul_overflow(state.input_dim, std::int64_t{state.hidden}, &w0) ||
      __builtin_add_overflow(w0, w1, &total);
  if (overflow || total != num_parameters) {
    fail(
        fmt::format("parameters holds {} values, but a {} with input_dim {}, hidden {} and "
                    "latent {} has {}",
                    num_parameters, state.model, state.input_dim, state.hidden, state.latent,
                    overflow ? std::string("more than 2^63") : std::to_string(total)));
  }
}

std::uint64_t read_stored_checksum(const H5File& file, const std::string& dataset) {
  return file.read_attribute<std::uint64_t>(dataset, "checksum");
}

std::string first_bad_value(const std::string& dataset, std::span<const float> values,
                            std::int64_t first_row, std::size_t width, bool second_moment) {
  const auto bad = std::find_if(values.begin(), values.end(), [&](float value) {
    return !std::isfinite(value) || (second_moment && value < 0.0f);
  });
  if (bad == values.end()) return {};
  const auto index = static_cast<std::size_t>(bad - values.begin());
  const std::string where =
      width == 1 ? fmt::format("index {}", first_row + static_cast<std::int64_t>(index))
                 : fmt::format("row {} column {}",
                               first_row + static_cast<std::int64_t>(index / width), index % width);
  const bool finite = std::isfinite(*bad);
  return fmt::format("dataset '{}' {}: value {} {}", dataset, where, *bad,
                     finite ? "(a second moment is never negative)" : "is not finite");
}

void check_replicated_arrays(const H5File& file, const CheckpointState& state) {
  const std::pair<const char*, const std::vector<float>*> arrays[] = {
      {"parameters", &state.parameters}, {"adam_m", &state.adam_m}, {"adam_v", &state.adam_v}};
  // Checksums first: a damaged file is reported as damaged, whatever its values became.
  if (state.format_version >= 2) {
    for (const auto& [name, values] : arrays) {
      const std::uint64_t stored = read_stored_checksum(file, name);
      const std::uint64_t computed = checksum_values(*values);
      if (stored != computed) {
        throw InputError(at_file(file.path(), checksum_mismatch(name, stored, computed)));
      }
    }
  }
  for (const auto& [name, values] : arrays) {
    const std::string problem =
        first_bad_value(name, *values, 0, 1, std::string_view(name) == "adam_v");
    if (!problem.empty()) throw InputError(at_file(file.path(), problem));
  }
}

}  // namespace distgae
