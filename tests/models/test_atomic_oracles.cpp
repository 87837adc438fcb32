// Exact-equality oracles for GM atomic adds on the oracle chip: the L2's adder does the
// read-modify-write, so the core only sends its bytes (port write side, link towards the home
// die) while the die's L2 both reads and writes. Every expected number is derived beside it.
#include <catch2/catch.hpp>

#include "kernels/common/program_builder.hpp"
#include "models/chip/simulate.hpp"
#include "oracle_chip.hpp"
#include "oracle_spans.hpp"

using namespace ascendsim;
using isa::Pipe;
using kernels::ProgramBuilder;
using numeric::DType;
using testing::span;
using testing::with_timeline;

namespace {

// Stats of pipe p of the one AIV the programs below use.
const report::PipeStats& aiv_pipe(const models::SimResult& r, Pipe p) {
  for (const auto& c : r.stats.cores)
    if (c.core == isa::CoreId{0, isa::CoreKind::AIV, 0}) return c.pipes[int(p)];
  FAIL("no stats for die0.aiv0");
  return r.stats.cores.front().pipes[int(p)];
}

std::uint64_t memory_stall(const models::SimResult& r, Pipe p) {
  return aiv_pipe(r, p).stall_cycles[int(report::StallCause::memory)];
}

constexpr std::uint64_t kAtomic = 6, kRead = 7;  // instruction indices in read_beside_atomic

// One AIV on die 0 warms x and y (1024 B each, on `die`) into L2, then MTE3 atomically adds
// into y while MTE2 reads x again, the read starting 2 cycles (the flag latency) after the
// atomic: both hit, so only the core port, the die L2 and the die link decide their times.
models::SimResult read_beside_atomic(const config::HardwareConfig& hw, std::uint32_t die) {
  ProgramBuilder b(hw);
  auto x = b.gm_tensor("x", DType::fp32, 4, 64, die);
  auto y = b.gm_tensor("y", DType::fp32, 4, 64, die);
  auto& v = b.aiv(0, 0);
  auto ux = v.buffer(isa::Buffer::UB).alloc("x", DType::fp32, 4, 64);
  auto uy = v.buffer(isa::Buffer::UB).alloc("y", DType::fp32, 4, 64);
  v.copy_gm_to_ub(ux, x.all());            // 0: MTE2, misses
  v.copy_gm_to_ub(uy, y.all());            // 1: MTE2, misses
  v.set_flag(Pipe::MTE2, Pipe::MTE3, 0);   // 2
  v.wait_flag(Pipe::MTE2, Pipe::MTE3, 0);  // 3: MTE3 waits for both warm-ups
  v.set_flag(Pipe::MTE3, Pipe::MTE2, 0);   // 4: MTE3 releases MTE2 as it starts the atomic
  v.wait_flag(Pipe::MTE3, Pipe::MTE2, 0);  // 5
  v.set_atomic_add();
  v.copy_ub_to_gm(y.all(), uy);  // 6 = kAtomic: MTE3, hits
  v.set_atomic_none();
  v.copy_gm_to_ub(ux, x.all());  // 7 = kRead: MTE2, hits
  isa::Program p = b.take();
  models::SimOptions o;
  o.timeline = true;
  return models::simulate(p, hw, o);
}

}  // namespace

TEST_CASE("an atomic add leaves its core's L2 read port free: a read beside it runs as if alone") {
  const auto hw = testing::oracle_chip(1);
  const auto r = read_beside_atomic(hw, 0);
  // Warm-ups: x misses 2 lines: issued (1024 B through the port's 32 B/cycle L2 read side)
  // by 1 + 20 + 32 = 53, its fetch at the port's 16 B/cycle HBM rate runs 21..85, it lands at
  // 85 + (100 + 50) = 235. y is issued from 53 (ready 73, issued by 105); its fetch waits for
  // the port's HBM side until 85: 85..149, landing at 149 + 150 = 299. The set on MTE2 waits
  // for that landing: at 299 it is seen by MTE3 at 301 (flag latency 2), whose set is seen by
  // MTE2 at 303.
  const auto& atomic = span(r, Pipe::MTE3, kAtomic);
  const auto& read = span(r, Pipe::MTE2, kRead);
  CHECK(atomic.start_cycle == 301);
  CHECK(read.start_cycle == 303);
  // Atomic: ready 301 + 20 = 321; 1024 B on the port's write side at 32 B/cycle = 32 (die L2
  // read and write at 128 B/cycle: 8 each; MTE3 path 64: 16); 321 + 32 + 50 = 403.
  CHECK(atomic.landed_cycle == 403);
  // Read: ready 323; port read side free: 1024 / 32 = 32; the die L2 read is busy with the
  // atomic until 329, then 8 cycles to 337 < 355. 323 + 32 + 50 = 405 = 303 + 102, the read
  // alone. Had the atomic held the read port until 353, the read would end 353 + 32 + 50 = 435.
  CHECK(read.landed_cycle == 405);
  // MTE2's memory stall is the warm-up set's wait for y to land, 299 - 105 = 194; the read
  // adds none (issued in its unloaded 20 + 32 cycles; 30 more had it waited for the port).
  CHECK(memory_stall(r, Pipe::MTE2) == 299 - 105);
  CHECK(r.stats.dies[0].atomic_bytes == 1024);
  // The atomic's 2 lines are write lookups that hit; x: 2 misses then 2 hits, y: 2 misses.
  CHECK(r.stats.dies[0].l2_write_hits == 2);
  CHECK(r.stats.dies[0].l2_read_hits == 2);
  CHECK(r.stats.dies[0].l2_read_misses == 4);
}

TEST_CASE("an atomic add to another die sends its bytes one way: the link back stays free") {
  auto hw = testing::oracle_chip(1);
  hw.dies = 2;
  hw.die_link.bytes_per_cycle = 16;  // below the port's 32, so the link sets both times
  const auto r = read_beside_atomic(hw, 1);
  const auto& atomic = span(r, Pipe::MTE3, kAtomic);
  const auto& read = span(r, Pipe::MTE2, kRead);
  REQUIRE(read.start_cycle == atomic.start_cycle + 2);  // released by the atomic's set_flag
  // Atomic: 1024 B over the link die0 -> die1 at 16 B/cycle = 64 cycles, plus setup 20, L2 hit
  // 50 and link latency 40: 174 cycles.
  CHECK(atomic.landed_cycle - atomic.start_cycle == 20 + 64 + 50 + 40);
  // Read: 1024 B over the other direction, die1 -> die0, free: the same 174 cycles, as if
  // alone. Had the atomic held it too, the read would wait for it: 62 cycles more.
  CHECK(read.landed_cycle - read.start_cycle == 20 + 64 + 50 + 40);
  // The warm-ups: x is issued by 53 (the port's 32 B/cycle) and y from 53 to 105; the link
  // die1 -> die0 at 16 B/cycle carries x 21..85 and y 85..149, y lands at 149 + 100 + 50 + 40
  // = 339, which the set on MTE2 waits for: MTE2's only memory stall (the read's issue takes
  // its unloaded 20 + 32; the link is beyond the port and would delay only its landing).
  CHECK(memory_stall(r, Pipe::MTE2) == 339 - 105);
  // Every access crossed the link once: 2 warm-up reads, the atomic and the read, 1024 B each.
  CHECK(r.stats.dies[0].die_link_bytes == 4 * 1024);
  CHECK(r.stats.dies[1].atomic_bytes == 1024);
}

TEST_CASE("an atomic add still reads the line in the die's L2: a slow L2 read side bounds it") {
  auto hw = testing::oracle_chip(1);
  hw.l2.read_bytes_per_cycle = 16;  // below the port's 32, so the die L2 read sets the time
  ProgramBuilder b(hw);
  auto y = b.gm_tensor("y", DType::fp32, 4, 64);
  auto& v = b.aiv(0, 0);
  auto uy = v.buffer(isa::Buffer::UB).alloc("y", DType::fp32, 4, 64);
  v.copy_gm_to_ub(uy, y.all());            // 0: MTE2, misses
  v.set_flag(Pipe::MTE2, Pipe::MTE3, 0);   // 1
  v.wait_flag(Pipe::MTE2, Pipe::MTE3, 0);  // 2
  v.set_atomic_add();
  v.copy_ub_to_gm(y.all(), uy);  // 3: MTE3, hits
  isa::Program p = b.take();
  models::SimOptions o;
  o.timeline = true;
  const auto r = models::simulate(p, hw, o);
  // Warm-up: 1024 B, 64 cycles at both the port's HBM rate and the die L2 read rate, past the
  // port (issued by 1 + 20 + 32 = 53): it lands at 1 + 20 + 64 + 150 = 235, when the set on
  // MTE2 fires; the flag is seen by MTE3 at 237.
  CHECK(span(r, Pipe::MTE3, 3).start_cycle == 237);
  // Atomic: ready 257; die L2 read 1024 / 16 = 64 (port write side 32, die L2 write 8,
  // MTE3 path 16): 257 + 64 + 50 = 371. Without the L2 read it would end 257 + 32 + 50 = 339.
  CHECK(span(r, Pipe::MTE3, 3).landed_cycle == 371);
  // The die L2 is beyond the port: MTE3 is busy only for the issue side, 20 + 1024/32.
  CHECK(aiv_pipe(r, Pipe::MTE3).busy_cycles == 20 + 32);
}
