#include "train/training_config.hpp"

namespace distgae {

const char* model_name(ModelKind kind) {
  return kind == ModelKind::kVgae ? "vgae" : "gae";
}

const char* decoder_name(DecoderKind kind) {
  return kind == DecoderKind::kFull ? "full" : "sampled";
}

}  // namespace distgae
