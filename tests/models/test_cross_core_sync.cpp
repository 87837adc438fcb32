// Cross-core flags as HARDWARE.md §5 describes them: group barriers that open only when every
// member has set, and counters whose limit applies to the sets held at one moment. Expected
// cycles are derived on the oracle chip: issue 1 cycle, cross-core latency 30, max counter 15.
#include <catch2/catch.hpp>

#include "kernels/common/program_builder.hpp"
#include "models/chip/simulate.hpp"
#include "oracle_chip.hpp"
#include "sim/isa/sim_error.hpp"

using namespace ascendsim;
using isa::Pipe;
using isa::SyncMode;
using kernels::ProgramBuilder;

TEST_CASE("a group barrier opens only when every member has set, however often one sets") {
  const auto hw = testing::oracle_chip(1);
  ProgramBuilder b(hw);
  auto& aic = b.aic(0, 0);
  aic.cross_core_wait(3);  // released when both AIVs have set once
  aic.cross_core_wait(3);  // and again when both have set twice
  auto& fast = b.aiv(0, 0);
  fast.cross_core_set(SyncMode::aic_aiv, 3, Pipe::S);  // cycle 1
  fast.cross_core_set(SyncMode::aic_aiv, 3, Pipe::S);  // cycle 2: runs ahead of its partner
  auto& slow = b.aiv(0, 1);
  slow.nop(Pipe::S, 100);                     // 1..101
  slow.cross_core_set(SyncMode::aic_aiv, 3, Pipe::S);  // 102, visible 132
  slow.nop(Pipe::S, 100);                     // 103..203
  slow.cross_core_set(SyncMode::aic_aiv, 3, Pipe::S);  // 204, visible 234
  isa::Program p = b.take();
  models::SimOptions opts;
  opts.timeline = true;
  const auto r = models::simulate(p, hw, opts);
  std::vector<std::uint64_t> released;
  for (const auto& f : r.timeline.flows)
    if (f.to_core.kind == isa::CoreKind::AIC) released.push_back(f.to_cycle);
  // Counting sets instead of members would open the first round at 2 + 30 = 32.
  CHECK(released == std::vector<std::uint64_t>{132, 234});
  CHECK(r.stats.unbalanced_sync.empty());
}

namespace {
// The AIC sets flag 2 `early` times at cycles 1.., then once more after a 100-cycle nop; both
// AIVs take one set after `first_wait_delay` cycles and the rest after that.
isa::Program producer_ahead(const config::HardwareConfig& hw, std::uint32_t early,
                            std::uint32_t first_wait_delay) {
  ProgramBuilder b(hw);
  auto& aic = b.aic(0, 0);
  for (std::uint32_t i = 0; i < early; ++i) aic.cross_core_set(SyncMode::aic_aiv, 2, Pipe::S);
  aic.nop(Pipe::S, 100);
  aic.cross_core_set(SyncMode::aic_aiv, 2, Pipe::S);
  for (std::uint32_t v = 0; v < 2; ++v) {
    auto& aiv = b.aiv(0, v);
    aiv.nop(Pipe::S, first_wait_delay);
    for (std::uint32_t i = 0; i <= early; ++i) aiv.cross_core_wait(2);
  }
  return b.take();
}
}  // namespace

TEST_CASE("a counter that never holds more than its limit at once is not an overflow") {
  const auto hw = testing::oracle_chip(1);
  // 15 sets at cycles 1..15 are visible at 31..45; the AIVs take one at 122 (after a 120-cycle
  // nop); the 16th set, made at 117 while 15 were held, becomes visible at 147 when 14 are.
  isa::Program p = producer_ahead(hw, 15, 120);
  const auto r = models::simulate(p, hw, {});
  CHECK(r.stats.unbalanced_sync.empty());
}

TEST_CASE("a counter holding more sets than its limit is an error naming the core and flag") {
  const auto hw = testing::oracle_chip(1);
  // 15 early sets plus one at 117 (visible 147), and the AIVs wait only from cycle 201 on: at
  // 147 each AIV's counter holds 16 > 15.
  isa::Program p = producer_ahead(hw, 15, 200);
  CHECK_THROWS_WITH(models::simulate(p, hw, {}),
                    Catch::Contains("die0.aiv0: cross-core flag 2 held more than 15 sets at "
                                    "cycle 147"));
}

TEST_CASE("a flag set more often than waited for is reported at the end of the run") {
  const auto hw = testing::oracle_chip(1);
  ProgramBuilder b(hw);
  auto& v = b.aiv(0, 0);
  v.set_flag(Pipe::V, Pipe::MTE3, 1);
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, {});
  REQUIRE(r.stats.unbalanced_sync.size() == 1);
  CHECK(r.stats.unbalanced_sync[0] == "die0.aiv0: flag v->mte3 event 1 set 1 time(s) more than waited");
}
