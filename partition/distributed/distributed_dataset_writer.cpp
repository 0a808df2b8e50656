#include "partition/distributed/distributed_dataset_writer.hpp"

#include <fmt/format.h>

#include <bit>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "comm/agreement.hpp"
#include "comm/collective_h5.hpp"
#include "core/error.hpp"
#include "io/dataset.hpp"
#include "io/file_digest.hpp"
#include "io/staged_directory.hpp"
#include "io/storage_errors.hpp"

namespace distgae {
namespace fs = std::filesystem;

namespace {

// Checks that the ranks' shares make one dataset: every part written once, the node blocks
// tiling 0..N-1. Returns this rank's first canonical id.
GlobalId check_share(const Communicator& communicator, const DatasetShare& share) {
  const DatasetMeta& meta = share.meta;
  std::vector<std::int64_t> parts;
  for (const PartData& part : share.parts) parts.push_back(part.part);
  const std::vector<std::int64_t> every_part =
      communicator.allgatherv(std::span<const std::int64_t>(parts));
  const auto block = static_cast<std::int64_t>(meta.node_id.size());
  const GlobalId first = communicator.exclusive_sum(block);
  const std::int64_t total = communicator.allreduce_sum(block);
  agree_on_errors(communicator, [&] {
    if (meta.canonical_to_ordered.size() != meta.node_id.size()) {
      throw std::invalid_argument(
          "write_dataset_distributed: node_id and canonical_to_ordered "
          "blocks differ in size");
    }
    if (total != meta.num_nodes) {
      throw std::invalid_argument(
          fmt::format("write_dataset_distributed: the ranks' blocks hold {} nodes of {}", total,
                      meta.num_nodes));
    }
    std::vector<int> written(static_cast<std::size_t>(std::max(meta.num_parts, 0)), 0);
    for (const std::int64_t part : every_part) {
      if (part < 0 || part >= meta.num_parts || written[static_cast<std::size_t>(part)]++ > 0) {
        throw std::invalid_argument(
            fmt::format("write_dataset_distributed: part {} of {} is written twice or is no "
                        "part",
                        part, meta.num_parts));
      }
    }
    if (every_part.size() != written.size()) {
      throw std::invalid_argument(
          fmt::format("write_dataset_distributed: {} parts of {} are written", every_part.size(),
                      meta.num_parts));
    }
  });
  return first;
}

// Writes this rank's parts; returns (part, size, hash) of each, from the bytes on disk.
std::vector<std::int64_t> write_parts(const std::string& staging, const DatasetShare& share) {
  std::vector<std::int64_t> digests;
  for (const PartData& part : share.parts) {
    const std::string path = part_path(staging, part.part);
    write_part_file(path, part);
    const FileDigest digest = digest_file(path);
    digests.insert(digests.end(),
                   {part.part, digest.size, std::bit_cast<std::int64_t>(digest.hash)});
  }
  return digests;
}

// The manifest of every part (the ranks' (part, size, hash) triples) and meta.h5.
DigestManifest manifest_of(const std::string& staging, std::span<const std::int64_t> parts) {
  DigestManifest manifest;
  for (std::size_t i = 0; i + 2 < parts.size(); i += 3) {
    const std::string name =
        fs::path(part_path(staging, static_cast<int>(parts[i]))).filename().string();
    manifest[name] = FileDigest{parts[i + 1], std::bit_cast<std::uint64_t>(parts[i + 2])};
  }
  manifest[fs::path(meta_path(staging)).filename().string()] = digest_file(meta_path(staging));
  return manifest;
}

}  // namespace

void write_dataset_distributed(const Communicator& communicator, const std::string& dir,
                               const DatasetShare& share, bool overwrite) {
  const GlobalId first_node = check_share(communicator, share);
  std::optional<StagedDirectory>
      staged;  // rank 0's; removes the staging directory unless committed
  try {
    std::string staging;
    agree_on_root_errors(communicator, [&] {
      staged.emplace(dir, overwrite);
      staging = staged->staging_path().string();
    });
    staging = communicator.broadcast(staging);

    std::vector<std::int64_t> part_digests;
    agree_on_errors(communicator, [&] {
      with_storage_cause([&] { part_digests = write_parts(staging, share); });
    });

    // meta.h5 last, as write_dataset does: rank 0 writes all but the [N] arrays, which every
    // rank then fills with its block.
    const std::string meta_file = meta_path(staging);
    agree_on_root_errors(communicator, [&] {
      with_storage_cause([&] { create_meta_file(meta_file, share.meta); });
    });
    CollectiveRowWriter writer(communicator, meta_file);
    writer.write(kMetaNodeIdDataset, first_node, std::span<const GlobalId>(share.meta.node_id));
    writer.write(kMetaCanonicalToOrderedDataset, first_node,
                 std::span<const GlobalId>(share.meta.canonical_to_ordered));
    writer.close();

    const std::vector<std::int64_t> every_digest =
        communicator.allgatherv(std::span<const std::int64_t>(part_digests));
    agree_on_root_errors(communicator, [&] {
      with_storage_cause([&] {
        write_digest_manifest(staging, manifest_of(staging, every_digest));
        staged->commit();
      });
    });
  } catch (const AgreedError&) {
    // Every rank is here: rank 0 removes the staging directory before any rank leaves, so that
    // none sees it after the error.
    staged.reset();
    communicator.barrier();
    throw;
  }
}

}  // namespace distgae
