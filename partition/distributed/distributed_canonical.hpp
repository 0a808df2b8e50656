// The canonical graph (partition/canonical_graph.hpp) computed by ranks that each hold a share
// of the input edges: undirected, self loops dropped, duplicates merged, nodes relabelled, and
// the result left in block distribution (block_graph.hpp). No rank gathers the ids or edges of
// others: ids go to the rank that decides their canonical id, edges to the owner of their first
// endpoint.
#pragma once

#include <optional>

#include "comm/communicator.hpp"
#include "core/types.hpp"
#include "partition/distributed/block_graph.hpp"

namespace distgae {

// NodeSetSpec (canonical_graph.hpp) for a job whose --node-ids list is read in shares. Set alike
// on every rank, except for the ids each share holds; the shares' positions tile the whole list.
struct DistributedNodeSet {
  std::optional<GlobalId> num_nodes;
  std::optional<NodeIdShare> node_ids;  // this rank's share of the list
};

// Collective. The concatenation over ranks of `edges` and `original_ids` is canonicalize()'s
// for the concatenated shares, however the input edges are spread; the counts are its counts.
// The node set: num_nodes (or share.declared_num_nodes when neither is set) gives ids 0..N-1;
// node_ids gives canonical id = list position; neither gives the ids that occur, ascending, found
// by a distributed sort. Input errors carry canonicalize's messages and are thrown as the same
// AgreedError on every rank: an error in an edge is the first one of the lowest rank that has
// one, which is the file's first when the shares are the file's lines in rank order.
BlockGraph canonicalize_distributed(const Communicator& communicator, GraphShare share,
                                    const DistributedNodeSet& spec);

}  // namespace distgae
