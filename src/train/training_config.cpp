#include "train/training_config.hpp"

#include <nlohmann/json.hpp>

namespace distgae {

const char* model_name(ModelKind kind) {
  return kind == ModelKind::kVgae ? "vgae" : "gae";
}

const char* decoder_name(DecoderKind kind) {
  return kind == DecoderKind::kFull ? "full" : "sampled";
}

std::string config_json(const TrainingConfig& config) {
  const nlohmann::json json = {{"model", model_name(config.model)},
                               {"decoder", decoder_name(config.decoder)},
                               {"epochs", config.epochs},
                               {"lr", config.learning_rate},
                               {"hidden", config.hidden},
                               {"latent", config.latent},
                               {"neg", config.negatives},
                               {"seed", config.seed},
                               {"exact_sums", config.summation == Summation::kExact},
                               {"threads", config.threads},
                               {"eval_every", config.eval_every},
                               {"checkpoint_every", config.checkpoint_every},
                               {"keep", config.keep}};
  return json.dump();
}

}  // namespace distgae
