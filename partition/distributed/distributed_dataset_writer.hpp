// Writing a partitioned dataset from every rank at once (`mpirun -n P distgae partition`): the
// same directory as write_dataset (io/dataset.hpp, docs/format.md), but each part-<k>.h5 written
// by the rank that built it, and meta.h5's [N] arrays (node_id, canonical_to_ordered) by every
// rank for its block of canonical ids, through collective parallel HDF5 (comm/collective_h5.hpp),
// so no rank holds more than its share.
//
// Every step that can fail on one rank (a full disk, a permission) is agreed
// (comm/agreement.hpp): a failure anywhere throws the same AgreedError on every rank, after rank
// 0 has removed the staging directory, so no directory that looks like a dataset is left (and an
// existing one being overwritten is left as it was).
#pragma once

#include <string>

#include "comm/communicator.hpp"
#include "partition/distributed/distributed_parts.hpp"

namespace distgae {

// Collective. Writes `dir` as write_dataset(dir, meta, parts, overwrite) would for the whole
// dataset: `share` is this rank's (build_parts_distributed, with the scalar meta fields and
// fingerprints filled in): its parts, and meta whose node_id and canonical_to_ordered hold this
// rank's block (the ranks' blocks in rank order tile 0..N-1; the other fields the same on every
// rank). The files go to a staging directory beside `dir` (rank 0's name for it; every rank must
// see the same file system), renamed into place when all are complete, with digests.txt; every
// rank returns after the rename.
void write_dataset_distributed(const Communicator& communicator, const std::string& dir,
                               const DatasetShare& share, bool overwrite);

}  // namespace distgae
