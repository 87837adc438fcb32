// The gemm closed-form model: its formulas against the simulator's own timing functions and
// memory system, and hand-derived predictions for the two acceptance shapes on the 910B2-like
// fixture chip (numbers in test_gemm_fixture.cpp).
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

namespace {

// The chip with the per-core port at the .ini's per-core L2 rates (l2_read 110, l2_write 86)
// instead of ddr_rate 32: the reading under which a 910B GEMM can be cube-bound.
config::HardwareConfig chip_with_l2_rate_ports() {
  config::HardwareConfig hw = chip_910b2();
  hw.aic.port = {110, 86};
  return hw;
}

}  // namespace

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

TEST_CASE("a tile's mte2 and fixpipe terms are what the memory system charges for L2 hits") {
  const config::HardwareConfig hw = chip_910b2();
  const kernels::GemmPlan plan = kernels::plan_gemm(params(128, 256, 256, DType::bf16), hw);
  const kernels::OutputTile t = plan.output_tile(0);
  models::MemorySystem memory(hw, {hw.aic.port});
  // A (128 x 256 bf16, row stride 512 B) and B (256 x 256 bf16) as the kernel loads them; C is
  // 128 x 256 fp32. GM addresses as ProgramBuilder places them (512-B aligned, in order).
  const models::GmRange a{0, 128, 512, 512}, b{65536, 256, 512, 512}, c{196608, 128, 1024, 1024};
  auto load = [&](std::uint64_t now, const models::GmRange& r) {
    return memory
               .access(0, 0, now, r, models::GmOp::read, hw.aic.mte2.setup_cycles,
                       hw.aic.mte2.bytes_per_cycle)
               .end_cycle -
           now;
  };
  load(0, a);  // first touch: misses, adds hbm latency
  load(10000, b);
  const std::uint64_t a_hit = load(20000, a), b_hit = load(30000, b);
  const std::uint64_t c_write = memory
                                    .access(0, 0, 40000, c, models::GmOp::write,
                                            hw.aic.fix.setup_cycles, hw.aic.fix.bytes_per_cycle)
                                    .end_cycle -
                                40000;
  const kernels::GemmTileCost tc = kernels::gemm_tile_cost(plan, hw, t, 0);
  CHECK(tc.mte2 == double(a_hit + b_hit));
  CHECK(tc.fixpipe == double(c_write));
  // By hand: 5 + 65536/32 + 50 = 2103 and 5 + 131072/32 + 50 = 4151; C 4 + 131072/32 + 50.
  CHECK(a_hit == 2103);
  CHECK(b_hit == 4151);
  CHECK(c_write == 4150);
}

TEST_CASE("a C tile of partial L2 lines pays the HBM fetch in the model as in the memory system") {
  // 16x32 bf16 with 16-col tiles: a C tile row is 64 B of fp32 every 128 B, so each row writes
  // part of a line, which a write-allocate L2 fetches first: 4 + 1024/32 + 50 + 150 = 236.
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
  CHECK(write == 236);
  CHECK(kernels::gemm_tile_cost(plan, hw, plan.output_tile(0), 0).fixpipe == 236.0);
  // The same C as one 16x32 tile is a contiguous 2 KiB run of whole lines: no fetch.
  const kernels::GemmPlan whole = kernels::plan_gemm(params(16, 32, 16, DType::bf16), hw);
  CHECK(kernels::gemm_tile_cost(whole, hw, whole.output_tile(0), 0).fixpipe == 4 + 64 + 50);
}

TEST_CASE("4096^3 bf16 on the 910B2-like chip is bound by the core's 32 B/cycle read port") {
  const config::HardwareConfig hw = chip_910b2();
  const kernels::GemmPlan plan = kernels::plan_gemm(params(4096, 4096, 4096, DType::bf16), hw);
  const kernels::ModelPrediction m = kernels::gemm_model(plan, hw);
  // Per 128x256 tile: 16 chunks x (2103 + 4151) = 100064 MTE2 cycles against 64 x 512 = 32768
  // cube cycles (+ 4150 exposed FixPipe, L0C single-buffered). Core 0 has 22 tiles.
  // fill: the first load issues at cycle 7 (4 + 1 initial flag sets, a wait, the copy);
  // first-touch latency: core 0 reads 22 A row panels, each read by 16 cores, and 2 B column
  // panels, each read by 3 cores; a panel's 16 chunk misses are shared by its readers:
  // 150 x 16 x (22/16 + 2/3) = 4900. Drain: the last chunk's 4 L0 steps (214 + 4 x 512 = 2262)
  // and the last CopyOut (4150).
  CHECK(m.bound == "mte2_port");
  CHECK(m.detail["mte2_cycles"] == 22 * 100064.0);
  CHECK(m.detail["cube_cycles"] == 22 * 32768.0);
  CHECK(m.detail["fixpipe_exposed_cycles"] == 22 * 4150.0);
  CHECK(m.detail["first_touch_latency_cycles"] == Approx(4900.0).epsilon(1e-12));
  CHECK(m.detail["drain_cycles"] == 2262.0 + 4150.0);
  CHECK(m.cycles == Approx(7 + 22 * 100064.0 + 4900 + 2262 + 4150).epsilon(1e-12));
  // A + B (32 MiB each) + C (64 MiB fp32) reach HBM once.
  CHECK(m.hbm_bytes == 128.0 * (1 << 20));
}

TEST_CASE(
    "with ports at the .ini L2 rates, 4096^3 bf16 is cube-bound and the single L0C exposes "
    "FixPipe") {
  const config::HardwareConfig hw = chip_with_l2_rate_ports();
  const kernels::GemmPlan plan = kernels::plan_gemm(params(4096, 4096, 4096, DType::bf16), hw);
  const kernels::ModelPrediction m = kernels::gemm_model(plan, hw);
  // Per tile: MTE2 16 x ((5 + ceil(65536/110) + 50) + (5 + ceil(131072/110) + 50)) = 16 x 1898
  // = 30368 < M stage = 32768 cube + (4 + ceil(131072/86) + 50) = 1579 FixPipe = 34347.
  // fill: 7 + first chunk 1898 + first L0 step 62 + 152 = 2119; no drain (FixPipe is in the
  // M stage).
  CHECK(m.bound == "cube");
  CHECK(m.detail["mte2_cycles"] == 22 * 30368.0);
  CHECK(m.detail["fixpipe_exposed_cycles"] == 22 * 1579.0);
  CHECK(m.cycles == Approx(2119 + 22 * 34347.0 + 4900).epsilon(1e-12));
}

TEST_CASE("a 16x6144x8192 bf16 GEMV is bound by the read ports, HBM close behind") {
  const config::HardwareConfig hw = chip_910b2();
  const kernels::GemmPlan plan = kernels::plan_gemm(params(16, 6144, 8192, DType::bf16), hw);
  REQUIRE(plan.tile_count() == 24);  // one 16x256 tile per core
  const kernels::ModelPrediction m = kernels::gemm_model(plan, hw);
  // Per chunk: A 16x256 bf16 (5 + 256 + 50) + B 256x256 (5 + 4096 + 50) = 4462; 32 chunks.
  // The first load issues at cycle 8 (6 initial flag sets with two 16 KiB L0C buffers, one
  // wait, the copy). First touches: (1 + 24) x 32 loads x 150 / 24 = 5000. Drain: 4 L0 steps of 186
  // MTE1 (34 + 152) then a 64-cycle mmad = 808, and the 16x256 fp32 CopyOut 4 + 512 + 50 = 566.
  CHECK(m.bound == "mte2_port");
  CHECK(m.cycles == Approx(8 + 32 * 4462.0 + 5000 + 808 + 566).epsilon(1e-12));
  // HBM: A 256 KiB + B 96 MiB at 1.6 TB/s / 1.8 GHz = 888.9 B/cycle, about 77 % of the ports.
  const double hbm = (262144.0 + 100663296.0) / (1.6e12 / 1.8e9);
  CHECK(m.detail["hbm_cycles"] == Approx(hbm));
  CHECK(hbm / m.cycles == Approx(0.77).margin(0.01));
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

TEST_CASE("an L2 panel's first-touch misses are shared by the cores that read it") {
  // 4096^3 on 24 cores: A row panel i is read by tiles 16 i .. 16 i + 15, 16 different cores;
  // B column panel j by tiles j, 16 + j, 32 + j, ... on cores j, j + 16, j + 8 (mod 24): 3.
  // Core 0 reads 22 A panels and the B panels 0 and 8: 16 chunks x (22/16 + 2/3).
  const kernels::GemmPlan plan =
      kernels::plan_gemm(params(4096, 4096, 4096, DType::bf16), chip_910b2());
  const std::vector<double> loads = kernels::gemm_first_touch_loads(plan, true);
  CHECK(loads[0] == Approx(16 * (22.0 / 16 + 2.0 / 3)));
  double total = 0;
  for (double l : loads) total += l;
  CHECK(total == Approx((32 + 16) * 16.0));  // every panel chunk misses exactly once
  // When B does not stay in L2 every one of core 0's 22 x 16 B loads misses, A still once.
  CHECK(kernels::gemm_first_touch_loads(plan, false)[0] == Approx(22 * 16 + 16 * 22.0 / 16));
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
