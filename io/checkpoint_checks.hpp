// The checks io/checkpoint_file.cpp makes of a checkpoint before anything in it is trusted, apart
// from its reading and writing: attributes against each other and the file name, values finite,
// arrays against their stored checksums. Each failure is an InputError naming the file and the
// attribute or dataset (and row) at fault.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "io/checkpoint_file.hpp"
#include "io/h5_file.hpp"

namespace distgae {

// "ckpt-<digits>.h5" → the epoch; -1 for any other name (".tmp" files included).
std::int64_t checkpoint_epoch_of_name(const std::string& filename);

// The attributes against each other, the arrays' sizes and the file name: the epoch is the one
// the name says (when named ckpt-<epoch>.h5), adam_steps equals it (one Adam step per epoch),
// the model is gae or vgae, node arrays are present exactly when input_dim is 0 (featureless),
// and `num_parameters` is the count the model's shape implies (docs/format.md).
void check_checkpoint_attributes(const std::string& path, const CheckpointState& state,
                                 std::int64_t num_parameters);

// The uint64 `checksum` attribute of `dataset` (format version 2 and later).
std::uint64_t read_stored_checksum(const H5File& file, const std::string& dataset);

// parameters, adam_m and adam_v of `state` (read from `file`): checksums (version 2) and values.
void check_replicated_arrays(const H5File& file, const CheckpointState& state);

// The first value of `values` that a checkpoint may not hold, described for an error message
// ("dataset 'adam_v' row 12 column 3: value -1 (a second moment is never negative)"), or empty.
// `values` are rows [first_row, ...) of `width` columns (1-D arrays: width 1); a second moment
// (`second_moment`) must also be non-negative.
std::string first_bad_value(const std::string& dataset, std::span<const float> values,
                            std::int64_t first_row, std::size_t width, bool second_moment);

}  // namespace distgae
