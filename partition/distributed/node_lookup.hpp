// Facts about nodes kept by their block owners (node_blocks.hpp), fetched by the ranks that need
// them: the requested ids travel to their owners once, then each fetch sends back one answer per
// id, in the order they were asked for.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "comm/exchange.hpp"
#include "partition/distributed/id_directory.hpp"
#include "partition/distributed/node_blocks.hpp"

namespace distgae {

class NodeLookup {
 public:
  // Collective. `nodes`: the canonical ids this rank asks about, ascending and unique (so they
  // are grouped by owner in rank order, the order in which the answers come back).
  NodeLookup(const Communicator& communicator, const NodeBlocks& blocks,
             std::vector<GlobalId> nodes)
      : communicator_(communicator),
        nodes_(std::move(nodes)),
        directory_(nodes_, blocks.num_nodes),
        block_begin_(blocks.begin(communicator.rank())) {
    std::vector<std::int64_t> counts(static_cast<std::size_t>(communicator.size()), 0);
    for (const GlobalId node : nodes_) ++counts[static_cast<std::size_t>(blocks.owner(node))];
    asked_ = exchange(communicator, std::span<const GlobalId>(nodes_),
                      std::span<const std::int64_t>(counts), &asked_counts_);
  }

  const std::vector<GlobalId>& nodes() const { return nodes_; }

  // Position of `node` in nodes(), or -1 when it was not asked about.
  std::int64_t find(GlobalId node) const { return directory_.find(nodes_, node); }

  // Collective: every rank answers what it was asked about its block, answer(i) for the node
  // blocks.begin(rank) + i; returns the answers to nodes(), [nodes().size()] in its order.
  template <class T, class Answer>
  std::vector<T> fetch(Answer&& answer) const {
    std::vector<T> replies;
    replies.reserve(asked_.size());
    for (const GlobalId node : asked_) replies.push_back(answer(node - block_begin_));
    return exchange(communicator_, std::span<const T>(replies),
                    std::span<const std::int64_t>(asked_counts_));
  }

 private:
  Communicator communicator_;
  std::vector<GlobalId> nodes_;
  IdDirectory directory_;
  GlobalId block_begin_ = 0;
  std::vector<GlobalId> asked_;             // ids of this block asked for, grouped by asker
  std::vector<std::int64_t> asked_counts_;  // [P] how many each rank asked for
};

}  // namespace distgae
