#pragma once
// Timeline lookups the timing oracles share: run with spans recorded, find one instruction's.
#include <catch2/catch.hpp>

#include "models/chip/simulate.hpp"

namespace ascendsim::testing {

inline const report::Span& span(const models::SimResult& r, isa::Pipe p, std::uint64_t index) {
  for (const auto& s : r.timeline.spans)
    if (s.pipe == p && s.index == index) return s;
  FAIL("no span for that pipe and index");
  return r.timeline.spans.front();
}

inline models::SimOptions with_timeline() {
  models::SimOptions o;
  o.timeline = true;
  return o;
}

}  // namespace ascendsim::testing
