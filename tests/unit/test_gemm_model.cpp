// The gemm closed-form model: its formulas against the simulator's own timing functions and
// memory system, and hand-derived predictions for the two acceptance shapes on the 910B2-like
// fixture chip (numbers in test_gemm_fixture.cpp).
#include <algorithm>
#include <catch2/catch.hpp>

#include "kernels/gemm/gemm_model.hpp"
#include "kernels/gemm/gemm_plan.hpp"
#include "models/memory/memory_system.hpp"
#include "models/units/timing.hpp"

namespace gemm_test {
using namespace ascendsim;
config::HardwareConfig chip_910b2(std::uint32_t dies = 1);
kernels::GemmParams params(std::uint64_t m, std::uint64_t n, std::uint64_t k, numeric::DType t);
}  // namespace gemm_test

using namespace ascendsim;
using gemm_test::chip_910b2;
using gemm_test::params;
using numeric::DType;

TEST_CASE("a tile's cube and mte1 terms are sums of the simulator's mmad and move cycles") {
  config::HardwareConfig hw = chip_910b2();
  hw.aic.cube.startup_cycles = 7;  // so the per-mmad startup is visible in the sum
  const kernels::GemmPlan plan = kernels::plan_gemm(params(112, 208, 304, DType::bf16), hw);
  const kernels::OutputTile t = plan.output_tile(0);
  double cube = 0, mte1 = 0;
  for (const kernels::KChunk& ch : plan.chunks)
    for (std::uint32_t d : plan.steps(ch)) {
      cube += double(models::cube_cycles(hw, t.rows, t.cols, d, DType::bf16));
      mte1 += double(models::move_cycles(hw.aic.mte1_l0a, 2ull * t.rows * d) +
                     models::move_cycles(hw.aic.mte1_l0b, 2ull * d * t.cols));
    }
  const kernels::GemmTileCost tc = kernels::gemm_tile_cost(plan, hw, t, 0);
  CHECK(tc.cube == cube);
  CHECK(tc.mte1 == mte1);
  // By hand: steps 64, 64, 64, 64, 48 on a 112x208 tile: 7 x 13 x (4+4+4+4+3) + 5 x 7 = 1764.
  CHECK(tc.cube == 1764);
}

TEST_CASE("a tile's mte2 and fixpipe terms are what the memory system charges, hit or miss") {
  const config::HardwareConfig hw = chip_910b2();
  const kernels::GemmPlan plan = kernels::plan_gemm(params(128, 256, 256, DType::bf16), hw);
  const kernels::OutputTile t = plan.output_tile(0);
  models::MemorySystem memory(hw, {hw.aic.port, hw.aic.port});
  // A (128 x 256 bf16, row stride 512 B) and B (256 x 256 bf16) as the kernel loads them; C is
  // 128 x 256 fp32. GM addresses as ProgramBuilder places them (512-B aligned, in order).
  const models::GmRange a{0, 128, 512, 512}, b{65536, 256, 512, 512}, c{196608, 128, 1024, 1024};
  const models::GmRange b2{327680, 256, 512, 512};  // another B, not yet in L2
  auto load = [&](std::size_t port, std::uint64_t now, const models::GmRange& r) {
    return memory.access(port, 0, now, r, models::GmOp::read, hw.aic.mte2.setup_cycles,
                         hw.aic.mte2.bytes_per_cycle);
  };
  // A CopyIn as MTE2 runs it: B issued when A's issue ends, done when both landed.
  auto copy_in = [&](std::uint64_t now, const models::GmRange& b_range) {
    const models::TransferTiming ta = load(0, now, a);
    const models::TransferTiming tb = load(0, ta.issue_end_cycle, b_range);
    return std::max(ta.end_cycle, tb.end_cycle) - now;
  };
  const std::uint64_t miss = copy_in(0, b), hit = copy_in(20000, b);
  load(1, 40601, b2);  // core 1 fetches b2 just as core 0 issues its own load of it
  const std::uint64_t wait = copy_in(40000, b2);
  const std::uint64_t c_write = memory
                                    .access(0, 0, 60000, c, models::GmOp::write,
                                            hw.aic.fix.setup_cycles, hw.aic.fix.bytes_per_cycle)
                                    .end_cycle -
                                60000;
  using kernels::LoadMiss;
  const kernels::GemmTileCost hits = kernels::gemm_tile_cost(plan, hw, t, 0);
  const kernels::GemmTileCost misses = kernels::gemm_tile_cost(
      plan, hw, t, 0, {{LoadMiss{65536.0, 65536.0}, LoadMiss{131072.0, 131072.0}}});
  const kernels::GemmTileCost waits =
      kernels::gemm_tile_cost(plan, hw, t, 0, {{LoadMiss{}, LoadMiss{0.0, 131072.0}}});
  CHECK(hits.mte2 == double(hit));
  CHECK(misses.mte2 == double(miss));
  CHECK(waits.mte2 == double(wait));
  CHECK(hits.fixpipe == double(c_write));
  // By hand. Hits: A issues at the core's L2 read rate, 5 + ceil(65536/110) = 601, and lands
  // 50 later at 651; B is issued from 601: 601 + 5 + ceil(131072/110) = 1798, landing at 1848,
  // which the CopyIn waits for (one latency, not two: 651 + 1247 - 50).
  CHECK(hit == 1848);
  // Misses: A's fetch of 65536 B at the core's 32 B/cycle HBM read rate ends at 5 + 2048 =
  // 2053 (it lands at 2053 + 150 + 50 = 2253); B's 131072 B queue behind it on that port:
  // 2053 + 4096 = 6149, landing at 6149 + 200 = 6349 (not 2253 + 4301 = 6554 one after the
  // other).
  CHECK(miss == 6349);
  // Waiting for core 1's fetch (ready at 40606, its lines land at 40606 + 4096 + 150 = 44852):
  // core 0's A hits (651) and its B, issued at 40601 too, finds the lines in flight and ends
  // at 44852 + 50 = 44902, 4902 after the CopyIn started, as if its own port had fetched them
  // from its ready time (ready + 4096 + 200, above).
  CHECK(wait == 4902);
  // C: the L2 write rate, 4 + ceil(131072/86) + 50 = 1579.
  CHECK(c_write == 1579);
}

TEST_CASE("a C tile of partial L2 lines pays the HBM fetch in the model as in the memory system") {
  // 16x32 bf16 with 16-col tiles: a C tile row is 64 B of fp32 every 128 B, so each row writes
  // part of a line, which a write-allocate L2 fetches first: the tile's 16 rows span 2 KiB =
  // 4 lines, fetched at the core's HBM read rate: 4 + max(1024/86, 2048/32) + 50 + 150 = 268.
  const config::HardwareConfig hw = chip_910b2();
  kernels::GemmParams p = params(16, 32, 16, DType::bf16);
  p.tile.n = 16;
  const kernels::GemmPlan plan = kernels::plan_gemm(p, hw);
  models::MemorySystem memory(hw, {hw.aic.port});
  // A (512 B) at 0, B (1 KiB) at 512, C at 1536: rows of 64 B, 128 B apart.
  const models::GmRange c{1536, 16, 64, 128};
  const std::uint64_t write = memory
                                  .access(0, 0, 0, c, models::GmOp::write, hw.aic.fix.setup_cycles,
                                          hw.aic.fix.bytes_per_cycle)
                                  .end_cycle;
  CHECK(write == 268);
  CHECK(kernels::gemm_tile_cost(plan, hw, plan.output_tile(0), 0).fixpipe == 268.0);
  // The same C as one 16x32 tile is a contiguous 2 KiB run of whole lines: no fetch.
  const kernels::GemmPlan whole = kernels::plan_gemm(params(16, 32, 16, DType::bf16), hw);
  CHECK(kernels::gemm_tile_cost(whole, hw, whole.output_tile(0), 0).fixpipe == 4 + 24 + 50);
}

TEST_CASE("4096^3 bf16 on the 910B2-like chip is cube-bound, the single L0C exposing FixPipe") {
  const config::HardwareConfig hw = chip_910b2();
  const kernels::GemmPlan plan = kernels::plan_gemm(params(4096, 4096, 4096, DType::bf16), hw);
  const kernels::ModelPrediction m = kernels::gemm_model(plan, hw);
  // Per 128x256 tile of hits: MTE2 16 x 1848 = 29568 (CopyIn of hits, test above) < M stage
  // = 16 x 4 x 512 = 32768 cube + 1579 FixPipe = 34347. Core 0 (22 tiles) misses: in each of
  // its 11 tiles that open a tile row, the A chunk of the first CopyIn; in round 0 also all 16
  // chunks of B column panel 0, which core 16 starts at the same chunk (it waits for core 0's
  // fetch, in flight). A CopyIn whose A misses: A lands at 2253 (test above) after B's 1848:
  // + 405. Whose B misses: B's fetch from 606 (A hits: the port is free) lands at
  // 606 + 4096 + 200 = 4902: + 3054. Both (test above): 6349, + 4501. The round-0 tile is
  // MTE2-bound: 29568 + 4501 + 15 x 3054 = 79879; the other 10 row openers 29568 + 405 < 34347.
  // fill: 7 (flag sets, a wait) + the first CopyIn, both loads missing, 6349 + the first L0
  // step 62 + 152 = 6570; no drain (FixPipe is in the M stage).
  const double miss_cycles = 4501 + 15 * 3054.0 + 10 * 405;
  CHECK(m.bound == "cube");
  CHECK(m.detail["cube_cycles"] == 22 * 32768.0);
  CHECK(m.detail["fixpipe_exposed_cycles"] == 22 * 1579.0);
  CHECK(m.detail["mte2_miss_cycles"] == miss_cycles);
  CHECK(m.detail["mte2_cycles"] == 22 * 29568.0 + miss_cycles);
  CHECK(m.detail["fill_cycles"] == 6570.0);
  CHECK(m.cycles == Approx(6570 + 79879 + 21 * 34347.0).epsilon(1e-12));
  // A + B (32 MiB each) + C (64 MiB fp32) reach HBM once.
  CHECK(m.hbm_bytes == 128.0 * (1 << 20));
}

TEST_CASE("a 16x6144x8192 bf16 GEMV is bound by the cores' HBM read rate, HBM close behind") {
  const config::HardwareConfig hw = chip_910b2();
  const kernels::GemmPlan plan = kernels::plan_gemm(params(16, 6144, 8192, DType::bf16), hw);
  REQUIRE(plan.tile_count() == 24);  // one 16x256 tile per core
  const kernels::ModelPrediction m = kernels::gemm_model(plan, hw);
  // Every B chunk (256x256 bf16) misses. The A chunks (16x256, 8192 B) are shared: core i
  // starts its K loop at chunk floor(32 i / 24), so core 2 fetches chunks 2 and 3 and hits 30.
  // A CopyIn with A hitting: A issues in 5 + ceil(8192/110) = 80 and lands at 130; B is ready
  // at 85 and its fetch, 131072/32 = 4096 at the port's HBM rate, lands at 85 + 4096 + 200 =
  // 4381. With A fetched: A's 256 cycles hold the port until 5 + 256 = 261, so B lands at
  // 261 + 4096 + 200 = 4557. The first load issues at cycle 8 (6 initial flag sets with two
  // 16 KiB L0C buffers, one wait, the copy). Drain: 4 L0 steps of 186 MTE1 (34 + 152) then a
  // 64-cycle mmad = 808 (M finished the chunk before long before: 808 < 4381), and the
  // 16x256 fp32 CopyOut 4 + ceil(16384/86) + 50 = 245.
  CHECK(m.bound == "port_hbm_read");
  CHECK(m.detail["busiest_core"] == "die0.aic2");
  CHECK(m.cycles == Approx(8 + 30 * 4381.0 + 2 * 4557 + 808 + 245).epsilon(1e-12));
  // HBM: A 256 KiB + B 96 MiB at 1.6 TB/s / 1.8 GHz = 888.9 B/cycle = 113541 cycles, 80 % of
  // the 141605 above: 24 cores fetching at 32 B/cycle ask for 768 of its 889 B/cycle.
  const double hbm = (262144.0 + 100663296.0) / (1.6e12 / 1.8e9);
  CHECK(m.detail["hbm_cycles"] == Approx(hbm));
  CHECK(hbm / m.cycles == Approx(0.80).margin(0.01));
}

TEST_CASE("an MTE2-bound core's drain waits for M to finish the chunk before the last") {
  const config::HardwareConfig hw = chip_910b2();
  const kernels::GemmPlan plan = kernels::plan_gemm(params(512, 512, 512, DType::int8), hw);
  const kernels::ModelPrediction m = kernels::gemm_model(plan, hw);
  // 8 tiles of 128x256 on 8 cores, 2 chunks 256 deep, one 128 KiB L0C. Core 0's first CopyIn
  // fetches A (128 lines, 65536 B) and B (256 lines, 131072 B): 6349 as in the test above;
  // its second hits (core 1 fetched those B lines one logical step earlier): A issues in
  // 5 + ceil(32768/110) = 303, B from 308 in ceil(65536/110) = 596, landing 904 + 50 = 954.
  // MTE2: 6349 + 954 = 7303 after a fill of 7 (5 flag sets, a wait, the copy).
  // A chunk's L0 steps: 4 x (MTE1 46 + 88 = 134, mmad 8 x 16 x 2 = 256): M ends at 134 + 4 x 256
  // = 1158 after its chunk landed. The first chunk landed 954 before the last, so M is busy
  // 1158 - 954 = 204 into the last chunk: its steps end at 204 + 4 x 256 = 1228 (not 1158),
  // then the CopyOut 4 + ceil(131072/86) + 50 = 1579.
  CHECK(m.bound == "port_hbm_read");
  CHECK(m.detail["mte2_cycles"] == 6349 + 954.0);
  CHECK(m.detail["drain_cycles"] == 1228 + 1579.0);
  CHECK(m.cycles == 7 + 7303 + 1228 + 1579.0);
}

TEST_CASE("on a two-die chip the cores of die 1 pay the die link, which bounds a 4096^3 GEMM") {
  const config::HardwareConfig hw = chip_910b2(2);
  const kernels::GemmPlan plan = kernels::plan_gemm(params(4096, 4096, 4096, DType::bf16), hw);
  const kernels::ModelPrediction m = kernels::gemm_model(plan, hw);
  // 512 = 10 x 48 + 32 tiles round-robin on 48 cores: die 1's cores 24-31 take 11 tiles and
  // 32-47 take 10, 248 tiles of 3 MiB loads and 128 KiB of C each, over a link of
  // 784 GB/s / 1.8 GHz = 435.6 B/cycle: 1.87 M cycles against 1.1 M for the ports.
  const double link = 248.0 * (3 * (1 << 20) + (1 << 17)) / (784e9 / 1.8e9);
  CHECK(m.detail["die_link_cycles"] == Approx(link));
  CHECK(m.bound == "die_link");
}

TEST_CASE(
    "cores sharing a bandwidth split it evenly and hand a finished or capped core's share on") {
  // Rate 10 for 10, 20 and 30 bytes: 10/3 each until the first is done at t = 3, then 5 each
  // until the second is done at t = 5, then 10 for the last 10 bytes: t = 6 = 60 / 10.
  CHECK(kernels::shared_completion_cycles({10, 20, 30}, {100, 100, 100}, 10) == Approx(6.0));
  // A core capped at 1 byte/cycle leaves 9 to the other, which finishes at 10/9; the capped
  // one needs 10 cycles regardless.
  CHECK(kernels::shared_completion_cycles({10, 10}, {1, 100}, 10) == Approx(10.0));
  // A resource faster than every core's own pace: the slowest core's own time (bytes / cap).
  CHECK(kernels::shared_completion_cycles({64, 32}, {2, 4}, 1000) == Approx(32.0));
}

TEST_CASE("every A and B line is fetched once, by loads spread over the cores that read it") {
  // 4096^3 on 24 cores: 32 A row panels and 16 B column panels of 16 chunks each; a bf16 chunk
  // row is 512 B, one whole L2 line, so each chunk load is fetched by exactly one load.
  const config::HardwareConfig hw = chip_910b2();
  const kernels::GemmPlan plan = kernels::plan_gemm(params(4096, 4096, 4096, DType::bf16), hw);
  const kernels::GemmMisses misses = kernels::gemm_first_touches(plan, hw, true);
  const double a_chunk = 128 * 256 * 2, b_chunk = 256 * 256 * 2;
  std::size_t a = 0, b = 0, b_waiters = 0;
  for (const auto& tile : misses)
    for (const auto& m : tile) {
      CHECK((m[0].fetch == 0 || m[0].fetch == a_chunk));
      CHECK((m[1].fetch == 0 || m[1].fetch == b_chunk));
      CHECK(m[0].wait == m[0].fetch);  // no A load waits for another's fetch
      a += m[0].fetch > 0;
      b += m[1].fetch > 0;
      b_waiters += m[1].fetch == 0 && m[1].wait == b_chunk;
    }
  CHECK(a == 32 * 16);
  // B: each of the 16 panels' 16 chunks is fetched once. Panels 0-7 are read in round 0 by
  // cores c (start c) and 16 + c (start 2c); for c = 0 both start at chunk 0 and core 16 waits
  // on each of core 0's 16 fetches in flight.
  CHECK(b == 16 * 16);
  CHECK(b_waiters == 16);
  // Round 0: the 16 tiles of tile row 0 start their K loops 1 chunk apart: one A fetch each.
  for (std::uint64_t t = 0; t < 16; ++t) {
    std::size_t fetched = 0;
    for (const auto& m : misses[t]) fetched += m[0].fetch > 0;
    CHECK(fetched == 1);
  }
  // When B does not stay in L2 every B load fetches its lines.
  for (const auto& tile : kernels::gemm_first_touches(plan, hw, false))
    for (const auto& m : tile) CHECK(m[1].fetch == b_chunk);
}

TEST_CASE("int8 chunk rows of half a line: the first load of a line fetches all of it") {
  // 512^3 int8, 128x256 tiles, 256-deep chunks: an A chunk row is 256 B, half of a 512-B line
  // whose other half is the next chunk. Tile 0 (core 0) starts at chunk 0 and fetches whole
  // lines, 128 x 512 B; tile 1 (core 1, same row) starts at chunk 1, the other half of the
  // same lines, at the same moment: it waits for core 0's fetch.
  const config::HardwareConfig hw = chip_910b2();
  const kernels::GemmPlan plan = kernels::plan_gemm(params(512, 512, 512, DType::int8), hw);
  REQUIRE(plan.chunks.size() == 2);
  const kernels::GemmMisses misses = kernels::gemm_first_touches(plan, hw, true);
  CHECK(misses[0][0][0].fetch == 128 * 512.0);
  CHECK(misses[1][1][0].fetch == 0.0);         // core 1 moves none of them through its port ...
  CHECK(misses[1][1][0].wait == 128 * 512.0);  // ... but waits as long as core 0's fetch
  CHECK(misses[0][1][0].wait == 0.0);          // step 1: already in L2
}

TEST_CASE("8192^3 bf16: B is reused from L2 across tile rows although A and B exceed it") {
  // A = B = 128 MiB, C = 256 MiB fp32 against a 192 MiB L2. Between two reads of a B panel the
  // cores touch all of B (128 MiB) plus A panels (2 MiB) and C rows (4 MiB) of the
  // ceil(24 / 32) + 1 = 2 tile rows in flight: 140 MiB, which fits, so B misses only once.
  const config::HardwareConfig hw = chip_910b2();
  const kernels::GemmPlan plan = kernels::plan_gemm(params(8192, 8192, 8192, DType::bf16), hw);
  const kernels::ModelPrediction m = kernels::gemm_model(plan, hw);
  CHECK(m.hbm_bytes == (128.0 + 128 + 256) * (1 << 20));
  // A 4096 x 32768 bf16 B (256 MiB) does not fit: it is read once per tile row.
  const kernels::GemmPlan wide = kernels::plan_gemm(params(512, 32768, 4096, DType::bf16), hw);
  const kernels::ModelPrediction w = kernels::gemm_model(wide, hw);
  const double a = 512 * 4096 * 2.0, b = 4096 * 32768 * 2.0, c = 512 * 32768 * 4.0;
  CHECK(w.hbm_bytes == a + 4 * b + c);  // 512 / 128 = 4 tile rows
}
