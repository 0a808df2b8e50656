#include "core/error.hpp"

#include <fmt/format.h>

#include <exception>
#include <new>

namespace distgae {

std::string at_line(const std::string& path, long long line, const std::string& message) {
  return fmt::format("{}:{}: {}", path, line, message);
}

std::string at_file(const std::string& path, const std::string& message) {
  return fmt::format("{}: {}", path, message);
}

ErrorReport report_current_exception() {
  try {
    throw;
  } catch (const AgreedError& error) {
    return {error.what(), error.exit_code(), true};
  } catch (const InputError& error) {
    return {error.what(), kExitBadInput, false};
  } catch (const std::bad_alloc&) {
    return {
        "out of memory (std::bad_alloc): the graph or the model does not fit in this rank's "
        "memory; use more ranks or smaller --hidden/--latent",
        kExitInternal, false};
  } catch (const std::exception& error) {
    return {error.what(), kExitInternal, false};
  } catch (...) {
    return {"unknown exception", kExitInternal, false};
  }
}

}  // namespace distgae
