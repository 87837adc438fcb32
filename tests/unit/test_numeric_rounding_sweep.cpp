// A format-independent oracle for every rounding mode: between each pair of adjacent finite
// codes a < b of a format, the midpoint and the doubles just either side of it must round as
// the mode says. The oracle only orders the decoded values, so it checks the encoder without
// sharing its bit arithmetic. Also checks to_fp32 against a nextafter bracket.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>

#include "sim/numeric/convert.hpp"

using namespace ascendsim::numeric;

namespace {

constexpr Rounding kModes[] = {Rounding::nearest_even, Rounding::toward_zero,
                               Rounding::nearest_away, Rounding::floor, Rounding::ceil};

struct FormatUnderTest {
  const char* name;
  std::uint32_t max_code;  // largest positive finite code: codes 0..max_code increase in value
  std::uint32_t sign_bit;
  std::function<double(std::uint32_t)> decode;
  std::function<std::uint32_t(double, Rounding)> encode;
};

// The code the mode must give for the positive value x with lo_value < x < hi_value, where
// `mid` is their midpoint; `negate` asks for -x instead (floor and ceil swap roles).
std::uint32_t expected_code(Rounding r, double x, double mid, std::uint32_t lo, std::uint32_t hi,
                            bool negate) {
  switch (r) {
    case Rounding::nearest_even:
      return x < mid ? lo : x > mid ? hi : (lo % 2 == 0 ? lo : hi);
    case Rounding::nearest_away:
      return x < mid ? lo : hi;
    case Rounding::toward_zero:
      return lo;
    case Rounding::floor:
      return negate ? hi : lo;
    case Rounding::ceil:
      return negate ? lo : hi;
  }
  return lo;
}

void sweep(const FormatUnderTest& f) {
  INFO(f.name);
  for (std::uint32_t lo = 0; lo < f.max_code; ++lo) {
    const std::uint32_t hi = lo + 1;
    const double a = f.decode(lo), b = f.decode(hi);
    REQUIRE(a < b);
    const double mid = (a + b) / 2;  // exact: both have few significant bits
    for (const double x : {std::nextafter(mid, a), mid, std::nextafter(mid, b)}) {
      for (const Rounding r : kModes) {
        for (const bool negate : {false, true}) {
          const std::uint32_t mag = expected_code(r, x, mid, lo, hi, negate);
          const std::uint32_t want = negate ? (mag | f.sign_bit) : mag;
          const std::uint32_t got = f.encode(negate ? -x : x, r);
          if (got != want) {
            FAIL_CHECK("x = " << (negate ? -x : x) << " mode " << rounding_name(r) << ": got 0x"
                              << std::hex << got << ", want 0x" << want);
          }
        }
      }
    }
    // The endpoints themselves are exact in every mode.
    for (const Rounding r : kModes) CHECK(f.encode(a, r) == lo);
  }
}

}  // namespace

TEST_CASE("every adjacent pair of fp16 values splits at its midpoint in all five modes") {
  // 0x7BFF = 65504 is the largest finite fp16 (field 30, fraction all ones).
  sweep({"fp16", 0x7BFF, 0x8000, [](std::uint32_t c) { return double(fp16_to_float(c)); },
         [](double x, Rounding r) { return std::uint32_t(to_fp16(x, r)); }});
}

TEST_CASE("every adjacent pair of bf16 values splits at its midpoint in all five modes") {
  // 0x7F7F: field 254, fraction all ones, the largest finite bf16.
  sweep({"bf16", 0x7F7F, 0x8000, [](std::uint32_t c) { return double(bf16_to_float(c)); },
         [](double x, Rounding r) { return std::uint32_t(to_bf16(x, r)); }});
}

TEST_CASE("every adjacent pair of fp8 and fp4 values splits at its midpoint in all five modes") {
  // e4m3 max 0x7E = 448 (0x7F is NaN); e5m2 max 0x7B = 57344 (0x7C is inf); both fp4 formats
  // use every magnitude code, so their max is 0x7 with the sign in bit 3.
  sweep({"e4m3", 0x7E, 0x80, [](std::uint32_t c) { return double(fp8_e4m3_to_float(c)); },
         [](double x, Rounding r) { return std::uint32_t(to_fp8_e4m3(x, r)); }});
  sweep({"e5m2", 0x7B, 0x80, [](std::uint32_t c) { return double(fp8_e5m2_to_float(c)); },
         [](double x, Rounding r) { return std::uint32_t(to_fp8_e5m2(x, r)); }});
  sweep({"e2m1", 0x7, 0x8, [](std::uint32_t c) { return double(fp4_e2m1_to_float(c)); },
         [](double x, Rounding r) { return std::uint32_t(to_fp4_e2m1(x, r)); }});
  sweep({"e1m2", 0x7, 0x8, [](std::uint32_t c) { return double(fp4_e1m2_to_float(c)); },
         [](double x, Rounding r) { return std::uint32_t(to_fp4_e1m2(x, r)); }});
}

TEST_CASE("to_fp32 lands on the float bracket that nextafter gives for each mode") {
  // For a double x, the two floats around it are lo <= x <= hi with hi = nextafter(lo, +inf);
  // floor picks lo, ceil hi, toward_zero the one nearer to zero; an x that is a float maps to
  // itself. The RNE cast (assumed correct on the host) gives one of the two to start from.
  std::mt19937_64 rng(20240611);  // fixed seed: the same values on every run
  for (int i = 0; i < 200000; ++i) {
    // Exponents in [-160, 140) reach fp32 subnormals (below 2^-126) and overflow (2^128).
    const double x =
        std::ldexp(std::uniform_real_distribution<double>(-2.0, 2.0)(rng), int(rng() % 300) - 160);
    const float rne = static_cast<float>(x);
    if (std::isinf(rne)) continue;  // overflow is tested by hand below
    const float lo = double(rne) <= x ? rne : std::nextafter(rne, -INFINITY);
    const float hi = double(rne) >= x ? rne : std::nextafter(rne, INFINITY);
    if (std::isinf(lo) || std::isinf(hi)) continue;
    INFO("x = " << x);
    CHECK(to_fp32(x, Rounding::floor) == lo);
    CHECK(to_fp32(x, Rounding::ceil) == hi);
    CHECK(to_fp32(x, Rounding::toward_zero) == (x < 0 ? hi : lo));
    CHECK(to_fp32(x, Rounding::nearest_even) == rne);
    // Away from a tie, ties-away agrees with RNE; at a tie it picks the larger magnitude.
    const double mid = (double(lo) + double(hi)) / 2;
    CHECK(to_fp32(x, Rounding::nearest_away) == (x == mid ? (x < 0 ? lo : hi) : rne));
  }
}

TEST_CASE("to_fp32 rounds hand-picked ties, subnormals and overflows as told") {
  // fp32 ulp at 1.0 is 2^-23: 1 + 2^-24 is the tie between 1.0 (even) and 1 + 2^-23.
  CHECK(to_fp32(1.0 + 0x1p-24, Rounding::nearest_even) == 1.0f);
  CHECK(to_fp32(1.0 + 0x1p-24, Rounding::nearest_away) == 1.0f + 0x1p-23f);
  CHECK(to_fp32(-(1.0 + 0x1p-24), Rounding::floor) == -(1.0f + 0x1p-23f));
  CHECK(to_fp32(-(1.0 + 0x1p-24), Rounding::ceil) == -1.0f);
  // Smallest subnormal 2^-149; 2^-150 ties to +0 under RNE (an underflow), ceil gives 2^-149.
  NumericEvents ev;
  CHECK(to_fp32(0x1p-150, Rounding::nearest_even, Overflow::inf, &ev) == 0.0f);
  CHECK(ev.underflow == 1);
  CHECK(to_fp32(0x1p-150, Rounding::ceil) == 0x1p-149f);
  // Max (2 - 2^-23) * 2^127 with ulp 2^104: max + 2^103 is the tie (odd fraction) -> inf.
  const double max = max_finite(DType::fp32);
  CHECK(std::isinf(to_fp32(max + 0x1p103, Rounding::nearest_even, Overflow::inf, &ev)));
  CHECK(ev.overflow == 1);
  CHECK(to_fp32(max + 0x1p103, Rounding::nearest_even, Overflow::saturate, &ev) == float(max));
  CHECK(to_fp32(0x1p200, Rounding::toward_zero, Overflow::inf, &ev) == float(max));
  CHECK(ev.saturation == 2);
}
