#include "train/checkpointing.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "comm/agreement.hpp"
#include "comm/collective_h5.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "io/array_checksum.hpp"
#include "io/checkpoint_checks.hpp"
#include "io/file_digest.hpp"
#include "io/storage_errors.hpp"
#include "train/checkpoint_history.hpp"

namespace distgae {
namespace fs = std::filesystem;
namespace {

using Checksums = std::array<std::uint64_t, std::size(kCheckpointNodeArrays)>;

// The wrapping sum over ranks of each rank's checksum shares, exact and in any order: each
// 64-bit share goes as two 32-bit halves in int64 (no signed overflow for up to 2^31 ranks), and
// the halves' sums are put back together mod 2^64.
Checksums sum_over_ranks(const Communicator& world, const Checksums& shares) {
  std::vector<std::int64_t> halves;
  for (const std::uint64_t share : shares) {
    halves.push_back(static_cast<std::int64_t>(share & 0xffffffffu));
    halves.push_back(static_cast<std::int64_t>(share >> 32));
  }
  world.allreduce_sum(halves);
  Checksums sums{};
  for (std::size_t i = 0; i < sums.size(); ++i) {
    sums[i] = static_cast<std::uint64_t>(halves[2 * i]) +
              (static_cast<std::uint64_t>(halves[2 * i + 1]) << 32);
  }
  return sums;
}

// Collective. The digest of the file at `path` (io/file_digest.hpp), every rank hashing an even
// share of its 1 MiB blocks, so no rank reads the whole file; the shares are summed exactly as
// above. A rank that cannot read its share fails the step on every rank (exit code 1).
FileDigest digest_over_ranks(const Communicator& world, const std::string& path) {
  const FileDigest share = agree_on_errors(world, [&] {
    const std::int64_t size = digest_file_blocks(path, 0, 0).size;
    const std::int64_t blocks = digest_block_count(size);
    const std::int64_t first = blocks * world.rank() / world.size();
    const std::int64_t last = blocks * (world.rank() + 1) / world.size();
    return digest_file_blocks(path, first, last - first);
  });
  Checksums shares{};
  shares[0] = share.hash;
  FileDigest digest;
  digest.hash = sum_over_ranks(world, shares)[0];
  digest.size = world.allreduce_max(share.size);
  return digest;
}

// Collective. Compares the file with the digest written beside it before HDF5 opens it (HDF5
// may crash or loop on damaged metadata); a checkpoint without one predates digests. Throws
// AgreedError (exit code 2) naming the file on a mismatch or a malformed digest file.
void verify_checkpoint_digest(const Communicator& world, const std::string& path) {
  const std::optional<FileDigest> recorded =
      agree_on_errors(world, [&] { return read_digest_sidecar(path); });
  if (!recorded) return;
  const FileDigest actual = digest_over_ranks(world, path);
  if (actual != *recorded) {
    throw AgreedError(sidecar_digest_mismatch(path, actual, *recorded), kExitBadInput);
  }
}

// Collective. Checks the node arrays of `state`'s file: every rank reads an even share of the
// rows, whatever the run's own partition (the checksum composes over any split), checks their
// values and sums its share of each checksum; the sums are compared with the stored checksums
// on every rank alike. Throws AgreedError (exit code 2) naming the file and the array.
void check_node_arrays(const Communicator& world, const std::string& path,
                       const CheckpointState& state) {
  const std::int64_t ranks = world.size(), rank = world.rank();
  // rank * N / P without overflow for any N below 2^63 / P.
  const std::int64_t first =
      state.num_nodes / ranks * rank + state.num_nodes % ranks * rank / ranks;
  const std::int64_t last =
      state.num_nodes / ranks * (rank + 1) + state.num_nodes % ranks * (rank + 1) / ranks;
  Checksums shares{};
  std::string problem;  // this rank's first value that cannot be
  agree_on_errors(world, [&] {
    for (int array = 0; array < static_cast<int>(shares.size()); ++array) {
      NodeRowsCheck check = check_checkpoint_node_rows(path, array, first, last - first);
      shares[static_cast<std::size_t>(array)] = check.checksum;
      if (problem.empty()) problem = std::move(check.problem);
    }
  });
  // Checksums first, as a single process's read_checkpoint: a damaged file is reported as
  // damaged, whatever its values became.
  if (state.format_version >= 2) {
    const Checksums sums = sum_over_ranks(world, shares);
    for (std::size_t i = 0; i < sums.size(); ++i) {
      if (sums[i] != state.node_checksums[i]) {
        // Every rank computed the same sums: the failure is agreed by construction.
        throw AgreedError(at_file(path, checksum_mismatch(kCheckpointNodeArrays[i],
                                                          state.node_checksums[i], sums[i])),
                          kExitBadInput);
      }
    }
  }
  agree_on_errors(world, [&] {
    if (!problem.empty()) throw InputError(at_file(path, problem));
  });
}

}  // namespace

CheckpointPolicy::CheckpointPolicy(const TrainingConfig& config, const Communicator& world)
    : config_(config),
      world_(world),
      directory_((fs::path(config.out_dir) / "checkpoints").string()) {}

bool CheckpointPolicy::due(std::int64_t epoch) const {
  return config_.checkpoint_every > 0 && epoch % config_.checkpoint_every == 0;
}

void CheckpointPolicy::save(const Trainer& trainer, std::int64_t epoch,
                            const std::string& metrics_jsonl) {
  CheckpointState state = trainer.checkpoint_state(epoch);
  const std::string path = (fs::path(directory_) / checkpoint_name(epoch)).string();
  const std::string temporary = path + ".tmp";
  // No half-written file is left behind, whichever step failed.
  const auto remove_temporary = [&] {
    if (world_.rank() != 0) return;
    std::error_code ignored;
    fs::remove(temporary, ignored);
    // A digest written for a file that did not take its name would describe no file (or an
    // older one of the same epoch, which is then read as one written before digests).
    fs::remove(digest_sidecar_path(path), ignored);
  };
  // A step of rank 0 alone whose failure every rank learns of.
  const auto on_rank_zero = [&](const std::function<void()>& step) {
    agree_on_errors(world_, [&] {
      if (world_.rank() == 0) with_storage_cause(step, temporary);
    });
  };
  try {
    // Rank 0 creates the file: attributes, replicated arrays, and room for the node arrays.
    on_rank_zero([&] {
      state.metrics_jsonl = metrics_jsonl;
      fs::create_directories(directory_);
      create_checkpoint_file(temporary, state);
    });
    // Node rows: each rank writes its canonical block of one array at a time, so none holds
    // more than its share of one array, and sums its share of the array's checksum.
    if (state.featureless) {
      const std::int64_t first_row = trainer.node_row_block().first;
      Checksums shares{};
      CollectiveRowWriter writer(world_, temporary);
      for (std::size_t array = 0; array < shares.size(); ++array) {
        const std::vector<float> rows = trainer.checkpoint_node_rows(static_cast<int>(array));
        shares[array] = checksum_rows(first_row, rows, static_cast<std::size_t>(state.hidden));
        writer.write(kCheckpointNodeArrays[array], first_row, rows, state.hidden);
      }
      writer.close();
      state.node_checksums = sum_over_ranks(world_, shares);
    }
    // The agreement after the commit also keeps every rank from going on (or exiting) before
    // the checkpoint is on disk.
    if (state.featureless) {
      on_rank_zero([&] { write_checkpoint_node_checksums(temporary, state.node_checksums); });
    }
    // The whole file's digest, written beside it before it takes its name: a resume checks it
    // before HDF5 opens the file.
    const FileDigest digest = digest_over_ranks(world_, temporary);
    on_rank_zero([&] {
      write_digest_sidecar(path, digest);
      commit_checkpoint_file(temporary, path);
      prune(epoch);
    });
  } catch (const AgreedError& error) {
    remove_temporary();
    throw AgreedError(fmt::format("checkpoint {} not written: {}", path, error.what()),
                      error.exit_code());
  } catch (...) {
    remove_temporary();
    throw;
  }
  log::info("checkpoint {} written", path);
}

void CheckpointPolicy::prune(std::int64_t epoch) const {
  const std::vector<std::string> existing = list_checkpoints(directory_);
  std::size_t kept = 0;
  for (const std::string& file : existing) {
    const std::int64_t file_epoch = checkpoint_epoch_of_name(fs::path(file).filename().string());
    // Newer than the one just written: left by a run that got further, and skipped by the
    // resume this run started from (damaged). Kept, it would be tried first again at the next
    // resume, and counted among the --keep newest while the good ones went.
    const bool stale = file_epoch > epoch;
    if (stale || ++kept > static_cast<std::size_t>(std::max(config_.keep, 1))) {
      fs::remove(file);
      fs::remove(digest_sidecar_path(file));
    }
  }
}

std::optional<FoundCheckpoint> CheckpointPolicy::load_newest() const {
  // Rank 0's list, so every rank tries the same files in the same order (a rank that cannot
  // see one fails to read it, and all skip it together) and the collectives below pair up.
  std::string listed;
  if (world_.rank() == 0) {
    for (const std::string& path : list_checkpoints(directory_)) listed += path + '\n';
  }
  listed = world_.broadcast(listed);
  std::vector<std::string> paths;
  for (std::size_t start = 0, end; (end = listed.find('\n', start)) != std::string::npos;
       start = end + 1) {
    paths.push_back(listed.substr(start, end - start));
  }
  for (const std::string& path : paths) {
    try {
      verify_checkpoint_digest(world_, path);
      // Every rank reads and checks the replicated part; all resume from it or none does.
      CheckpointState state = agree_on_errors(world_, [&] {
        CheckpointState read = read_checkpoint_replicated(path);
        check_checkpoint_history(path, read);
        return read;
      });
      if (state.featureless) check_node_arrays(world_, path, state);
      if (state.format_version < 2) {
        log::warning(
            "{}: checkpoint format version {} has no checksums: its values are checked, but "
            "damage that leaves them plausible cannot be detected",
            path, state.format_version);
      }
      return FoundCheckpoint{std::move(state), path};
    } catch (const AgreedError& error) {
      // A damaged or foreign file is skipped; a system failure (memory, MPI) is not damage.
      if (error.exit_code() != kExitBadInput) throw;
      log::warning("skipping unreadable checkpoint ({}); trying the previous one", error.what());
    }
  }
  if (!paths.empty()) {
    log::warning(
        "none of the {} checkpoints in {} can be used (each is named above): starting "
        "from epoch 1; the first checkpoint written replaces them",
        paths.size(), directory_);
  }
  return std::nullopt;
}

}  // namespace distgae
