#include "sim/isa/host_memory.hpp"

#include <unistd.h>

#include "sim/config/config_node.hpp"

namespace ascendsim::isa {

std::uint64_t host_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return UINT64_MAX;  // unknown: do not refuse
  return std::uint64_t(pages) * std::uint64_t(page);
}

void check_fits_host(std::uint64_t bytes, const std::string& what) {
  const std::uint64_t host = host_memory_bytes();
  if (bytes <= host) return;
  throw config::ConfigError(what + ": a functional run needs " + std::to_string(bytes) +
                            " bytes of tensor data, more than this host's " +
                            std::to_string(host) + " bytes of memory (use --timing-only)");
}

}  // namespace ascendsim::isa
