// Derived quantities of a HardwareConfig.
#include "sim/config/hardware_config.hpp"

namespace ascendsim::config {

std::uint64_t BufferSizes::of(isa::Buffer b) const {
  switch (b) {
    case isa::Buffer::L1:
      return l1;
    case isa::Buffer::L0A:
      return l0a;
    case isa::Buffer::L0B:
      return l0b;
    case isa::Buffer::L0C:
      return l0c;
    case isa::Buffer::UB:
      return ub;
    case isa::Buffer::BT:
      return bt;
    case isa::Buffer::FB:
      return fb;
    case isa::Buffer::GM:
      return 0;
  }
  return 0;
}

double HardwareConfig::peak_flops_per_cycle(DType input) const {
  auto found = aic.cube.k0.find(input);
  if (found == aic.cube.k0.end()) return 0.0;
  const double macs_per_aic = 16.0 * found->second * 16.0;  // m0 x k0 x n0 per cycle
  return double(total_aic()) * macs_per_aic * 2.0;
}

std::uint64_t HardwareConfig::buffer_bytes(isa::CoreKind kind, isa::Buffer b) const {
  if (b == isa::Buffer::GM) return hbm.bytes * dies;
  return kind == isa::CoreKind::AIC ? aic.buffers.of(b) : aiv.buffers.of(b);
}

std::uint32_t HardwareConfig::die_of_address(std::uint64_t gm_address) const {
  return hbm.bytes == 0 ? 0 : static_cast<std::uint32_t>(gm_address / hbm.bytes);
}

}  // namespace ascendsim::config
