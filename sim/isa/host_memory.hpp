#pragma once
// Functional runs hold every GM tensor in host memory. Before allocating, a run checks that the
// bytes fit the host, so that a too-large functional run is a clear error ("use --timing-only")
// instead of an allocation failure or the kernel's out-of-memory killer.
#include <cstdint>
#include <string>

namespace ascendsim::isa {

// Physical memory of this host in bytes.
std::uint64_t host_memory_bytes();
// config::ConfigError naming `what` if `bytes` exceed the host's physical memory.
void check_fits_host(std::uint64_t bytes, const std::string& what);

}  // namespace ascendsim::isa
