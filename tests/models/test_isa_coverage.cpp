// What the kernels after the GEMM need from the ISA, each run through the simulated chip (not
// only the executor): AMLA's integer add on fp32 bits and atomic adds, PASA's fp16 cube output
// with overflow events, MSD's int8 mmad with a scaled int32 -> fp16 fixpipe, FINOM's row scan.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "kernels/common/program_builder.hpp"
#include "models/chip/simulate.hpp"
#include "oracle_chip.hpp"
#include "sim/numeric/convert.hpp"

using namespace ascendsim;
using kernels::ProgramBuilder;
using numeric::DType;
using isa::Pipe;

namespace {

double element(const isa::Program& p, const std::string& name, std::uint64_t i) {
  const isa::TensorDecl* t = p.find_tensor(name);
  REQUIRE(t);
  return numeric::load_element(t->dtype, t->data.data(), i);
}

void put(ProgramBuilder& b, const kernels::GmTensor& t, std::uint64_t i, double v) {
  numeric::store_element(t.dtype, b.data(t).data(), i, v);
}

// GM -> L1 -> L0A/L0B -> mmad into `l0c` (m x n from a: m x k, b: k x n), then M -> FIX.
void stage_and_mmad(kernels::CoreBuilder& k, const kernels::GmTensor& a,
                    const kernels::GmTensor& b, const kernels::Tile& l0c) {
  const auto m = std::uint32_t(a.rows), kk = std::uint32_t(a.cols), n = std::uint32_t(b.cols);
  auto l1 = k.buffer(isa::Buffer::L1);  // one allocator: the two tiles must not overlap
  auto l1a = l1.alloc("a", a.dtype, m, kk);
  auto l1b = l1.alloc("b", b.dtype, kk, n);
  auto l0a = k.buffer(isa::Buffer::L0A).alloc("a", a.dtype, m, kk);
  auto l0b = k.buffer(isa::Buffer::L0B).alloc("b", b.dtype, kk, n);
  k.copy_gm_to_l1(l1a, a.all());
  k.copy_gm_to_l1(l1b, b.all());
  k.set_flag(Pipe::MTE2, Pipe::MTE1, 0);
  k.wait_flag(Pipe::MTE2, Pipe::MTE1, 0);
  k.load_l0a(l0a, l1a);
  k.load_l0b(l0b, l1b);
  k.set_flag(Pipe::MTE1, Pipe::M, 0);
  k.wait_flag(Pipe::MTE1, Pipe::M, 0);
  k.mmad(l0c, l0a, l0b, false);
  k.set_flag(Pipe::M, Pipe::FIX, 0);
  k.wait_flag(Pipe::M, Pipe::FIX, 0);
}

}  // namespace

TEST_CASE("an int32 atomic add of n * 2^23 from MTE3 scales fp32 values in GM by 2^n") {
  const auto hw = testing::oracle_chip(1);
  ProgramBuilder b(hw);
  auto o = b.gm_tensor("o", DType::fp32, 1, 64, 0, true);
  for (int i = 0; i < 64; ++i) put(b, o, i, 1.5 + i);
  auto& v = b.aiv(0, 0);
  auto n = v.buffer(isa::Buffer::UB).alloc("n", DType::int32, 1, 64);
  v.vdup(n, -2.0 * (1 << 23));  // AMLA's ΔN = -2: exponent field minus 2
  v.set_flag(Pipe::V, Pipe::MTE3, 0);
  v.wait_flag(Pipe::V, Pipe::MTE3, 0);
  v.set_atomic_add();
  v.copy_ub_to_gm(kernels::Tile(o.all()).as(DType::int32), n);
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, {});
  for (int i = 0; i < 64; ++i) CHECK(element(p, "o", i) == (1.5 + i) / 4);  // exact: 2^-2
  CHECK(r.stats.dies[0].atomic_bytes == 256);
}

TEST_CASE("a fixpipe atomic fp32 add accumulates two mmads into the same GM tile") {
  const auto hw = testing::oracle_chip(1);
  ProgramBuilder b(hw);
  auto a = b.gm_tensor("a", DType::fp16, 16, 16);
  auto bm = b.gm_tensor("b", DType::fp16, 16, 16);
  auto c = b.gm_tensor("c", DType::fp32, 16, 16, 0, true);
  for (int i = 0; i < 256; ++i) {
    put(b, a, i, (i % 16 == i / 16) ? 1.0 : 0.0);  // identity
    put(b, bm, i, i % 7);
  }
  auto& k = b.aic(0, 0);
  auto l0c = k.buffer(isa::Buffer::L0C).alloc("c", DType::fp32, 16, 16);
  stage_and_mmad(k, a, bm, l0c);
  k.set_atomic_add();
  k.fixpipe(c.all(), l0c);
  k.fixpipe(c.all(), l0c);
  isa::Program p = b.take();
  models::simulate(p, hw, {});
  for (int i = 0; i < 256; ++i) CHECK(element(p, "c", i) == 2.0 * (i % 7));  // I*B twice
}

TEST_CASE("an fp16 cube output that exceeds 65504 overflows and the first event is named") {
  const auto hw = testing::oracle_chip(1);
  ProgramBuilder b(hw);
  auto c = b.gm_tensor("c", DType::fp16, 16, 16, 0, true);
  auto& k = b.aic(0, 0);
  auto l0a = k.buffer(isa::Buffer::L0A).alloc("a", DType::fp16, 16, 16);
  auto l0b = k.buffer(isa::Buffer::L0B).alloc("b", DType::fp16, 16, 16);
  auto l0c = k.buffer(isa::Buffer::L0C).alloc("c", DType::fp32, 16, 16);
  k.mmad(l0c, l0a, l0b, false);  // zeros: 0 * 0
  k.set_flag(Pipe::M, Pipe::FIX, 0);
  k.wait_flag(Pipe::M, Pipe::FIX, 0);
  k.fixpipe(c.all(), l0c, 1.0);          // instruction 3: 0, no event
  k.fixpipe(c.all(), l0c, INFINITY);     // instruction 4: 0 * inf = NaN in every element
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, {});
  CHECK(std::isnan(element(p, "c", 0)));
  REQUIRE(r.stats.first_numeric_event.seen);
  CHECK(r.stats.first_numeric_event.instruction_index == 4);
  CHECK(r.stats.numeric_by_instruction.at("fix.fixpipe").nan == 256);
}

TEST_CASE(
    "the first overflow is reported apart from an earlier underflow, with its region and "
    "the GM tensor it was written to") {
  const auto hw = testing::oracle_chip(1);
  ProgramBuilder b(hw);
  auto a = b.gm_tensor("a", DType::fp16, 16, 16);
  auto c = b.gm_tensor("c", DType::fp16, 16, 16, 0, true);
  auto d = b.gm_tensor("d", DType::fp16, 16, 16, 0, true);
  for (int i = 0; i < 256; ++i) put(b, a, i, 1.0);
  auto& k = b.aic(0, 0);
  auto l0a = k.buffer(isa::Buffer::L0A).alloc("a", DType::fp16, 16, 16);
  auto l0b = k.buffer(isa::Buffer::L0B).alloc("b", DType::fp16, 16, 16);
  auto l0c = k.buffer(isa::Buffer::L0C).alloc("c", DType::fp32, 16, 16);
  k.copy_gm_to_l0a(l0a, a.all());
  k.copy_gm_to_l0b(l0b, a.all());
  k.set_flag(Pipe::MTE2, Pipe::M, 0);
  k.wait_flag(Pipe::MTE2, Pipe::M, 0);
  k.mmad(l0c, l0a, l0b, false);  // 16 in every element
  k.set_flag(Pipe::M, Pipe::FIX, 0);
  k.wait_flag(Pipe::M, Pipe::FIX, 0);
  k.region("block 0");
  const std::uint64_t under = k.size();
  k.fixpipe(c.all(), l0c, 1e-30);  // 1.6e-29: below fp16's smallest subnormal, becomes 0
  k.region("block 1");
  const std::uint64_t over = k.size();
  k.fixpipe(d.all(), l0c, 1e10);  // 1.6e11 > 65504: inf
  isa::Program p = b.take();
  const auto r = models::simulate(p, hw, {});
  const auto& first = r.stats.first_numeric_event;
  const auto& overflow = r.stats.first_overflow;
  REQUIRE(first.seen);
  CHECK(first.instruction_index == under);
  CHECK(first.what == "underflow in fixpipe (fp16)");
  CHECK(first.region == "block 0");
  REQUIRE(overflow.seen);
  CHECK(overflow.instruction_index == over);
  CHECK(overflow.what == "overflow in fixpipe (fp16)");
  CHECK(overflow.region == "block 1");
  CHECK(r.stats.numeric_by_tensor.at("c").underflow == 256);
  CHECK(r.stats.numeric_by_tensor.at("c").overflow == 0);
  CHECK(r.stats.numeric_by_tensor.at("d").overflow == 256);
  CHECK_FALSE(r.stats.numeric_by_tensor.at("a").any());  // listed, never written
}

TEST_CASE("an int8 mmad accumulates exactly in int32 and the fixpipe dequantizes with a scale") {
  const auto hw = testing::oracle_chip(1);
  ProgramBuilder b(hw);
  auto a = b.gm_tensor("a", DType::int8, 16, 32);
  auto bm = b.gm_tensor("b", DType::int8, 32, 16);
  auto c = b.gm_tensor("c", DType::fp16, 16, 16, 0, true);
  for (int i = 0; i < 512; ++i) {
    put(b, a, i, -127);
    put(b, bm, i, 127);
  }
  auto& k = b.aic(0, 0);
  auto l0c = k.buffer(isa::Buffer::L0C).alloc("c", DType::int32, 16, 16);
  stage_and_mmad(k, a, bm, l0c);
  k.fixpipe(c.all(), l0c, 1.0 / 1024);
  isa::Program p = b.take();
  models::simulate(p, hw, {});
  // Each element: 32 * (-127 * 127) = -516128 exactly in int32; / 1024 = -504.03125, which
  // rounds to the fp16 grid (spacing 0.25 in [256, 512)) at -504.0.
  for (int i = 0; i < 256; ++i) CHECK(element(p, "c", i) == -504.0);
}

TEST_CASE("a vector scan carries a linear recurrence along each row") {
  const auto hw = testing::oracle_chip(1);
  ProgramBuilder b(hw);
  auto y = b.gm_tensor("y", DType::fp32, 2, 64, 0, true);
  auto& v = b.aiv(0, 0);
  auto ub = v.buffer(isa::Buffer::UB);
  auto decay = ub.alloc("decay", DType::fp32, 2, 64);
  auto w = ub.alloc("w", DType::fp32, 2, 64);
  auto carry = ub.alloc("carry", DType::fp32, 2, 8);
  auto h = ub.alloc("h", DType::fp32, 2, 64);
  v.vdup(decay, 0.5);
  v.vdup(w, 1.0);
  v.vdup(carry.sub(0, 0, 1, 8), 0.0);
  v.vdup(carry.sub(1, 0, 1, 8), 2.0);
  v.vscan(h, decay, w, carry.sub(0, 0, 2, 1));
  v.set_flag(Pipe::V, Pipe::MTE3, 0);
  v.wait_flag(Pipe::V, Pipe::MTE3, 0);
  v.copy_ub_to_gm(y.all(), h);
  isa::Program p = b.take();
  models::simulate(p, hw, {});
  // h[c] = 0.5 h[c-1] + 1. Row 0 starts from h[-1] = 0: h[c] = 2 - 2^-c, exact in fp32 while
  // it needs at most 24 significant bits (c <= 22). Row 1 starts at the fixed point 2.
  for (int c = 0; c <= 22; ++c) CHECK(element(p, "y", c) == 2.0 - std::ldexp(1.0, -c));
  for (int c = 0; c < 64; ++c) CHECK(element(p, "y", 64 + c) == 2.0);
}
