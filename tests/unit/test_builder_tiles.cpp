// Tile helpers and the LocalBuffer allocator of the program builder.
#include <catch2/catch.hpp>

#include "kernels/common/program_builder.hpp"
#include "sim/config/config_node.hpp"
#include "sim/isa/sim_error.hpp"
#include "tests/unit/test_isa_hw.hpp"

using namespace ascendsim;
using namespace ascendsim::kernels;
using Catch::Matchers::Equals;

namespace {
const config::HardwareConfig hw = ascendsim::testing::make_910b2_like();
}

TEST_CASE("a gm tile of a tensor addresses its rows with the tensor's row stride") {
  ProgramBuilder b(hw);
  const GmTensor a = b.gm_tensor("a", DType::bf16, 64, 128);
  const Tile t = a.tile(16, 32, 16, 64);
  CHECK(t.buffer == Buffer::GM);
  CHECK(t.offset == a.address + (16 * 128 + 32) * 2);
  CHECK(t.row_stride == 128);
  const Tile all = a.all();
  CHECK(all.rows == 64);
  CHECK(all.cols == 128);
  CHECK(all.row_stride == 0);  // full-width rows stay dense
  CHECK_THROWS_AS(a.tile(60, 0, 8, 128), isa::SimulationError);
}

TEST_CASE("a sub-tile keeps its parent's stride and offsets by whole elements") {
  ProgramBuilder b(hw);
  LocalBuffer l1 = b.aic(0, 0).buffer(Buffer::L1);
  const Tile t = l1.alloc("a", DType::fp16, 64, 128);
  const Tile s = t.sub(16, 64, 32, 64);
  CHECK(s.offset == t.offset + (16 * 128 + 64) * 2);
  CHECK(s.rows == 32);
  CHECK(s.cols == 64);
  CHECK(s.row_stride == 128);
  CHECK(t.sub(0, 0, 8, 128).row_stride == 0);
  CHECK_THROWS_WITH(t.sub(0, 100, 1, 64),
                    Equals("Tile::sub: rows [0, 1) cols [100, 164) exceed a 64x128 tile"));
}

TEST_CASE("a packed sub-tile must start on a byte") {
  LocalBuffer ub(Buffer::UB, 1024, 32);
  const Tile t = ub.alloc("q", DType::int4, 4, 64);
  CHECK(t.sub(1, 2, 1, 62).offset == (64 + 2) / 2);
  CHECK_THROWS_AS(t.sub(0, 1, 1, 2), isa::SimulationError);
}

TEST_CASE("reinterpreting a tile rescales its cols by the width ratio") {
  LocalBuffer ub(Buffer::UB, 192 * 1024, 32);
  const Tile f = ub.alloc("x", DType::fp32, 8, 64);
  const Tile i = f.as(DType::int32);
  CHECK(i.cols == 64);
  const Tile h = f.as(DType::fp16);
  CHECK(h.cols == 128);
  CHECK(h.bytes() == f.bytes());
  const Tile s = f.sub(0, 0, 8, 32).as(DType::int16);  // stride 64 fp32 -> 128 int16
  CHECK(s.row_stride == 128);
  CHECK(s.cols == 64);
  // 3 fp16 are 48 bits: not a whole number of fp32.
  CHECK_THROWS_AS(ub.alloc("y", DType::fp16, 1, 3).as(DType::fp32), isa::SimulationError);
}

TEST_CASE("local buffer allocations are aligned bump allocations") {
  LocalBuffer l0a(Buffer::L0A, 64 * 1024, 512);
  const Tile a = l0a.alloc("a", DType::fp16, 16, 16);  // 512 B
  const Tile b = l0a.alloc("b", DType::fp16, 16, 8);   // 256 B, then padded to the next 512
  const Tile c = l0a.alloc("c", DType::fp16, 16, 16);
  CHECK(a.offset == 0);
  CHECK(b.offset == 512);
  CHECK(c.offset == 1024);
  CHECK(l0a.used() == 1536);
}

TEST_CASE("a tile too large for l0a is a config error naming the need and the room left") {
  ProgramBuilder b(hw);
  LocalBuffer l0a = b.aic(0, 0).buffer(Buffer::L0A);
  CHECK(l0a.capacity() == 64 * 1024);
  l0a.alloc("a ping", DType::fp16, 128, 128);  // 32 KiB of 64
  // The pong half of a 128x256 tile (64 KiB) does not fit in the 32 KiB left.
  CHECK_THROWS_AS(l0a.alloc("a pong", DType::fp16, 128, 256), config::ConfigError);
  CHECK_THROWS_WITH(l0a.alloc("a pong", DType::fp16, 128, 256),
                    Equals("a pong: needs 65536 bytes of l0a, only 32768 of 65536 left"));
}

TEST_CASE("an aiv has a unified buffer and no l1") {
  ProgramBuilder b(hw);
  CHECK(b.aiv(0, 0).buffer(Buffer::UB).capacity() == 192 * 1024);
  CHECK_THROWS_WITH(b.aiv(0, 0).buffer(Buffer::L1).alloc("k", DType::fp16, 16, 16),
                    Equals("k: needs 512 bytes of l1, only 0 of 0 left"));
}
