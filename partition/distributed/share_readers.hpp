// The input stage of the distributed partition pipeline: every rank reads only its share of the
// input files. A text file is split at line boundaries into one byte range per rank
// (io/text_range.hpp), each rank parses its own lines, and the ranks exchange line and entry
// counts so that every line keeps the number it has in the whole file; an HDF5 feature dataset
// is read by blocks of rows.
//
// All three are collective. The result, concatenated over the ranks in rank order, is what the
// single-process readers (io/graph_readers.hpp, io/feature_readers.hpp, io/node_id_list.hpp)
// give for the whole file, and a bad file is refused with the same message on every rank: the
// one the single-process reader gives (the earliest bad line), as an AgreedError
// (comm/agreement.hpp) that may prefix it "[rank r/P] ".
#pragma once

#include <string>

#include "comm/communicator.hpp"
#include "io/graph_readers.hpp"
#include "partition/distributed/block_graph.hpp"
#include "partition/distributed/node_blocks.hpp"

namespace distgae {

// This rank's share of the graph file, dispatched as read_graph dispatches: the edges of the
// lines in its byte range, with the file's declared node set and whole-file line counts. Logs
// read_graph's warning about ignored weights once (rank 0).
GraphShare read_graph_share(const Communicator& communicator, const std::string& path,
                            const EdgeListOptions& options = {});

// This rank's block of feature rows (canonical ids blocks.begin(rank) .. blocks.end(rank) - 1),
// the same CSR rows read_features gives for them: a MatrixMarket file's entries read by ranges
// and sent to the owner of their row, an HDF5 dataset's rows read by hyperslab. A matrix whose
// row count is not blocks.num_nodes is refused with load_features' message. An empty path is a
// featureless graph: no columns, blocks.size(rank) empty rows. blocks.num_ranks must be the
// communicator's size.
FeatureBlock read_feature_block(const Communicator& communicator, const std::string& path,
                                const std::string& dataset, const NodeBlocks& blocks);

// This rank's share of a --node-ids list: the ids on the lines of its byte range, their
// positions in the whole list and their lines.
NodeIdShare read_node_id_share(const Communicator& communicator, const std::string& path);

}  // namespace distgae
