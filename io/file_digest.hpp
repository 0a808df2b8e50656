// File digests: a file's size and a 64-bit hash of all its bytes, recorded when distgae writes
// the file and compared before anything parses it again. HDF5 trusts the file's own metadata:
// on a damaged file the library may crash, allocate gigabytes or loop (tests/fuzz found each in
// HDF5 1.10's heap and cache code), so a file must be known intact before H5Fopen sees it.
//
// The hash is a wrapping sum over the file's 1 MiB blocks of a hash of (block index, bytes), so
// it composes over any split of the blocks: ranks can hash disjoint block ranges of one big file
// in parallel and add their shares. Each block's hash runs four chains of splitmix64's finaliser
// (a bijection) over interleaved 8-byte little-endian words, then mixes the chains, the block's
// length and its index: changing any bits of a block changes its hash (each chain step is
// one-to-one in its word), so a flipped bit or a truncation is always caught, not only likely.
//
// A directory's digests live in a manifest, DIR/digests.txt (docs/format.md), one line per file:
// "<name> <size in bytes> <16 hex digits>".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace distgae {

struct FileDigest {
  std::int64_t size = 0;
  std::uint64_t hash = 0;
  bool operator==(const FileDigest&) const = default;
};

inline constexpr std::int64_t kDigestBlockBytes = std::int64_t{1} << 20;

// The digest share of blocks [first_block, first_block + block_count) of `path` (blocks past
// the end count as empty) and the file's whole size. Throws std::runtime_error naming the
// file when it cannot be read.
FileDigest digest_file_blocks(const std::string& path, std::int64_t first_block,
                              std::int64_t block_count);
// The whole file.
FileDigest digest_file(const std::string& path);

// "<size> <16 hex digits>".
std::string format_digest(const FileDigest& digest);

// The manifest DIR/digests.txt: file name -> digest.
using DigestManifest = std::map<std::string, FileDigest>;
std::string digest_manifest_path(const std::string& dir);
// Writes DIR/digests.txt (fsynced by the caller's directory commit).
void write_digest_manifest(const std::string& dir, const DigestManifest& manifest);
// Reads DIR/digests.txt; empty when the directory has none (written before digests existed).
// A malformed line is an InputError naming the file and line.
std::optional<DigestManifest> read_digest_manifest(const std::string& dir);

// One file's digest beside it, for files written one at a time (checkpoints): PATH.digest, one
// line "<name> <size> <hex>" as in a manifest. Written and fsynced before PATH is renamed into
// place, so a complete file always has one; a file without one predates digests.
std::string digest_sidecar_path(const std::string& path);
void write_digest_sidecar(const std::string& path, const FileDigest& digest);
// Empty when there is none; a malformed one is an InputError naming it.
std::optional<FileDigest> read_digest_sidecar(const std::string& path);
// "PATH: damaged or replaced: ... bytes with digest ..., but NAME.digest records ...".
std::string sidecar_digest_mismatch(const std::string& path, const FileDigest& actual,
                                    const FileDigest& recorded);

// The 1 MiB blocks a file of `size` bytes has (the last one possibly short).
std::int64_t digest_block_count(std::int64_t size);

// Throws InputError naming DIR/name unless the manifest lists `name` and the file's size and
// bytes match its digest.
void verify_file_digest(const DigestManifest& manifest, const std::string& dir,
                        const std::string& name);

}  // namespace distgae
