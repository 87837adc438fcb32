// Row reductions, row broadcast, compare / select, and the vscan recurrences.
#include <catch2/catch.hpp>
#include <cmath>

#include "tests/unit/test_functional_support.hpp"

namespace ascendsim::models::test {
namespace {

TEST_CASE("vrowmax, vrowmin and vrowsum reduce each row of a strided tile into a column") {
  Tile x(DType::fp32, 2, 4, 5), out(DType::fp32, 2, 1, 8);
  const double v[2][4] = {{1, -3, 2.5, 0.5}, {-1, -2, -0.25, -8}};
  x.fill([&](std::uint32_t r, std::uint32_t c) { return v[r][c]; });
  run(make(Opcode::vrowmax), out, &x);
  CHECK(out.get(0, 0) == 2.5);
  CHECK(out.get(1, 0) == -0.25);
  run(make(Opcode::vrowmin), out, &x);
  CHECK(out.get(0, 0) == -3.0);
  CHECK(out.get(1, 0) == -8.0);
  run(make(Opcode::vrowsum), out, &x);
  CHECK(out.get(0, 0) == 1.0);           // 1 - 3 + 2.5 + 0.5
  CHECK(out.get(1, 0) == -11.25);        // -1 - 2 - 0.25 - 8
  CHECK(out.bits(0, 1) == 0xA5A5A5A5u);  // the column's stride padding is untouched
}

TEST_CASE("an fp32 vrowsum adds sequentially from the left, rounding each partial sum") {
  // 2^24 + 1 is a tie in fp32 (ulp 2 there) and rounds to 2^24 (even); sequentially every +1
  // is lost, so the sum stays 2^24 (adding the four ones first would give 2^24 + 4).
  Tile x(DType::fp32, 1, 5), out(DType::fp32, 1, 1);
  x.fill([](std::uint32_t, std::uint32_t c) { return c == 0 ? 16777216.0 : 1.0; });
  run(make(Opcode::vrowsum), out, &x);
  CHECK(out.get(0, 0) == 16777216.0);
}

TEST_CASE("an fp16 vrowsum accumulates in float and rounds once at the end") {
  // in fp16, 2048 + 1 ties to 2048 (ulp 2) and both ones would be lost; the float sum is 2050,
  // which fp16 represents exactly.
  Tile x(DType::fp16, 1, 3), out(DType::fp16, 1, 1);
  x.fill([](std::uint32_t, std::uint32_t c) { return c == 0 ? 2048.0 : 1.0; });
  run(make(Opcode::vrowsum), out, &x);
  CHECK(out.get(0, 0) == 2050.0);
}

TEST_CASE("row broadcast ops combine each element with column 0 of src1's row") {
  Tile x(DType::fp32, 2, 3), m(DType::fp32, 2, 1), y(DType::fp32, 2, 3);
  x.fill([](std::uint32_t r, std::uint32_t c) { return 1.0 + r * 3 + c; });  // 1 2 3 / 4 5 6
  m.set(0, 0, 3);
  m.set(1, 0, 2);
  run(make(Opcode::vrow_sub), y, &x, &m);
  CHECK(y.get(0, 0) == -2.0);  // 1 - 3
  CHECK(y.get(1, 2) == 4.0);   // 6 - 2
  run(make(Opcode::vrow_div), y, &x, &m);
  CHECK(y.get(0, 2) == 1.0);  // 3 / 3
  CHECK(y.get(1, 1) == 2.5);  // 5 / 2
  run(make(Opcode::vrow_max), y, &x, &m);
  CHECK(y.get(0, 0) == 3.0);               // max(1, 3)
  CHECK(y.get(1, 2) == 6.0);               // max(6, 2)
  run(make(Opcode::vrow_mul), x, &x, &m);  // in place
  CHECK(x.get(1, 0) == 8.0);               // 4 * 2
}

TEST_CASE("vcmp writes 1 or 0 in the dst dtype and NaN compares unequal to everything") {
  Tile a(DType::fp32, 1, 3), b(DType::fp32, 1, 3), mask(DType::fp16, 1, 3);
  a.set(0, 0, 1);
  b.set(0, 0, 2);
  a.set(0, 1, 2);
  b.set(0, 1, 2);
  a.set(0, 2, NAN);
  b.set(0, 2, NAN);
  isa::Instruction lt = make(Opcode::vcmp);
  lt.cmp = isa::CmpMode::lt;
  run(lt, mask, &a, &b);
  CHECK(mask.get(0, 0) == 1.0);  // 1 < 2
  CHECK(mask.get(0, 1) == 0.0);  // 2 < 2 is false
  CHECK(mask.get(0, 2) == 0.0);  // unordered
  isa::Instruction ne = make(Opcode::vcmp);
  ne.cmp = isa::CmpMode::ne;
  run(ne, mask, &a, &b);
  CHECK(mask.get(0, 1) == 0.0);
  CHECK(mask.get(0, 2) == 1.0);                          // NaN != NaN
  isa::Instruction ge_imm = make(Opcode::vcmp, 0, 1.5);  // no src1: compare against imm
  ge_imm.cmp = isa::CmpMode::ge;
  run(ge_imm, mask, &a);
  CHECK(mask.get(0, 0) == 0.0);  // 1 >= 1.5 is false
  CHECK(mask.get(0, 1) == 1.0);  // 2 >= 1.5
}

TEST_CASE("vsel takes src1 where the mask is non-zero and src2 elsewhere") {
  Tile mask(DType::fp16, 1, 3), a(DType::fp32, 1, 3), b(DType::fp32, 1, 3), y(DType::fp32, 1, 3);
  mask.set(0, 0, 1);
  mask.set(0, 1, 0);
  mask.set(0, 2, -0.0);  // -0 == 0: not selected
  a.fill([](std::uint32_t, std::uint32_t c) { return 10.0 + c; });
  b.fill([](std::uint32_t, std::uint32_t c) { return -10.0 - c; });
  run(make(Opcode::vsel), y, &mask, &a, &b);
  CHECK(y.get(0, 0) == 10.0);
  CHECK(y.get(0, 1) == -11.0);
  CHECK(y.get(0, 2) == -12.0);
}

TEST_CASE("a linear vscan with unit coefficients is a prefix sum continued from the carry") {
  Tile a(DType::fp32, 2, 4), w(DType::fp32, 2, 4), h(DType::fp32, 2, 4);
  a.fill([](std::uint32_t, std::uint32_t) { return 1.0; });
  w.fill([](std::uint32_t r, std::uint32_t c) { return (r + 1.0) * (c + 1.0); });
  run(make(Opcode::vscan, 0, 10.0), h, &a, &w);  // carry imm = 10 for every row
  const double row0[4] = {11, 13, 16, 20};       // 10 + 1, + 2, + 3, + 4
  const double row1[4] = {12, 16, 22, 30};       // 10 + 2, + 4, + 6, + 8
  for (std::uint32_t c = 0; c < 4; ++c) {
    CHECK(h.get(0, c) == row0[c]);
    CHECK(h.get(1, c) == row1[c]);
  }
}

TEST_CASE("a linear vscan follows h = a * h + w with the carry from src2, in place") {
  Tile a(DType::fp32, 1, 3), w(DType::fp32, 1, 3), carry(DType::fp32, 1, 1);
  a.fill([](std::uint32_t, std::uint32_t) { return 0.5; });
  w.fill([](std::uint32_t, std::uint32_t c) { return double(c); });  // 0, 1, 2
  carry.set(0, 0, 8);
  run(make(Opcode::vscan), w, &a, &w, &carry);  // dst aliases src1
  CHECK(w.get(0, 0) == 4.0);                    // 0.5 * 8 + 0
  CHECK(w.get(0, 1) == 3.0);                    // 0.5 * 4 + 1
  CHECK(w.get(0, 2) == 3.5);                    // 0.5 * 3 + 2
}

TEST_CASE(
    "an fp32 linear vscan rounds the product and the sum separately (no fused multiply-add)") {
  // a = h = 1 + 2^-12: a * h = 1 + 2^-11 + 2^-24, a tie in fp32 that rounds to 1 + 2^-11 (even);
  // adding w = -(1 + 2^-11) then gives exactly 0. A fused multiply-add would give 2^-24.
  Tile a(DType::fp32, 1, 1), w(DType::fp32, 1, 1), h(DType::fp32, 1, 1);
  const double one_plus = 1 + std::ldexp(1.0, -12);
  a.set(0, 0, one_plus);
  w.set(0, 0, -(1 + std::ldexp(1.0, -11)));
  run(make(Opcode::vscan, 0, one_plus), h, &a, &w);
  CHECK(h.get(0, 0) == 0.0);
}

TEST_CASE("a logaddexp vscan matches a double reference rounded to fp32 each step") {
  Tile a(DType::fp32, 1, 6), w(DType::fp32, 1, 6), h(DType::fp32, 1, 6);
  const double av[6] = {-0.5, -1.25, 0.0, -3.0, -0.125, -2.0};
  const double wv[6] = {0.3, -2.0, 1.5, -0.75, 0.0, 4.0};
  a.fill([&](std::uint32_t, std::uint32_t c) { return av[c]; });
  w.fill([&](std::uint32_t, std::uint32_t c) { return wv[c]; });
  isa::Instruction ins = make(Opcode::vscan, 0, 0.25);
  ins.scan = isa::ScanMode::logaddexp;
  run(ins, h, &a, &w);
  double ref = 0.25;
  for (std::uint32_t c = 0; c < 6; ++c) {
    ref = double(float(std::log(std::exp(ref + float(av[c])) + std::exp(float(wv[c])))));
    CHECK(h.get(0, c) == Approx(ref).epsilon(1e-6));
  }
}

TEST_CASE("a logaddexp vscan stays finite where exp alone would overflow") {
  // log(e^1000 + e^1000) = 1000 + ln 2 = 1000.693147..., rounded to fp32 (ulp 2^-14 there)
  Tile a(DType::fp32, 1, 1), w(DType::fp32, 1, 1), h(DType::fp32, 1, 1);
  a.set(0, 0, 0);
  w.set(0, 0, 1000);
  isa::Instruction ins = make(Opcode::vscan, 0, 1000.0);
  ins.scan = isa::ScanMode::logaddexp;
  const NumericEvents ev = run(ins, h, &a, &w);
  CHECK(h.get(0, 0) == double(float(1000.0 + std::log(2.0))));
  CHECK_FALSE(ev.any());
}

}  // namespace
}  // namespace ascendsim::models::test
