#pragma once
// A shared bandwidth (an HBM channel set, an L2, a core's port, a die link) as a busy-until
// resource: a transfer reserves it for bytes / rate, starting when both the transfer is ready
// and the resource is free. Requests are served in the order they are made, which in an
// event-driven simulation is the order of simulated time. Aggregate throughput under load is
// therefore exactly `rate`. Time is kept in sub-cycle ticks so that many small transfers at a
// rate that is not a whole number of bytes per cycle do not each lose a rounded-up cycle.
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ascendsim::models {

using Ticks = std::uint64_t;
inline constexpr Ticks kTicksPerCycle = 1u << 12;

inline Ticks cycles_to_ticks(std::uint64_t cycles) { return cycles * kTicksPerCycle; }
inline std::uint64_t ticks_to_cycles_ceil(Ticks t) {
  return (t + kTicksPerCycle - 1) / kTicksPerCycle;
}

class BusyResource {
 public:
  BusyResource() = default;
  explicit BusyResource(double bytes_per_cycle) : bytes_per_cycle_(bytes_per_cycle) {}

  // Service time of `bytes` on this resource alone, in ticks (rounded up to a tick).
  Ticks service(std::uint64_t bytes) const {
    if (bytes == 0 || bytes_per_cycle_ <= 0) return 0;
    return static_cast<Ticks>(std::ceil(double(bytes) * kTicksPerCycle / bytes_per_cycle_));
  }
  // Reserve the resource for `bytes` no earlier than `ready`; returns when the service ends.
  Ticks acquire(Ticks ready, std::uint64_t bytes) {
    Ticks start = std::max(ready, busy_until_);
    busy_until_ = start + service(bytes);
    return busy_until_;
  }
  double bytes_per_cycle() const { return bytes_per_cycle_; }

 private:
  double bytes_per_cycle_ = 0;
  Ticks busy_until_ = 0;
};

}  // namespace ascendsim::models
