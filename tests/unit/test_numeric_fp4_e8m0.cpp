// The 4-bit float grids (OCP MX e2m1 and MSD's uniform e1m2) and the e8m0 block scale.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>

#include "sim/numeric/convert.hpp"

using namespace ascendsim::numeric;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TEST_CASE("every fp4 e2m1 code decodes to the OCP MX grid and re-encodes to itself") {
  // S.EE.M, bias 1: field 0 is subnormal M * 0.5; field e > 0 is 2^(e-1) * (1 + M/2).
  const double grid[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};  // the OCP MX FP4 magnitudes
  for (std::uint32_t c = 0; c < 16; ++c) {
    INFO("e2m1 code " << c);
    const std::uint32_t e = (c >> 1) & 3, m = c & 1;
    const double formula = e == 0 ? m * 0.5 : std::ldexp(1.0 + m / 2.0, int(e) - 1);
    CHECK(formula == grid[c & 7]);
    const double want = (c & 8) ? -grid[c & 7] : grid[c & 7];
    const float got = fp4_e2m1_to_float(static_cast<std::uint8_t>(c));
    CHECK(double(got) == want);
    CHECK(std::signbit(got) == (c >= 8));  // code 8 is -0
    CHECK(to_fp4_e2m1(got) == c);
  }
  CHECK(max_finite(DType::fp4_e2m1) == 6.0);
  // The upper nibble is ignored by the decoder: 0xF3 reads as code 3 = 1.5.
  CHECK(fp4_e2m1_to_float(0xF3) == 1.5f);
}

TEST_CASE("fp4 e2m1 ties go to the even code and values past 6 saturate") {
  CHECK(to_fp4_e2m1(2.5) == 0x4);   // between 2 (code 4, even) and 3 (code 5)
  CHECK(to_fp4_e2m1(3.5) == 0x6);   // between 3 (code 5) and 4 (code 6, even)
  CHECK(to_fp4_e2m1(5.0) == 0x6);   // between 4 (code 6, even) and 6 (code 7)
  CHECK(to_fp4_e2m1(0.25) == 0x0);  // between 0 (code 0, even) and 0.5 (code 1)
  CHECK(to_fp4_e2m1(-2.5) == 0xC);  // sign bit 8 over code 4
  CHECK(to_fp4_e2m1(2.5, Rounding::nearest_away) == 0x5);
  // 7 is the tie between 6 (code 7, odd) and the next grid value 8 (ulp 2 in [4, 8)): RNE
  // goes up, out of range, so it saturates to 6 and counts it.
  NumericEvents ev;
  CHECK(to_fp4_e2m1(7.0, Rounding::nearest_even, &ev) == 0x7);
  CHECK(ev.saturation == 1);
  CHECK(to_fp4_e2m1(6.9, Rounding::nearest_even, &ev) == 0x7);  // below the tie: plain rounding
  CHECK(ev.saturation == 1);
  CHECK(to_fp4_e2m1(-kInf, Rounding::nearest_even, &ev) == 0xF);  // -6
  CHECK(ev.saturation == 2);
  // No NaN code: NaN becomes +0 with a nan event.
  CHECK(to_fp4_e2m1(kNaN, Rounding::nearest_even, &ev) == 0x0);
  CHECK(ev.nan == 1);
}

TEST_CASE("every fp4 e1m2 code is sign bit 3 over magnitude bits 0-2 counting quarters") {
  // S.E.MM with bias 1: field 0 gives M/4, field 1 gives 1 + M/4, i.e. magnitude code * 0.25.
  for (std::uint32_t c = 0; c < 16; ++c) {
    INFO("e1m2 code " << c);
    const std::uint32_t e = (c >> 2) & 1, m = c & 3;
    const double formula = e == 0 ? m / 4.0 : 1.0 + m / 4.0;
    CHECK(formula == (c & 7) * 0.25);
    const double want = (c & 8) ? -formula : formula;
    const float got = fp4_e1m2_to_float(static_cast<std::uint8_t>(c));
    CHECK(double(got) == want);
    CHECK(std::signbit(got) == (c >= 8));
    CHECK(to_fp4_e1m2(got) == c);
  }
  CHECK(max_finite(DType::fp4_e1m2) == 1.75);  // magnitude code 7 * 0.25
}

TEST_CASE("fp4 e1m2 ties go to the even quarter and values past 1.75 saturate") {
  NumericEvents ev;
  CHECK(to_fp4_e1m2(0.125, Rounding::nearest_even, &ev) == 0x0);  // 0 (even) vs 0.25
  CHECK(ev.underflow == 1);
  CHECK(to_fp4_e1m2(0.375) == 0x2);   // 0.25 (code 1) vs 0.5 (code 2, even)
  CHECK(to_fp4_e1m2(1.125) == 0x4);   // 1.0 (code 4, even) vs 1.25 (code 5)
  CHECK(to_fp4_e1m2(-1.375) == 0xE);  // 1.25 (5) vs 1.5 (6, even), sign bit 8
  CHECK(to_fp4_e1m2(1.125, Rounding::ceil) == 0x5);
  CHECK(to_fp4_e1m2(-1.125, Rounding::floor) == 0xD);  // away from zero: -1.25
  // 1.875 ties between 1.75 (code 7, odd) and the missing 2.0: goes up, saturates.
  CHECK(to_fp4_e1m2(1.875, Rounding::nearest_even, &ev) == 0x7);
  CHECK(ev.saturation == 1);
  CHECK(to_fp4_e1m2(100.0, Rounding::toward_zero) == 0x7);
}

TEST_CASE("every e8m0 code is a power of two that re-encodes to itself and 0xFF is NaN") {
  for (std::uint32_t c = 0; c < 255; ++c) {
    const double v = e8m0_to_double(static_cast<std::uint8_t>(c));
    CHECK(v == std::ldexp(1.0, int(c) - 127));  // 2^(code - 127), from 2^-127 to 2^127
    // An exact power of two needs no rounding in any mode.
    for (const Rounding r : {Rounding::floor, Rounding::ceil, Rounding::nearest_even,
                             Rounding::toward_zero, Rounding::nearest_away})
      CHECK(to_e8m0(v, r) == c);
  }
  CHECK(std::isnan(e8m0_to_double(0xFF)));
  CHECK(to_e8m0(kNaN) == 0xFF);
  CHECK(max_finite(DType::e8m0) == std::ldexp(1.0, 127));  // code 254
}

TEST_CASE("e8m0 rounds log2 of the magnitude as told and clamps out-of-range scales") {
  // log2(3) = 1.585: floor 1 (code 128), ceil 2 (129); nearest 2 because 3 = 1.5 * 2^1 and
  // 1.5 > sqrt(2) (the log-domain midpoint); toward zero 1.
  CHECK(to_e8m0(3.0) == 128);  // floor is the default (the OCP MX rule)
  CHECK(to_e8m0(3.0, Rounding::ceil) == 129);
  CHECK(to_e8m0(3.0, Rounding::nearest_even) == 129);
  CHECK(to_e8m0(3.0, Rounding::toward_zero) == 128);
  CHECK(to_e8m0(-3.0) == 128);  // the scale is for |x|
  // 1.4 = 1.4 * 2^0 with 1.4 < sqrt(2) = 1.41421: nearest is 2^0 (code 127).
  CHECK(to_e8m0(1.4, Rounding::nearest_even) == 127);
  // 0.75: log2 = -0.415, floor -1 (126), ceil 0 (127), toward zero 0 (127), nearest 0
  // (0.75 = 1.5 * 2^-1, 1.5 > sqrt(2)).
  CHECK(to_e8m0(0.75) == 126);
  CHECK(to_e8m0(0.75, Rounding::toward_zero) == 127);
  CHECK(to_e8m0(0.75, Rounding::nearest_away) == 127);
  // 2^200 exceeds 2^127: clamps to code 254; 2^-130 clamps to code 0 (2^-127).
  NumericEvents ev;
  CHECK(to_e8m0(0x1p200, Rounding::floor, &ev) == 254);
  CHECK(to_e8m0(0x1p-130, Rounding::floor, &ev) == 0);
  CHECK(ev.saturation == 2);
  // Zero gets the smallest scale without an event; inf has no e8m0 code: NaN, counted.
  CHECK(to_e8m0(0.0, Rounding::floor, &ev) == 0);
  CHECK(to_e8m0(kInf, Rounding::floor, &ev) == 0xFF);
  CHECK(ev.nan == 1);
  CHECK(ev.saturation == 2);
}
