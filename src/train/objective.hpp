// The reconstruction objectives: given this rank's latent rows z, its share of the loss (so that
// the sum over ranks is the loss) and the complete gradient of the loss w.r.t. its rows.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/row_fetch.hpp"
#include "core/exact_sum.hpp"
#include "io/dataset.hpp"
#include "model/dense.hpp"
#include "model/full_reconstruction.hpp"
#include "train/training_config.hpp"

namespace distgae {

class ReconstructionObjective {
 public:
  virtual ~ReconstructionObjective() = default;
  // z: [n_owned, latent]; dz: [n_owned, latent], the gradient is added into it. Returns this
  // rank's share of the loss, an exact sum (the ranks' shares add to the same bits in any
  // order). Collective.
  virtual ExactSum evaluate(const Matrix& z, std::int64_t epoch, Matrix& dz) = 0;
  // Seconds spent communicating and bytes sent by this rank, since construction.
  virtual double comm_seconds() const = 0;
  virtual std::int64_t bytes_sent() const = 0;
};

// Mean BCE over the training edges + mean BCE over k negatives per edge, each a pair of nodes
// drawn uniformly (DESIGN.md draws one endpoint; see random_draws.hpp for why both). Rows this
// rank does not own come through RowFetch; their gradients return the same way. With
// Summation::kExact the gradient rows collect their pairs' updates in fixed point (on a scale from
// the largest |z| of any rank), returned and added as integers: a node's gradient is then the same
// bits however its pairs are split between ranks.
class SampledObjective final : public ReconstructionObjective {
 public:
  // positives: the part's training edges (canonical, first endpoint owned).
  SampledObjective(const TrainingConfig& config, const DatasetMeta& meta, const PartData& part,
                   std::vector<NodePair> positives, RowFetch& fetch, const Communicator& world);
  ExactSum evaluate(const Matrix& z, std::int64_t epoch, Matrix& dz) override;
  double comm_seconds() const override { return comm_seconds_; }
  std::int64_t bytes_sent() const override { return fetch_.bytes_sent(); }

 private:
  // The epoch's pairs scored over table_: their loss added to `loss`, their gradient rows into
  // dtable (float rows, or units of the one FixedPointScale given) and the fetched rows'
  // gradients returned to their owners, so that dtable's owned rows hold this rank's gradient.
  template <class Table, class... Scale>
  void score_pairs(Eigen::Index n_owned, ExactSum& loss, Table& dtable, const Scale&... scale);

  const DatasetMeta& meta_;
  RowFetch& fetch_;
  Communicator world_;
  Summation summation_;
  std::uint64_t seed_;
  int negatives_;
  std::int64_t first_owned_;
  std::vector<NodePair> positives_;           // canonical, first endpoint owned
  std::vector<std::int64_t> positive_first_;  // row of the first endpoint (owned)
  // Partition-ordered ids of the rows to fetch: positives' second endpoints, then negatives'
  // first endpoints, then negatives' second endpoints; and their rows in the table.
  std::vector<GlobalId> fetched_ids_;
  std::vector<std::int64_t> fetched_slots_;
  Matrix table_, dtable_;
  UnitMatrix dtable_units_;  // Summation::kExact's dtable_
  double comm_seconds_ = 0.0;
};

// The paper's objective over all N² pairs; every rank gathers every row of z once per epoch and
// orders them canonically, so each node's terms are summed in the same order for any P.
class FullObjective final : public ReconstructionObjective {
 public:
  FullObjective(const DatasetMeta& meta, const PartData& part, const Communicator& world);
  ExactSum evaluate(const Matrix& z, std::int64_t epoch, Matrix& dz) override;
  double comm_seconds() const override { return comm_seconds_; }
  std::int64_t bytes_sent() const override { return bytes_sent_; }

 private:
  Communicator world_;
  const DatasetMeta& meta_;
  std::vector<std::int64_t> owned_canonical_;  // [n_owned]
  Csr<std::int64_t, float> positives_;  // per owned row: canonical ids of neighbours and itself
  FullReconstructionWeights weights_;
  std::vector<float> gathered_;
  Matrix z_all_, dz_owned_;
  double comm_seconds_ = 0.0;
  std::int64_t bytes_sent_ = 0;
};

// The sampled objective takes the part's training edges (part.train_edges is left empty).
std::unique_ptr<ReconstructionObjective> make_objective(const TrainingConfig& config,
                                                        const DatasetMeta& meta, PartData& part,
                                                        RowFetch& fetch, const Communicator& world);

}  // namespace distgae
