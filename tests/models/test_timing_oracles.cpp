// Exact-equality oracles for the chip's timing, on the hand-checkable oracle chip. Every
// expected number is derived in the comment beside it from oracle_chip()'s parameters; the
// vscan oracles at the end use configs/hw/ascend910b2.yaml's vector timings instead.
#include <catch2/catch.hpp>

#include "kernels/common/program_builder.hpp"
#include "models/chip/simulate.hpp"
#include "oracle_chip.hpp"
#include "oracle_spans.hpp"
#include "sim/config/load_hardware.hpp"

using namespace ascendsim;
using testing::span;
using testing::with_timeline;
using kernels::ProgramBuilder;
using numeric::DType;
using isa::Pipe;

TEST_CASE("a 128x128x128 fp16 mmad takes 512 cube cycles plus startup") {
  const auto hw = testing::oracle_chip();
  ProgramBuilder b(hw);
  auto& c = b.aic(0, 0);
  auto l0a = c.buffer(isa::Buffer::L0A).alloc("a", DType::fp16, 128, 128);
  auto l0b = c.buffer(isa::Buffer::L0B).alloc("b", DType::fp16, 128, 128);
  auto l0c = c.buffer(isa::Buffer::L0C).alloc("c", DType::fp32, 128, 128);
  c.mmad(l0c, l0a, l0b, false);
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, with_timeline());
  // ceil(128/16) * ceil(128/16) * ceil(128/16) = 512 fractal steps + startup 10.
  CHECK(r.stats.cores[0].pipes[int(Pipe::M)].busy_cycles == 522);
  // Issued after issue_cycles = 1, so it runs from cycle 1 to 523.
  CHECK(span(r, Pipe::M, 0).start_cycle == 1);
  CHECK(span(r, Pipe::M, 0).end_cycle == 523);
  CHECK(r.stats.cycles == 523);
}

TEST_CASE("a DMA of B bytes takes setup plus latency plus ceil(B / rate)") {
  const auto hw = testing::oracle_chip();
  ProgramBuilder b(hw);
  auto src = b.gm_tensor("x", DType::fp16, 1, 500);
  auto& c = b.aic(0, 0);
  auto l1 = c.buffer(isa::Buffer::L1).alloc("x", DType::fp16, 1, 512);
  c.copy_gm_to_l1(l1.sub(0, 0, 1, 500), src.all());
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, with_timeline());
  // B = 1000 bytes in 2 missed lines (1024 B). The slowest rate is the core's HBM rate,
  // 16 B/cycle on the fetched 1024 B: 64 cycles (its L2 rate 32 -> ceil(1000/32) = 32, mover
  // 64 -> 16, die L2 128 -> 8, die HBM 64 -> 16). Setup 20; latency = L2 hit 50 + HBM 100 for
  // the miss. Issued at cycle 1, it lands at 1 + 20 + 64 + 150 = 235.
  CHECK(span(r, Pipe::MTE2, 0).landed_cycle == 235);
  // MTE2 is busy only while it issues: setup 20 + ceil(1000 / min(mover 64, port L2 32)) = 52;
  // the fetch and the latencies are the far side's.
  CHECK(r.stats.cores[0].pipes[int(Pipe::MTE2)].busy_cycles == 20 + 32);
  CHECK(r.stats.dies[0].hbm_read_bytes == 1024);
}

TEST_CASE("an L2 hit skips the HBM latency that a miss pays") {
  const auto hw = testing::oracle_chip();
  ProgramBuilder b(hw);
  auto src = b.gm_tensor("x", DType::fp16, 1, 512);
  auto& c = b.aic(0, 0);
  auto l1 = c.buffer(isa::Buffer::L1).alloc("x", DType::fp16, 1, 512);
  c.copy_gm_to_l1(l1, src.all());  // instruction 0
  c.pipe_barrier(Pipe::MTE2);      // 1: the second load is issued once the first has landed
  c.copy_gm_to_l1(l1, src.all());  // 2
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, with_timeline());
  // Miss: 1024 B at the core's 16 B/cycle HBM rate = 64 cycles; 1 + 20 + 64 + (50 + 100) = 235.
  CHECK(span(r, Pipe::MTE2, 0).landed_cycle == 235);
  // The barrier (issued at 2) holds the scalar unit until that landing at 235; the second load
  // is issued 1 cycle later. A hit: only the 32 B/cycle L2 rate applies, and no HBM latency:
  // 236 + 20 + 32 + 50 = 338, 102 cycles against the miss's 234.
  CHECK(span(r, Pipe::MTE2, 2).start_cycle == 236);
  CHECK(span(r, Pipe::MTE2, 2).landed_cycle == 338);
  CHECK(r.stats.dies[0].l2_read_misses == 2);
  CHECK(r.stats.dies[0].l2_read_hits == 2);
  CHECK(r.stats.dies[0].hbm_read_bytes == 1024);  // the hit fetched nothing
}

TEST_CASE(
    "a mover issues its next DMA before the previous lands, and a set after them waits "
    "for the later") {
  const auto hw = testing::oracle_chip();
  ProgramBuilder b(hw);
  auto x = b.gm_tensor("x", DType::fp16, 32, 16);  // 1024 B each: 2 lines, both missing
  auto y = b.gm_tensor("y", DType::fp16, 32, 16);
  auto& c = b.aic(0, 0);
  auto l1x = c.buffer(isa::Buffer::L1).alloc("x", DType::fp16, 32, 16);
  auto l1y = c.buffer(isa::Buffer::L1).alloc("y", DType::fp16, 32, 16);
  auto l0a = c.buffer(isa::Buffer::L0A).alloc("y", DType::fp16, 32, 16);
  c.copy_gm_to_l1(l1x, x.all());  // 0: MTE2
  c.copy_gm_to_l1(l1y, y.all());  // 1: MTE2
  c.set_flag(Pipe::MTE2, Pipe::MTE1, 0);
  c.wait_flag(Pipe::MTE2, Pipe::MTE1, 0);
  c.load_l0a(l0a, l1y);  // 4: MTE1
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, with_timeline());
  // x: issued at 1, ready at 21; its 1024 B pass the core's 32 B/cycle L2 port by 53 (the
  // mover's 64 B/cycle by 37), which frees MTE2. Its fetch at the port's 16 B/cycle HBM rate
  // runs 21..85 and it lands at 85 + 100 + 50 = 235.
  CHECK(span(r, Pipe::MTE2, 0).start_cycle == 1);
  CHECK(span(r, Pipe::MTE2, 0).landed_cycle == 235);
  // y starts at 53, while x is still in flight: ready at 73, issued by 73 + 32 = 105; its fetch
  // waits for the port's HBM side (x's until 85): 85..149, landing 149 + 150 = 299.
  CHECK(span(r, Pipe::MTE2, 1).start_cycle == 53);
  CHECK(span(r, Pipe::MTE2, 1).start_cycle < span(r, Pipe::MTE2, 0).landed_cycle);
  CHECK(span(r, Pipe::MTE2, 1).landed_cycle == 299);
  // The set on MTE2 waits until y lands (299, not 105), is seen 2 cycles later, and MTE1's
  // load runs 4 + ceil(1024/512) = 6 cycles from 301.
  CHECK(span(r, Pipe::MTE1, 4).start_cycle == 301);
  CHECK(span(r, Pipe::MTE1, 4).end_cycle == 307);
  // MTE2 was busy issuing 2 x (20 + 1024/32) = 104 cycles and waited 299 - 105 = 194 for y to
  // land (a memory stall).
  const auto& mte2 = r.stats.cores[0].pipes[int(Pipe::MTE2)];
  CHECK(mte2.busy_cycles == 2 * (20 + 32));
  CHECK(mte2.stall_cycles[int(report::StallCause::memory)] == 299 - 105);
}

TEST_CASE("a flag hands a tile from MTE2 to MTE1 after the flag latency") {
  const auto hw = testing::oracle_chip();
  ProgramBuilder b(hw);
  auto src = b.gm_tensor("x", DType::fp16, 16, 16);
  auto& c = b.aic(0, 0);
  auto l1 = c.buffer(isa::Buffer::L1).alloc("x", DType::fp16, 16, 16);
  auto l0a = c.buffer(isa::Buffer::L0A).alloc("x", DType::fp16, 16, 16);
  c.copy_gm_to_l1(l1, src.all());    // instruction 0, MTE2
  c.set_flag(Pipe::MTE2, Pipe::MTE1, 0);
  c.wait_flag(Pipe::MTE2, Pipe::MTE1, 0);
  c.load_l0a(l0a, l1);               // instruction 3, MTE1
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, with_timeline());
  // 512 B, one missed line: HBM rate 512/16 = 32; lands at 1 + 20 + 32 + 150 = 203. MTE2 has
  // issued it by 1 + 20 + 512/32 = 37, but the set on MTE2 waits for the landing at 203 and is
  // visible 2 cycles later; MTE1's load starts at 205 and takes 4 + ceil(512/512) = 5 cycles.
  CHECK(span(r, Pipe::MTE2, 0).landed_cycle == 203);
  CHECK(span(r, Pipe::MTE1, 3).start_cycle == 205);
  CHECK(span(r, Pipe::MTE1, 3).end_cycle == 210);
  CHECK(r.stats.cores[0].pipes[int(Pipe::MTE1)].stall_cycles[int(report::StallCause::flag_mte2)] ==
        205 - 3);  // waited from cycle 3 (issue of the wait) to 205
}

TEST_CASE("a cross-core flag releases the AIVs after the cross-core latency") {
  const auto hw = testing::oracle_chip(1);
  ProgramBuilder b(hw);
  auto& c = b.aic(0, 0);
  c.nop(Pipe::M, 100);                                  // M busy 1..101
  c.cross_core_set(isa::SyncMode::aic_aiv, 3, Pipe::M);  // on M at 101, visible at 131
  for (std::uint32_t v = 0; v < 2; ++v) {
    auto& a = b.aiv(0, v);
    auto ub = a.buffer(isa::Buffer::UB).alloc("x", DType::fp32, 1, 64);
    a.cross_core_wait(3);     // scalar unit blocks from cycle 1
    a.vadd(ub, ub, ub);       // issued 1 cycle after release: 132, runs 6 + 1 * 2 = 8 cycles
  }
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, with_timeline());
  for (const auto& s : r.timeline.spans) {
    if (s.core.kind != isa::CoreKind::AIV) continue;
    CHECK(s.start_cycle == 132);
    CHECK(s.end_cycle == 140);
  }
  CHECK(r.timeline.flows.size() == 2);
}

TEST_CASE("the cube result is not done at t-1 and is done at t") {
  const auto hw = testing::oracle_chip();
  ProgramBuilder b(hw);
  auto& c = b.aic(0, 0);
  auto l0a = c.buffer(isa::Buffer::L0A).alloc("a", DType::fp16, 32, 64);
  auto l0b = c.buffer(isa::Buffer::L0B).alloc("b", DType::fp16, 64, 48);
  auto l0c = c.buffer(isa::Buffer::L0C).alloc("c", DType::fp32, 32, 48);
  c.mmad(l0c, l0a, l0b, false);
  isa::Program p = b.take();
  models::ChipSimulation sim(p, hw, {});
  // 2 * 3 * 4 = 24 fractal steps + 10 startup, from cycle 1: done at t = 35.
  sim.run_until(34);
  CHECK(sim.completed(isa::CoreId{0, isa::CoreKind::AIC, 0}, Pipe::M) == 0);
  sim.run_until(35);
  CHECK(sim.completed(isa::CoreId{0, isa::CoreKind::AIC, 0}, Pipe::M) == 1);
  sim.finish();
}

TEST_CASE("a DMA is not done at t-1 and is done at t") {
  const auto hw = testing::oracle_chip();
  ProgramBuilder b(hw);
  auto src = b.gm_tensor("x", DType::fp32, 4, 64);
  auto& v = b.aiv(0, 0);
  auto ub = v.buffer(isa::Buffer::UB).alloc("x", DType::fp32, 4, 64);
  v.copy_gm_to_ub(ub, src.all());
  isa::Program p = b.take();
  models::ChipSimulation sim(p, hw, {});
  // 1024 B missed: HBM rate 1024/16 = 64; 1 + 20 + 64 + 150 = 235.
  sim.run_until(234);
  CHECK(sim.completed(isa::CoreId{0, isa::CoreKind::AIV, 0}, Pipe::MTE2) == 0);
  sim.run_until(235);
  CHECK(sim.completed(isa::CoreId{0, isa::CoreKind::AIV, 0}, Pipe::MTE2) == 1);
  sim.finish();
}

TEST_CASE("eight cores streaming from HBM at once share its configured bandwidth") {
  const auto hw = testing::oracle_chip(8);
  ProgramBuilder b(hw);
  const std::uint32_t chunks = 16, chunk_rows = 32, cols = 256;  // 32 x 256 fp32 = 32 KiB
  auto src = b.gm_tensor("x", DType::fp32, 8ull * chunks * chunk_rows, cols);
  for (std::uint32_t core = 0; core < 8; ++core) {
    auto& c = b.aic(0, core);
    auto l1 = c.buffer(isa::Buffer::L1).alloc("x", DType::fp32, chunk_rows, cols);
    for (std::uint32_t k = 0; k < chunks; ++k)
      c.copy_gm_to_l1(l1, src.tile((core * chunks + k) * chunk_rows, 0, chunk_rows, cols));
  }
  isa::Program p = b.take();
  models::SimOptions timing;
  timing.functional = false;
  const auto r = models::simulate(p, hw, timing);
  // 8 cores x 16 B/cycle = 128 B/cycle of demand against 64 B/cycle of HBM: every byte misses
  // L2 once, so the run is HBM-bound and its aggregate rate must be the configured 64 B/cycle
  // (within 2%: one setup and one latency are outside the streaming).
  const double bytes = 8.0 * chunks * chunk_rows * cols * 4;
  CHECK(r.stats.dies[0].hbm_read_bytes == bytes);
  const double achieved = bytes / double(r.stats.cycles);
  CHECK(achieved == Approx(64.0).epsilon(0.02));
  CHECK(achieved <= 64.0);
}

TEST_CASE("a core that asks for a line still in flight waits for its fetch to land") {
  const auto hw = testing::oracle_chip();
  ProgramBuilder b(hw);
  auto src = b.gm_tensor("x", DType::fp16, 1, 256);
  for (std::uint32_t core = 0; core < 2; ++core) {
    auto& c = b.aic(0, core);
    auto l1 = c.buffer(isa::Buffer::L1).alloc("x", DType::fp16, 1, 256);
    c.copy_gm_to_l1(l1, src.all());
  }
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, with_timeline());
  // Both read the same 512-B line at cycle 1. The first misses: 512/16 = 32 cycles at its HBM
  // rate from 21, landing at 53 + 100 = 153, done at 153 + 50 = 203. The second finds the line
  // allocated but in flight: it waits for 153 too and ends at 203, not at 21 + 16 + 50 = 87.
  REQUIRE(r.timeline.spans.size() == 2);
  for (const auto& s : r.timeline.spans) CHECK(s.landed_cycle == 203);
  CHECK(r.stats.dies[0].l2_read_misses == 1);
  CHECK(r.stats.dies[0].l2_read_hits == 1);
  CHECK(r.stats.dies[0].hbm_read_bytes == 512);
}

TEST_CASE("an fp16 vector op takes half an fp32 one's repeats and its cycles count as fp16") {
  const auto hw = testing::oracle_chip(1);
  ProgramBuilder b(hw);
  auto& a = b.aiv(0, 0);
  auto ub = a.buffer(isa::Buffer::UB);
  auto x32 = ub.alloc("x32", DType::fp32, 16, 128), x16 = ub.alloc("x16", DType::fp16, 16, 128);
  a.vadd(x32, x32, x32);  // 16 rows x 512 B = 2 repeats of 256 B each: 6 + 32 x 2 = 70 cycles
  a.vadd(x16, x16, x16);  // 16 rows x 256 B = 1 repeat each: 6 + 16 x 2 = 38 cycles
  a.vcast(x16, x32);      // the fp32 source sets the width: 10 + 32 x 2 = 74 cycles, as fp32
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, {});
  const auto& cycles = r.stats.cores[0].vector_cycles;
  CHECK(cycles.at(DType::fp32) == 70 + 74);
  CHECK(cycles.at(DType::fp16) == 38);
  CHECK(r.stats.cores[0].pipes[int(Pipe::V)].busy_cycles == 70 + 38 + 74);
}

namespace {
struct Scan {
  std::uint32_t rows, cols;
  isa::ScanMode mode;
  std::uint8_t direction;
};
struct ScanCosts {
  std::vector<std::uint64_t> cycles;  // each vscan's span on the V pipe
  std::uint64_t repeats = 0;          // the core's vector repeats, all vscans together
};
// The scans, fp32, one after another on aiv0 of the 910B2 config (one simulation per process).
ScanCosts scan_costs(const std::vector<Scan>& scans) {
  const auto hw = config::load_hardware_file(std::string(ASCENDSIM_SOURCE_DIR) +
                                             "/configs/hw/ascend910b2.yaml");
  ProgramBuilder b(hw);
  auto& v = b.aiv(0, 0);
  auto ub = v.buffer(isa::Buffer::UB);
  for (std::size_t i = 0; i < scans.size(); ++i) {
    const Scan& s = scans[i];
    const std::string n = std::to_string(i);
    auto a = ub.alloc("a" + n, DType::fp32, s.rows, s.cols);
    auto w = ub.alloc("w" + n, DType::fp32, s.rows, s.cols);
    v.vscan(w, a, w, 0.0, s.mode, s.direction);
  }
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, with_timeline());
  ScanCosts out;
  for (std::size_t i = 0; i < scans.size(); ++i)
    out.cycles.push_back(span(r, Pipe::V, i).end_cycle - span(r, Pipe::V, i).start_cycle);
  out.repeats = r.stats.cores[0].vector_repeats;
  return out;
}
constexpr auto kLinear = isa::ScanMode::linear;
constexpr std::uint8_t kFirstAxis = isa::flag::first_axis, kReverse = isa::flag::reverse;
}  // namespace

TEST_CASE("a first_axis vscan costs its rows times one dependent vmul and vadd over the cols") {
  const ScanCosts c = scan_costs({{10, 64, kLinear, kFirstAxis},
                                  {10, 128, kLinear, kFirstAxis},
                                  {10, 64, isa::ScanMode::logaddexp, kFirstAxis | kReverse}});
  // configs/hw/ascend910b2.yaml: vmul startup 7, vadd 6, both 2 cycles per 256-B repeat. Ten
  // steps (rows), each a vmul and a vadd over 64 fp32 lanes = 256 B = R 1 repeat:
  // 10 x ((7 + 1 x 2) + (6 + 1 x 2)) = 170 cycles, 10 x 2 ops x 1 = 20 repeats.
  CHECK(c.cycles[0] == 10 * ((7 + 2) + (6 + 2)));
  CHECK(c.cycles[0] == 170);
  // 128 lanes are 512 B, R = 2: 10 x ((7 + 2 x 2) + (6 + 2 x 2)) = 210 cycles, 40 repeats.
  CHECK(c.cycles[1] == 210);
  // logaddexp, per step vadd 6, vsub 6, vabs 10 (default), vmuls 7, vexp 12, vadds 6, vln 10
  // (default), vmax 10 (default), vadd 6 = 73 startup cycles + 9 ops x 1 repeat x 2 = 91;
  // 10 steps: 910 cycles, 90 repeats. reverse costs the same as forward.
  CHECK(c.cycles[2] == 10 * (73 + 9 * 2));
  CHECK(c.repeats == 20 + 40 + 90);
}

TEST_CASE("a last-axis vscan pays the dependent vmul and vadd once per column") {
  const ScanCosts c = scan_costs({{1, 64, kLinear, 0}, {1, 64, kLinear, kReverse}});
  // 1 row x 64 cols: 64 steps over 1 lane (4 B, R = 1): 64 x ((7 + 2) + (6 + 2)) = 64 x 17 =
  // 1088 cycles, 64 x 2 ops x 1 = 128 repeats; reverse costs the same.
  CHECK(c.cycles[0] == 64 * 17);
  CHECK(c.cycles[1] == 64 * 17);
  CHECK(c.repeats == 2 * 128);
}
