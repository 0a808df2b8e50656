#include "io/embedding_validation.hpp"

#include <fmt/format.h>

#include <cmath>

#include "core/error.hpp"
#include "io/embedding_files.hpp"

namespace distgae {
namespace {

template <class... Args>
[[noreturn]] void fail(const std::string& path, fmt::format_string<Args...> format,
                       Args&&... args) {
  throw InputError(at_file(path, fmt::format(format, std::forward<Args>(args)...)));
}

// Scores are NaN without a test split: NaN equals NaN here.
bool same_score(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

// At most 40 characters of an attribute's text.
std::string excerpt(const std::string& text) {
  return text.size() <= 40 ? text : text.substr(0, 37) + "...";
}

// The first root attribute where `shard` differs from `view`, empty when none.
std::string differing_attribute(const EmbeddingsSummary& view, const EmbeddingsSummary& shard) {
  if (shard.model != view.model) {
    return fmt::format("model '{}' (the view's: '{}')", excerpt(shard.model), excerpt(view.model));
  }
  if (shard.latent != view.latent) {
    return fmt::format("latent {} (the view's: {})", shard.latent, view.latent);
  }
  if (shard.hidden != view.hidden) {
    return fmt::format("hidden {} (the view's: {})", shard.hidden, view.hidden);
  }
  if (shard.epoch != view.epoch)
    return fmt::format("epoch {} (the view's: {})", shard.epoch, view.epoch);
  if (shard.seed != view.seed)
    return fmt::format("seed {} (the view's: {})", shard.seed, view.seed);
  if (!same_score(shard.test_auc, view.test_auc) || !same_score(shard.test_ap, view.test_ap)) {
    return fmt::format("test_auc/test_ap {}/{} (the view's: {}/{})", shard.test_auc, shard.test_ap,
                       view.test_auc, view.test_ap);
  }
  if (shard.graph_fingerprint != view.graph_fingerprint) {
    return fmt::format("graph_fingerprint '{}' (the view's: '{}')",
                       excerpt(shard.graph_fingerprint), excerpt(view.graph_fingerprint));
  }
  if (shard.num_parts != view.num_parts) {
    return fmt::format("num_parts {} (the view's: {})", shard.num_parts, view.num_parts);
  }
  return "";
}

}  // namespace

void check_embeddings_attributes(const EmbeddingsSummary& s) {
  if (s.n_rows_attribute >= 0 && s.n_rows_attribute != s.rows) {
    fail(s.path, "attribute 'n_rows' is {}, but the datasets have {} rows", s.n_rows_attribute,
         s.rows);
  }
  if (s.num_nodes_attribute >= 0 && s.num_nodes_attribute != s.rows) {
    fail(s.path, "attribute 'num_nodes' is {}, but the datasets have {} rows",
         s.num_nodes_attribute, s.rows);
  }
  if (s.part >= 0 && s.part >= s.num_parts) {
    fail(s.path, "attribute 'part' is {}, outside [0, num_parts = {})", s.part, s.num_parts);
  }
}

void check_shard_against_view(const EmbeddingsSummary& view, const EmbeddingSource& source,
                              const EmbeddingsSummary& shard) {
  const std::string& path = shard.path;
  if (shard.is_view) fail(path, "is a view itself, not a shard of {}", view.path);
  if (shard.part < 0 || source.file != embedding_shard_name(shard.part)) {
    fail(path, "attribute 'part' is {}, but the view maps this file as {}", shard.part,
         excerpt(source.file));
  }
  if (shard.rows != source.rows) {
    fail(path, "has {} rows, but the view {} maps {} rows from it", shard.rows, view.path,
         source.rows);
  }
  if (shard.has_logstd != view.has_logstd) {
    fail(path, "{} logstd, but the view {} {}", shard.has_logstd ? "has" : "lacks", view.path,
         view.has_logstd ? "has one" : "has none");
  }
  const std::string differing = differing_attribute(view, shard);
  if (!differing.empty()) {
    fail(path, "root attribute {} disagrees with the view {}", differing, view.path);
  }
}

void check_finite_rows(const EmbeddingsSummary& summary, const std::string& dataset,
                       std::span<const float> values, std::span<const std::int64_t> node_id) {
  const auto width = static_cast<std::size_t>(summary.latent);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i])) continue;
    const std::size_t row = i / width;
    // A view's row comes from the shard whose mapped rows cover it.
    std::string source;
    std::int64_t first = 0;
    for (const EmbeddingSource& shard : summary.shards) {
      if (static_cast<std::int64_t>(row) < first + shard.rows) {
        source = fmt::format(", from {}", excerpt(shard.file));
        break;
      }
      first += shard.rows;
    }
    fail(summary.path, "{} of node id {} (row {}{}) holds {}: embeddings must be finite", dataset,
         node_id[row], row, source, values[i]);
  }
}

}  // namespace distgae
