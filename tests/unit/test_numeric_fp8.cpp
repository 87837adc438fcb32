// OFP8 E4M3 and E5M2: all 256 codes of each against the spec's value formula, round trips,
// and the saturation / overflow behaviour at the top of each range.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>

#include "sim/numeric/convert.hpp"

using namespace ascendsim::numeric;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// OFP8 E4M3: S.EEEE.MMM, bias 7. Field 0 is subnormal 2^-6 * M/8; S.1111.111 is NaN and
// there is no inf, so field 15 with M < 7 is an ordinary normal (up to 2^8 * 1.75 = 448).
double e4m3_spec_value(std::uint32_t c) {
  const std::uint32_t s = c >> 7, e = (c >> 3) & 0xF, m = c & 0x7;
  if (e == 0xF && m == 0x7) return kNaN;
  const double v = e == 0 ? std::ldexp(m / 8.0, -6) : std::ldexp(1.0 + m / 8.0, int(e) - 7);
  return s ? -v : v;
}

// OFP8 E5M2: S.EEEEE.MM, bias 15, IEEE specials: field 31 is inf (M = 0) or NaN (M != 0).
double e5m2_spec_value(std::uint32_t c) {
  const std::uint32_t s = c >> 7, e = (c >> 2) & 0x1F, m = c & 0x3;
  if (e == 0x1F) return m != 0 ? kNaN : (s ? -kInf : kInf);
  const double v = e == 0 ? std::ldexp(m / 4.0, -14) : std::ldexp(1.0 + m / 4.0, int(e) - 15);
  return s ? -v : v;
}

}  // namespace

TEST_CASE("every fp8 e4m3 code decodes to the OFP8 value and re-encodes to itself") {
  for (std::uint32_t c = 0; c < 256; ++c) {
    INFO("e4m3 code 0x" << std::hex << c);
    const auto code = static_cast<std::uint8_t>(c);
    const double want = e4m3_spec_value(c);
    const float got = fp8_e4m3_to_float(code);
    if (std::isnan(want)) {  // 0x7F and 0xFF re-encode to the canonical NaN 0x7F
      CHECK(std::isnan(got));
      CHECK(to_fp8_e4m3(got) == 0x7F);
      continue;
    }
    CHECK(double(got) == want);
    CHECK(std::signbit(got) == (c >= 0x80));  // 0x80 is -0 and stays -0
    NumericEvents ev;
    CHECK(to_fp8_e4m3(got, Rounding::nearest_even, Overflow::saturate, &ev) == code);
    CHECK(to_fp8_e4m3(got, Rounding::toward_zero, Overflow::inf, &ev) == code);
    CHECK_FALSE(ev.any());
  }
  // Spot values from the spec's table: max normal 448, min normal 2^-6, min subnormal 2^-9.
  CHECK(fp8_e4m3_to_float(0x7E) == 448.0f);   // 0.1111.110: 2^(15-7) * 1.75
  CHECK(fp8_e4m3_to_float(0x08) == 0x1p-6f);  // 0.0001.000: 2^(1-7)
  CHECK(fp8_e4m3_to_float(0x01) == 0x1p-9f);  // 0.0000.001: 2^-6 * 1/8
  CHECK(max_finite(DType::fp8_e4m3) == 448.0);
}

TEST_CASE("every fp8 e5m2 code decodes to the OFP8 value and re-encodes to itself") {
  for (std::uint32_t c = 0; c < 256; ++c) {
    INFO("e5m2 code 0x" << std::hex << c);
    const auto code = static_cast<std::uint8_t>(c);
    const double want = e5m2_spec_value(c);
    const float got = fp8_e5m2_to_float(code);
    if (std::isnan(want)) {  // fields 31 with M in 1..3: canonical NaN 0x7E (M = 10)
      CHECK(std::isnan(got));
      CHECK(to_fp8_e5m2(got) == 0x7E);
      continue;
    }
    CHECK(double(got) == want);
    CHECK(std::signbit(got) == (c >= 0x80));
    NumericEvents ev;
    CHECK(to_fp8_e5m2(got, Rounding::nearest_even, Overflow::inf, &ev) == code);
    CHECK_FALSE(ev.any());  // +-inf codes (0x7C, 0xFC) stay inf without an overflow
  }
  CHECK(fp8_e5m2_to_float(0x7B) == 57344.0f);  // 0.11110.11: 2^(30-15) * 1.75
  CHECK(fp8_e5m2_to_float(0x01) == 0x1p-16f);  // 0.00000.01: 2^-14 * 1/4
  CHECK(max_finite(DType::fp8_e5m2) == 57344.0);
}

TEST_CASE("fp8 e4m3 saturates past 448 by default and gives NaN under Overflow::inf") {
  // The ulp in the top binade [256, 512) is 2^(8-3) = 32, so the value above 448 would be
  // 480 (code 0x7F, taken by NaN). 464 is the tie between 448 (fraction 110, even) and 480
  // (111, odd): RNE keeps 448, an ordinary rounding with no event.
  NumericEvents ev;
  CHECK(to_fp8_e4m3(448.0) == 0x7E);
  CHECK(to_fp8_e4m3(464.0, Rounding::nearest_even, Overflow::inf, &ev) == 0x7E);
  CHECK_FALSE(ev.any());
  // Anything above the tie rounds to the missing 480: clamped to 448 (saturation, default)...
  CHECK(to_fp8_e4m3(464.5, Rounding::nearest_even, Overflow::saturate, &ev) == 0x7E);
  CHECK(ev.saturation == 1);
  // ... or NaN under Overflow::inf, because E4M3 has no inf (a `nan` event).
  CHECK(to_fp8_e4m3(464.5, Rounding::nearest_even, Overflow::inf, &ev) == 0x7F);
  CHECK(ev.nan == 1);
  // Ties-away turns the 464 tie itself into an overflow; truncation keeps 1e9 at 448.
  CHECK(to_fp8_e4m3(464.0, Rounding::nearest_away, Overflow::inf) == 0x7F);
  CHECK(to_fp8_e4m3(1e9, Rounding::toward_zero, Overflow::inf) == 0x7E);
  CHECK(to_fp8_e4m3(-500.0) == 0xFE);  // -448, sign bit 0x80 over 0x7E
  // An inf input saturates by default and becomes NaN under Overflow::inf.
  CHECK(to_fp8_e4m3(kInf) == 0x7E);
  CHECK(to_fp8_e4m3(-kInf, Rounding::nearest_even, Overflow::inf) == 0x7F);
  // Subnormals: 2^-10 is half the smallest subnormal 2^-9: the tie goes to 0 (even).
  CHECK(to_fp8_e4m3(0x1p-10) == 0x00);
  CHECK(to_fp8_e4m3(0x1p-10, Rounding::nearest_away) == 0x01);
  // 3 * 2^-10 = 1.5 * 2^-9 ties between M = 1 (odd) and M = 2 (even): 0x02.
  CHECK(to_fp8_e4m3(3 * 0x1p-10) == 0x02);
}

TEST_CASE("fp8 e5m2 overflows to inf past 61440 and saturates on request") {
  // Top binade [2^15, 2^16): ulp 2^(15-2) = 8192; past max 57344 the next value would be
  // 65536 (inf's code), so the tie is 61440 and max's fraction 11 is odd: the tie goes up.
  NumericEvents ev;
  CHECK(to_fp8_e5m2(61439.0, Rounding::nearest_even, Overflow::inf, &ev) == 0x7B);
  CHECK_FALSE(ev.any());
  CHECK(to_fp8_e5m2(61440.0, Rounding::nearest_even, Overflow::inf, &ev) == 0x7C);
  CHECK(ev.overflow == 1);
  CHECK(to_fp8_e5m2(-61440.0, Rounding::nearest_even, Overflow::saturate, &ev) == 0xFB);
  CHECK(ev.saturation == 1);
  CHECK(to_fp8_e5m2(kNaN) == 0x7E);
  // Smallest subnormal 2^-14 * 1/4 = 2^-16; 2^-17 ties to 0, 1.5 * 2^-17 rounds up to it.
  CHECK(to_fp8_e5m2(0x1p-17) == 0x00);
  CHECK(to_fp8_e5m2(1.5 * 0x1p-17) == 0x01);
  // Normal rounding at 1.0 (0x3C: field 15, M 0); ulp 2^-2, 1.125 ties to the even 0x3C.
  CHECK(to_fp8_e5m2(1.125) == 0x3C);
  CHECK(to_fp8_e5m2(1.125, Rounding::ceil) == 0x3D);
}
