// HARDWARE.md §5: CrossCoreSetFlag names the pipe whose earlier work it signals; PIPE_S is a
// legal choice only on the 950 (sync.cross_core_set_on_s in the hardware config).
#include <catch2/catch.hpp>

#include "test_isa_hw.hpp"

using namespace ascendsim;
using ascendsim::testing::instr;
using ascendsim::testing::make_910b2_like;
using ascendsim::testing::problem;

TEST_CASE("a cross-core set on pipe s is rejected where the chip cannot queue it there") {
  auto hw = make_910b2_like();
  hw.sync.cross_core_set_on_s = false;  // the 220x rule
  auto set = instr(isa::Opcode::cross_core_set, isa::Pipe::S);
  set.event_id = 1;
  CHECK(problem(set, isa::CoreKind::AIV, hw) ==
        "cross_core_set: this chip cannot queue a cross-core set on pipe s (HARDWARE.md §5: only "
        "the 950 can); queue it on the pipe whose work it signals");
  set.pipe = isa::Pipe::MTE3;  // after the AIV's last copy out
  CHECK(problem(set, isa::CoreKind::AIV, hw) == "");
}

TEST_CASE("a cross-core set on pipe s is legal where the chip allows it") {
  auto hw = make_910b2_like();
  hw.sync.cross_core_set_on_s = true;  // the 950 rule
  auto set = instr(isa::Opcode::cross_core_set, isa::Pipe::S);
  set.event_id = 1;
  CHECK(problem(set, isa::CoreKind::AIV, hw) == "");
}
