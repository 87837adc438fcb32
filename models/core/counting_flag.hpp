#pragma once
// A hardware flag as a counter whose increments become visible at a set time: set_flag /
// wait_flag pairs between pipes and the cross-core flag counters both behave this way. Each
// pending increment remembers who set it, so the timeline can draw the hand-off.
#include <cstdint>
#include <deque>

#include "sim/isa/pipe.hpp"

namespace ascendsim::models {

struct FlagArrival {
  std::uint64_t visible_cycle;
  isa::CoreId from_core;
  isa::Pipe from_pipe;
  std::uint64_t set_cycle;
};

class CountingFlag {
 public:
  void set(const FlagArrival& a) { arrivals_.push_back(a); }
  std::size_t pending() const { return arrivals_.size(); }
  bool empty() const { return arrivals_.empty(); }
  // The first increment: visible at front().visible_cycle.
  const FlagArrival& front() const { return arrivals_.front(); }
  // Increments visible at `cycle` and not yet taken, counted up to `limit` + 1.
  std::size_t visible_at(std::uint64_t cycle, std::size_t limit) const {
    std::size_t n = 0;
    for (const auto& a : arrivals_) {
      if (a.visible_cycle > cycle || n > limit) break;
      ++n;
    }
    return n;
  }
  // When increment `i` (0-based, in arrival order) becomes visible.
  std::uint64_t visible_cycle(std::size_t i) const { return arrivals_[i].visible_cycle; }
  FlagArrival take() {
    FlagArrival a = arrivals_.front();
    arrivals_.pop_front();
    return a;
  }

 private:
  std::deque<FlagArrival> arrivals_;  // visible cycles are non-decreasing (fixed latency)
};

}  // namespace ascendsim::models
