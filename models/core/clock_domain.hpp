#pragma once
// A clock is a value, not a toggling signal: an integer number of picoseconds per cycle.
// Every wait in the models is a whole number of cycles, so converting simulated time back to
// cycles is exact. The period is rounded to the nearest picosecond (555.556 ps -> 556 ps at
// 1.8 GHz); reported times are computed from cycles and the configured frequency, never from
// SystemC time, so that rounding never reaches a report.
#include <cmath>
#include <cstdint>

#include "models/core/systemc.hpp"

namespace ascendsim::models {

class ClockDomain {
 public:
  explicit ClockDomain(double hz) : ps_(static_cast<std::uint64_t>(std::llround(1e12 / hz))) {}
  sc_core::sc_time cycles(std::uint64_t n) const {
    return sc_core::sc_time::from_value(n * ps_);
  }
  std::uint64_t to_cycles(const sc_core::sc_time& t) const { return t.value() / ps_; }
  std::uint64_t now() const { return to_cycles(sc_core::sc_time_stamp()); }
  std::uint64_t period_ps() const { return ps_; }

 private:
  std::uint64_t ps_;
};

}  // namespace ascendsim::models
