// A checkpoint's metrics history and configuration text (train/checkpoint_history.hpp): exactly
// one JSON line per epoch, numbered 1..epoch, and one JSON object, or the checkpoint is refused.
#include "train/checkpoint_history.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace distgae {
namespace {
using testing_util::contains;
using testing_util::input_error;

CheckpointState with_history(std::int64_t epoch, std::string metrics) {
  CheckpointState state;
  state.epoch = epoch;
  state.metrics_jsonl = std::move(metrics);
  state.config_json = R"({"lr":0.01})";
  return state;
}

std::string lines(int first, int last) {
  std::string text;
  for (int epoch = first; epoch <= last; ++epoch) {
    text += R"({"epoch":)" + std::to_string(epoch) + R"(,"loss":0.5})" + "\n";
  }
  return text;
}

std::string refusal(const CheckpointState& state) {
  const std::string message = input_error([&] { check_checkpoint_history("ckpt.h5", state); });
  EXPECT_TRUE(contains(message, "ckpt.h5: ")) << message;
  return message;
}

TEST(CheckpointHistory, OneNumberedLinePerEpochPasses) {
  EXPECT_NO_THROW(check_checkpoint_history("ckpt.h5", with_history(3, lines(1, 3))));
  EXPECT_NO_THROW(check_checkpoint_history("ckpt.h5", with_history(0, "")));
}

TEST(CheckpointHistory, AnythingElseIsRefusedNamingTheLine) {
  struct Case {
    std::int64_t epoch;
    std::string metrics, expected;
  };
  const Case cases[] = {
      {3, lines(1, 2),
       "holds 2 complete lines, expected one per epoch up to the checkpoint's "
       "epoch 3"},
      {1'000'000'000'000, lines(1, 3),
       "expected one per epoch up to the checkpoint's epoch "
       "1000000000000"},
      {2, lines(1, 2) + R"({"epoch":3)", "and a partial one"},
      {2, lines(1, 1) + "not json\n", "line 2: not a JSON object"},
      {2, lines(1, 1) + "[1, 2]\n", "line 2: not a JSON object"},
      {2, lines(1, 1) + lines(3, 3), R"(line 2: its "epoch" is 3, expected 2)"},
      {2, lines(1, 1) + R"({"loss":1})" + "\n", R"(line 2: its "epoch" is missing)"},
      {1,
       R"({"epoch":"1"})"
       "\n",
       R"(line 1: its "epoch" is "1", expected 1)"},
      {1,
       R"({"epoch":1.0})"
       "\n",
       R"(its "epoch" is 1.0, expected 1)"},
      {2, lines(2, 2) + lines(1, 1), "line 1"},
  };
  for (const Case& c : cases) {
    const std::string message = refusal(with_history(c.epoch, c.metrics));
    EXPECT_TRUE(contains(message, "attribute metrics_jsonl")) << message;
    EXPECT_TRUE(contains(message, c.expected)) << message;
  }
}

TEST(CheckpointHistory, TheConfigurationMustBeAJsonObject) {
  for (const char* config : {"", "[]", "{\"lr\":", "null"}) {
    CheckpointState state = with_history(1, lines(1, 1));
    state.config_json = config;
    EXPECT_TRUE(contains(refusal(state), "attribute config is not a JSON object")) << config;
  }
}

}  // namespace
}  // namespace distgae
