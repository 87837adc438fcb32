// NumericEvents: which conversion counts which event, one event per conversion at most, and
// a null pointer is accepted everywhere.
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

TEST_CASE("an overflow is counted when a finite value becomes inf") {
  NumericEvents ev;
  to_fp16(1e5, Rounding::nearest_even, Overflow::inf, &ev);      // 1e5 > 65520: inf
  to_bf16(1e39, Rounding::nearest_even, Overflow::inf, &ev);     // 1e39 > 3.4e38: inf
  to_fp8_e5m2(1e5, Rounding::nearest_even, Overflow::inf, &ev);  // 1e5 > 61440: inf
  to_fp32(1e39, Rounding::nearest_even, Overflow::inf, &ev);     // past FLT_MAX: inf
  CHECK(ev.overflow == 4);
  CHECK(ev.saturation == 0);
  CHECK(ev.nan == 0);
  // An inf input staying inf is not an overflow.
  to_fp16(kInf, Rounding::nearest_even, Overflow::inf, &ev);
  to_fp32(-kInf, Rounding::nearest_even, Overflow::inf, &ev);
  CHECK(ev.overflow == 4);
}

TEST_CASE("a saturation is counted when a value is clamped to the format's range") {
  NumericEvents ev;
  to_fp16(1e5, Rounding::nearest_even, Overflow::saturate, &ev);         // clamped by the mode
  to_fp16(1e5, Rounding::toward_zero, Overflow::inf, &ev);               // clamped by truncation
  to_fp8_e4m3(1000.0, Rounding::nearest_even, Overflow::saturate, &ev);  // 1000 > 464
  to_fp4_e2m1(10.0, Rounding::nearest_even, &ev);                        // fp4 always saturates
  to_integer(300.0, DType::uint8, Rounding::nearest_even, &ev);          // 300 > 255
  CHECK(ev.saturation == 5);
  CHECK(ev.overflow == 0);
  // Landing exactly on max is not a clamp: 65519 truncates to 65504 by itself.
  to_fp16(65519.0, Rounding::toward_zero, Overflow::inf, &ev);
  CHECK(ev.saturation == 5);
}

TEST_CASE("a nan event is counted when a NaN appears from a non-NaN input or is dropped") {
  NumericEvents ev;
  to_fp8_e4m3(1000.0, Rounding::nearest_even, Overflow::inf, &ev);  // no inf in e4m3: NaN
  to_fp8_e4m3(kInf, Rounding::nearest_even, Overflow::inf, &ev);    // likewise for inf
  to_fp4_e1m2(kNaN, Rounding::nearest_even, &ev);                   // no NaN code: 0
  to_integer(kNaN, DType::int32, Rounding::nearest_even, &ev);      // no NaN in int32: 0
  CHECK(ev.nan == 4);
  // A NaN input to a format with NaN propagates without an event.
  to_fp16(kNaN, Rounding::nearest_even, Overflow::inf, &ev);
  to_fp8_e4m3(kNaN, Rounding::nearest_even, Overflow::saturate, &ev);
  CHECK(ev.nan == 4);
  CHECK(ev.overflow == 0);
}

TEST_CASE("an underflow is counted when a nonzero value rounds to zero") {
  NumericEvents ev;
  to_fp16(1e-9, Rounding::nearest_even, Overflow::inf, &ev);       // far below 2^-25 = 2.98e-8
  to_fp32(1e-50, Rounding::toward_zero, Overflow::inf, &ev);       // below 2^-149 = 1.4e-45
  to_fp8_e5m2(-1e-9, Rounding::nearest_even, Overflow::inf, &ev);  // gives -0, still counted
  to_fp4_e2m1(0.2, Rounding::nearest_even, &ev);  // below the 0.25 midpoint of 0 and 0.5
  CHECK(ev.underflow == 4);
  // Zero itself, or a tiny value rounded away from zero, is not an underflow.
  to_fp16(0.0, Rounding::nearest_even, Overflow::inf, &ev);
  to_fp16(1e-9, Rounding::ceil, Overflow::inf, &ev);  // -> 2^-24
  CHECK(ev.underflow == 4);
  CHECK_FALSE(ev.overflow + ev.saturation + ev.nan);
}

TEST_CASE("conversions accept a null event pointer and events add up") {
  // Every event kind once, with no counters attached: nothing may crash.
  CHECK(to_fp16(1e5) == 0x7C00);
  CHECK(to_fp16(1e-9) == 0x0000);
  CHECK(to_fp8_e4m3(1e5, Rounding::nearest_even, Overflow::inf) == 0x7F);
  CHECK(to_integer(kNaN, DType::int8) == 0);
  std::uint8_t mem[4] = {};
  store_element(DType::fp16, mem, 0, 1e5);
  CHECK(mem[1] == 0x7C);  // high byte of inf 0x7C00
  // operator+= adds field by field.
  NumericEvents a, b;
  a.overflow = 1;
  b.overflow = 2;
  b.underflow = 3;
  a += b;
  CHECK(a.overflow == 3);
  CHECK(a.underflow == 3);
  CHECK(a.any());
}
