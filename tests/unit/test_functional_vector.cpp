// Elementwise vector instructions: arithmetic, scalar forms, unary functions, dup, cast; their
// rounding and numeric events.
#include <catch2/catch.hpp>
#include <cstring>

#include "sim/isa/sim_error.hpp"
#include "tests/unit/test_functional_support.hpp"

namespace ascendsim::models::test {
namespace {

TEST_CASE("vexp in fp16 overflows to inf past 65504 and counts one event per element") {
  Tile x(DType::fp16, 1, 4), y(DType::fp16, 1, 4);
  x.set(0, 0, 12);  // e^12 = 162754.8 > 65504
  x.set(0, 1, 11);  // e^11 = 59874.1: finite, fp16 ulp 32 there -> 59872
  x.set(0, 2, 1);   // e = 2.71828..., ulp 2^-9 in [2, 4): 1391.76 ulps -> 1392 * 2^-9 = 2.71875
  x.set(0, 3, 12);
  const NumericEvents ev = run(make(Opcode::vexp), y, &x);
  CHECK(std::isinf(y.get(0, 0)));
  CHECK(y.get(0, 1) == 59872.0);
  CHECK(y.get(0, 2) == 2.71875);
  CHECK(std::isinf(y.get(0, 3)));
  CHECK(ev.overflow == 2);
  CHECK(ev.nan == 0);
}

TEST_CASE("vln of -1 produces NaN and counts it while ln(0) is -inf without an overflow event") {
  Tile x(DType::fp32, 1, 3), y(DType::fp32, 1, 3);
  x.set(0, 0, -1);
  x.set(0, 1, 0);
  x.set(0, 2, 1);
  const NumericEvents ev = run(make(Opcode::vln), y, &x);
  CHECK(std::isnan(y.get(0, 0)));
  CHECK(y.get(0, 1) == -INFINITY);  // the pole of log: exact, not an overflow
  CHECK(y.get(0, 2) == 0.0);
  CHECK(ev.nan == 1);
  CHECK(ev.overflow == 0);
}

TEST_CASE("fp32 vadd rounds like IEEE single: 0.1f + 0.2f is 0.3f") {
  // 0.1f = 13421773 * 2^-27, 0.2f = 13421773 * 2^-26; the sum 40265319 * 2^-27 needs 26 bits,
  // 40265319 / 4 = 10066329.75 rounds to 10066330 * 2^-25 = 0.3f (bits 0x3E99999A).
  Tile a(DType::fp32, 1, 1), b(DType::fp32, 1, 1), c(DType::fp32, 1, 1);
  a.set(0, 0, 0.1f);
  b.set(0, 0, 0.2f);
  run(make(Opcode::vadd), c, &a, &b);
  CHECK(c.bits(0, 0) == 0x3E99999Au);
}

TEST_CASE("fp32 arithmetic events: overflow, division by zero and 0/0") {
  Tile a(DType::fp32, 1, 3), b(DType::fp32, 1, 3), c(DType::fp32, 1, 3);
  a.set(0, 0, 3e38);
  b.set(0, 0, 3e38);  // 6e38 > 3.4e38: overflow
  a.set(0, 1, 1);
  b.set(0, 1, 0);  // 1/0 = inf is exact (a pole), not an overflow
  a.set(0, 2, 0);
  b.set(0, 2, 0);  // 0/0: NaN from non-NaN inputs
  NumericEvents ev = run(make(Opcode::vadd), c, &a, &b);
  CHECK(std::isinf(c.get(0, 0)));
  CHECK(ev.overflow == 1);
  ev = run(make(Opcode::vdiv), c, &a, &b);
  CHECK(c.get(0, 1) == INFINITY);
  CHECK(std::isnan(c.get(0, 2)));
  CHECK(ev.overflow == 0);
  CHECK(ev.nan == 1);
}

TEST_CASE("fp16 vmul rounds the exact product once and counts an overflow past 65504") {
  Tile a(DType::fp16, 1, 2), b(DType::fp16, 1, 2), c(DType::fp16, 1, 2);
  a.set(0, 0, 256);
  b.set(0, 0, 256);           // 65536 >= 65520: inf
  a.set(0, 1, 1.0009765625);  // 1 + 2^-10
  b.set(0, 1, 1.0009765625);  // square 1 + 2^-9 + 2^-20: 2^-20 is under half an ulp (2^-11)
  const NumericEvents ev = run(make(Opcode::vmul), c, &a, &b);
  CHECK(std::isinf(c.get(0, 0)));
  CHECK(c.get(0, 1) == 1.001953125);  // 1 + 2^-9
  CHECK(ev.overflow == 1);
}

TEST_CASE("vmuls in place on a strided view scales the tile and leaves row padding untouched") {
  Tile x(DType::fp16, 2, 3, 4);
  x.fill([](std::uint32_t r, std::uint32_t c) { return 1.0 + r * 3 + c; });  // 1..6
  run(make(Opcode::vmuls, 0, 0.5), x, &x);
  for (std::uint32_t r = 0; r < 2; ++r) {
    for (std::uint32_t c = 0; c < 3; ++c) CHECK(x.get(r, c) == (1.0 + r * 3 + c) / 2);
    CHECK(x.bits(r, 3) == 0xA5A5u);  // padding element
  }
}

TEST_CASE("vadds rounds its scalar to the operand type before adding") {
  // imm = 1 + 2^-12 is not an fp16 value: rounded to fp16 first it is 1 (a quarter ulp off),
  // so 2048 + 1 = 2049, a tie between 2048 and 2050 in fp16 (ulp 2) -> 2048 (even).
  // Without the pre-rounding 2049.000244 would round up to 2050.
  Tile x(DType::fp16, 1, 1), y(DType::fp16, 1, 1);
  x.set(0, 0, 2048);
  run(make(Opcode::vadds, 0, 1.0 + std::ldexp(1.0, -12)), y, &x);
  CHECK(y.get(0, 0) == 2048.0);
}

TEST_CASE("vmax and vmin propagate NaN and vrelu, vabs, vsqrt, vrsqrt and vrec give exact values") {
  Tile a(DType::fp32, 1, 2), b(DType::fp32, 1, 2), c(DType::fp32, 1, 2);
  a.set(0, 0, NAN);
  b.set(0, 0, 1);
  a.set(0, 1, -2);
  b.set(0, 1, 3);
  NumericEvents ev = run(make(Opcode::vmax), c, &a, &b);
  CHECK(std::isnan(c.get(0, 0)));
  CHECK(c.get(0, 1) == 3.0);
  CHECK(ev.nan == 0);  // the NaN came in, it was not produced
  run(make(Opcode::vmin), c, &a, &b);
  CHECK(std::isnan(c.get(0, 0)));
  CHECK(c.get(0, 1) == -2.0);

  Tile x(DType::fp16, 1, 2), y(DType::fp16, 1, 2);
  x.set(0, 0, -4);
  x.set(0, 1, 4);
  run(make(Opcode::vrelu), y, &x);
  CHECK(y.get(0, 0) == 0.0);
  CHECK(y.get(0, 1) == 4.0);
  run(make(Opcode::vabs), y, &x);
  CHECK(y.get(0, 0) == 4.0);
  run(make(Opcode::vrsqrt), y, &x);  // 1/sqrt(4) = 0.5; 1/sqrt(-4) = NaN
  CHECK(std::isnan(y.get(0, 0)));
  CHECK(y.get(0, 1) == 0.5);
  ev = run(make(Opcode::vsqrt), y, &x);
  CHECK(y.get(0, 1) == 2.0);
  CHECK(ev.nan == 1);  // sqrt(-4)
  run(make(Opcode::vrec), y, &x);
  CHECK(y.get(0, 1) == 0.25);
}

TEST_CASE("int32 vector arithmetic wraps, truncates division and rejects division by zero") {
  Tile a(DType::int32, 1, 2), b(DType::int32, 1, 2), c(DType::int32, 1, 2);
  a.set(0, 0, 2147483647);
  b.set(0, 0, 1);  // INT32_MAX + 1 wraps to INT32_MIN
  a.set(0, 1, 7);
  b.set(0, 1, -2);
  run(make(Opcode::vadd), c, &a, &b);
  CHECK(c.get(0, 0) == -2147483648.0);
  run(make(Opcode::vdiv), c, &a, &b);
  CHECK(c.get(0, 1) == -3.0);  // 7 / -2 = -3.5 truncated toward zero
  run(make(Opcode::vmul), c, &a, &b);
  CHECK(c.get(0, 1) == -14.0);
  b.set(0, 1, 0);
  CHECK_THROWS_WITH(run(make(Opcode::vdiv), c, &a, &b), "integer division by zero");
}

TEST_CASE("vdup fills a strided tile with imm rounded once to the dtype") {
  Tile t(DType::bf16, 2, 2, 3);
  run(make(Opcode::vdup, 0, 1.0 / 3.0), t);
  // 1/3 in bf16: 0.333984375 (= 171 * 2^-9; 1/3 = 170.67 * 2^-9 rounds up)
  for (std::uint32_t r = 0; r < 2; ++r) {
    CHECK(t.get(r, 0) == 0.333984375);
    CHECK(t.get(r, 1) == 0.333984375);
    CHECK(t.bits(r, 2) == 0xA5A5u);
  }
}

TEST_CASE("vcast fp32 to bf16 honours nearest-even and toward-zero on hand-picked values") {
  // bf16 keeps 8 significant bits: near 1 its ulp is 2^-7 = 0.0078125.
  Tile x(DType::fp32, 1, 3), y(DType::bf16, 1, 3);
  x.set(0, 0, 1 + std::ldexp(1.0, -8));                         // tie between 1 and 1 + 2^-7
  x.set(0, 1, 1 + 3 * std::ldexp(1.0, -8));                     // tie between 1 + 2^-7, 1 + 2^-6
  x.set(0, 2, 1 + std::ldexp(1.0, -8) + std::ldexp(1.0, -20));  // just above the first tie
  run(make(Opcode::vcast), y, &x);
  CHECK(y.get(0, 0) == 1.0);       // tie -> even mantissa (1)
  CHECK(y.get(0, 1) == 1.015625);  // tie -> even mantissa (1 + 2^-6)
  CHECK(y.get(0, 2) == 1.0078125);
  isa::Instruction rtz = make(Opcode::vcast);
  rtz.rounding = numeric::Rounding::toward_zero;
  run(rtz, y, &x);
  CHECK(y.get(0, 0) == 1.0);
  CHECK(y.get(0, 1) == 1.0078125);
  CHECK(y.get(0, 2) == 1.0);
}

TEST_CASE("vcast fp16 to int8 rounds to nearest even and saturates out-of-range values") {
  Tile x(DType::fp16, 1, 5), y(DType::int8, 1, 5);
  const double in[5] = {300, -300, 2.5, -2.5, 3.5};
  const double out[5] = {127, -128, 2, -2, 4};  // clamp, clamp, ties to even
  for (std::uint32_t c = 0; c < 5; ++c) x.set(0, c, in[c]);
  const NumericEvents ev = run(make(Opcode::vcast, isa::flag::saturate), y, &x);
  for (std::uint32_t c = 0; c < 5; ++c) CHECK(y.get(0, c) == out[c]);
  CHECK(ev.saturation == 2);
}

}  // namespace
}  // namespace ascendsim::models::test
