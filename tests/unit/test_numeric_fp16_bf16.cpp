// fp16 and bf16: exhaustive decode / re-encode of every bit pattern against the IEEE formula,
// then hand-derived rounding, subnormal and overflow cases for conversions from wider values.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>

#include "sim/numeric/convert.hpp"

using namespace ascendsim::numeric;

namespace {

// IEEE binary value of a (sign, exponent field, fraction) triple with `man_bits` fraction bits
// and `bias`; exponent field 0 is subnormal: fraction * 2^(1 - bias - man_bits).
double ieee_value(std::uint32_t sign, std::uint32_t field, std::uint32_t fraction, int man_bits,
                  int bias) {
  const double magnitude =
      field == 0 ? std::ldexp(fraction, 1 - bias - man_bits)
                 : std::ldexp(fraction + (1u << man_bits), int(field) - bias - man_bits);
  return sign ? -magnitude : magnitude;
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST_CASE("every fp16 bit pattern decodes to its IEEE value and re-encodes to itself") {
  for (std::uint32_t h = 0; h <= 0xFFFF; ++h) {
    const auto bits = static_cast<std::uint16_t>(h);
    const std::uint32_t sign = h >> 15, field = (h >> 10) & 0x1F, fraction = h & 0x3FF;
    const float f = fp16_to_float(bits);
    INFO("fp16 bits 0x" << std::hex << h);
    if (field == 0x1F && fraction != 0) {  // exponent all ones, fraction != 0: NaN
      CHECK(std::isnan(f));
      CHECK(std::isnan(fp16_to_float(to_fp16(f))));
      continue;
    }
    // field 31 with fraction 0 is inf; otherwise 10 fraction bits and bias 15
    const double expected =
        field == 0x1F ? (sign ? -kInf : kInf) : ieee_value(sign, field, fraction, 10, 15);
    CHECK(double(f) == expected);
    CHECK(std::signbit(f) == (sign != 0));  // -0 keeps its sign
    NumericEvents ev;
    CHECK(to_fp16(f, Rounding::nearest_even, Overflow::inf, &ev) == bits);
    CHECK_FALSE(ev.any());  // exact values raise nothing
  }
}

TEST_CASE("every bf16 bit pattern decodes to its IEEE value and re-encodes to itself") {
  for (std::uint32_t b = 0; b <= 0xFFFF; ++b) {
    const auto bits = static_cast<std::uint16_t>(b);
    const std::uint32_t sign = b >> 15, field = (b >> 7) & 0xFF, fraction = b & 0x7F;
    const float f = bf16_to_float(bits);
    INFO("bf16 bits 0x" << std::hex << b);
    if (field == 0xFF && fraction != 0) {
      CHECK(std::isnan(f));
      CHECK(std::isnan(bf16_to_float(to_bf16(f))));
      continue;
    }
    // 7 fraction bits and bias 127, the upper half of an fp32
    const double expected =
        field == 0xFF ? (sign ? -kInf : kInf) : ieee_value(sign, field, fraction, 7, 127);
    CHECK(double(f) == expected);
    CHECK(std::signbit(f) == (sign != 0));
    CHECK(to_bf16(f) == bits);
  }
}

TEST_CASE("fp32 to fp16 ties round to the even fraction") {
  // fp16 has 10 fraction bits, so the ulp at 1.0 (0x3C00) is 2^-10 and half an ulp is 2^-11.
  // 1 + 2^-11 lies halfway between 0x3C00 (fraction 0, even) and 0x3C01: goes down.
  CHECK(to_fp16(1.0f + 0x1p-11f) == 0x3C00);
  // 1 + 3*2^-11 lies halfway between 0x3C01 (odd) and 0x3C02 = 1 + 2^-9 (even): goes up.
  CHECK(to_fp16(1.0f + 3 * 0x1p-11f) == 0x3C02);
  CHECK(fp16_to_float(0x3C02) == 1.0f + 0x1p-9f);
  // Just above the first tie (by 2^-20, far below half an ulp) must round up to 0x3C01.
  CHECK(to_fp16(1.0 + 0x1p-11 + 0x1p-20) == 0x3C01);
  // The sign does not matter for ties-to-even: -(1 + 2^-11) -> -1.0 = 0xBC00.
  CHECK(to_fp16(-(1.0 + 0x1p-11)) == 0xBC00);
}

TEST_CASE("fp32 to fp16 follows each of the five rounding modes") {
  struct Case {
    double x;
    std::uint16_t rne, rtz, rna, floor, ceil;
  };
  const Case cases[] = {
      // 1 + 2^-12: a quarter ulp above 1.0 (0x3C00). Only ceil moves up, to 0x3C01.
      {1.0 + 0x1p-12, 0x3C00, 0x3C00, 0x3C00, 0x3C00, 0x3C01},
      // Mirror image: -(1 + 2^-12). Only floor moves away from zero, to 0xBC01.
      {-(1.0 + 0x1p-12), 0xBC00, 0xBC00, 0xBC00, 0xBC01, 0xBC00},
      // The tie 1 + 2^-11: RNE keeps the even 0x3C00, RNA goes away to 0x3C01.
      {1.0 + 0x1p-11, 0x3C00, 0x3C00, 0x3C01, 0x3C00, 0x3C01},
      // The tie -(1 + 3*2^-11) between 0xBC01 (odd) and 0xBC02 (even): RNE and RNA both pick
      // 0xBC02, truncation and ceil keep 0xBC01, floor goes to the more negative 0xBC02.
      {-(1.0 + 3 * 0x1p-11), 0xBC02, 0xBC01, 0xBC02, 0xBC02, 0xBC01},
      // 3/4 of an ulp above 2.0 (ulp there 2^-9): 2 + 3*2^-11. Nearest modes go up to 0x4001.
      {2.0 + 3 * 0x1p-11, 0x4001, 0x4000, 0x4001, 0x4000, 0x4001},
  };
  for (const Case& c : cases) {
    INFO("x = " << c.x);
    CHECK(to_fp16(c.x, Rounding::nearest_even) == c.rne);
    CHECK(to_fp16(c.x, Rounding::toward_zero) == c.rtz);
    CHECK(to_fp16(c.x, Rounding::nearest_away) == c.rna);
    CHECK(to_fp16(c.x, Rounding::floor) == c.floor);
    CHECK(to_fp16(c.x, Rounding::ceil) == c.ceil);
  }
}

TEST_CASE("fp32 to fp16 rounds correctly in the subnormal range") {
  // Smallest subnormal: fraction 1 with field 0 is 1 * 2^(1 - 15 - 10) = 2^-24.
  CHECK(to_fp16(0x1p-24) == 0x0001);
  CHECK(fp16_to_float(0x0001) == 0x1p-24f);
  // 2^-25 is exactly halfway between 0 (even) and 2^-24: RNE gives +0 and counts underflow.
  NumericEvents ev;
  CHECK(to_fp16(0x1p-25, Rounding::nearest_even, Overflow::inf, &ev) == 0x0000);
  CHECK(ev.underflow == 1);
  // ... while ties-away and ceil give the smallest subnormal, and -2^-25 under RNE gives -0.
  CHECK(to_fp16(0x1p-25, Rounding::nearest_away) == 0x0001);
  CHECK(to_fp16(0x1p-25, Rounding::ceil) == 0x0001);
  CHECK(to_fp16(-0x1p-25) == 0x8000);
  // 3 * 2^-26 = 0.75 * 2^-24 is above the half-way point 2^-25: rounds to 2^-24.
  CHECK(to_fp16(3 * 0x1p-26) == 0x0001);
  // 5 * 2^-25 = 2.5 * 2^-24 ties between fractions 2 (even) and 3: fraction 2.
  CHECK(to_fp16(5 * 0x1p-25) == 0x0002);
  // Largest subnormal 1023 * 2^-24 (0x03FF); 1023.5 * 2^-24 ties with the smallest normal
  // 1024 * 2^-24 = 2^-14 (0x0400, fraction 0: even), so it carries into the exponent.
  CHECK(to_fp16(1023 * 0x1p-24) == 0x03FF);
  CHECK(to_fp16(1023.5 * 0x1p-24) == 0x0400);
  CHECK(fp16_to_float(0x0400) == 0x1p-14f);
}

TEST_CASE("fp32 to fp16 overflows at max finite plus half an ulp") {
  // Max finite fp16: field 30, fraction 0x3FF = (2 - 2^-10) * 2^15 = 65504 (0x7BFF). The ulp
  // in that binade is 2^(15-10) = 32, so the overflow threshold under RNE is 65504 + 16.
  CHECK(max_finite(DType::fp16) == 65504.0);
  CHECK(to_fp16(65504.0) == 0x7BFF);
  NumericEvents ev;
  CHECK(to_fp16(65519.99, Rounding::nearest_even, Overflow::inf, &ev) == 0x7BFF);
  CHECK_FALSE(ev.any());  // rounding down to max is ordinary rounding
  // 65520 is the tie; 0x7BFF has an odd fraction, so the tie goes up: inf (0x7C00).
  CHECK(to_fp16(65520.0, Rounding::nearest_even, Overflow::inf, &ev) == 0x7C00);
  CHECK(ev.overflow == 1);
  CHECK(to_fp16(-65520.0) == 0xFC00);
  // Saturate mode clamps the same value to 65504 and counts it.
  NumericEvents sat;
  CHECK(to_fp16(65520.0, Rounding::nearest_even, Overflow::saturate, &sat) == 0x7BFF);
  CHECK(sat.saturation == 1);
  CHECK(sat.overflow == 0);
  // Truncation never overflows: 65520 truncates to 65504 by itself (no event) and 1e6 is
  // clamped to 65504 by the rounding direction (a saturation).
  NumericEvents rtz;
  CHECK(to_fp16(65520.0, Rounding::toward_zero, Overflow::inf, &rtz) == 0x7BFF);
  CHECK_FALSE(rtz.any());
  CHECK(to_fp16(1e6, Rounding::toward_zero, Overflow::inf, &rtz) == 0x7BFF);
  CHECK(rtz.saturation == 1);
  // floor sends a large negative to -inf but a large positive only to +max; ceil the reverse.
  CHECK(to_fp16(-1e6, Rounding::floor) == 0xFC00);
  CHECK(to_fp16(1e6, Rounding::floor) == 0x7BFF);
  CHECK(to_fp16(1e6, Rounding::ceil) == 0x7C00);
  CHECK(to_fp16(-1e6, Rounding::ceil) == 0xFBFF);
}

TEST_CASE("fp16 and bf16 keep NaN and inf without an overflow event") {
  NumericEvents ev;
  CHECK(std::isnan(fp16_to_float(to_fp16(kNaN, Rounding::nearest_even, Overflow::inf, &ev))));
  CHECK(to_fp16(kNaN) == 0x7E00);  // canonical quiet NaN: field 31, top fraction bit
  CHECK(to_fp16(kInf, Rounding::nearest_even, Overflow::inf, &ev) == 0x7C00);
  CHECK(to_fp16(-kInf, Rounding::toward_zero, Overflow::inf, &ev) == 0xFC00);
  CHECK(to_bf16(kInf, Rounding::nearest_even, Overflow::inf, &ev) == 0x7F80);
  CHECK(to_bf16(kNaN, Rounding::nearest_even, Overflow::inf, &ev) == 0x7FC0);
  CHECK_FALSE(ev.any());
  // Under Overflow::saturate an inf input is clamped like any out-of-range value.
  CHECK(to_fp16(-kInf, Rounding::nearest_even, Overflow::saturate, &ev) == 0xFBFF);
  CHECK(ev.saturation == 1);
}

TEST_CASE("fp32 to bf16 rounds ties to even, handles subnormals and overflows past max") {
  // bf16 has 7 fraction bits: the ulp at 1.0 (0x3F80) is 2^-7, half an ulp 2^-8.
  CHECK(to_bf16(1.0 + 0x1p-8) == 0x3F80);      // tie, 0x3F80 even
  CHECK(to_bf16(1.0 + 3 * 0x1p-8) == 0x3F82);  // tie between 0x3F81 and 0x3F82 (even)
  CHECK(to_bf16(1.0 + 0x1p-8, Rounding::nearest_away) == 0x3F81);
  CHECK(to_bf16(-(1.0 + 0x1p-9), Rounding::floor) == 0xBF81);  // away from zero for negatives
  CHECK(to_bf16(-(1.0 + 0x1p-9), Rounding::ceil) == 0xBF80);
  // Smallest subnormal 2^(1 - 127 - 7) = 2^-133; half of it ties to 0 under RNE.
  CHECK(to_bf16(0x1p-133) == 0x0001);
  CHECK(to_bf16(0x1p-134) == 0x0000);
  CHECK(to_bf16(0x1p-134, Rounding::ceil) == 0x0001);
  // Max finite (2 - 2^-7) * 2^127 (0x7F7F); ulp there 2^120, threshold max + 2^119.
  const double max = max_finite(DType::bf16);
  CHECK(max == std::ldexp(255.0, 120));     // (2 - 2^-7) * 2^127 = 255 * 2^120
  CHECK(to_bf16(max + 0x1p118) == 0x7F7F);  // a quarter ulp above max
  NumericEvents ev;
  CHECK(to_bf16(max + 0x1p119, Rounding::nearest_even, Overflow::inf, &ev) == 0x7F80);
  CHECK(ev.overflow == 1);
  CHECK(to_bf16(max + 0x1p119, Rounding::nearest_even, Overflow::saturate) == 0x7F7F);
}
