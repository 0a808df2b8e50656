#include "io/file_digest.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace distgae {
namespace {

std::uint64_t load_le64(const unsigned char* bytes) {
  std::uint64_t word = 0;
  for (int b = 7; b >= 0; --b) word = word << 8 | bytes[b];
  return word;
}

// One block's hash: four independent chains (so the multiplies overlap), words dealt round-robin,
// the tail's bytes zero-padded into a last word; then the chains, the length and the index.
std::uint64_t block_hash(std::int64_t index, const unsigned char* bytes, std::size_t length) {
  std::array<std::uint64_t, 4> chain = {0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full,
                                        0x165667b19e3779f9ull, 0x27d4eb2f165667c5ull};
  const std::size_t words = length / 8;
  std::size_t w = 0;
  for (; w + 4 <= words; w += 4) {
    for (std::size_t lane = 0; lane < 4; ++lane) {
      chain[lane] = splitmix64_finalizer(chain[lane] ^ load_le64(bytes + 8 * (w + lane)));
    }
  }
  for (; w < words; ++w)
    chain[w % 4] = splitmix64_finalizer(chain[w % 4] ^ load_le64(bytes + 8 * w));
  if (length % 8 != 0) {
    unsigned char tail[8] = {};
    std::memcpy(tail, bytes + 8 * words, length % 8);
    chain[words % 4] = splitmix64_finalizer(chain[words % 4] ^ load_le64(tail));
  }
  std::uint64_t hash =
      splitmix64_finalizer(static_cast<std::uint64_t>(index) ^ 0x5851f42d4c957f2dull);
  for (std::uint64_t c : chain) hash = splitmix64_finalizer(hash ^ c);
  return splitmix64_finalizer(hash ^ static_cast<std::uint64_t>(length));
}

constexpr const char* kRecordForm = "expected '<file> <size> <16 hex digits>'";

// One record "<name> <size> <16 hex digits>" of a manifest line or a sidecar (which holds one);
// empty when `text` is not exactly that.
std::optional<std::pair<std::string, FileDigest>> parse_digest_record(const std::string& text) {
  std::istringstream fields(text);
  std::string name, hex, extra;
  FileDigest digest;
  if (!(fields >> name >> digest.size >> hex) || (fields >> extra) || hex.size() != 16 ||
      hex.find_first_not_of("0123456789abcdef") != std::string::npos || digest.size < 0) {
    return std::nullopt;
  }
  digest.hash = std::stoull(hex, nullptr, 16);
  return std::pair{name, digest};
}

std::string digest_mismatch(const std::string& path, const FileDigest& actual,
                            const FileDigest& recorded, const std::string& where) {
  return at_file(path, fmt::format("damaged or replaced: {} bytes with digest {:016x}, but {} "
                                   "records {} bytes with digest {:016x}",
                                   actual.size, actual.hash, where, recorded.size, recorded.hash));
}

// Closes the descriptor on every path out.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

FileDigest digest_file_blocks(const std::string& path, std::int64_t first_block,
                              std::int64_t block_count) {
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    throw std::runtime_error(at_file(path, std::string("cannot open: ") + std::strerror(errno)));
  }
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) {
    throw std::runtime_error(at_file(path, std::string("cannot stat: ") + std::strerror(errno)));
  }
  FileDigest digest;
  digest.size = info.st_size;
  std::vector<unsigned char> buffer(static_cast<std::size_t>(kDigestBlockBytes));
  for (std::int64_t block = first_block; block < first_block + block_count; ++block) {
    const std::int64_t offset = block * kDigestBlockBytes;
    if (offset >= digest.size) break;
    const auto want = static_cast<std::size_t>(std::min(kDigestBlockBytes, digest.size - offset));
    std::size_t got = 0;
    while (got < want) {
      const ssize_t n = ::pread(file.fd, buffer.data() + got, want - got,
                                static_cast<off_t>(offset + static_cast<std::int64_t>(got)));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        throw std::runtime_error(
            at_file(path, n == 0 ? std::string("shorter than it was a moment ago")
                                 : std::string("cannot read: ") + std::strerror(errno)));
      }
      got += static_cast<std::size_t>(n);
    }
    digest.hash += block_hash(block, buffer.data(), want);  // unsigned: wraps mod 2^64
  }
  return digest;
}

FileDigest digest_file(const std::string& path) {
  FileDigest digest = digest_file_blocks(path, 0, 0);
  return digest_file_blocks(path, 0, digest_block_count(digest.size));
}

std::string format_digest(const FileDigest& digest) {
  return fmt::format("{} {:016x}", digest.size, digest.hash);
}

std::string digest_manifest_path(const std::string& dir) {
  return dir + "/digests.txt";
}

void write_digest_manifest(const std::string& dir, const DigestManifest& manifest) {
  const std::string path = digest_manifest_path(dir);
  std::ofstream out(path);
  out << "# distgae file digests: name, size in bytes, 64-bit hash of the bytes (docs/format.md)\n";
  for (const auto& [name, digest] : manifest) out << name << ' ' << format_digest(digest) << '\n';
  out.flush();
  if (!out) throw std::runtime_error(at_file(path, "cannot write"));
}

std::optional<DigestManifest> read_digest_manifest(const std::string& dir) {
  const std::string path = digest_manifest_path(dir);
  std::ifstream in(path);
  if (!in) return std::nullopt;
  DigestManifest manifest;
  std::string line;
  long long number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    auto record = parse_digest_record(line);
    if (!record) throw InputError(at_line(path, number, kRecordForm));
    manifest[record->first] = record->second;
  }
  return manifest;
}

void verify_file_digest(const DigestManifest& manifest, const std::string& dir,
                        const std::string& name) {
  const std::string path = dir + "/" + name;
  const auto listed = manifest.find(name);
  if (listed == manifest.end()) {
    throw InputError(at_file(path, "not listed in " + digest_manifest_path(dir)));
  }
  FileDigest actual;
  try {
    actual = digest_file(path);
  } catch (const std::runtime_error& error) {
    throw InputError(error.what());
  }
  if (actual == listed->second) return;
  throw InputError(digest_mismatch(path, actual, listed->second, "digests.txt"));
}

std::string sidecar_digest_mismatch(const std::string& path, const FileDigest& actual,
                                    const FileDigest& recorded) {
  const std::string sidecar = digest_sidecar_path(path);
  return digest_mismatch(path, actual, recorded, sidecar.substr(sidecar.find_last_of('/') + 1));
}

std::int64_t digest_block_count(std::int64_t size) {
  return (size + kDigestBlockBytes - 1) / kDigestBlockBytes;
}

std::string digest_sidecar_path(const std::string& path) {
  return path + ".digest";
}

void write_digest_sidecar(const std::string& path, const FileDigest& digest) {
  const std::string sidecar = digest_sidecar_path(path);
  const std::string name = path.substr(path.find_last_of('/') + 1);
  const std::string line = name + ' ' + format_digest(digest) + '\n';
  FileDescriptor file{::open(sidecar.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  int error = file.fd < 0 ? errno : 0;
  if (error == 0 &&
      ::write(file.fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    error = errno != 0 ? errno : EIO;
  }
  if (error == 0 && ::fsync(file.fd) != 0) error = errno;
  if (error != 0) {
    throw std::runtime_error(
        at_file(sidecar, std::string("cannot write: ") + std::strerror(error)));
  }
}

std::optional<FileDigest> read_digest_sidecar(const std::string& path) {
  const std::string sidecar = digest_sidecar_path(path);
  std::ifstream in(sidecar);
  if (!in) return std::nullopt;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto record = parse_digest_record(text);
  if (!record) throw InputError(at_line(sidecar, 1, kRecordForm));
  return record->second;
}

}  // namespace distgae
