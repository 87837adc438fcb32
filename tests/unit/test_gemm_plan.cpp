// plan_gemm: padding to whole fractals, edge tiles, K chunks and steps, the round-robin work
// split and the L0C ping-pong decision.
#include <catch2/catch.hpp>

#include "kernels/gemm/gemm_plan.hpp"

namespace gemm_test {
using namespace ascendsim;
config::HardwareConfig chip_910b2(std::uint32_t dies = 1);
kernels::GemmParams params(std::uint64_t m, std::uint64_t n, std::uint64_t k, numeric::DType t);
}  // namespace gemm_test

using namespace ascendsim;
using gemm_test::chip_910b2;
using gemm_test::params;
using numeric::DType;

TEST_CASE("bf16 100x200x300 is padded to 112x208x304: 16-row, 16-col and k0 = 16 fractals") {
  const kernels::GemmPlan plan =
      kernels::plan_gemm(params(100, 200, 300, DType::bf16), chip_910b2());
  CHECK(plan.m_pad == 112);
  CHECK(plan.n_pad == 208);
  CHECK(plan.k_pad == 304);
  // The 128x256 tile is clamped to the padded problem: one 112x208 tile.
  CHECK(plan.tile.m == 112);
  CHECK(plan.tile.n == 208);
  CHECK(plan.tile_count() == 1);
  // K 304 = one 256-deep chunk (4 steps of 64) + a 48-deep tail chunk (one 48 step).
  REQUIRE(plan.chunks.size() == 2);
  CHECK(plan.chunks[1].k0 == 256);
  CHECK(plan.chunks[1].depth == 48);
  CHECK(plan.steps(plan.chunks[0]) == std::vector<std::uint32_t>{64, 64, 64, 64});
  CHECK(plan.steps(plan.chunks[1]) == std::vector<std::uint32_t>{48});
}

TEST_CASE("int8 pads n to 32 (whole 32-byte GM blocks) and k to k0 = 32") {
  const kernels::GemmPlan plan = kernels::plan_gemm(params(20, 40, 40, DType::int8), chip_910b2());
  CHECK(plan.m_pad == 32);
  CHECK(plan.n_pad == 64);
  CHECK(plan.k_pad == 64);
  CHECK(plan.k_align == 32);
  CHECK(plan.n_align == 32);
}

TEST_CASE("edge tiles hold the remainder in whole fractals") {
  // m 300 -> 304 = 128 + 128 + 48 rows; n 600 -> 608 = 256 + 256 + 96 cols.
  const kernels::GemmPlan plan =
      kernels::plan_gemm(params(300, 600, 64, DType::fp16), chip_910b2());
  CHECK(plan.tiles_m == 3);
  CHECK(plan.tiles_n == 3);
  const kernels::OutputTile corner = plan.output_tile(8);
  CHECK(corner.row0 == 256);
  CHECK(corner.col0 == 512);
  CHECK(corner.rows == 48);
  CHECK(corner.cols == 96);
  const kernels::OutputTile inner = plan.output_tile(4);
  CHECK(inner.rows == 128);
  CHECK(inner.cols == 256);
}

TEST_CASE(
    "512 output tiles dealt round-robin to 24 cores give 22 to cores 0-7 and 21 to the rest") {
  // 4096/128 x 4096/256 = 32 x 16 = 512 tiles = 21 x 24 + 8.
  const kernels::GemmPlan plan =
      kernels::plan_gemm(params(4096, 4096, 4096, DType::bf16), chip_910b2());
  REQUIRE(plan.tile_count() == 512);
  CHECK(plan.tiles_of(0).size() == 22);
  CHECK(plan.tiles_of(7).size() == 22);
  CHECK(plan.tiles_of(8).size() == 21);
  CHECK(plan.tiles_of(23).size() == 21);
  CHECK(plan.tiles_of(5) == std::vector<std::uint64_t>{5,   29,  53,  77,  101, 125, 149, 173,
                                                       197, 221, 245, 269, 293, 317, 341, 365,
                                                       389, 413, 437, 461, 485, 509});
  CHECK(plan.chunks.size() == 16);  // 4096 / 256
}

TEST_CASE(
    "the tiles of a row that run in one round start their K loops evenly spaced over the chunks") {
  const kernels::GemmPlan plan =
      kernels::plan_gemm(params(4096, 4096, 4096, DType::bf16), chip_910b2());
  // Round 0 (tiles 0-23): row 0 is tiles 0-15 (16 sharers, 16 chunks: 1 apart), row 1 tiles
  // 16-23 (8 sharers: 2 apart). Round 1 (24-47): row 1 tiles 24-31 (8 sharers), row 2 32-47.
  const auto start = [&](std::uint64_t t) { return plan.chunk_order(t).front(); };
  CHECK(start(0) == 0);
  CHECK(start(5) == 5);
  CHECK(start(16) == 0);
  CHECK(start(19) == 6);
  CHECK(start(27) == 6);
  CHECK(start(40) == 8);
  // A rotation: every chunk once, consecutive.
  CHECK(plan.chunk_order(19) == std::vector<std::size_t>{6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0,
                                                         1, 2, 3, 4, 5});
  // One tile row in one round (the GEMV): 24 tiles over 32 chunks start floor(32 i / 24) in.
  const kernels::GemmPlan gemv =
      kernels::plan_gemm(params(16, 6144, 8192, DType::bf16), chip_910b2());
  CHECK(gemv.chunk_order(3).front() == 4);
  CHECK(gemv.chunk_order(23).front() == 30);
}

TEST_CASE("a 128x256 fp32 accumulator is all of a 128 KiB L0C, so L0C is single-buffered") {
  // 128 x 256 x 4 B = 131072 B = the whole L0C; a 256 KiB L0C (950) holds two.
  config::HardwareConfig hw = chip_910b2();
  CHECK(kernels::plan_gemm(params(4096, 4096, 4096, DType::bf16), hw).layout.l0c_buffers == 1);
  hw.aic.buffers.l0c = 256 << 10;
  CHECK(kernels::plan_gemm(params(4096, 4096, 4096, DType::bf16), hw).layout.l0c_buffers == 2);
  // A 128x128 tile (64 KiB) double-buffers in 128 KiB.
  kernels::GemmParams p = params(4096, 4096, 4096, DType::bf16);
  p.tile.n = 128;
  CHECK(kernels::plan_gemm(p, chip_910b2()).layout.l0c_buffers == 2);
}

TEST_CASE("the buffer layout packs the L1 chunks and L0 ping-pong tiles at aligned offsets") {
  const kernels::GemmPlan plan =
      kernels::plan_gemm(params(4096, 4096, 4096, DType::bf16), chip_910b2());
  const kernels::GemmLayout& l = plan.layout;
  // L1: A 128x256 bf16 = 64 KiB, B 256x256 bf16 = 128 KiB, alternating: 0, 64K, 192K, 256K.
  CHECK(l.l1_a[0].offset == 0);
  CHECK(l.l1_b[0].offset == 64 * 1024);
  CHECK(l.l1_a[1].offset == 192 * 1024);
  CHECK(l.l1_b[1].offset == 256 * 1024);
  // L0A: 128x64 bf16 = 16 KiB each; L0B: 64x256 bf16 = 32 KiB each.
  CHECK(l.l0a[1].offset == 16 * 1024);
  CHECK(l.l0b[1].offset == 32 * 1024);
}

TEST_CASE("cores are taken die by die: 4 cores are die0.aic0-3, a 2-die chip uses all 48") {
  kernels::GemmParams p = params(256, 256, 64, DType::bf16);
  p.cores = 4;
  const kernels::GemmPlan four = kernels::plan_gemm(p, chip_910b2());
  REQUIRE(four.cores.size() == 4);
  CHECK(isa::core_name(four.cores[3]) == "die0.aic3");
  p.cores = 0;
  const kernels::GemmPlan two_dies = kernels::plan_gemm(p, chip_910b2(2));
  REQUIRE(two_dies.cores.size() == 48);
  CHECK(isa::core_name(two_dies.cores[24]) == "die1.aic0");
  // 2 x 1 tiles: cores 2..47 get none.
  CHECK(two_dies.tiles_of(1).size() == 1);
  CHECK(two_dies.tiles_of(2).empty());
}
