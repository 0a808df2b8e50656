#include "io/storage_errors.hpp"

#include <fmt/format.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include "core/error.hpp"

namespace distgae {

std::string storage_failure_cause(const std::string& path) {
  const int error = errno;
  switch (error) {
    case ENOSPC:
    case EDQUOT:
    case EIO:
    case EFBIG:
    case EROFS:
      return std::string(" (") + std::strerror(error) + ")";
    default:
      break;
  }
  if (path.empty()) return {};
  // The directory, as the file itself may be gone (a removed temporary) or never made.
  const std::filesystem::path directory = std::filesystem::path(path).parent_path();
  struct statvfs space {};
  if (::statvfs(directory.empty() ? "." : directory.c_str(), &space) != 0) return {};
  constexpr unsigned long long kNearlyFull = 1ull << 20;
  const unsigned long long free_bytes =
      static_cast<unsigned long long>(space.f_bavail) * space.f_frsize;
  if (free_bytes >= kNearlyFull) return {};
  return fmt::format(" (no space left on device: {} KiB free on its file system)",
                     free_bytes / 1024);
}

void with_storage_cause(const std::function<void()>& write, const std::string& path) {
  errno = 0;
  try {
    write();
  } catch (const InputError&) {
    throw;
  } catch (const std::filesystem::filesystem_error&) {
    throw;
  } catch (const std::runtime_error& error) {
    const std::string cause = storage_failure_cause(path);
    // Nested steps each add the reason, and some messages have it already: said once.
    if (cause.empty()) throw;
    const std::string_view reason = std::string_view(cause).substr(2, cause.size() - 3);
    if (std::string_view(error.what()).find(reason) != std::string_view::npos) throw;
    throw std::runtime_error(error.what() + cause);
  }
}

}  // namespace distgae
