// The halo traffic of one training epoch, predicted from the partition alone, so `distgae info`
// can say what a run will send and `bench/epoch.py` can check the measured bytes against it.
#pragma once

#include <cstdint>

#include "model/encoder.hpp"

namespace distgae {

// Bytes one rank sends through the halo exchange per epoch. Each GCN layer exchanges its
// transformed rows forward and its output gradients backward (dT = Â · dY needs dY's halo rows
// as Y = Â · T needs T's): twice per layer the rank sends its `sent_rows` rows, at the layer's
// width: hidden for layer 1, heads × latent for layer 2 (VGAE's two heads travel together).
// float32 rows.
inline std::int64_t halo_bytes_per_epoch(std::int64_t sent_rows, const EncoderShape& shape) {
  const std::int64_t widths =
      shape.hidden + static_cast<std::int64_t>(shape.heads()) * shape.latent;
  return 2 * sent_rows * widths * static_cast<std::int64_t>(sizeof(float));
}

}  // namespace distgae
