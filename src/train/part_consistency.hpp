// What the parts of a dataset must agree on with each other, checked once at load by a cheap
// exchange between the ranks. Each part was validated against meta.h5 alone
// (io/part_validation.hpp), which settles who owns which node; what only two parts together show
// is checked here: the rows part p sends q (send/offsets, send/rows) are exactly the halo rows q
// lists as p's (halo/offsets, nodes/canonical_id), in the same order and with the owner's
// degrees, and the parts' pairs add up to meta's counts. A disagreement would otherwise make the
// halo exchange deliver the wrong rows, or normalise them with the wrong degrees, without a word.
#pragma once

#include <string>

#include "comm/communicator.hpp"
#include "io/dataset.hpp"

namespace distgae {

// Collective over `world`, whose rank r holds part r of `meta` (world.size() == num_parts).
// Every exchange comes first: the parts' pair counts (one allgather), then the canonical ids
// and the degrees of the rows each part sends each peer (two all-to-alls of S values, S the
// part's send rows). Only then does each rank compare what it received with its own part, and
// throw InputError naming `own_path` (its part file), the peer's file and the first row that
// disagrees. No collective follows a throw, so a throw on one rank leaves none of the others
// waiting inside this function; call it inside comm/agreement's agree_on_errors so that the
// whole job learns of it. Ids and degrees travel as doubles: exact below 2^53.
void check_part_against_peers(const PartData& part, const DatasetMeta& meta,
                              const std::string& own_path, const Communicator& world);

}  // namespace distgae
